import Foundation
import OncoCore

extension CohortReport {
    /// A gene (or set) screen (`onco cohort screen`): one row per tested unit, carriers vs the rest, sorted by
    /// log-rank p; counts already under disclosure control (`<k`, or rounded to multiples of k).
    public struct ScreenSection: Sendable, Codable, Hashable {
        public struct Row: Sendable, Codable, Hashable {
            /// The gene, or the set's name.
            public var unit: String
            public var carriers: SuppressedCount
            public var carrierEvents: SuppressedCount
            public var others: SuppressedCount
            public var otherEvents: SuppressedCount
            /// Cox (carrier indicator alone, Efron ties): nil when not estimable (no events in one group).
            public var hazardRatio: Double?
            public var lower: Double?
            public var upper: Double?
            public var coefficient: Double?
            public var standardError: Double?
            public var waldP: Double?
            /// Log-rank χ² (1 df) and p; `q`: Benjamini–Hochberg over the units tested (R `p.adjust(p, "BH")`).
            public var chiSquare: Double
            public var logRankP: Double
            public var q: Double
            /// A set's members with at least one carrier among the analysed patients, and the carriers of each (counted
            /// and suppressed like `carriers`, so no difference reveals a suppressed count); nil for a gene.
            public var members: [SetMember]?
            public init(unit: String, carriers: SuppressedCount, carrierEvents: SuppressedCount, others: SuppressedCount,
                        otherEvents: SuppressedCount, hazardRatio: Double?, lower: Double?, upper: Double?, coefficient: Double?,
                        standardError: Double?, waldP: Double?, chiSquare: Double, logRankP: Double, q: Double, members: [SetMember]? = nil) {
                self.unit = unit; self.carriers = carriers; self.carrierEvents = carrierEvents; self.others = others
                self.otherEvents = otherEvents; self.hazardRatio = hazardRatio; self.lower = lower; self.upper = upper
                self.coefficient = coefficient; self.standardError = standardError; self.waldP = waldP
                self.chiSquare = chiSquare; self.logRankP = logRankP; self.q = q; self.members = members
            }
        }
        /// `gene` or `set`.
        public var unit: String
        /// Units with fewer carriers among the analysed patients are not tested.
        public var minimumCarriers: Int
        public var classes: [String]
        /// Units tested, and units altered in fewer than `minimumCarriers` patients (counts of genes, not patients).
        public var tested: Int
        public var belowMinimum: Int
        public var rows: [Row]
        public init(unit: String, minimumCarriers: Int, classes: [String], tested: Int, belowMinimum: Int, rows: [Row]) {
            self.unit = unit; self.minimumCarriers = minimumCarriers; self.classes = classes; self.tested = tested
            self.belowMinimum = belowMinimum; self.rows = rows
        }
    }
}
