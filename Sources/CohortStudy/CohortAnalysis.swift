import Foundation
import OncoCore
import Survival
import Warehouse

/// Everything a study computes, before disclosure control: the patient flow, the groups, cut-offs of
/// derived groups, Kaplan–Meier curves, log-rank, Cox and the proportional-hazards test.
///
/// R equivalents: `survfit(Surv(time, event) ~ group)` (KM, log CI by default), `survdiff(… ~ group +
/// strata(s))`, `coxph(Surv(time, event) ~ group + covariates + strata(s), ties = "efron")`, `cox.zph`.
/// All times here are in the endpoint's native unit (days, or the study attribute's unit);
/// `timeScale` converts them to the display unit.
public struct CohortAnalysis: Sendable {
    public struct Group: Sendable {
        public var label: String
        public var n: Int
        public var events: Int
        public var curve: KaplanMeier?
        public var censored: Int { n - events }
    }

    public struct Cutoff: Sendable, Hashable {
        public var level: String
        public var n: Int
        public var nAbove: Int
        public var value: Double?
    }

    /// A Cox term with the patients behind each of its rows.
    public struct CoxTerm: Sendable {
        public var name: String
        /// Levels (reference first) of a categorical term; nil for numeric.
        public var levels: [String]?
        /// Patients per level (categorical) or one count (numeric).
        public var counts: [Int]
    }

    /// Patients per level of a variable (rows) and group (columns).
    public struct LevelCounts: Sendable {
        public var variable: String
        public var levels: [String]
        public var counts: [[Int]]
    }

    /// The analysed patients, one per row (for a row-level export where the project allows it).
    public struct Rows: Sendable {
        public var personIDs: [Int64] = []
        public var group: [String] = []
        /// In the display unit.
        public var time: [Double] = []
        public var event: [Bool] = []
    }

    public var flow: [(label: String, count: Int)] = []
    public var grouping: String = "all patients"
    public var cutoffs: [Cutoff] = []
    public var groups: [Group] = []
    public var logRank: LogRank?
    public var logRankStrata: [String] = []
    public var cox: CoxFit?
    public var coxTerms: [CoxTerm] = []
    public var coxStrata: [String] = []
    public var proportionalHazards: ProportionalHazardsTest?
    public var levelCounts: LevelCounts?
    /// An alteration-set grouping: the altered group's carriers of each member (a patient may carry several).
    public var setMembers: [(label: String, carriers: Int)] = []
    /// Competing risks of the endpoint's events (`analysis.competingRisks`), nil when not asked.
    public var competingRisks: CompetingRisks?
    public var notes: [String] = []
    /// Native time × timeScale = display time.
    public var timeScale: Double = 1
    public var rows = Rows()

    /// A number as text the way R prints short numbers (`1`, `2.5`).
    static func numberText(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}

extension CohortAnalysis {
    /// One candidate patient before grouping.
    struct Candidate {
        var row: Int          // row of the cohort table
        var time: Double      // native unit
        var event: Bool
    }

    /// Runs the analyses of `plan` on a cohort table (and, for therapy groupings, the patients' lines).
    /// - Throws: `CohortStudyError.noPatients` when nobody is left; `.analysis` when a model cannot be fitted.
    public static func compute(plan: CohortPlan, table: CohortTable, lines: [TreatmentLine]?) throws -> CohortAnalysis {
        var a = CohortAnalysis()
        a.timeScale = plan.nativeUnit.days / plan.displayUnit.days
        a.flow.append(("matching the population criteria", table.cohortSize))
        let column: [CohortColumn: CohortTable.Column] = Dictionary(table.columns.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })

        // 1. Endpoint (and, for therapy groupings, the line that decides the group).
        var candidates: [Candidate] = []
        var therapyGroup: [Int: Int32] = [:]   // table row → 0 (B, reference) / 1 (A)
        if case .therapy = plan.definition.groups {
            var byPerson: [Int64: [TreatmentLine]] = [:]
            for l in lines ?? [] { byPerson[l.personID, default: []].append(l) }
            var both = 0, neither = 0, noFollowUp = 0
            let a1 = Set(plan.therapyA), b1 = Set(plan.therapyB)
            for (row, pid) in table.personIDs.enumerated() {
                let ls = (byPerson[pid] ?? []).sorted { $0.line < $1.line }
                let chosen: TreatmentLine?
                if let n = plan.therapyLine {
                    chosen = ls.first { $0.line == n }
                } else {
                    chosen = ls.first { !a1.isDisjoint(with: $0.drugs) || !b1.isDisjoint(with: $0.drugs) }
                }
                guard let line = chosen else { neither += 1; continue }
                let hasA = !a1.isDisjoint(with: line.drugs), hasB = !b1.isDisjoint(with: line.drugs)
                if hasA && hasB { both += 1; continue }
                if !hasA && !hasB { neither += 1; continue }
                if plan.endpointFromTherapyLine {
                    let tte: TimeToEvent?
                    switch plan.definition.endpoint.kind {
                    case .os: tte = line.overallSurvival
                    case .pfs: tte = line.progressionFreeSurvival
                    default: tte = line.timeToNextTreatment
                    }
                    guard let tte else { noFollowUp += 1; continue }
                    candidates.append(Candidate(row: row, time: tte.days, event: tte.event))
                } else {
                    candidates.append(Candidate(row: row, time: table.time[row], event: table.event[row]))
                }
                therapyGroup[row] = hasA ? 1 : 0
            }
            let lineText = plan.therapyLine.map { "line \($0)" } ?? "the first line with either"
            a.flow.append(("received \(plan.therapyLabels.a) or \(plan.therapyLabels.b) (not both) in \(lineText)", candidates.count + noFollowUp))
            if both > 0 { a.notes.append("\(both) patient(s) received both therapies in the deciding line and are left out") }
            _ = neither
            if plan.endpointFromTherapyLine {
                a.flow.append(("with follow-up after the start of that line", candidates.count))
            }
        } else {
            for row in 0..<table.count { candidates.append(Candidate(row: row, time: table.time[row], event: table.event[row])) }
            a.flow.append(("with the endpoint recorded", candidates.count))
        }

        // 2. Landmark.
        if let lm = plan.definition.endpoint.landmark {
            let cut = lm.days / plan.nativeUnit.days
            candidates = candidates.filter { $0.time >= cut }.map { Candidate(row: $0.row, time: $0.time - cut, event: $0.event) }
            a.flow.append(("still followed at the landmark (\(lm))", candidates.count))
        }

        // 3. Groups.
        var labels: [String] = ["all"]
        var code = [Int32](repeating: 0, count: candidates.count)
        var keep = [Bool](repeating: true, count: candidates.count)
        switch plan.definition.groups {
        case nil:
            a.grouping = "all patients"
        case .therapy?:
            labels = [plan.therapyLabels.b, plan.therapyLabels.a]
            for (i, c) in candidates.enumerated() { code[i] = therapyGroup[c.row]! }
            a.grouping = "\(plan.therapyLabels.a) vs \(plan.therapyLabels.b) (reference)"
        case .mutation(let spec)?:
            let filter = try CohortPlan.filter(spec, field: "groups") { f, m in CohortStudyError(.invalidDefinition, "\(plan.source): \(f)", m) }
            let values = column[.alteration(AlterationFilter(gene: filter.gene, hgvsp: filter.hgvsp, classes: filter.classes,
                                                              passOnly: filter.passOnly, present: true))]?.numbers ?? []
            let name = spec.label.uppercased() == spec.label ? spec.label : spec.label
            labels = spec.hgvsp == nil ? ["\(name) wild-type", "\(name) mutated"] : ["no \(name)", name]
            var missing = 0
            for (i, c) in candidates.enumerated() {
                guard let v = values[c.row] else { keep[i] = false; missing += 1; continue }
                code[i] = v != 0 ? 1 : 0
            }
            a.flow.append(("genotyped (with a sequenced specimen)", candidates.count - missing))
            a.grouping = "\(labels[1]) vs \(labels[0]) (reference)"
        case .alterationSet(let s)?:
            labels = ["\(s.label) wild-type", "\(s.label) altered"]
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
                guard genotyped else { keep[i] = false; missing += 1; continue }
                code[i] = any ? 1 : 0
            }
            a.setMembers = zip(plan.setMembers, carriers).map { ($0.label, $1) }
            a.flow.append(("genotyped (with a sequenced specimen)", candidates.count - missing))
            a.grouping = "\(labels[1]) vs \(labels[0]) (reference)"
        case .variable(_, let values)?:
            let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
            let present = candidates.map { v.texts[$0.row] }
            let levels = values ?? Factor.sortedLevels(present.compactMap { $0 })
            let index = Dictionary(levels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            var left = 0
            for i in candidates.indices {
                guard let t = present[i], let k = index[t] else { keep[i] = false; left += 1; continue }
                code[i] = k
            }
            labels = levels
            a.flow.append(("with a value of \(plan.groupVariable!.label)" + (values == nil ? "" : " among those compared"), candidates.count - left))
            a.grouping = "by \(plan.groupVariable!.label) (reference \(levels.first ?? "none"))"
        case .cuts(_, let at)?:
            let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
            let f = { (x: Double) in numberText(x) }
            labels = ["< \(f(at[0]))"]
            for k in 1..<max(at.count, 1) where at.count > 1 { labels.append("\(f(at[k - 1])) to < \(f(at[k]))") }
            labels.append("≥ \(f(at[at.count - 1]))")
            var left = 0
            for (i, c) in candidates.enumerated() {
                guard let x = v.numbers[c.row] else { keep[i] = false; left += 1; continue }
                code[i] = Int32(at.filter { x >= $0 }.count)
            }
            a.flow.append(("with a value of \(plan.groupVariable!.label)", candidates.count - left))
            a.grouping = "\(plan.groupVariable!.label) cut at \(at.map(f).joined(separator: ", ")) (reference \(labels[0]))"
        case .top(_, let percent, _, let quantileType)?, .bottom(_, let percent, _, let quantileType)?:
            let bottom = plan.selectsBottom
            let v = VariableValues(column: column[plan.groupVariable!.column]!, variable: plan.groupVariable!)
            let within = plan.withinVariable.map { VariableValues(column: column[$0.column]!, variable: $0) }
            let pText = numberText(percent)
            labels = ["rest", "\(bottom ? "bottom" : "top") \(pText)% \(plan.groupVariable!.label)"]
            var byLevel: [String: [Int]] = [:]
            var left = 0
            for (i, c) in candidates.enumerated() {
                guard v.numbers[c.row] != nil else { keep[i] = false; left += 1; continue }
                let level: String
                if let within {
                    guard let l = within.texts[c.row] else { keep[i] = false; left += 1; continue }
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
                    code[m] = selected ? 1 : 0
                    if selected { above += 1 }
                }
                a.cutoffs.append(Cutoff(level: level, n: members.count, nAbove: above, value: cut))
            }
            a.flow.append(("with a value of \(plan.groupVariable!.label)" + (plan.withinVariable.map { " and \($0.label)" } ?? ""), candidates.count - left))
            a.grouping = "\(bottom ? "bottom" : "top") \(pText)% of \(plan.groupVariable!.label)" + (plan.withinVariable.map { " within each \($0.label)" } ?? "")
                + " vs the rest (reference)"
        }

        // 4. The analysed rows.
        var rowsIdx: [Int] = []
        rowsIdx.reserveCapacity(candidates.count)
        for i in candidates.indices where keep[i] { rowsIdx.append(i) }
        let n = rowsIdx.count
        a.flow.append(("analysed", n))
        guard n > 0 else {
            throw CohortStudyError(.noPatients, plan.source, "no patient is left to analyse (see the patient flow: \(a.flow.map { "\($0.label) \($0.count)" }.joined(separator: "; ")))")
        }
        var time = [Double](repeating: 0, count: n), event = [Bool](repeating: false, count: n)
        var groupCodes = [Int32](repeating: 0, count: n), tableRow = [Int](repeating: 0, count: n)
        for (k, i) in rowsIdx.enumerated() {
            time[k] = candidates[i].time; event[k] = candidates[i].event; groupCodes[k] = code[i]; tableRow[k] = candidates[i].row
        }
        let groupFactor = Factor(codes: groupCodes, levels: labels)

        // Kaplan–Meier per group (R: survfit(Surv(time, event) ~ group); near-ties merged over all data).
        let curves = try wrap { try KaplanMeierCurves(time: time, event: event, group: groupFactor, confidenceType: plan.confidence) }
        var counts = [Int](repeating: 0, count: labels.count), events = [Int](repeating: 0, count: labels.count)
        for k in 0..<n { counts[Int(groupCodes[k])] += 1; if event[k] { events[Int(groupCodes[k])] += 1 } }
        for (g, label) in labels.enumerated() {
            let curve = curves.groups.firstIndex(of: label).map { curves.curves[$0] }
            a.groups.append(Group(label: label, n: counts[g], events: events[g], curve: curve))
        }
        let nonEmpty = counts.filter { $0 > 0 }.count

        // Strata and covariates.
        func factor(_ v: CohortVariable) -> (codes: [Int32?], levels: [String]) {
            let vals = VariableValues(column: column[v.column]!, variable: v)
            let texts = tableRow.map { vals.texts[$0] }
            let levels = Factor.sortedLevels(texts.compactMap { $0 })
            let index = Dictionary(levels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            return (texts.map { $0.flatMap { index[$0] } }, levels)
        }
        func combined(_ vars: [CohortVariable]) -> (codes: [Int32?], levels: [String]) {
            if vars.count == 1 { return factor(vars[0]) }
            let parts = vars.map(factor)
            var labelsOut: [String] = [], index: [String: Int32] = [:]
            var codes = [Int32?](repeating: nil, count: n)
            for k in 0..<n {
                var pieces: [String] = []
                var missing = false
                for (j, p) in parts.enumerated() {
                    guard let c = p.codes[k] else { missing = true; break }
                    pieces.append("\(vars[j])=\(p.levels[Int(c)])")
                }
                if missing { continue }
                let l = pieces.joined(separator: ", ")
                if let c = index[l] { codes[k] = c } else { index[l] = Int32(labelsOut.count); codes[k] = Int32(labelsOut.count); labelsOut.append(l) }
            }
            return (codes, labelsOut)
        }

        // Counts by level of the within/strata variable.
        if let lv = plan.withinVariable ?? plan.logRankStrata.first ?? plan.coxStrata.first {
            let f = factor(lv)
            var m = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: f.levels.count)
            for k in 0..<n { if let c = f.codes[k] { m[Int(c)][Int(groupCodes[k])] += 1 } }
            a.levelCounts = LevelCounts(variable: lv.label, levels: f.levels, counts: m)
        }

        // Log-rank (R: survdiff(Surv(time, event) ~ group + strata(s))).
        if plan.runLogRank {
            if nonEmpty < 2 {
                a.notes.append("log-rank test not run: fewer than two non-empty groups")
            } else {
                var t = time, e = event, g = groupCodes
                var strata: Factor?
                if !plan.logRankStrata.isEmpty {
                    let s = combined(plan.logRankStrata)
                    let ok = (0..<n).filter { s.codes[$0] != nil }
                    if ok.count < n { a.notes.append("log-rank: \(n - ok.count) patient(s) without a stratum value left out") }
                    t = ok.map { time[$0] }; e = ok.map { event[$0] }; g = ok.map { groupCodes[$0] }
                    strata = Factor(codes: ok.map { s.codes[$0]! }, levels: s.levels)
                    a.logRankStrata = plan.logRankStrata.map(\.label)
                }
                do {
                    a.logRank = try LogRank(time: t, event: e, group: Factor(codes: g, labels: labels), strata: strata)
                } catch {
                    a.notes.append("log-rank test not run: \(error)")
                }
            }
        }

        // Cox (R: coxph(Surv(time, event) ~ group + covariates + strata(s))).
        if plan.runCox {
            try fitCox(plan: plan, a: &a, time: time, event: event, groupCodes: groupCodes, labels: labels, counts: counts,
                       tableRow: tableRow, column: column, factor: factor, combined: combined)
        }

        if let cause = plan.competingCause {
            a.competingRisks = Self.computeCompetingRisks(cause: cause, time: time, event: event, groupCodes: groupCodes, labels: labels,
                                                   tableRow: tableRow, column: column)
        }

        // Rows for export, in the display unit.
        a.rows.personIDs = tableRow.map { table.personIDs[$0] }
        a.rows.group = groupCodes.map { labels[Int($0)] }
        // (t × native days) / display days: days → months is then exactly t / 30.4375, as R's t / 30.4375.
        let nativeDays = plan.nativeUnit.days, displayDays = plan.displayUnit.days
        a.rows.time = time.map { $0 * nativeDays / displayDays }
        a.rows.event = event
        return a
    }

    /// The cut-off of the top `percent`%: R's `quantile(xs, 1 - percent/100, type = type)`; of the
    /// bottom `percent`%: `quantile(xs, percent/100, type = type)`. Members are at or above (at or
    /// below) it, ties included.
    static func cutoff(_ xs: [Double], percent: Double, bottom: Bool, type: QuantileType) -> Double {
        precondition(!xs.isEmpty)
        let p = percent / 100
        return type.quantile(sorted: xs.sorted(), probability: bottom ? p : 1 - p)
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SurvivalError {
            throw CohortStudyError(.analysis, "", "the survival analysis failed: \(e)")
        }
    }

    static func fitCox(plan: CohortPlan, a: inout CohortAnalysis, time: [Double], event: [Bool], groupCodes: [Int32], labels: [String],
                       counts: [Int], tableRow: [Int], column: [CohortColumn: CohortTable.Column],
                       factor: (CohortVariable) -> (codes: [Int32?], levels: [String]),
                       combined: ([CohortVariable]) -> (codes: [Int32?], levels: [String])) throws {
        let n = time.count
        var complete = [Bool](repeating: true, count: n)
        enum Cov { case numeric(String, [Double?]); case categorical(String, [Int32?], [String]) }
        var covs: [Cov] = []
        for (v, kind) in plan.covariates {
            let vals = VariableValues(column: column[v.column]!, variable: v)
            let numeric = kind.map { $0 == .numeric } ?? vals.isNumeric
            if numeric {
                let xs = tableRow.map { vals.numbers[$0] }
                if kind == .numeric, tableRow.contains(where: { vals.texts[$0] != nil && vals.numbers[$0] == nil }) {
                    throw CohortStudyError(.invalidDefinition, "\(plan.source): analysis.cox.covariates", "\(v) has values that are not numbers")
                }
                for k in 0..<n where xs[k] == nil { complete[k] = false }
                covs.append(.numeric(v.label, xs))
            } else {
                let f = factor(v)
                for k in 0..<n where f.codes[k] == nil { complete[k] = false }
                covs.append(.categorical(v.label, f.codes, f.levels))
            }
        }
        var strata: (codes: [Int32?], levels: [String])?
        if !plan.coxStrata.isEmpty {
            let s = combined(plan.coxStrata)
            for k in 0..<n where s.codes[k] == nil { complete[k] = false }
            strata = s
            a.coxStrata = plan.coxStrata.map(\.label)
        }
        let rows = (0..<n).filter { complete[$0] }
        if rows.count < n { a.notes.append("Cox model: \(n - rows.count) patient(s) with a missing covariate or stratum left out (complete cases)") }
        let grouped = plan.definition.groups != nil
        var design: [CoxDesign.Covariate] = []
        var terms: [CoxTerm] = []
        if grouped {
            var c = [Int](repeating: 0, count: labels.count)
            for k in rows { c[Int(groupCodes[k])] += 1 }
            let present = labels.indices.filter { c[$0] > 0 }
            guard present.count >= 2 else {
                a.notes.append("Cox model not fitted: fewer than two non-empty groups")
                return
            }
            let remap = Dictionary(present.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            let lv = present.map { labels[$0] }
            design.append(.categorical("group", Factor(codes: rows.map { remap[Int(groupCodes[$0])]! }, levels: lv)))
            terms.append(CoxTerm(name: "group", levels: lv, counts: present.map { c[$0] }))
        }
        for cov in covs {
            switch cov {
            case .numeric(let name, let xs):
                design.append(.numeric(name, rows.map { xs[$0]! }))
                terms.append(CoxTerm(name: name, levels: nil, counts: [rows.count]))
            case .categorical(let name, let codes, let levels):
                var c = [Int](repeating: 0, count: levels.count)
                for k in rows { c[Int(codes[k]!)] += 1 }
                let present = levels.indices.filter { c[$0] > 0 }
                let remap = Dictionary(present.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
                design.append(.categorical(name, Factor(codes: rows.map { remap[Int(codes[$0]!)]! }, levels: present.map { levels[$0] })))
                terms.append(CoxTerm(name: name, levels: present.map { levels[$0] }, counts: present.map { c[$0] }))
            }
        }
        guard !design.isEmpty, !rows.isEmpty else { return }
        let strataFactor: Factor? = strata.map { s in
            let used = Array(Set(rows.map { s.codes[$0]! })).sorted()
            let remap = Dictionary(used.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            return Factor(codes: rows.map { remap[s.codes[$0]!]! }, levels: used.map { s.levels[Int($0)] })
        }
        do {
            let d = try CoxDesign(design)
            let fit = try CoxFit(time: rows.map { time[$0] }, event: rows.map { event[$0] }, design: d, strata: strataFactor,
                                 options: CoxFit.Options(ties: plan.ties))
            a.cox = fit
            a.coxTerms = terms
            if plan.runPHTest {
                do { a.proportionalHazards = try fit.proportionalHazardsTest(transform: .km) }
                catch { a.notes.append("proportional-hazards test not computed: \(error)") }
            }
        } catch let e as SurvivalError {
            a.notes.append("Cox model not fitted: \(e)")
        }
    }
}

extension Factor {
    /// Codes with their labels (no checks beyond `init(codes:levels:)`).
    init(codes: [Int32], labels: [String]) { self.init(codes: codes, levels: labels) }
}
