import Foundation
import Logging
import OncoCore
import Similarity
import Vocabulary
import Warehouse

/// The Similarity module's warehouse index as the recommender's `NeighbourSource`: the case's profile
/// is built with the warehouse's profile rules (`WarehouseSimilarity.caseProfile`), searched exactly
/// (top-k), and the neighbours' pseudonymous keys are mapped back to warehouse person ids.
///
/// `onco recommend` and `onco batch` both use it, with the index persisted beside the warehouse
/// (`WarehouseSimilarity.index(for:at:...)`: loaded when current, updated incrementally when stale).
/// Keys are mapped to person ids by one warehouse query per case, or, for a batch, from a table read
/// once (`preloadingPersonIDs`).
public struct SimilarityNeighbourSource: NeighbourSource {
    public let index: SimilarityIndex
    public let store: Warehouse
    /// Person id of every index key, when read once up front; nil: asked of the store per case.
    let personIDs: [PatientKey: Int64]?
    /// Search threads per case (1 in a batch, where parallelism is across cases).
    public var threads: Int?

    public init(index: SimilarityIndex, store: Warehouse, personIDs: [PatientKey: Int64]? = nil, threads: Int? = nil) {
        self.index = index
        self.store = store
        self.personIDs = personIDs
        self.threads = threads
    }

    public var summary: String { Self.summaryText }
    /// The `summary` of every such source.
    public static let summaryText = "exact top-k similarity search over the warehouse's profiles"

    public func neighbours(of c: RecommendationCase, k: Int, logger: Logger) async throws -> NeighbourSet {
        let query = WarehouseSimilarity.caseProfile(variants: c.variants, clinical: c.clinical)
        var options = SearchOptions(k: k)
        if let threads { options.threads = threads }
        let found = try index.search(query, options: options)
        let ids: [PatientKey: Int64]
        if let personIDs { ids = personIDs } else {
            ids = try await WarehouseSimilarity.personIDs(for: found.map(\.key), in: store, logger: logger)
        }
        var persons: [Int64] = [], similarities: [Double] = []
        persons.reserveCapacity(found.count)
        similarities.reserveCapacity(found.count)
        for n in found {
            guard let id = ids[n.key] else { continue }
            persons.append(id)
            similarities.append(n.similarity)
        }
        return NeighbourSet(personIDs: persons, similarities: similarities)
    }

    /// The warehouse's similarity index (loaded, updated, or built and persisted at `indexPath`; built in
    /// memory when `indexPath` is nil or cannot be written), or the reason neighbour candidates are off.
    /// - Parameters:
    ///   - preloadingPersonIDs: read every person's key once (a batch) instead of per case.
    ///   - tumourTypes: the tumour-type tree profiles are compared over: the knowledge base's OncoTree
    ///     (`KnowledgeBase.tumourTypeHierarchy()`); an index built over another tree is rebuilt.
    public static func load(store: Warehouse, indexPath: String?, preloadingPersonIDs: Bool = false,
                            threads: Int? = nil, tumourTypes: TumourTypeHierarchy = .embedded,
                            logger: Logger) async -> (source: SimilarityNeighbourSource?, reason: String) {
        do {
            // An index that cannot be written beside the warehouse (read-only folder) is used from memory.
            let idx = try await WarehouseSimilarity.index(for: store, at: indexPath, mapping: WarehouseProfileMapping(tumourTypes: tumourTypes),
                                                          mustPersist: false, logger: logger).index
            guard idx.count > 0 else { return (nil, "the warehouse has no patient profiles") }
            var ids: [PatientKey: Int64]? = nil
            if preloadingPersonIDs {
                let t = try await store.personKeys(cohort: .all, logger: logger)
                var m: [PatientKey: Int64] = [:]
                m.reserveCapacity(t.personIDs.count)
                for (id, k) in zip(t.personIDs, t.keys) { m[PatientKey(k)] = id }   // a duplicated key maps to its last person, as in the index
                ids = m
            }
            return (SimilarityNeighbourSource(index: idx, store: store, personIDs: ids, threads: threads), "")
        } catch {
            return (nil, "the similarity index could not be loaded or built: \(error)")
        }
    }
}
