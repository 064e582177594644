import OncoCore
import Survival
import Warehouse

extension CohortAnalysis {
    /// Step 3 of `compute`: each candidate's group (its code into `labels`), and whether it is kept (it has the
    /// grouping's value).
    struct GroupAssignment {
        var labels: [String] = ["all"]
        var code: [Int32]
        var keep: [Bool]
        init(count: Int) {
            code = [Int32](repeating: 0, count: count)
            keep = [Bool](repeating: true, count: count)
        }
    }

    /// Assigns the candidates to the definition's groups; the patient flow and `grouping` say how.
    mutating func assignGroups(plan: CohortPlan, candidates: [Candidate], therapyGroup: [Int: Int32],
                               column: [CohortColumn: CohortTable.Column]) throws -> GroupAssignment {
        var g = GroupAssignment(count: candidates.count)
        switch plan.definition.groups {
        case nil:
            grouping = "all patients"
        case .therapy?:
            g.labels = [plan.therapyLabels.b, plan.therapyLabels.a]
            for (i, c) in candidates.enumerated() { g.code[i] = therapyGroup[c.row]! }
            grouping = "\(plan.therapyLabels.a) vs \(plan.therapyLabels.b) (reference)"
        case .mutation(let spec)?:
            try groupByMutation(spec, plan: plan, candidates, column: column, into: &g)
        case .alterationSet(let s)?:
            groupByAlterationSet(s, plan: plan, candidates, column: column, into: &g)
        case .variable(_, let values)?:
            groupByLevels(values, plan: plan, candidates, column: column, into: &g)
        case .cuts(_, let at)?:
            groupByCuts(at, plan: plan, candidates, column: column, into: &g)
        case .top(_, let percent, _, let quantileType)?, .bottom(_, let percent, _, let quantileType)?:
            groupByQuantile(percent: percent, quantileType, plan: plan, candidates, column: column, into: &g)
        }
        return g
    }

    /// A gene (or variant) mutated vs wild-type, among the genotyped patients.
    mutating func groupByMutation(_ spec: AlterationSpec, plan: CohortPlan, _ candidates: [Candidate],
                                  column: [CohortColumn: CohortTable.Column], into g: inout GroupAssignment) throws {
        let filter = try CohortPlan.filter(spec, field: "groups") { f, m in CohortStudyError(.invalidDefinition, "\(plan.source): \(f)", m) }
        let values = column[.alteration(AlterationFilter(gene: filter.gene, hgvsp: filter.hgvsp, classes: filter.classes,
                                                          passOnly: filter.passOnly, present: true, fusionFrame: filter.fusionFrame))]?.numbers ?? []
        let name = spec.label
        // `ALK fusion, in-frame` names what the patients have: "no ALK fusion, in-frame" vs it
        g.labels = spec.hgvsp == nil && filter.fusionFrame == nil ? ["\(name) wild-type", "\(name) mutated"] : ["no \(name)", name]
        var missing = 0
        for (i, c) in candidates.enumerated() {
            guard let v = values[c.row] else { g.keep[i] = false; missing += 1; continue }
            g.code[i] = v != 0 ? 1 : 0
        }
        flow.append(("genotyped (with a sequenced specimen)", candidates.count - missing))
        grouping = "\(g.labels[1]) vs \(g.labels[0]) (reference)"
    }

    /// An alteration set altered (any member) vs wild-type, counting the altered group's carriers of each member.
    mutating func groupByAlterationSet(_ s: AlterationSetSpec, plan: CohortPlan, _ candidates: [Candidate],
                                       column: [CohortColumn: CohortTable.Column], into g: inout GroupAssignment) {
        g.labels = ["\(s.label) wild-type", "\(s.label) altered"]
        let cols = plan.setMembers.map { column[.alteration($0.filter)]?.numbers ?? [] }
        var carriers = [Int](repeating: 0, count: cols.count), missing = 0
        for (i, c) in candidates.enumerated() {
            // a patient is genotyped for every member or for none (a sequenced specimen)
            var genotyped = false, any = false
            for (m, col) in cols.enumerated() {
                guard let v = col[c.row] else { continue }
                genotyped = true
                if v != 0 { any = true; carriers[m] += 1 }
            }
            guard genotyped else { g.keep[i] = false; missing += 1; continue }
            g.code[i] = any ? 1 : 0
        }
        setMembers = zip(plan.setMembers, carriers).map { ($0.label, $1) }
        flow.append(("genotyped (with a sequenced specimen)", candidates.count - missing))
        grouping = "\(g.labels[1]) vs \(g.labels[0]) (reference)"
    }

    /// The levels of a variable (those given, or every level present, sorted).
    mutating func groupByLevels(_ values: [String]?, plan: CohortPlan, _ candidates: [Candidate],
                                column: [CohortColumn: CohortTable.Column], into g: inout GroupAssignment) {
        let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
        let present = candidates.map { v.texts[$0.row] }
        let levels = values ?? Factor.sortedLevels(present.compactMap { $0 })
        let index = Dictionary(levels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var left = 0
        for i in candidates.indices {
            guard let t = present[i], let k = index[t] else { g.keep[i] = false; left += 1; continue }
            g.code[i] = k
        }
        g.labels = levels
        flow.append(("with a value of \(plan.groupVariable!.label)" + (values == nil ? "" : " among those compared"), candidates.count - left))
        grouping = "by \(plan.groupVariable!.label) (reference \(levels.first ?? "none"))"
    }

    /// A numeric variable cut at the given values (`< a`, `a to < b`, …, `≥ z`).
    mutating func groupByCuts(_ at: [Double], plan: CohortPlan, _ candidates: [Candidate],
                              column: [CohortColumn: CohortTable.Column], into g: inout GroupAssignment) {
        let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
        let f = { (x: Double) in Self.numberText(x) }
        g.labels = ["< \(f(at[0]))"]
        for k in 1..<max(at.count, 1) where at.count > 1 { g.labels.append("\(f(at[k - 1])) to < \(f(at[k]))") }
        g.labels.append("≥ \(f(at[at.count - 1]))")
        var left = 0
        for (i, c) in candidates.enumerated() {
            guard let x = v.numbers[c.row] else { g.keep[i] = false; left += 1; continue }
            g.code[i] = Int32(at.filter { x >= $0 }.count)
        }
        flow.append(("with a value of \(plan.groupVariable!.label)", candidates.count - left))
        grouping = "\(plan.groupVariable!.label) cut at \(at.map(f).joined(separator: ", ")) (reference \(g.labels[0]))"
    }

    /// The top (or bottom) `percent`% of a variable vs the rest, within each level of the `within` variable;
    /// the cut-off of each level in `cutoffs`.
    mutating func groupByQuantile(percent: Double, _ quantileType: QuantileType, plan: CohortPlan, _ candidates: [Candidate],
                                  column: [CohortColumn: CohortTable.Column], into g: inout GroupAssignment) {
        let bottom = plan.selectsBottom
        let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
        let within = plan.withinVariable.map { VariableValues(column: column[$0.column]!, variable: $0) }
        let pText = Self.numberText(percent)
        g.labels = ["rest", "\(bottom ? "bottom" : "top") \(pText)% \(plan.groupVariable!.label)"]
        var byLevel: [String: [Int]] = [:]
        var left = 0
        for (i, c) in candidates.enumerated() {
            guard v.numbers[c.row] != nil else { g.keep[i] = false; left += 1; continue }
            let level: String
            if let within {
                guard let l = within.texts[c.row] else { g.keep[i] = false; left += 1; continue }
                level = l
            } else {
                level = "all"
            }
            byLevel[level, default: []].append(i)
        }
        for level in Factor.sortedLevels(Array(byLevel.keys)) {
            let members = byLevel[level]!
            let xs = members.map { v.numbers[candidates[$0].row]! }
            let cut = Self.cutoff(xs, percent: percent, bottom: bottom, type: quantileType)
            var above = 0
            for (m, x) in zip(members, xs) {
                let selected = bottom ? x <= cut : x >= cut
                g.code[m] = selected ? 1 : 0
                if selected { above += 1 }
            }
            cutoffs.append(Cutoff(level: level, n: members.count, nAbove: above, value: cut))
        }
        flow.append(("with a value of \(plan.groupVariable!.label)" + (plan.withinVariable.map { " and \($0.label)" } ?? ""), candidates.count - left))
        grouping = "\(bottom ? "bottom" : "top") \(pText)% of \(plan.groupVariable!.label)" + (plan.withinVariable.map { " within each \($0.label)" } ?? "")
            + " vs the rest (reference)"
    }
}
