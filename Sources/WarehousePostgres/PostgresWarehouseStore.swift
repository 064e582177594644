import Foundation
import Logging
import NIOCore
import OncoCore
import PostgresNIO
import Warehouse

/// The warehouse on a PostgreSQL server (postgres-nio), same schema and same answers as SQLite.
///
/// - Reads come back packed: the server concatenates each column of up to 50,000 rows into one text
///   value (`string_agg`), so a million-row answer is ~20 messages, not a million rows decoded one by
///   one (which postgres-nio does at ~30k rows/s).
/// - Writes use `COPY … FROM STDIN` (text format) inside one transaction per import; writers take a
///   transaction-scoped advisory lock, so concurrent imports queue instead of interleaving ids.
/// - `postgres://user:password@host:port/database[?schema=name]`; TLS is not used (loopback / trusted
///   network); `schema` selects (and creates) a schema, used by tests to isolate runs.
public final class PostgresWarehouseStore: WarehouseStore {
    public var backend: WarehouseBackend { .postgres }
    let client: PostgresClient
    let runTask: Task<Void, Never>
    package let engine: WarehouseEngine
    let pg: PostgresBackend

    /// Connects (one probe connection first, bounded by the connect timeout) and migrates.
    /// - Parameters:
    ///   - mode: `.existing` refuses a database (or `?schema=`) that holds no onco warehouse and creates
    ///     nothing; `.createIfMissing` creates the schema and tables.
    ///   - connectTimeout: wins over the URL's `connect_timeout`; default 5 s.
    /// - Throws: `WarehouseError.badLocation` for a malformed URL; `WarehouseConnectionError` naming
    ///   host, port, database, user and the cause when the server cannot be reached or refuses;
    ///   `WarehouseError.database` for a failure after connecting.
    public init(url: String, mode: WarehouseOpenMode = .createIfMissing, connectTimeout: Duration? = nil,
                logger: Logger = Logger(label: "onco.warehouse")) async throws {
        let target = try PostgresTarget(url: url, connectTimeout: connectTimeout)
        try await Self.probe(target, logger: logger)
        var config = PostgresClient.Configuration(host: target.host, port: target.port, username: target.user,
                                                  password: target.password, database: target.database, tls: .disable)
        config.options.maximumConnections = 4
        config.options.connectTimeout = target.connectTimeout
        if let schema = target.schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        var background = Logger(label: "onco.warehouse.postgres.background")
        background.logLevel = .error   // e.g. "run() hasn't been called yet" while the run task starts
        let client = PostgresClient(configuration: config, backgroundLogger: background)
        self.client = client
        runTask = Task { await client.run() }
        pg = PostgresBackend(client: client, logger: logger)
        engine = WarehouseEngine(backend: pg)
        do {
            switch mode {
            case .createIfMissing:
                if let schema = target.schema {
                    try await client.withConnection { conn in
                        _ = try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                    }
                }
            case .existing:
                if !(try await engine.hasSchema()) {
                    throw target.error(.notAWarehouse, "the database holds no onco warehouse\(target.schema == nil ? "" : " in this schema") "
                                       + "(no onco_migration table); nothing was created (only onco warehouse init, import and synth create a warehouse)")
                }
            }
            try await engine.migrate(logger: logger)
        } catch {
            runTask.cancel()
            throw PostgresBackend.wrap(error)
        }
    }

    /// Drops a schema and everything in it (test clean-up). The name is checked like `?schema=`.
    public func dropSchema(_ schema: String) async throws {
        guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw WarehouseError(.badLocation, "the schema name may contain only letters, digits and _")
        }
        try await client.withConnection { conn in
            _ = try await conn.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: self.pg.logger)
        }
    }

    public func migrate(logger: Logger) async throws { try await engine.migrate(logger: logger) }
    public func metadata(logger: Logger) async throws -> WarehouseMetadata { try await engine.metadata(logger: logger) }
    public func stats(logger: Logger) async throws -> WarehouseStats { try await engine.stats(logger: logger) }
    public func importDataset(_ descriptor: DatasetDescriptor, from source: any WarehouseBatchSource,
                              progress: (@Sendable (ImportProgress) -> Void)?, logger: Logger) async throws -> ImportOutcome {
        try await engine.importDataset(descriptor, from: source, progress: progress, logger: logger)
    }
    public func outcomes(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                         logger: Logger) async throws -> [OutcomeGroup] {
        try await engine.outcomes(endpoint, cohort: cohort, groupBy: groupBy, logger: logger)
    }
    public func outcomeCounts(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                              logger: Logger) async throws -> [OutcomeCountGroup] {
        try await engine.outcomeCounts(endpoint, cohort: cohort, groupBy: groupBy, logger: logger)
    }
    public func profiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        try await engine.profiles(cohort: cohort, options: options, logger: logger)
    }
    public func treatmentLines(cohort: CohortCriteria, logger: Logger) async throws -> [TreatmentLine] {
        try await engine.treatmentLines(cohort: cohort, logger: logger)
    }
    public func similarityProfiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        try await engine.packedProfiles(cohort: cohort, options: options, logger: logger)
    }
    public func personKeys(cohort: CohortCriteria, logger: Logger) async throws -> PersonKeys {
        try await engine.personKeys(cohort: cohort, logger: logger)
    }
    public func lineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable {
        try await engine.lineOutcomes(query, logger: logger)
    }
    public func lineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable] {
        try await engine.lineOutcomes(queries, logger: logger)
    }
    public func selectCohort(_ cohort: CohortCriteria, logger: Logger) async throws -> [Int64] {
        try await engine.selectCohort(cohort, logger: logger)
    }
    public func attributeValues(_ name: String, cohort: CohortCriteria, logger: Logger) async throws -> [AttributeValue] {
        try await engine.attributeValues(name, cohort: cohort, logger: logger)
    }
    public func close() async throws {
        runTask.cancel()
        _ = await runTask.value
    }
}

final class PostgresBackend: SQLBackend {
    let client: PostgresClient
    let logger: Logger
    var dialect: SQLDialect { .postgres }
    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func wrap(_ error: any Error) -> any Error {
        if let e = error as? PSQLError {
            let msg = e.serverInfo?[.message] ?? "\(e.code)"
            let sqlState = e.serverInfo?[.sqlState] ?? ""
            return WarehouseError(.database, "PostgreSQL error \(sqlState): \(msg)", detail: String(reflecting: e))
        }
        return error
    }

    func withSession<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { conn in
                try await body(PostgresSession(connection: conn, logger: self.logger))
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    func withTransaction<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { conn in
                // Writers of one warehouse (one schema) take turns; warehouses in other schemas of the same
                // database do not wait for each other (a single database-wide key made unrelated test
                // schemas, and their CLI subprocesses, queue behind one another).
                _ = try await conn.query("SELECT pg_advisory_xact_lock(704211, hashtext(coalesce(current_schema(), '')))", logger: self.logger)
                return try await body(PostgresSession(connection: conn, logger: self.logger))
            }
        } catch let e as PostgresTransactionError {
            throw Self.wrap(e.closureError ?? e.beginError ?? e.commitError ?? e.rollbackError ?? e)
        } catch {
            throw Self.wrap(error)
        }
    }
}

struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    static let rowsPerPack = 50_000
    static let nullMark = "\u{1E}"
    static let separator: Character = "\u{1F}"

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var b = PostgresBindings(capacity: values.count)
        for v in values {
            switch v {
            case .null: b.appendNull()
            case .int(let i): b.append(i)
            case .double(let d): b.append(d)
            case .text(let s): b.append(s)
            case .idList(let ids): b.append(ids)
            case .textList(let xs): b.append(xs)
            }
        }
        return b
    }

    func fetch(_ query: SQLFragment, types: [SQLColumnType]) async throws -> ResultColumns {
        let t0 = SQLTrace.start()
        defer { SQLTrace.record(query.sql, since: t0) }
        let n = types.count
        let aggs = (0..<n).map { "string_agg(COALESCE(CAST(q.c\($0) AS text), E'\\x1E'), E'\\x1F' ORDER BY q.onco_rn) AS p\($0)" }
        let sql = "SELECT \(aggs.joined(separator: ", ")) FROM (SELECT inner_q.*, row_number() OVER () AS onco_rn FROM (\n"
            + query.postgresText() + "\n) inner_q) q GROUP BY (q.onco_rn - 1) / \(Self.rowsPerPack) ORDER BY (q.onco_rn - 1) / \(Self.rowsPerPack)"
        var ints = Array(repeating: [Int64?](), count: n)
        var doubles = Array(repeating: [Double?](), count: n)
        var texts = Array(repeating: [String?](), count: n)
        var count = 0
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(query.values)), logger: logger)
        for try await row in rows {
            let r = row.makeRandomAccess()
            var packRows = -1
            for i in 0..<n {
                let packed = try r[i].decode(String.self)
                let parts = packed.split(separator: Self.separator, omittingEmptySubsequences: false)
                if packRows < 0 { packRows = parts.count } else if packRows != parts.count {
                    throw WarehouseError(.database, "PostgreSQL returned a column of unexpected length")
                }
                switch types[i] {
                case .int:
                    for p in parts {
                        if p == Self.nullMark { ints[i].append(nil); continue }
                        guard let v = Int64(p) ?? Double(p).map({ Int64($0) }) else {
                            throw WarehouseError(.database, "PostgreSQL returned a non-integer where an integer was expected")
                        }
                        ints[i].append(v)
                    }
                case .double:
                    for p in parts {
                        if p == Self.nullMark { doubles[i].append(nil); continue }
                        guard let v = Double(p) else {
                            throw WarehouseError(.database, "PostgreSQL returned a non-number where a number was expected")
                        }
                        doubles[i].append(v)
                    }
                case .text:
                    for p in parts { texts[i].append(p == Self.nullMark ? nil : String(p)) }
                }
            }
            count += max(packRows, 0)
        }
        let cols: [ResultColumns.Column] = types.enumerated().map { i, t in
            switch t {
            case .int: return .int(ints[i])
            case .double: return .double(doubles[i])
            case .text: return .text(texts[i])
            }
        }
        return ResultColumns(columns: cols, count: count)
    }

    func execute(_ statement: SQLFragment) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: statement.postgresText(), binds: Self.bindings(statement.values)),
                                       logger: logger)
    }

    /// COPY text format: `\N` is NULL; backslash, tab, newline and carriage return are escaped.
    static func appendCopyText(_ s: String, to buf: inout ByteBuffer) {
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\\"): buf.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buf.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buf.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buf.writeStaticString("\\r")
            default: buf.writeInteger(b)
            }
        }
    }

    func insert(table: String, columns: [String], values: [SQLValue]) async throws {
        let n = columns.count
        precondition(values.count % n == 0)
        let box = UncheckedBox(values)
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buf = ByteBufferAllocator().buffer(capacity: 1 << 20)
            let vals = box.value
            var i = 0
            while i < vals.count {
                for k in 0..<n {
                    if k > 0 { buf.writeInteger(UInt8(ascii: "\t")) }
                    switch vals[i + k] {
                    case .null: buf.writeStaticString("\\N")
                    case .int(let x): buf.writeString(String(x))
                    case .double(let x): buf.writeString(x.description)
                    case .text(let s): Self.appendCopyText(s, to: &buf)
                    case .idList, .textList: preconditionFailure("lists are not column values")
                    }
                }
                buf.writeInteger(UInt8(ascii: "\n"))
                i += n
                if buf.readableBytes > (1 << 20) - 4096 {
                    try await writer.write(buf)
                    buf.clear()
                }
            }
            if buf.readableBytes > 0 { try await writer.write(buf) }
        }
    }
}
