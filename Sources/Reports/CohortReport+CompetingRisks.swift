import OncoCore

extension CohortReport {
    /// Competing risks of the endpoint's events, after disclosure control: cumulative incidence of the
    /// event of interest and of the competing event per group at set times (Aalen–Johansen), Gray's test
    /// for each, and the Fine–Gray subdistribution hazard ratio of the event of interest by group.
    public struct CompetingRisksSummary: Sendable, Codable, Hashable {
        public struct IncidenceAt: Sendable, Codable, Hashable {
            public var time: Double
            /// Cumulative incidence of the event of interest with its 95% log bounds (nil when withheld).
            public var interest: Double?
            public var interestLower: Double?
            public var interestUpper: Double?
            /// Cumulative incidence of the competing event (nil when withheld).
            public var competing: Double?
            public var competingLower: Double?
            public var competingUpper: Double?
            public init(time: Double, interest: Double?, interestLower: Double?, interestUpper: Double?, competing: Double?,
                        competingLower: Double?, competingUpper: Double?) {
                self.time = time; self.interest = interest; self.interestLower = interestLower; self.interestUpper = interestUpper
                self.competing = competing; self.competingLower = competingLower; self.competingUpper = competingUpper
            }
        }
        public struct Group: Sendable, Codable, Hashable {
            public var label: String
            public var n: SuppressedCount
            public var interest: SuppressedCount
            public var competing: SuppressedCount
            /// True when the group is below the minimum cell count: its incidences are withheld.
            public var withheld: Bool
            public var at: [IncidenceAt]
            public init(label: String, n: SuppressedCount, interest: SuppressedCount, competing: SuppressedCount, withheld: Bool, at: [IncidenceAt]) {
                self.label = label; self.n = n; self.interest = interest; self.competing = competing; self.withheld = withheld; self.at = at
            }
        }
        public struct GrayTestSummary: Sendable, Codable, Hashable {
            /// `interest` or `competing`.
            public var event: String
            /// nil when withheld (a compared group below the minimum cell count) or not computable.
            public var test: Test?
            public var withheld: Bool
            public init(event: String, test: Test?, withheld: Bool) { self.event = event; self.test = test; self.withheld = withheld }
        }
        public struct SubdistributionTerm: Sendable, Codable, Hashable {
            public var level: String
            public var isReference: Bool
            public var n: SuppressedCount
            public var hazardRatio: Double?
            public var lower: Double?
            public var upper: Double?
            public var p: Double?
            /// Robust se of the log subdistribution HR (clustered by patient).
            public var standardError: Double?
            public var withheld: Bool
            public init(level: String, isReference: Bool, n: SuppressedCount, hazardRatio: Double?, lower: Double?, upper: Double?, p: Double?,
                        standardError: Double?, withheld: Bool) {
                self.level = level; self.isReference = isReference; self.n = n; self.hazardRatio = hazardRatio; self.lower = lower
                self.upper = upper; self.p = p; self.standardError = standardError; self.withheld = withheld
            }
        }
        /// The cause attribute (e.g. DSS_STATUS).
        public var cause: String
        /// Endpoint events left out for an unknown cause.
        public var unknownCause: SuppressedCount
        public var groups: [Group]
        public var grayTests: [GrayTestSummary]
        public var fineGray: [SubdistributionTerm]
        public init(cause: String, unknownCause: SuppressedCount, groups: [Group], grayTests: [GrayTestSummary], fineGray: [SubdistributionTerm]) {
            self.cause = cause; self.unknownCause = unknownCause; self.groups = groups; self.grayTests = grayTests; self.fineGray = fineGray
        }
    }

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
