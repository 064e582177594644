import OncoCore
import Survival
import Warehouse

extension CohortAnalysis {
    /// The analysed patients as parallel columns (step 4 of `compute`), with the cohort table's columns to read
    /// strata and covariates from.
    struct AnalysedData {
        var time: [Double]
        var event: [Bool]
        var groupCodes: [Int32]
        /// Row of each patient in the cohort table.
        var tableRow: [Int]
        /// The groups' labels (`groupCodes` index them).
        var labels: [String]
        let column: [CohortColumn: CohortTable.Column]
        var n: Int { time.count }

        /// A variable as a factor over the analysed patients (nil: no value), levels sorted.
        func factor(_ v: CohortVariable) -> (codes: [Int32?], levels: [String]) {
            let vals = VariableValues(column: column[v.column]!, variable: v)
            let texts = tableRow.map { vals.texts[$0] }
            let levels = Factor.sortedLevels(texts.compactMap { $0 })
            let index = Dictionary(levels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            return (texts.map { $0.flatMap { index[$0] } }, levels)
        }

        /// Several variables as one factor (`a=x, b=y`, in order of appearance); nil where one has no value.
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
    }

    /// Step 4: the kept candidates as parallel columns.
    /// - Throws: `CohortStudyError.noPatients` when nobody is left, with the patient flow.
    mutating func analysedRows(plan: CohortPlan, candidates: [Candidate], groups g: GroupAssignment,
                               column: [CohortColumn: CohortTable.Column]) throws -> AnalysedData {
        var rowsIdx: [Int] = []
        rowsIdx.reserveCapacity(candidates.count)
        for i in candidates.indices where g.keep[i] { rowsIdx.append(i) }
        let n = rowsIdx.count
        flow.append(("analysed", n))
        guard n > 0 else {
            throw CohortStudyError(.noPatients, plan.source, "no patient is left to analyse (see the patient flow: \(flow.map { "\($0.label) \($0.count)" }.joined(separator: "; ")))")
        }
        var time = [Double](repeating: 0, count: n), event = [Bool](repeating: false, count: n)
        var groupCodes = [Int32](repeating: 0, count: n), tableRow = [Int](repeating: 0, count: n)
        for (k, i) in rowsIdx.enumerated() {
            time[k] = candidates[i].time; event[k] = candidates[i].event; groupCodes[k] = g.code[i]; tableRow[k] = candidates[i].row
        }
        return AnalysedData(time: time, event: event, groupCodes: groupCodes, tableRow: tableRow, labels: g.labels, column: column)
    }

    /// Kaplan–Meier per group (R: survfit(Surv(time, event) ~ group); near-ties merged over all data); returns the
    /// patients per group.
    mutating func fitCurves(plan: CohortPlan, _ data: AnalysedData) throws -> [Int] {
        let labels = data.labels
        let groupFactor = Factor(codes: data.groupCodes, levels: labels)
        let curves = try Self.wrap { try KaplanMeierCurves(time: data.time, event: data.event, group: groupFactor, confidenceType: plan.confidence) }
        var counts = [Int](repeating: 0, count: labels.count), events = [Int](repeating: 0, count: labels.count)
        for k in 0..<data.n { counts[Int(data.groupCodes[k])] += 1; if data.event[k] { events[Int(data.groupCodes[k])] += 1 } }
        for (g, label) in labels.enumerated() {
            let curve = curves.groups.firstIndex(of: label).map { curves.curves[$0] }
            groups.append(Group(label: label, n: counts[g], events: events[g], curve: curve))
        }
        return counts
    }

    /// Counts by level of the within/strata variable.
    mutating func countLevels(plan: CohortPlan, _ data: AnalysedData) {
        guard let lv = plan.withinVariable ?? plan.logRankStrata.first ?? plan.coxStrata.first else { return }
        let f = data.factor(lv)
        var m = [[Int]](repeating: [Int](repeating: 0, count: data.labels.count), count: f.levels.count)
        for k in 0..<data.n { if let c = f.codes[k] { m[Int(c)][Int(data.groupCodes[k])] += 1 } }
        levelCounts = LevelCounts(variable: lv.label, levels: f.levels, counts: m)
    }

    /// Log-rank (R: survdiff(Surv(time, event) ~ group + strata(s))); a note when it cannot run.
    mutating func runLogRank(plan: CohortPlan, _ data: AnalysedData, nonEmptyGroups: Int) {
        guard nonEmptyGroups >= 2 else {
            notes.append("log-rank test not run: fewer than two non-empty groups")
            return
        }
        let n = data.n
        var t = data.time, e = data.event, g = data.groupCodes
        var strata: Factor?
        if !plan.logRankStrata.isEmpty {
            let s = data.combined(plan.logRankStrata)
            let ok = (0..<n).filter { s.codes[$0] != nil }
            if ok.count < n { notes.append("log-rank: \(n - ok.count) patient(s) without a stratum value left out") }
            t = ok.map { data.time[$0] }; e = ok.map { data.event[$0] }; g = ok.map { data.groupCodes[$0] }
            strata = Factor(codes: ok.map { s.codes[$0]! }, levels: s.levels)
            logRankStrata = plan.logRankStrata.map(\.label)
        }
        do {
            logRank = try LogRank(time: t, event: e, group: Factor(codes: g, labels: data.labels), strata: strata)
        } catch {
            notes.append("log-rank test not run: \(error)")
        }
    }
}
