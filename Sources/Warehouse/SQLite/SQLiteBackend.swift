import Foundation
import GRDB
import GRDBSQLite
import Logging
import OncoCore

/// A FIFO async lock: one holder at a time.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    init() {}
    func lock() async {
        if !locked { locked = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func unlock() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }
    nonisolated func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await lock()
        do {
            let r = try await body()
            await unlock()
            return r
        } catch {
            await unlock()
            throw error
        }
    }
}

/// The embedded backend: one SQLite file in WAL mode (GRDB `DatabasePool`), or an in-memory database
/// (`DatabaseQueue`) for tests. Open a warehouse on it with `Warehouse.openSQLite(path:)`.
///
/// Imports run in one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`), inserting through prepared
/// statements; readers keep seeing the last committed state meanwhile (WAL).
final class SQLiteBackend: SQLBackend {
    let writer: any DatabaseWriter
    let lock = AsyncLock()
    let serialiseReads: Bool
    var dialect: SQLDialect { .sqlite }

    init(writer: any DatabaseWriter, serialiseReads: Bool) {
        self.writer = writer
        self.serialiseReads = serialiseReads
    }

    func withSession<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        if serialiseReads {
            return try await lock.withLock { try await body(SQLiteSession(writer: self.writer, inTransaction: false)) }
        }
        return try await body(SQLiteSession(writer: writer, inTransaction: false))
    }

    func withTransaction<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await lock.withLock {
            let w = self.writer
            try await w.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            do {
                let r = try await body(SQLiteSession(writer: w, inTransaction: true))
                try await w.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
                return r
            } catch {
                try? await w.writeWithoutTransaction { db in
                    if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                }
                throw Self.wrap(error)
            }
        }
    }

    func close() async throws {
        if let pool = writer as? DatabasePool { try pool.close() }
        else if let q = writer as? DatabaseQueue { try q.close() }
    }

    static func wrap(_ error: any Error) -> any Error {
        if let e = error as? DatabaseError {
            return WarehouseError(.database, "SQLite error \(e.resultCode): \(e.message ?? "")", detail: "\(e)")
        }
        return error
    }
}

/// SQLite's `SQLITE_TRANSIENT` destructor: SQLite copies the bound bytes before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

struct SQLiteSession: SQLSession {
    let writer: any DatabaseWriter
    let inTransaction: Bool
    var dialect: SQLDialect { .sqlite }

    static func bind(_ v: SQLValue) -> DatabaseValue {
        switch v {
        case .null: return .null
        case .int(let i): return i.databaseValue
        case .double(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .idList(let ids): return ("[" + ids.map(String.init).joined(separator: ",") + "]").databaseValue
        case .textList(let xs):
            let data = (try? JSONSerialization.data(withJSONObject: xs)) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self).databaseValue
        }
    }

    static func read(_ db: Database, _ q: SQLFragment, _ types: [SQLColumnType]) throws -> ResultColumns {
        let stmt = try db.makeStatement(sql: q.sql)
        stmt.setUncheckedArguments(StatementArguments(q.values.map(bind)))
        var ints = types.map { $0 == .int ? [Int64?]() : [] }
        var doubles = types.map { $0 == .double ? [Double?]() : [] }
        var texts = types.map { $0 == .text ? [String?]() : [] }
        var n = 0
        let cursor = try Row.fetchCursor(stmt)
        while let row = try cursor.next() {
            for (i, t) in types.enumerated() {
                switch t {
                case .int: ints[i].append(row[i])
                case .double: doubles[i].append(row[i])
                case .text:
                    // Numbers in a text column (e.g. a group label) are shown as text.
                    let dv: DatabaseValue = row[i]
                    switch dv.storage {
                    case .null: texts[i].append(nil)
                    case .string(let s): texts[i].append(s)
                    case .int64(let x): texts[i].append(String(x))
                    case .double(let x): texts[i].append(String(x))
                    case .blob(let b): texts[i].append(String(decoding: b, as: UTF8.self))
                    }
                }
            }
            n += 1
        }
        let cols: [ResultColumns.Column] = types.enumerated().map { i, t in
            switch t {
            case .int: return .int(ints[i])
            case .double: return .double(doubles[i])
            case .text: return .text(texts[i])
            }
        }
        return ResultColumns(columns: cols, count: n)
    }

    func fetch(_ query: SQLFragment, types: [SQLColumnType]) async throws -> ResultColumns {
        let t0 = SQLTrace.start()
        defer { SQLTrace.record(query.sql, since: t0) }
        do {
            if inTransaction {
                return try await writer.writeWithoutTransaction { db in try Self.read(db, query, types) }
            }
            return try await writer.read { db in try Self.read(db, query, types) }
        } catch {
            throw SQLiteBackend.wrap(error)
        }
    }

    func fetchCoded(_ query: SQLFragment, textColumns: Int) async throws -> CodedRows {
        let t0 = SQLTrace.start()
        defer { SQLTrace.record(query.sql, since: t0) }
        do {
            if inTransaction {
                return try await writer.writeWithoutTransaction { db in try Self.readCoded(db, query, textColumns) }
            }
            return try await writer.read { db in try Self.readCoded(db, query, textColumns) }
        } catch {
            throw SQLiteBackend.wrap(error)
        }
    }

    /// Reads the text columns' bytes straight from the statement (`sqlite3_column_text`) and interns each
    /// row's tuple by its bytes: a `String` is made only for a tuple not seen before.
    static func readCoded(_ db: Database, _ q: SQLFragment, _ n: Int) throws -> CodedRows {
        let stmt = try db.makeStatement(sql: q.sql)
        stmt.setUncheckedArguments(StatementArguments(q.values.map(bind)))
        let s = stmt.sqliteStatement
        var out = CodedRows()
        var seen: [[UInt8]: Int32] = [:]
        var key: [UInt8] = []
        key.reserveCapacity(256)
        let cursor = try Row.fetchCursor(stmt)
        while try cursor.next() != nil {
            out.ids.append(sqlite3_column_int64(s, 0))
            key.removeAll(keepingCapacity: true)
            for c in 1..<(n + 1) {
                let col = Int32(c)
                if sqlite3_column_type(s, col) == SQLITE_NULL { key.append(0); continue }
                let len = Int(sqlite3_column_bytes(s, col))
                key.append(1)
                withUnsafeBytes(of: UInt32(len).littleEndian) { key.append(contentsOf: $0) }
                if len > 0, let p = sqlite3_column_text(s, col) { key.append(contentsOf: UnsafeBufferPointer(start: p, count: len)) }
            }
            if let code = seen[key] { out.codes.append(code); continue }
            let code = Int32(out.tuples.count)
            seen[key] = code
            out.codes.append(code)
            var tuple: [String?] = []
            var i = 0
            for _ in 0..<n {
                if key[i] == 0 { tuple.append(nil); i += 1; continue }
                let len = Int(key[i + 1]) | Int(key[i + 2]) << 8 | Int(key[i + 3]) << 16 | Int(key[i + 4]) << 24
                tuple.append(String(decoding: key[(i + 5)..<(i + 5 + len)], as: UTF8.self))
                i += 5 + len
            }
            out.tuples.append(tuple)
        }
        return out
    }

    func execute(_ statement: SQLFragment) async throws {
        do {
            try await writer.writeWithoutTransaction { db in
                try db.execute(sql: statement.sql, arguments: StatementArguments(statement.values.map(Self.bind)))
            }
        } catch {
            throw SQLiteBackend.wrap(error)
        }
    }

    /// Inserts rows through one statement prepared for the call and bound with `sqlite3_bind_*` directly
    /// (no GRDB `StatementArguments` per row): text is copied by SQLite (`SQLITE_TRANSIENT`), so the
    /// stored values are those GRDB would bind. The row-writer insert below, fed from `values`.
    func insert(table: String, columns: [String], values: [SQLValue]) async throws {
        let n = columns.count
        precondition(values.count % n == 0)
        let box = UncheckedBox(values)
        try await insert(table: table, columns: columns, count: values.count / n) { i, w in
            for k in 0..<n { w.value(box.value[i * n + k]) }
        }
    }

    /// Inserts rows through one prepared statement, binding each value as the row closure gives it
    /// (`SQLiteRowBinder`): no `[SQLValue]` for the batch.
    func insert(table: String, columns: [String], count: Int, row: @escaping (Int, any SQLRowWriter) -> Void) async throws {
        let n = columns.count
        let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: n).joined(separator: ", ")))"
        let box = UncheckedBox(row)
        do {
            try await writer.writeWithoutTransaction { db in
                let connection = db.sqliteConnection
                var prepared: OpaquePointer?
                guard sqlite3_prepare_v2(connection, sql, -1, &prepared, nil) == SQLITE_OK, let stmt = prepared else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(connection)),
                                        message: String(cString: sqlite3_errmsg(connection)), sql: sql)
                }
                defer { sqlite3_finalize(stmt) }
                let binder = SQLiteRowBinder(stmt)
                for i in 0..<count {
                    binder.index = 0
                    box.value(i, binder)
                    precondition(binder.index == n, "a row of \(binder.index) values for \(n) columns of \(table)")
                    let rc = sqlite3_step(stmt)
                    guard rc == SQLITE_DONE else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
                    }
                    sqlite3_reset(stmt)
                }
            }
        } catch {
            throw SQLiteBackend.wrap(error)
        }
    }
}

/// Binds a row's values to the next parameters of a prepared statement, stored as GRDB would store
/// them (text copied by SQLite, `SQLITE_TRANSIENT`).
final class SQLiteRowBinder: SQLRowWriter {
    let stmt: OpaquePointer
    var index: Int32 = 0
    init(_ stmt: OpaquePointer) { self.stmt = stmt }

    func int(_ x: Int64) {
        index += 1
        sqlite3_bind_int64(stmt, index, x)
    }
    func int(_ x: Int?) {
        index += 1
        if let x { sqlite3_bind_int64(stmt, index, Int64(x)) } else { sqlite3_bind_null(stmt, index) }
    }
    func double(_ x: Double?) {
        index += 1
        if let x { sqlite3_bind_double(stmt, index, x) } else { sqlite3_bind_null(stmt, index) }
    }
    func text(_ s: String?) {
        index += 1
        guard var t = s else { sqlite3_bind_null(stmt, index); return }
        let (stmt, index) = (self.stmt, self.index)
        t.withUTF8 { p in
            if let base = p.baseAddress, p.count > 0 {
                _ = base.withMemoryRebound(to: CChar.self, capacity: p.count) { sqlite3_bind_text(stmt, index, $0, Int32(p.count), sqliteTransient) }
            } else {
                sqlite3_bind_text(stmt, index, "", 0, sqliteTransient)
            }
        }
    }
}
