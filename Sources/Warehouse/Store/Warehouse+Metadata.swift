import Foundation
import Logging
import OncoCore

// Migrations, metadata and row counts: written once, over `SQLBackend`.
extension Warehouse {
    // MARK: migrations

    /// Creates the schema, or brings it up to date: applies pending migrations in one transaction each
    /// and records them in `onco_migration`. Idempotent; the openers call it.
    public func migrate(logger: Logger) async throws {
        try await sql.withTransaction { s in
            let exists = try await s.scalarInt(Self.tableExists(dialect: s.dialect, "onco_migration")) ?? 0
            if exists == 0 {
                try await s.execute("CREATE TABLE onco_migration (name varchar(200) NOT NULL PRIMARY KEY, applied_at varchar(40) NOT NULL)")
            }
            let applied = try await s.fetch("SELECT name AS c0 FROM onco_migration ORDER BY name", types: [.text])
                .texts(0).compactMap { $0 }
            let known = Set(WarehouseSchema.migrations.map(\.name))
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw WarehouseError(.schemaTooNew, "the warehouse has schema migration \(unknown), which this onco (\(OncoVersion.current)) does not know; upgrade onco")
            }
            let done = Set(applied)
            for m in WarehouseSchema.migrations where !done.contains(m.name) {
                logger.debug("warehouse.migrate", metadata: ["migration": "\(m.name)"])
                for st in WarehouseSchema.statements(m, dialect: s.dialect) { try await s.execute(SQLFragment(st)) }
                if let backfill = m.backfill { try await backfill(s) }
                try await s.execute(SQLFragment("INSERT INTO onco_migration (name, applied_at) VALUES (?, ?)",
                                                [.text(m.name), .text(Self.now())]))
            }
            // Metadata rows, created once.
            for (k, v) in [("warehouse_version", "0"), ("created_by", "onco \(OncoVersion.current)")] {
                let n = try await s.scalarInt(SQLFragment("SELECT COUNT(*) AS c0 FROM onco_warehouse WHERE key = ?", [.text(k)])) ?? 0
                if n == 0 {
                    try await s.execute(SQLFragment("INSERT INTO onco_warehouse (key, value) VALUES (?, ?)", [.text(k), .text(v)]))
                }
            }
            // Written only when it changes, so that a role that may only query can open the warehouse.
            if try await Self.meta(s)["schema_version"] != String(WarehouseSchema.version) {
                try await Self.setMeta(s, "schema_version", String(WarehouseSchema.version))
            }
            return ()
        }
    }

    /// True when the database holds an onco warehouse (its `onco_migration` table), at any schema version.
    public func hasSchema() async throws -> Bool {
        try await sql.withSession { s in (try await s.scalarInt(Self.tableExists(dialect: s.dialect, "onco_migration")) ?? 0) > 0 }
    }

    static func tableExists(dialect: SQLDialect, _ name: String) -> SQLFragment {
        switch dialect {
        case .sqlite:
            return SQLFragment("SELECT COUNT(*) AS c0 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])
        case .postgres:
            return SQLFragment("SELECT COUNT(*) AS c0 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", [.text(name)])
        }
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    static func meta(_ s: any SQLSession) async throws -> [String: String] {
        let r = try await s.fetch("SELECT key AS c0, value AS c1 FROM onco_warehouse ORDER BY key", types: [.text, .text])
        var d: [String: String] = [:]
        for (k, v) in zip(r.texts(0), r.texts(1)) { if let k, let v { d[k] = v } }
        return d
    }

    static func setMeta(_ s: any SQLSession, _ key: String, _ value: String) async throws {
        try await s.execute(SQLFragment("DELETE FROM onco_warehouse WHERE key = ?", [.text(key)]))
        try await s.execute(SQLFragment("INSERT INTO onco_warehouse (key, value) VALUES (?, ?)", [.text(key), .text(value)]))
    }

    // MARK: metadata and stats

    func readMetadata(logger: Logger) async throws -> WarehouseMetadata {
        try await sql.withSession { s in
            let m = try await Self.meta(s)
            let migrations = try await s.fetch("SELECT name AS c0 FROM onco_migration ORDER BY name", types: [.text]).texts(0).compactMap { $0 }
            return WarehouseMetadata(schemaVersion: Int(m["schema_version"] ?? "") ?? 0,
                                     warehouseVersion: Int(m["warehouse_version"] ?? "") ?? 0,
                                     synthetic: m["synthetic"].map { $0 == "true" },
                                     datasets: try await Self.datasets(s), migrations: migrations.sorted())
        }
    }

    static func datasets(_ s: any SQLSession) async throws -> [DatasetInfo] {
        let r = try await s.fetch("""
            SELECT dataset_id AS c0, name AS c1, source_kind AS c2, content_sha256 AS c3, synthetic AS c4, imported_at AS c5,
                   warehouse_version AS c6, patients AS c7, samples AS c8, mutations AS c9, treatment_rows AS c10,
                   planted_truth AS c11
            FROM onco_dataset ORDER BY dataset_id
            """, types: [.int, .text, .text, .text, .int, .text, .int, .int, .int, .int, .int, .text])
        return (0..<r.count).map { i in
            DatasetInfo(id: Int(r.ints(0)[i]!), name: r.texts(1)[i]!, sourceKind: r.texts(2)[i]!, contentSHA256: r.texts(3)[i]!,
                        synthetic: r.ints(4)[i]! != 0, importedAt: r.texts(5)[i]!, warehouseVersion: Int(r.ints(6)[i]!),
                        patients: Int(r.ints(7)[i]!), samples: Int(r.ints(8)[i]!), mutations: Int(r.ints(9)[i]!),
                        treatmentRows: Int(r.ints(10)[i]!), plantedTruth: r.texts(11)[i])
        }
    }

    /// Row counts, overall and per dataset.
    public func stats(logger: Logger) async throws -> WarehouseStats {
        try await sql.withSession { s in
            let r = try await s.fetch(SQLFragment("""
                SELECT (SELECT COUNT(*) FROM person) AS c0, (SELECT COUNT(*) FROM specimen) AS c1,
                       (SELECT COUNT(*) FROM onco_somatic_variant) AS c2, (SELECT COUNT(*) FROM drug_exposure) AS c3,
                       (SELECT COUNT(*) FROM episode WHERE episode_source_value = ?) AS c4, (SELECT COUNT(*) FROM death) AS c5,
                       (SELECT COUNT(*) FROM measurement) AS c6, (SELECT COUNT(*) FROM onco_clinical_attribute) AS c7
                """, [.text(WarehouseSchema.EpisodeKind.lineOfTherapy)]), types: Array(repeating: .int, count: 8))
            let v = (0..<8).map { Int(r.ints($0)[0] ?? 0) }
            let t = try await s.fetch("""
                SELECT COALESCE(d.tt, 'unknown') AS c0, COUNT(*) AS c1
                FROM person p LEFT JOIN (SELECT person_id, MIN(condition_source_value) AS tt FROM condition_occurrence GROUP BY person_id) d
                  ON d.person_id = p.person_id
                GROUP BY COALESCE(d.tt, 'unknown') ORDER BY c1
                """, types: [.text, .int])
            let byType = (0..<t.count).map { TumourTypeCount(tumourType: t.texts(0)[$0]!, patients: Int(t.ints(1)[$0]!)) }
                .sorted { $0.tumourType < $1.tumourType }
            return WarehouseStats(patients: v[0], samples: v[1], mutations: v[2], treatmentRows: v[3], linesOfTherapy: v[4],
                                  deaths: v[5], measurements: v[6], clinicalAttributes: v[7], patientsByTumourType: byType,
                                  datasets: try await Self.datasets(s))
        }
    }
}

/// Moves a non-Sendable value into a `@Sendable` closure that is known to run once, serially.
final class UncheckedBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
