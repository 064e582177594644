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
}
