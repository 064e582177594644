import Foundation
import OncoCore
import Survival
import Warehouse

extension CohortAnalysis {
    /// Competing risks of the endpoint's events (issue #20, point 3): each event is the event of interest
    /// when the cause attribute holds an event status (e.g. cBioPortal `DSS_STATUS` `1:DEAD WITH TUMOR`:
    /// death with cancer) and the competing event when it holds a non-event status (`0:ALIVE OR DEAD TUMOR
    /// FREE`: death without cancer); an event without a readable cause is left out and counted.
    ///
    /// R: `survfit(Surv(time, factor(status)) ~ group)` (Aalen–Johansen), `cmprsk::cuminc(time, status,
    /// group)$Tests` (Gray), `coxph(Surv(fgstart, fgstop, fgstatus) ~ group, weights = fgwt, cluster = id,
    /// data = finegray(Surv(time, factor(status)) ~ ., etype = 1))` (Fine–Gray, unadjusted).
    public struct CompetingRisks: Sendable {
        public struct Group: Sendable {
            public var label: String
            public var n: Int
            public var interest: Int
            public var competing: Int
            /// Aalen–Johansen, states ["(s0)", interest, competing]; nil for an empty group.
            public var curve: CumulativeIncidence?
        }
        /// The cause attribute, as the definition names it.
        public var cause: String
        /// Endpoint events left out because their cause is not recorded (or not a status).
        public var unknownCause: Int
        public var groups: [Group]
        /// Gray's test for the event of interest and for the competing event (nil when not run; see `notes`).
        public var grayInterest: GrayTest?
        public var grayCompeting: GrayTest?
        /// The subdistribution hazard of the event of interest by group (reference: the first group).
        public var fineGray: FineGray?
        /// Patients per level of the Fine–Gray group term (reference first), for disclosure control.
        public var fineGrayCounts: [Int]
        public var fineGrayLevels: [String]
        public var notes: [String]
    }

    /// The competing-risks analysis of the analysed patients (times in the native unit).
    static func computeCompetingRisks(cause: CohortVariable, time: [Double], event: [Bool], groupCodes: [Int32],
                               labels: [String], tableRow: [Int], column: [CohortColumn: CohortTable.Column]) -> CompetingRisks {
        let values = VariableValues(column: column[cause.column]!, variable: cause)
        var t = [Double](), status = [Int](), codes = [Int32]()
        var unknown = 0
        for k in time.indices {
            var s = 0
            if event[k] {
                guard let text = values.texts[tableRow[k]], let isInterest = CohortEndpoint.isEvent(text) else { unknown += 1; continue }
                s = isInterest ? 1 : 2
            }
            t.append(time[k]); status.append(s); codes.append(groupCodes[k])
        }
        var out = CompetingRisks(cause: cause.label, unknownCause: unknown, groups: [], grayInterest: nil, grayCompeting: nil, fineGray: nil,
                                 fineGrayCounts: [], fineGrayLevels: [], notes: [])
        if unknown > 0 {
            // no count here: notes are not disclosure-controlled; the (suppressed) count is in the events-by-cause table
            out.notes.append("competing risks: patients with an event but no recorded \(cause.label) are left out (cause unknown; their number is under the events-by-cause table)")
        }
        let eventTypes = ["\(cause.label) event", "other event"]
        let factor = Factor(codes: codes, levels: labels)
        var curves: CumulativeIncidenceCurves?
        if !t.isEmpty {
            do { curves = try CumulativeIncidenceCurves(time: t, status: status, eventTypes: eventTypes, group: factor) } catch {
                out.notes.append("competing risks: cumulative incidence not computed: \(error)")
            }
        }
        for (g, label) in labels.enumerated() {
            let rows = codes.indices.filter { codes[$0] == Int32(g) }
            out.groups.append(CompetingRisks.Group(label: label, n: rows.count, interest: rows.filter { status[$0] == 1 }.count,
                                                   competing: rows.filter { status[$0] == 2 }.count,
                                                   curve: curves?.groups.firstIndex(of: label).map { curves!.curves[$0] }))
        }
        let present = out.groups.indices.filter { out.groups[$0].n > 0 }
        guard present.count >= 2 else {
            if labels.count >= 2 { out.notes.append("competing risks: Gray's test and Fine–Gray not run: fewer than two non-empty groups") }
            return out
        }
        func gray(_ c: Int) -> GrayTest? {
            do { return try GrayTest(time: t, status: status, group: factor, cause: c) } catch {
                out.notes.append("competing risks: Gray's test for \(eventTypes[c - 1]) not run: \(error)")
                return nil
            }
        }
        if status.contains(1) {
            let g = gray(1)
            out.grayInterest = g
        } else {
            out.notes.append("competing risks: no event of interest; Gray's test and Fine–Gray for it not run")
        }
        if status.contains(2) {
            let g = gray(2)
            out.grayCompeting = g
        } else {
            out.notes.append("competing risks: no competing event; Gray's test for it not run")
        }
        guard status.contains(1) else { return out }
        // group indicators, treatment contrasts against the first non-empty group
        let levels = present.map { labels[$0] }
        var remap = [Int32](repeating: -1, count: labels.count)
        for (k, g) in present.enumerated() { remap[g] = Int32(k) }
        let groupFactor = Factor(codes: codes.map { remap[Int($0)] }, levels: levels)
        out.fineGrayLevels = levels
        out.fineGrayCounts = present.map { out.groups[$0].n }
        do {
            out.fineGray = try FineGray(time: t, status: status, eventOfInterest: 1,
                                        design: CoxDesign([.categorical("group", groupFactor)]))
        } catch {
            out.notes.append("competing risks: Fine–Gray model not fitted: \(error)")
        }
        return out
    }
}

extension CohortAnalysis {
    /// The competing-risks part of the report, after disclosure control (`dc`): counts suppressed or
    /// rounded; a group below the minimum keeps only its counts; an incidence at a time is shown only when
    /// the group had no event of that cause by then or at least the minimum number (a smaller number could
    /// be read off the estimate); Gray's tests and Fine–Gray contrasts involving a small group are withheld.
    /// `times` are in the display unit.
    func competingRisksSummary(_ cr: CompetingRisks, dc: CohortDisclosure, times: [Double]) -> CohortReport.CompetingRisksSummary {
        let scale = timeScale
        func opt(_ x: Double) -> Double? { x.isFinite ? x : nil }
        var groupsOut: [CohortReport.CompetingRisksSummary.Group] = []
        for g in cr.groups {
            let withheld = dc.isSmall(g.n)
            var at: [CohortReport.CompetingRisksSummary.IncidenceAt] = []
            if let curve = g.curve, !withheld {
                for p in curve.summary(at: times.map { $0 / scale }) {
                    func events(_ state: Int) -> Int {
                        var e = 0
                        for (j, tj) in curve.time.enumerated() where tj <= p.time { e += curve.events[j][state] }
                        return e
                    }
                    func shown(_ state: Int) -> Bool { let e = events(state); return e == 0 || !dc.isSmall(e) }
                    func value(_ state: Int, _ v: [Double]) -> Double? { shown(state) ? opt(v[state]) : nil }
                    at.append(CohortReport.CompetingRisksSummary.IncidenceAt(
                        time: p.time * scale, interest: value(1, p.probability), interestLower: value(1, p.lower),
                        interestUpper: value(1, p.upper), competing: value(2, p.probability), competingLower: value(2, p.lower),
                        competingUpper: value(2, p.upper)))
                }
            }
            groupsOut.append(.init(label: g.label, n: dc.count(g.n), interest: dc.count(g.interest), competing: dc.count(g.competing),
                                   withheld: withheld, at: at))
        }
        let anySmall = cr.groups.contains { dc.isSmall($0.n) }
        func test(_ g: GrayTest?, _ event: String) -> CohortReport.CompetingRisksSummary.GrayTestSummary? {
            guard let g else { return nil }
            var shown: CohortReport.Test?
            if !anySmall && g.test.statistic.isFinite {
                shown = CohortReport.Test(chiSquare: g.test.statistic, degreesOfFreedom: g.test.degreesOfFreedom, p: g.test.pValue)
            }
            return CohortReport.CompetingRisksSummary.GrayTestSummary(event: event, test: shown, withheld: anySmall)
        }
        var terms: [CohortReport.CompetingRisksSummary.SubdistributionTerm] = []
        if let fg = cr.fineGray {
            let table = fg.fit.coefficientTable
            let smallReference = dc.isSmall(cr.fineGrayCounts[0])
            terms.append(.init(level: cr.fineGrayLevels[0], isReference: true, n: dc.count(cr.fineGrayCounts[0]), hazardRatio: nil, lower: nil,
                               upper: nil, p: nil, standardError: nil, withheld: false))
            for (k, c) in table.enumerated() {
                let withhold = smallReference || dc.isSmall(cr.fineGrayCounts[k + 1])
                func shown(_ x: Double) -> Double? { withhold ? nil : opt(x) }
                terms.append(CohortReport.CompetingRisksSummary.SubdistributionTerm(
                    level: cr.fineGrayLevels[k + 1], isReference: false, n: dc.count(cr.fineGrayCounts[k + 1]), hazardRatio: shown(c.hazardRatio),
                    lower: shown(c.lower), upper: shown(c.upper), p: shown(c.pValue), standardError: shown(c.standardError), withheld: withhold))
            }
        }
        return .init(cause: cr.cause, unknownCause: dc.count(cr.unknownCause), groups: groupsOut,
                     grayTests: [test(cr.grayInterest, "interest"), test(cr.grayCompeting, "competing")].compactMap { $0 }, fineGray: terms)
    }
}
