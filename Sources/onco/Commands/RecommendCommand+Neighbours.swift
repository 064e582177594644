import Foundation
import Logging
import Recommendation
import Vocabulary
import Warehouse

extension SimilarityNeighbourSource {
    /// The warehouse's similarity index at the CLI's index path (`--similarity-index`, or beside a SQLite
    /// warehouse / in the cache folder for PostgreSQL, as `onco similar` uses), or the reason neighbour
    /// candidates are off. `tumourTypes`: the knowledge base's OncoTree (`KnowledgeBase.tumourTypeHierarchy()`).
    static func make(store: Warehouse, db: String?, index: String?, tumourTypes: TumourTypeHierarchy,
                     logger: Logger) async -> (source: SimilarityNeighbourSource?, reason: String) {
        await load(store: store, indexPath: WarehouseCommand.similarityIndexPath(db: db, index: index), tumourTypes: tumourTypes, logger: logger)
    }
}
