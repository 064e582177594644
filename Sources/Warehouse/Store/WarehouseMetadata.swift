import Foundation

/// What the warehouse says about itself.
public struct WarehouseMetadata: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    /// Increases by one with every import that changed the warehouse; caches key on it.
    public var warehouseVersion: Int
    /// nil while empty; true when the warehouse holds synthetic data only (real and synthetic data
    /// are never mixed in one warehouse).
    public var synthetic: Bool?
    public var datasets: [DatasetInfo]
    public var migrations: [String]
}

/// One imported dataset.
public struct DatasetInfo: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    public var sourceKind: String
    public var contentSHA256: String
    public var synthetic: Bool
    public var importedAt: String
    public var warehouseVersion: Int
    public var patients: Int
    public var samples: Int
    public var mutations: Int
    public var treatmentRows: Int
    /// For a synthetic dataset generated with traps, the planted truth (JSON); nil otherwise.
    public var plantedTruth: String? = nil
}

/// Row counts.
public struct WarehouseStats: Sendable, Hashable, Codable {
    public var patients: Int
    public var samples: Int
    public var mutations: Int
    /// `drug_exposure` rows (one per agent per treatment record).
    public var treatmentRows: Int
    public var linesOfTherapy: Int
    public var deaths: Int
    public var measurements: Int
    public var clinicalAttributes: Int
    /// Patients per tumour type (OncoTree code; `unknown` when none), sorted by code.
    public var patientsByTumourType: [TumourTypeCount]
    public var datasets: [DatasetInfo]
}

public struct TumourTypeCount: Sendable, Hashable, Codable {
    public var tumourType: String
    public var patients: Int
}

/// Running totals of an import.
public struct ImportProgress: Sendable, Hashable {
    public var batches: Int
    public var patients: Int
    public var rows: Int
}

/// What an import did.
public struct ImportOutcome: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// A new dataset was written.
        case imported
        /// The same dataset (name and content hash) was already there; nothing was written.
        case unchanged
        /// A dataset of this name with other content was replaced.
        case replaced
    }
    public var action: Action
    public var dataset: DatasetInfo
    public var warehouseVersion: Int
    public var rowsWritten: Int
}
