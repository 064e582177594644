import Foundation
import Logging

/// The type of a fetched column.
public enum SQLColumnType: Sendable, Hashable {
    case int, double, text
}

/// A fetched result, in columns. Columns are named `c0`, `c1`, ... in every query the engine runs,
/// and every query ends with a total `ORDER BY`.
public struct ResultColumns: Sendable {
    public enum Column: Sendable {
        case int([Int64?])
        case double([Double?])
        case text([String?])
    }
    public var columns: [Column]
    public var count: Int

    public init(columns: [Column], count: Int) {
        self.columns = columns
        self.count = count
    }

    public func ints(_ i: Int) -> [Int64?] {
        if case .int(let v) = columns[i] { return v }
        preconditionFailure("column \(i) is not an integer column")
    }
    public func doubles(_ i: Int) -> [Double?] {
        if case .double(let v) = columns[i] { return v }
        preconditionFailure("column \(i) is not a double column")
    }
    public func texts(_ i: Int) -> [String?] {
        if case .text(let v) = columns[i] { return v }
        preconditionFailure("column \(i) is not a text column")
    }

    /// The rows of `parts` one after another (parts read with the same column types).
    public static func concatenating(_ parts: [ResultColumns]) -> ResultColumns {
        guard let first = parts.first else { return ResultColumns(columns: [], count: 0) }
        guard parts.count > 1 else { return first }
        let columns = first.columns.indices.map { i -> Column in
            switch first.columns[i] {
            case .int: return .int(parts.flatMap { $0.ints(i) })
            case .double: return .double(parts.flatMap { $0.doubles(i) })
            case .text: return .text(parts.flatMap { $0.texts(i) })
            }
        }
        return ResultColumns(columns: columns, count: parts.reduce(0) { $0 + $1.count })
    }
}

/// Reads and writes through one connection or transaction. Implemented by the SQLite backend (GRDB)
/// and the PostgreSQL backend (postgres-nio); everything above it (`Warehouse`) is shared.
public protocol SQLSession {
    var dialect: SQLDialect { get }
    /// Runs a query whose columns are `c0...`; returns them typed as asked.
    func fetch(_ query: SQLFragment, types: [SQLColumnType]) async throws -> ResultColumns
    /// Runs a statement.
    func execute(_ statement: SQLFragment) async throws
    /// Inserts `values.count / columns.count` rows, row-major, into `table`. Table and column names are
    /// onco's constants, never input.
    func insert(table: String, columns: [String], values: [SQLValue]) async throws
    /// Runs a query whose columns are `c0` (integer, not null) and `c1`…`c<textColumns>` (text), returning
    /// the texts dictionary-coded. Row order is the query's.
    func fetchCoded(_ query: SQLFragment, textColumns: Int) async throws -> CodedRows
    /// Inserts `count` rows into `table`: `row(i, w)` gives row `i`'s values to `w` in column order, one
    /// call per column. The import's path: values go from the row structs to the database (SQLite binds
    /// them, PostgreSQL writes them as COPY text) without an `[SQLValue]` in between.
    func insert(table: String, columns: [String], count: Int, row: @escaping (Int, any SQLRowWriter) -> Void) async throws
}

/// Takes one row's values, in column order (`SQLSession.insert(table:columns:count:row:)`).
public protocol SQLRowWriter: AnyObject {
    func int(_ x: Int64)
    func int(_ x: Int?)
    func double(_ x: Double?)
    func text(_ s: String?)
}

public extension SQLRowWriter {
    func day(_ d: Day?) { text(d?.iso) }

    /// Writes one column value (`null` as a missing text, which every writer stores as NULL).
    func value(_ v: SQLValue) {
        switch v {
        case .null: text(nil)
        case .int(let x): int(x)
        case .double(let x): double(x)
        case .text(let t): text(t)
        case .idList, .textList: preconditionFailure("lists are not column values")
        }
    }
}

public extension SQLSession {
    /// Through `insert(table:columns:values:)`: the rows collected as `SQLValue`s first.
    func insert(table: String, columns: [String], count: Int, row: @escaping (Int, any SQLRowWriter) -> Void) async throws {
        let collect = SQLValueCollector()
        collect.values.reserveCapacity(count * columns.count)
        for i in 0..<count { row(i, collect) }
        try await insert(table: table, columns: columns, values: collect.values)
    }
}

/// Collects written values as `SQLValue`s (the default `insert(table:columns:count:row:)`).
final class SQLValueCollector: SQLRowWriter {
    var values: [SQLValue] = []
    func int(_ x: Int64) { values.append(.int(x)) }
    func int(_ x: Int?) { values.append(x.map { .int(Int64($0)) } ?? .null) }
    func double(_ x: Double?) { values.append(x.map { .double($0) } ?? .null) }
    func text(_ s: String?) { values.append(s.map { .text($0) } ?? .null) }
}

public extension SQLSession {
    /// Through `fetch`: one `String` per cell, interned afterwards.
    func fetchCoded(_ query: SQLFragment, textColumns: Int) async throws -> CodedRows {
        let r = try await fetch(query, types: [.int] + Array(repeating: .text, count: textColumns))
        var out = CodedRows()
        out.ids = r.ints(0).map { $0 ?? 0 }
        out.codes.reserveCapacity(r.count)
        let cols = (0..<textColumns).map { r.texts($0 + 1) }
        var seen: [[String?]: Int32] = [:]
        var tuple: [String?] = []
        for i in 0..<r.count {
            tuple.removeAll(keepingCapacity: true)
            for c in cols { tuple.append(c[i]) }
            if let code = seen[tuple] { out.codes.append(code); continue }
            let code = Int32(out.tuples.count)
            seen[tuple] = code
            out.tuples.append(tuple)
            out.codes.append(code)
        }
        return out
    }
}

/// Rows of (integer id, text columns…) with the text tuples dictionary-coded: `tuples[codes[i]]` are the
/// text columns of row `i`; tuples are distinct, in first-seen order. For reads of millions of rows whose
/// texts repeat (alterations: gene, class, HGVSp): one `String` per distinct tuple, not per cell.
public struct CodedRows: Sendable {
    public var ids: [Int64] = []
    public var codes: [Int32] = []
    public var tuples: [[String?]] = []
    public init() {}
    public var count: Int { ids.count }
}

/// The seam between `Warehouse` and a database: the only thing SQLite (GRDB, `SQLiteBackend`) and
/// PostgreSQL (postgres-nio, module `WarehousePostgres`) implement. A handful of primitives, as GRDB's
/// `DatabaseWriter`: sessions outside and inside a transaction, the dialect, and `close`.
public protocol SQLBackend: Sendable {
    var dialect: SQLDialect { get }
    /// A session for reads (and single statements).
    func withSession<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T
    /// A session in a write transaction: committed when `body` returns, rolled back when it throws.
    /// Writers are serialised (SQLite: one writer; PostgreSQL: an exclusive lock on `onco_warehouse`).
    func withTransaction<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T
    /// Releases connections. The backend must not be used afterwards.
    func close() async throws
}

public extension SQLSession {
    func scalarInt(_ q: SQLFragment) async throws -> Int64? {
        let r = try await fetch(q, types: [.int])
        return r.count > 0 ? r.ints(0)[0] : nil
    }
}
