import Foundation
import Logging
import OncoCore
import Vocabulary
import Warehouse

/// The similarity index of a warehouse: built from its profiles, persisted beside it, kept current.
///
/// An index built from a warehouse carries a ``Stamp`` (in `SimilarityIndex.attributes`): the warehouse
/// version, the datasets (id, name, content hash) it reflects and the profile rules. It is *current* when
/// the stamp equals the warehouse's; otherwise it is brought up to date incrementally (patients of added
/// or replaced datasets upserted, patients no longer in the warehouse removed) when its rules and
/// vocabulary still apply, else rebuilt.
///
/// Neighbour keys are the warehouse's pseudonymous keys (`person.person_source_value`); map them back to
/// `person_id`s with ``personIDs(for:in:logger:)`` to fetch treatment lines and outcomes
/// (`Warehouse.treatmentLines(cohort:)`).
public enum WarehouseSimilarity {
    /// The attribute of `SimilarityIndex.attributes` holding the stamp (JSON).
    public static let stampAttribute = "onco.warehouse.stamp"

    /// What a warehouse index reflects.
    public struct Stamp: Codable, Hashable, Sendable {
        public struct Dataset: Codable, Hashable, Sendable {
            public var id: Int
            public var name: String
            public var contentSHA256: String
        }
        public var warehouseVersion: Int
        public var datasets: [Dataset]
        public var synthetic: Bool?
        /// `WarehouseProfileMapping.rulesVersion` plus the read options.
        public var rules: String

        public init(metadata m: WarehouseMetadata, mapping: WarehouseProfileMapping) {
            warehouseVersion = m.warehouseVersion
            datasets = m.datasets.map { Dataset(id: $0.id, name: $0.name, contentSHA256: $0.contentSHA256) }.sorted { $0.id < $1.id }
            synthetic = m.synthetic
            rules = WarehouseProfileMapping.rulesVersion + (mapping.builder.passOnly ? "+pass" : "+all")
        }
    }

    /// How an index relates to a warehouse.
    public enum Freshness: Hashable, Sendable {
        /// Built from exactly this warehouse state.
        case current
        /// Built from an earlier state of this warehouse under the same rules: can be updated in place.
        case stale(from: Int, to: Int)
        /// Not a warehouse index, or built under other rules, another vocabulary or another tumour-type
        /// tree: must be rebuilt.
        case incompatible(String)
    }

    /// The stamp an index carries, if any.
    public static func stamp(of index: SimilarityIndex) -> Stamp? {
        guard let s = index.attributes[stampAttribute] else { return nil }
        return try? JSONDecoder().decode(Stamp.self, from: Data(s.utf8))
    }

    static func setStamp(_ s: Stamp, on index: inout SimilarityIndex) {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        index.attributes[stampAttribute] = String(decoding: (try? e.encode(s)) ?? Data(), as: UTF8.self)
    }

    /// Whether `index` reflects the warehouse described by `metadata`.
    public static func freshness(of index: SimilarityIndex, for metadata: WarehouseMetadata,
                                 mapping: WarehouseProfileMapping = WarehouseProfileMapping()) -> Freshness {
        guard let s = stamp(of: index) else { return .incompatible("the index carries no warehouse stamp") }
        let now = Stamp(metadata: metadata, mapping: mapping)
        guard s.rules == now.rules else { return .incompatible("profile rules \(s.rules), now \(now.rules)") }
        guard index.vocabulary == mapping.vocabulary else { return .incompatible("gene vocabulary differs") }
        guard index.tumourTypes.extends(mapping.tumourTypes) else {
            return .incompatible("tumour-type tree differs (another OncoTree release)")
        }
        if s == now { return .current }
        return .stale(from: s.warehouseVersion, to: now.warehouseVersion)
    }

    // MARK: - Building and updating

    /// Builds the index of every warehouse patient (one profile read, then a bulk columnar insert).
    public static func build(from store: Warehouse, mapping: WarehouseProfileMapping = WarehouseProfileMapping(),
                             logger: Logger) async throws -> SimilarityIndex {
        // Metadata first: the profiles read afterwards hold at least what the stamp says.
        let meta = try await store.metadata(logger: logger)
        let table = try await store.similarityProfiles(cohort: .all, options: mapping.readOptions, logger: logger)
        var index = SimilarityIndex(vocabulary: mapping.vocabulary, tumourTypes: mapping.tumourTypes,
                                    pathways: mapping.builder.pathways, reservingCapacity: table.count)
        try index.upsert(mapping.columns(table))
        setStamp(Stamp(metadata: meta, mapping: mapping), on: &index)
        logger.info("similarity.build", metadata: ["patients": "\(index.count)", "warehouse.version": "\(meta.warehouseVersion)"])
        return index
    }

    /// What an incremental update did.
    public struct UpdateSummary: Hashable, Sendable {
        public var fromVersion: Int
        public var toVersion: Int
        /// Datasets whose patients were (re)read.
        public var datasetsRead: [String]
        public var upserted: Int
        public var removed: Int
    }

    /// Brings a stale index up to the warehouse's current state in place: reads the profiles of the
    /// datasets added (or replaced) since its stamp, upserts them, and removes patients whose keys are
    /// no longer in the warehouse (only when a dataset disappeared). Equal to a rebuild (same patients,
    /// same profiles), provided keys are unique across datasets.
    /// - Throws: `SimilarityError.incompatibleIndex` when the index cannot be updated (no stamp, other
    ///   rules, vocabulary or tumour-type tree): rebuild it instead.
    @discardableResult
    public static func update(_ index: inout SimilarityIndex, from store: Warehouse,
                              mapping: WarehouseProfileMapping = WarehouseProfileMapping(),
                              logger: Logger) async throws -> UpdateSummary {
        let meta = try await store.metadata(logger: logger)
        let fresh = freshness(of: index, for: meta, mapping: mapping)
        if case .incompatible(let why) = fresh { throw SimilarityError(.incompatibleIndex, "the similarity index cannot be updated: \(why)") }
        let old = stamp(of: index)!
        let now = Stamp(metadata: meta, mapping: mapping)
        var summary = UpdateSummary(fromVersion: old.warehouseVersion, toVersion: now.warehouseVersion, datasetsRead: [], upserted: 0, removed: 0)
        if fresh == .current { return summary }
        let before = Set(old.datasets), after = Set(now.datasets)
        let added = now.datasets.filter { !before.contains($0) }
        let gone = old.datasets.filter { !after.contains($0) }
        if !gone.isEmpty {
            let present = Set(try await store.personKeys(cohort: .all, logger: logger).keys)
            let stale = index.patientKeys.filter { !present.contains($0.rawValue) }
            summary.removed = index.remove(stale)
        }
        if !added.isEmpty {
            let t = try await store.similarityProfiles(cohort: CohortCriteria(datasets: added.map(\.name)), options: mapping.readOptions, logger: logger)
            try index.upsert(mapping.columns(t))
            summary.upserted = t.count
            summary.datasetsRead = added.map(\.name)
        }
        if index.rowCount - index.count > max(1024, index.count / 4) { index = index.compacted() }
        setStamp(now, on: &index)
        logger.info("similarity.update", metadata: ["upserted": "\(summary.upserted)", "removed": "\(summary.removed)",
                                                    "warehouse.version": "\(now.warehouseVersion)"])
        return summary
    }

    /// The warehouse's similarity index: the one persisted at `path` when it is current, else that one
    /// updated incrementally (or rebuilt when it cannot be updated, is unreadable or absent), written
    /// back to `path`. With `path` nil the index is built in memory and not persisted.
    public static func index(for store: Warehouse, at path: String?, logger: Logger) async throws -> SimilarityIndex {
        try await index(for: store, at: path, mapping: WarehouseProfileMapping(), logger: logger).index
    }

    /// What `index(for:at:...)` did.
    public enum Provenance: Hashable, Sendable {
        case loaded
        case updated(UpdateSummary)
        case built(reason: String)
    }

    /// As `index(for:at:logger:)`, also saying whether the index was loaded, updated or built. The file's
    /// checksums are verified on the first open of each file, not on every open (`IndexVerificationRecord`).
    /// - Parameter mustPersist: when false, an index that cannot be written to `path` (a read-only folder)
    ///   is still returned, with a warning (`similarity.index.not_persisted`), instead of the write error.
    public static func index(for store: Warehouse, at path: String?, mapping: WarehouseProfileMapping,
                             mustPersist: Bool = true, logger: Logger) async throws -> (index: SimilarityIndex, provenance: Provenance) {
        func persist(_ idx: SimilarityIndex, _ url: URL) throws {
            do {
                try idx.write(to: url)
            } catch let e as SimilarityError where e.code == .writeFailed && !mustPersist {
                logger.warning("similarity.index.not_persisted", metadata: ["error.code": "\(e.code)"])
            }
        }
        guard let path else {
            return (try await build(from: store, mapping: mapping, logger: logger), .built(reason: "no index path"))
        }
        let url = URL(fileURLWithPath: path)
        var reason = "no index at the path"
        if FileManager.default.fileExists(atPath: path) {
            do {
                var idx = try SimilarityIndex(contentsOfRecordedFile: url)
                let meta = try await store.metadata(logger: logger)
                switch freshness(of: idx, for: meta, mapping: mapping) {
                case .current:
                    return (idx, .loaded)
                case .stale:
                    let s = try await update(&idx, from: store, mapping: mapping, logger: logger)
                    try persist(idx, url)
                    return (idx, .updated(s))
                case .incompatible(let why):
                    reason = why
                }
            } catch let e as SimilarityError where e.code == .badIndexFile || e.code == .unsupportedVersion {
                logger.warning("similarity.index.unreadable", metadata: ["error.code": "\(e.code)"])
                reason = "the index file is unreadable (\(e.code))"
            }
        }
        let idx = try await build(from: store, mapping: mapping, logger: logger)
        try persist(idx, url)
        return (idx, .built(reason: reason))
    }

    /// The profile of a new case, built with the same rules as the warehouse's patients.
    public static func caseProfile(variants: [SomaticVariant], clinical: ClinicalContext, priorLines: Int? = nil,
                                   key: PatientKey = queryKey) -> PatientProfile {
        ProfileBuilder().profile(key: key, variants: variants, clinical: clinical, priorLines: priorLines)
    }

    /// The key given to a new case's profile: never a warehouse key (those are pseudonyms without spaces).
    public static let queryKey = PatientKey("new case")

    /// Warehouse person ids of these pseudonymous keys (keys not in the warehouse are absent).
    public static func personIDs(for keys: [PatientKey], in store: Warehouse, logger: Logger) async throws -> [PatientKey: Int64] {
        if keys.isEmpty { return [:] }
        let t = try await store.personKeys(cohort: CohortCriteria(patientKeys: keys.map(\.rawValue)), logger: logger)
        var out: [PatientKey: Int64] = [:]
        for (id, k) in zip(t.personIDs, t.keys) { out[PatientKey(k)] = id }   // a duplicated key maps to its last person, as in the index
        return out
    }

    /// Where the index of a warehouse lives by default: beside a SQLite file (`<file>.simidx`); for
    /// PostgreSQL in `cacheDirectory`, named after the server, port, database and schema
    /// (`similarity-<16 hex digits>.simidx`; the password is not part of the name); none in memory.
    public static func defaultIndexPath(for location: WarehouseLocation, cacheDirectory: String?) -> String? {
        switch location {
        case .sqliteFile(let p): return p + ".simidx"
        case .sqliteInMemory: return nil
        case .postgres:
            guard let dir = cacheDirectory else { return nil }
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in location.description.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }   // description masks the password
            let hex = String(h, radix: 16)
            return (dir as NSString).appendingPathComponent("similarity-" + String(repeating: "0", count: 16 - hex.count) + hex + ".simidx")
        }
    }
}
