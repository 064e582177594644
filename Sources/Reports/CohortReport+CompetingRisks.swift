import CohortStudy
import OncoCore

extension CohortReport {
    /// The competing-risks tables (after the Cox tables), in every format.
    func competingRiskTables(_ f: NumberStyle) -> [Table] {
        guard let cr = competingRisks else { return [] }
        var out: [Table] = []
        let interest = "\(cr.cause) event", other = "other event"
        out.append(Table(id: "cr_groups", title: "Competing risks: events by cause (event of interest: \(interest); competing: an event without it)",
                         headers: ["group", "patients", "events of interest", "competing events"],
                         rows: cr.groups.map { [$0.label, $0.n.description, $0.interest.description, $0.competing.description] },
                         numericColumns: [1, 2, 3], note: "events with no recorded \(cr.cause): \(cr.unknownCause.description), left out"))
        var rows: [[String]] = []
        for g in cr.groups {
            if g.withheld {
                rows.append([g.label, "", "withheld", "withheld", "withheld", "withheld"])
                continue
            }
            for a in g.at {
                var row: [String] = [g.label, f.time(a.time)]
                row += a.interest == nil ? ["withheld", "withheld"] : [f.prob(a.interest), ci(a.interestLower, a.interestUpper, f.prob)]
                row += a.competing == nil ? ["withheld", "withheld"] : [f.prob(a.competing), ci(a.competingLower, a.competingUpper, f.prob)]
                rows.append(row)
            }
        }
        if !rows.isEmpty {
            out.append(Table(id: "cr_incidence", title: "Cumulative incidence at set times (\(timeUnit); Aalen–Johansen, R survfit with a multi-state status)",
                             headers: ["group", "time", "incidence of \(interest)", "95% CI", "incidence of \(other)", "95% CI"],
                             rows: rows, numericColumns: [1, 2, 4],
                             note: "withheld: group below the minimum cell count, or fewer events of that cause than the minimum by that time"))
        }
        if !cr.grayTests.isEmpty {
            out.append(Table(id: "cr_gray", title: "Gray's test of equal cumulative incidence across groups (R cmprsk::cuminc)",
                             headers: ["event", "χ²", "df", "p"],
                             rows: cr.grayTests.map { g in
                                 let label = g.event == "interest" ? interest : other
                                 if g.withheld { return [label, "withheld", "", "withheld"] }
                                 guard let t = g.test else { return [label, "NA", "", "NA"] }
                                 return [label, f.stat(t.chiSquare), String(t.degreesOfFreedom), f.p(t.p)]
                             }, numericColumns: [1, 2, 3],
                             note: cr.grayTests.contains(where: \.withheld) ? "withheld: a group is below the minimum cell count (the test would describe it)" : nil))
        }
        if !cr.fineGray.isEmpty {
            out.append(Table(id: "cr_finegray", title: "Fine–Gray subdistribution hazard ratio of the \(interest) by group (95% CI, robust se by patient)",
                             headers: ["level", "patients", "subdistribution HR", "95% CI", "p"],
                             rows: cr.fineGray.map { t in
                                 t.isReference ? [t.level, t.n.description, "reference", "", ""]
                                     : t.withheld ? [t.level, t.n.description, "withheld", "withheld", "withheld"]
                                     : [t.level, t.n.description, f.ratio(t.hazardRatio), ci(t.lower, t.upper, f.ratio), f.p(t.p)]
                             }, numericColumns: [1, 2, 4],
                             note: "R: coxph(Surv(fgstart, fgstop, fgstatus) ~ group, weights = fgwt, cluster = id, data = finegray(...)); unadjusted"))
        }
        return out
    }
}
