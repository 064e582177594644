import Logging
import Warehouse

/// Opens a warehouse from a `--db` string: a `postgres://` URL (PostgreSQL), `:memory:`, or a SQLite
/// file path (default `./onco-warehouse.sqlite`). Lives here because only this module knows both backends.
public enum WarehouseFactory {
    public static func open(db: String?, logger: Logger = Logger(label: "onco.warehouse")) async throws -> any WarehouseStore {
        switch WarehouseLocation(parsing: db) {
        case .sqliteFile(let path): return try await SQLiteWarehouseStore(path: path, logger: logger)
        case .sqliteInMemory: return try await SQLiteWarehouseStore(path: nil, logger: logger)
        case .postgres(let url): return try await PostgresWarehouseStore(url: url, logger: logger)
        }
    }
}
