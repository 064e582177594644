import Foundation
import Logging
import NIOCore
import OncoCore
import PostgresNIO
import Warehouse

/// The warehouse's PostgreSQL backend (postgres-nio), same schema and same answers as SQLite; open a
/// warehouse on it with `Warehouse.openPostgres(url:)`.
///
/// - Reads come back packed: the server aggregates each column of up to 50,000 rows into one array
///   (`array_agg`, binary format, decoded from its bytes by `PostgresArrayPack`), so a million-row answer
///   is ~20 messages, not a million rows decoded one by one (which postgres-nio does at ~30k rows/s),
///   and numbers travel as binary, not as text parsed per value.
/// - Writes use `COPY … FROM STDIN` (text format) inside one transaction per import; writers take a
///   transaction-scoped advisory lock, so concurrent imports queue instead of interleaving ids.
final class PostgresBackend: SQLBackend {
    let client: PostgresClient
    let runTask: Task<Void, Never>
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    /// Starts the client's run loop; `close` stops it.
    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runTask = Task { await client.run() }
    }

    func close() async throws {
        runTask.cancel()
        _ = await runTask.value
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

    /// The query's columns packed by the server, `rowsPerPack` rows to an array per column
    /// (`PostgresArrayPack`, binary), in the query's row order.
    static func packedSQL(_ query: SQLFragment, types: [SQLColumnType]) -> String {
        let aggs = types.enumerated().map { i, t in
            "array_agg(\(t == .text ? "CAST(q.c\(i) AS text)" : "q.c\(i)") ORDER BY q.onco_rn) AS p\(i)"
        }
        return "SELECT \(aggs.joined(separator: ", ")) FROM (SELECT inner_q.*, row_number() OVER () AS onco_rn FROM (\n"
            + query.postgresText() + "\n) inner_q) q GROUP BY (q.onco_rn - 1) / \(Self.rowsPerPack) ORDER BY (q.onco_rn - 1) / \(Self.rowsPerPack)"
    }

    func fetch(_ query: SQLFragment, types: [SQLColumnType]) async throws -> ResultColumns {
        let t0 = SQLTrace.start()
        defer { SQLTrace.record(query.sql, since: t0) }
        let n = types.count
        var ints = Array(repeating: [Int64?](), count: n)
        var doubles = Array(repeating: [Double?](), count: n)
        var texts = Array(repeating: [String?](), count: n)
        var count = 0
        let rows = try await connection.query(PostgresQuery(unsafeSQL: Self.packedSQL(query, types: types), binds: Self.bindings(query.values)),
                                              logger: logger)
        for try await row in rows {
            var packRows = -1
            for (i, cell) in row.enumerated() {
                guard i < n, let bytes = cell.bytes, cell.format == .binary else {
                    throw WarehouseError(.database, "PostgreSQL returned a packed column that is NULL or not binary (column \(i))")
                }
                let m: Int = try bytes.withUnsafeReadableBytes { raw in
                    switch types[i] {
                    case .int: return try PostgresArrayPack.appendInts(raw, to: &ints[i])
                    case .double: return try PostgresArrayPack.appendDoubles(raw, to: &doubles[i])
                    case .text: return try PostgresArrayPack.appendTexts(raw, to: &texts[i])
                    }
                }
                if packRows < 0 { packRows = m } else if packRows != m {
                    throw WarehouseError(.database, "PostgreSQL returned a column of unexpected length")
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
        var s = s
        s.withUTF8 { p in
            // the common case: nothing to escape, one copy
            var clean = true
            for b in p where b == UInt8(ascii: "\\") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                clean = false
                break
            }
            if clean { buf.writeBytes(UnsafeRawBufferPointer(p)); return }
            for b in p {
                switch b {
                case UInt8(ascii: "\\"): buf.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buf.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buf.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buf.writeStaticString("\\r")
                default: buf.writeInteger(b)
                }
            }
        }
    }

    /// A 64-bit integer in decimal, written without a `String`.
    static func appendInt(_ x: Int64, to buf: inout ByteBuffer) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var v = x.magnitude
            var i = 20
            repeat {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: 0x30 &+ v % 10)
                v /= 10
            } while v > 0
            if x < 0 { i -= 1; tmp[i] = UInt8(ascii: "-") }
            buf.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(tmp)[i..<20]))
        }
    }

    func insert(table: String, columns: [String], values: [SQLValue]) async throws {
        let n = columns.count
        precondition(values.count % n == 0)
        let box = CopyValues(values)
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buf = ByteBufferAllocator().buffer(capacity: 1 << 20)
            let vals = box.value
            var i = 0
            while i < vals.count {
                for k in 0..<n {
                    if k > 0 { buf.writeInteger(UInt8(ascii: "\t")) }
                    switch vals[i + k] {
                    case .null: buf.writeStaticString("\\N")
                    case .int(let x): Self.appendInt(x, to: &buf)
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
    /// COPY text straight from the row closure (`CopyTextRowWriter`): no `[SQLValue]` for the batch.
    func insert(table: String, columns: [String], count: Int, row: @escaping (Int, any SQLRowWriter) -> Void) async throws {
        let n = columns.count
        let box = CopyRows(row)
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            let w = CopyTextRowWriter()
            for i in 0..<count {
                w.column = 0
                box.value(i, w)
                precondition(w.column == n, "a row of \(w.column) values for \(n) columns of \(table)")
                w.buffer.writeInteger(UInt8(ascii: "\n"))
                if w.buffer.readableBytes > (1 << 20) - 4096 {
                    try await writer.write(w.buffer)
                    w.buffer.clear()
                }
            }
            if w.buffer.readableBytes > 0 { try await writer.write(w.buffer) }
        }
    }
}

/// Writes a row's values as COPY text (`PostgresSession.insert(table:columns:values:)`'s format): tab
/// between values, `\N` for NULL, integers as digits, doubles as `description`, text escaped.
final class CopyTextRowWriter: SQLRowWriter {
    var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
    var column = 0

    @inline(__always) private func separate() {
        if column > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        column += 1
    }
    func int(_ x: Int64) {
        separate()
        PostgresSession.appendInt(x, to: &buffer)
    }
    func int(_ x: Int?) {
        separate()
        if let x { PostgresSession.appendInt(Int64(x), to: &buffer) } else { buffer.writeStaticString("\\N") }
    }
    func double(_ x: Double?) {
        separate()
        if let x { buffer.writeString(x.description) } else { buffer.writeStaticString("\\N") }
    }
    func text(_ s: String?) {
        separate()
        if let s { PostgresSession.appendCopyText(s, to: &buffer) } else { buffer.writeStaticString("\\N") }
    }
}

/// The row closure of one `COPY`, moved into postgres-nio's `@Sendable` writer closure (run once, serially).
private final class CopyRows: @unchecked Sendable {
    let value: (Int, any SQLRowWriter) -> Void
    init(_ value: @escaping (Int, any SQLRowWriter) -> Void) { self.value = value }
}

/// Moves the rows of one `COPY` into postgres-nio's `@Sendable` writer closure, which runs once, serially.
private final class CopyValues: @unchecked Sendable {
    let value: [SQLValue]
    init(_ value: [SQLValue]) { self.value = value }
}
