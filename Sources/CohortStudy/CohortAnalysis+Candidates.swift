import OncoCore
import Warehouse

extension CohortAnalysis {
    /// Step 1 of `compute`: the patients with the endpoint, and for a therapy grouping the line that decides
    /// each one's group (table row → 0 for B, the reference, or 1 for A); the patient flow says who was left out.
    mutating func endpointCandidates(plan: CohortPlan, table: CohortTable, lines: [TreatmentLine]?)
        -> (candidates: [Candidate], therapyGroup: [Int: Int32]) {
        guard case .therapy = plan.definition.groups else {
            var candidates: [Candidate] = []
            for row in 0..<table.count { candidates.append(Candidate(row: row, time: table.time[row], event: table.event[row])) }
            flow.append(("with the endpoint recorded", candidates.count))
            return (candidates, [:])
        }
        var candidates: [Candidate] = []
        var therapyGroup: [Int: Int32] = [:]
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
                guard let tte = Self.lineEndpoint(line, plan.definition.endpoint.kind) else { noFollowUp += 1; continue }
                candidates.append(Candidate(row: row, time: tte.days, event: tte.event))
            } else {
                candidates.append(Candidate(row: row, time: table.time[row], event: table.event[row]))
            }
            therapyGroup[row] = hasA ? 1 : 0
        }
        let lineText = plan.therapyLine.map { "line \($0)" } ?? "the first line with either"
        flow.append(("received \(plan.therapyLabels.a) or \(plan.therapyLabels.b) (not both) in \(lineText)", candidates.count + noFollowUp))
        if both > 0 { notes.append("\(both) patient(s) received both therapies in the deciding line and are left out") }
        _ = neither
        if plan.endpointFromTherapyLine {
            flow.append(("with follow-up after the start of that line", candidates.count))
        }
        return (candidates, therapyGroup)
    }

    /// The endpoint measured from the start of a line: overall survival, progression-free survival, or time to next treatment.
    static func lineEndpoint(_ line: TreatmentLine, _ kind: EndpointSpec.Kind) -> TimeToEvent? {
        switch kind {
        case .os: line.overallSurvival
        case .pfs: line.progressionFreeSurvival
        default: line.timeToNextTreatment
        }
    }

    /// Step 2: with a landmark, the patients still followed at it, their times counted from it.
    mutating func landmarked(_ candidates: [Candidate], plan: CohortPlan) -> [Candidate] {
        guard let lm = plan.definition.endpoint.landmark else { return candidates }
        let cut = lm.days / plan.nativeUnit.days
        let kept = candidates.filter { $0.time >= cut }.map { Candidate(row: $0.row, time: $0.time - cut, event: $0.event) }
        flow.append(("still followed at the landmark (\(lm))", kept.count))
        return kept
    }
}
