import Foundation
import Logging
import OncoCore
import Recommendation
import Similarity
import Warehouse

/// The Similarity module's warehouse index as the recommender's `NeighbourSource`: the case's profile
/// is built with the warehouse's profile rules (`WarehouseSimilarity.caseProfile`), searched exactly
/// (top-k), and the neighbours' pseudonymous keys are mapped back to warehouse person ids. Lives in the
/// CLI so that module Recommendation does not depend on module Similarity.
struct SimilarityNeighbourSource: NeighbourSource {
    let index: SimilarityIndex
    let store: any WarehouseStore
    var summary: String { "exact top-k similarity search over \(index.count) warehouse profiles" }

    func neighbours(of c: RecommendationCase, k: Int, logger: Logger) async throws -> NeighbourSet {
        let query = WarehouseSimilarity.caseProfile(variants: c.variants, clinical: c.clinical)
        let found = try index.search(query, options: SearchOptions(k: k))
        let ids = try await WarehouseSimilarity.personIDs(for: found.map(\.key), in: store, logger: logger)
        var persons: [Int64] = [], similarities: [Double] = []
        for n in found {
            guard let id = ids[n.key] else { continue }
            persons.append(id)
            similarities.append(n.similarity)
        }
        return NeighbourSet(personIDs: persons, similarities: similarities)
    }

    /// The warehouse's similarity index (loaded, updated or built and persisted beside a SQLite
    /// warehouse, as `onco similar` does), or the reason neighbour candidates are off.
    static func make(store: any WarehouseStore, db: String?, index: String?, logger: Logger) async -> (source: SimilarityNeighbourSource?, reason: String) {
        let path = WarehouseCommand.similarityIndexPath(db: db, index: index)
        do {
            let (idx, _) = try await WarehouseSimilarity.index(for: store, at: path, mapping: WarehouseProfileMapping(), logger: logger)
            guard idx.count > 0 else { return (nil, "the warehouse has no patient profiles") }
            return (SimilarityNeighbourSource(index: idx, store: store), "")
        } catch {
            return (nil, "the similarity index could not be loaded or built: \(error)")
        }
    }
}
