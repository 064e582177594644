import Foundation
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// PostgreSQL reads come back as binary arrays, one per column and pack of rows (`PostgresArrayPack`):
/// every SQL type a read asks for as an integer, a number or a text decodes to what the text packs
/// gave (integers exactly, floats and numerics truncated toward zero when an integer is asked for,
/// numerics through their decimal text), NULLs stay NULL, texts keep every byte, and reads spanning
/// several packs keep their row order.
@Suite("PostgreSQL packed reads", .serialized)
struct PackedReadTests {
    @Test("types, NULLs, texts with control characters and numerics decode as their text forms did")
    func typesAndNulls() async throws {
        guard let ts = try await TestStore.make(.postgres) else { return }
        let engine = LineOutcomeSummaryTests.engine(ts.store).engine
        let r = try await engine.sql.withSession { s in
            try await s.fetch("""
                SELECT * FROM (VALUES
                  (1, CAST(9007199254740993 AS int8), CAST(2.75 AS float8), CAST(-2.75 AS numeric), CAST(12345678.000123 AS numeric),
                   CAST('a\u{1E}b\u{1F}c' AS text), CAST(7 AS int2), CAST(0.000012340 AS numeric)),
                  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  (3, CAST(-5 AS int8), CAST(-0.5 AS float8), CAST(100000000 AS numeric), CAST(-0.5 AS numeric),
                   CAST('' AS text), CAST(-7 AS int2), CAST(-1e-20 AS numeric)),
                  (4, CAST(0 AS int8), CAST(1e300 AS float8), CAST(0 AS numeric), CAST(10000 AS numeric),
                   CAST('München ∑' AS text), CAST(0 AS int2), CAST(123456789012345678901234.5 AS numeric))
                ) AS t(c0, c1, c2, c3, c4, c5, c6, c7) ORDER BY c0
                """, types: [.int, .int, .double, .int, .double, .text, .int, .double])
        }
        #expect(r.count == 4)
        #expect(r.ints(0) == [1, 2, 3, 4])
        #expect(r.ints(1) == [9_007_199_254_740_993, nil, -5, 0])
        #expect(r.doubles(2) == [2.75, nil, -0.5, 1e300])
        #expect(r.ints(3) == [-2, nil, 100_000_000, 0])
        #expect(r.doubles(4) == [12345678.000123, nil, -0.5, 10000])
        #expect(r.texts(5) == ["a\u{1E}b\u{1F}c", nil, "", "München ∑"])
        #expect(r.ints(6) == [7, nil, -7, 0])
        #expect(r.doubles(7) == [0.00001234, nil, -1e-20, 123456789012345678901234.5])
        try await ts.finish()
    }

    @Test("a read of several packs keeps the row order; an empty read has no rows")
    func manyPacks() async throws {
        guard let ts = try await TestStore.make(.postgres) else { return }
        let engine = LineOutcomeSummaryTests.engine(ts.store).engine
        let n = 120_001
        let r = try await engine.sql.withSession { s in
            try await s.fetch(SQLFragment("""
                SELECT g AS c0, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 0.5 END AS c1, 'k' || g AS c2
                FROM generate_series(?, 1, -1) AS g ORDER BY g DESC
                """, [.int(Int64(n))]), types: [.int, .double, .text])
        }
        #expect(r.count == n)
        let ids = r.ints(0), halves = r.doubles(1), keys = r.texts(2)
        var ok = true
        for i in 0..<n {
            let g = Int64(n - i)
            ok = ok && ids[i] == g && keys[i] == "k\(g)" && halves[i] == (g % 7 == 0 ? nil : Double(g) * 0.5)
        }
        #expect(ok)
        let none = try await engine.sql.withSession { s in
            try await s.fetch("SELECT 1 AS c0, 'x' AS c1 WHERE false", types: [.int, .text])
        }
        #expect(none.count == 0 && none.ints(0).isEmpty && none.texts(1).isEmpty)
        try await ts.finish()
    }
}
