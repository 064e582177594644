import Foundation
import Logging
import OncoCore

// The two reads cohort studies written as researchers write them need (issue #20), beside the cohort table:
// the levels of a clinical attribute (so that a `--where` value matching nothing is an error naming close
// matches, not an empty cohort) and the carriers of every altered gene of a cohort (the gene screen, `onco cohort
// screen`). The reads are `Warehouse.attributeLevels` and `Warehouse.alterationCarriers` (`Warehouse+CohortSets.swift`).

/// One level of a clinical attribute and the number of distinct patients holding it.
public struct AttributeLevel: Sendable, Hashable, Codable {
    public var value: String
    public var patients: Int
    public init(value: String, patients: Int) { self.value = value; self.patients = patients }
}

/// Which alterations make a carrier: the same classes and PASS rule as `AlterationFilter`, in every gene
/// (or in `genes` only).
public struct CarrierRequest: Sendable, Hashable, Codable {
    public var cohort: CohortCriteria
    /// `consequence_class` values and gene-level kinds (`amplification`, `deletion`, `fusion`) that count.
    public var classes: [String]
    public var passOnly: Bool
    /// nil: every gene.
    public var genes: [String]?
    /// Fusions count only with this stated frame (as `AlterationFilter.fusionFrame`); nil: any frame.
    public var fusionFrame: FusionFrame?
    public init(cohort: CohortCriteria, classes: [String] = AlterationFilter.nonSynonymousClasses, passOnly: Bool = false,
                genes: [String]? = nil, fusionFrame: FusionFrame? = nil) {
        self.cohort = cohort; self.classes = classes; self.passOnly = passOnly; self.genes = genes; self.fusionFrame = fusionFrame
    }
}

/// Carriers per gene: `genes` sorted; the carriers of `genes[g]` are `personIDs[offsets[g] ..< offsets[g + 1]]`,
/// ascending and distinct. `genotyped`: the cohort's patients with a specimen, ascending.
public struct GeneCarriers: Sendable, Hashable {
    public var genes: [String] = []
    public var offsets: [Int] = [0]
    public var personIDs: [Int64] = []
    public var genotyped: [Int64] = []
    public init() {}
    public func carriers(_ g: Int) -> ArraySlice<Int64> { personIDs[offsets[g] ..< offsets[g + 1]] }
}
