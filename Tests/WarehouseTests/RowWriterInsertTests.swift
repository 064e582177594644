import Foundation
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// The import's insert path (`SQLSession.insert(table:columns:count:row:)`: values from the row structs
/// straight to SQLite's binds or PostgreSQL's COPY text) stores what the `[SQLValue]` insert stores:
/// integers at the ends of their range, NULLs of every kind, doubles, and texts with the characters COPY
/// text escapes (tab, newline, carriage return, backslash), an empty text and non-ASCII text.
@Suite("Row-writer inserts", .serialized)
struct RowWriterInsertTests {
    struct Row { var id: Int64; var count: Int?; var x: Double?; var text: String? }

    static let rows: [Row] = [
        Row(id: 1, count: 7, x: 2.75, text: "plain"),
        Row(id: 2, count: nil, x: nil, text: nil),
        Row(id: Int64.max, count: -3, x: 0.1, text: "tab\there\nnewline\\backslash\rreturn"),
        Row(id: Int64.min, count: 0, x: -1e300, text: ""),
        Row(id: 5, count: Int(Int32.max), x: 1.0 / 3.0, text: "München ∑ \\N"),
    ]

    @Test("both insert paths store the same values", arguments: StoreKind.allCases)
    func sameValues(_ kind: StoreKind) async throws {
        guard let ts = try await TestStore.make(kind) else { return }
        let engine = LineOutcomeSummaryTests.engine(ts.store).engine
        let columns = ["id", "n", "x", "t"]
        let rows = Self.rows
        let (written, reference) = try await engine.sql.withTransaction { s in
            for t in ["onco_t_rows_writer", "onco_t_rows_values"] {
                try await s.execute(SQLFragment("CREATE TABLE \(t) (id BIGINT NOT NULL, n INTEGER, x DOUBLE PRECISION, t TEXT)"))
            }
            try await s.insert(table: "onco_t_rows_writer", columns: columns, count: rows.count) { i, w in
                let r = rows[i]
                w.int(r.id); w.int(r.count); w.double(r.x); w.text(r.text)
            }
            try await s.insert(table: "onco_t_rows_values", columns: columns, values: rows.flatMap { r -> [SQLValue] in
                [.int(r.id), r.count.map { .int(Int64($0)) } ?? .null, r.x.map { .double($0) } ?? .null, r.text.map { .text($0) } ?? .null]
            })
            func read(_ t: String) async throws -> ResultColumns {
                try await s.fetch(SQLFragment("SELECT id AS c0, n AS c1, x AS c2, t AS c3 FROM \(t) ORDER BY id"),
                                  types: [.int, .int, .double, .text])
            }
            return (try await read("onco_t_rows_writer"), try await read("onco_t_rows_values"))
        }
        let sorted = rows.sorted { $0.id < $1.id }
        #expect(written.count == rows.count)
        #expect(written.ints(0) == sorted.map { Optional($0.id) })
        #expect(written.ints(1) == sorted.map { $0.count.map(Int64.init) })
        #expect(written.doubles(2) == sorted.map(\.x))
        #expect(written.texts(3) == sorted.map(\.text))
        for c in 0..<2 { #expect(written.ints(c) == reference.ints(c)) }
        #expect(written.doubles(2) == reference.doubles(2))
        #expect(written.texts(3) == reference.texts(3))
        try await ts.finish()
    }
}
