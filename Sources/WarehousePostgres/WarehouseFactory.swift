import Logging
import Warehouse

/// Opens a warehouse from a `--db` string: a `postgres://` URL (PostgreSQL), `:memory:`, or a SQLite
/// file path (default `./onco-warehouse.sqlite`). Lives here because only this module knows both backends.
public enum WarehouseFactory {
    /// - Parameters:
    ///   - mode: `.existing` for every command that reads or adds to a warehouse; `.createIfMissing`
    ///     only for those that fill one (`warehouse init|import|synth`).
    ///   - connectTimeout: PostgreSQL only: wins over the URL's `connect_timeout`; default 5 s.
    /// - Throws: `WarehouseConnectionError` when the warehouse cannot be opened or reached (why, and where).
    public static func open(db: String?, mode: WarehouseOpenMode, connectTimeout: Duration? = nil,
                            logger: Logger = Logger(label: "onco.warehouse")) async throws -> any WarehouseStore {
        switch WarehouseLocation(parsing: db) {
        case .sqliteFile(let path): return try await SQLiteWarehouseStore(path: path, mode: mode, logger: logger)
        case .sqliteInMemory: return try await SQLiteWarehouseStore(path: nil, logger: logger)
        case .postgres(let url): return try await PostgresWarehouseStore(url: url, mode: mode, connectTimeout: connectTimeout, logger: logger)
        }
    }
}
