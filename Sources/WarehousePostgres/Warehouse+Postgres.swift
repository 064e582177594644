import Foundation
import Logging
import PostgresNIO
import Warehouse

extension Warehouse {
    /// Opens a warehouse from a `--db` string: a `postgres://` URL (PostgreSQL), `:memory:`, or a SQLite
    /// file path (default `./onco-warehouse.sqlite`). Lives here because only this module knows both backends.
    /// - Parameters:
    ///   - mode: `.existing` for every command that reads or adds to a warehouse; `.createIfMissing`
    ///     only for those that fill one (`warehouse init|import|synth`).
    ///   - connectTimeout: PostgreSQL only: wins over the URL's `connect_timeout`; default 5 s.
    /// - Throws: `WarehouseConnectionError` when the warehouse cannot be opened or reached (why, and where).
    public static func open(db: String?, mode: WarehouseOpenMode, connectTimeout: Duration? = nil, options: Options = Options(),
                            logger: Logger = Logger(label: "onco.warehouse")) async throws -> Warehouse {
        switch WarehouseLocation(parsing: db) {
        case .sqliteFile(let path): return try await openSQLite(path: path, mode: mode, options: options, logger: logger)
        case .sqliteInMemory: return try await openSQLite(path: nil, options: options, logger: logger)
        case .postgres(let url):
            return try await openPostgres(url: url, mode: mode, connectTimeout: connectTimeout, options: options, logger: logger)
        }
    }

    /// Opens the warehouse on a PostgreSQL server: connects (one probe connection first, bounded by the
    /// connect timeout) and migrates.
    ///
    /// `postgres://user:password@host:port/database[?schema=name][&connect_timeout=s]`; TLS is not used
    /// (loopback / trusted network); `schema` selects (and creates) a schema, used by tests to isolate runs.
    /// - Parameters:
    ///   - mode: `.existing` refuses a database (or `?schema=`) that holds no onco warehouse and creates
    ///     nothing; `.createIfMissing` creates the schema and tables.
    ///   - connectTimeout: wins over the URL's `connect_timeout`; default 5 s.
    /// - Throws: `WarehouseError.badLocation` for a malformed URL; `WarehouseConnectionError` naming
    ///   host, port, database, user and the cause when the server cannot be reached or refuses;
    ///   `WarehouseError.database` for a failure after connecting.
    public static func openPostgres(url: String, mode: WarehouseOpenMode = .createIfMissing, connectTimeout: Duration? = nil,
                                    options: Options = Options(), logger: Logger = Logger(label: "onco.warehouse")) async throws -> Warehouse {
        let target = try PostgresTarget(url: url, connectTimeout: connectTimeout)
        try await PostgresBackend.probe(target, logger: logger)
        var config = PostgresClient.Configuration(host: target.host, port: target.port, username: target.user,
                                                  password: target.password, database: target.database, tls: .disable)
        config.options.maximumConnections = 4
        config.options.connectTimeout = target.connectTimeout
        if let schema = target.schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        var background = Logger(label: "onco.warehouse.postgres.background")
        background.logLevel = .error   // e.g. "run() hasn't been called yet" while the run task starts
        let client = PostgresClient(configuration: config, backgroundLogger: background)
        let pg = PostgresBackend(client: client, logger: logger)
        let warehouse = Warehouse(pg, options: options)
        do {
            switch mode {
            case .createIfMissing:
                if let schema = target.schema {
                    try await client.withConnection { conn in
                        // Created only when missing, so that a role without CREATE on the database (one that may only query) can open it.
                        let exists = try await conn.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM pg_namespace WHERE nspname = '\(schema)'"), logger: logger)
                        var found = false
                        for try await _ in exists { found = true }
                        if !found {
                            _ = try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                        }
                    }
                }
            case .existing:
                if !(try await warehouse.hasSchema()) {
                    throw target.error(.notAWarehouse, "the database holds no onco warehouse\(target.schema == nil ? "" : " in this schema") "
                                       + "(no onco_migration table); nothing was created (only onco warehouse init, import and synth create a warehouse)")
                }
            }
            try await warehouse.migrate(logger: logger)
        } catch {
            pg.runTask.cancel()
            throw PostgresBackend.wrap(error)
        }
        return warehouse
    }

    /// Drops a schema of this PostgreSQL warehouse's database and everything in it (test clean-up).
    /// The name is checked like `?schema=`.
    public func dropPostgresSchema(_ schema: String) async throws {
        guard let pg = sql as? PostgresBackend else {
            throw WarehouseError(.badLocation, "not a PostgreSQL warehouse: there is no schema to drop")
        }
        guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw WarehouseError(.badLocation, "the schema name may contain only letters, digits and _")
        }
        try await pg.client.withConnection { conn in
            _ = try await conn.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: pg.logger)
        }
    }
}
