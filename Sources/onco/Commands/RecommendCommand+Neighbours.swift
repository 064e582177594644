import Foundation
import Logging
import Recommendation
import Warehouse

extension SimilarityNeighbourSource {
    /// The warehouse's similarity index at the CLI's index path (`--similarity-index`, or beside a SQLite
    /// warehouse / in the cache folder for PostgreSQL, as `onco similar` uses), or the reason neighbour
    /// candidates are off.
    static func make(store: any WarehouseStore, db: String?, index: String?, logger: Logger) async -> (source: SimilarityNeighbourSource?, reason: String) {
        await load(store: store, indexPath: WarehouseCommand.similarityIndexPath(db: db, index: index), logger: logger)
    }
}
