import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport
@testable import CohortStudy

/// docs/postgres-roles.sql, run as written: a role that imports and administers, and one that may only
/// query (and append to the audit log). Needs ONCO_TEST_POSTGRES_URL as a superuser (scripts/pg-temp.sh).
@Suite(.serialized) struct PostgresRolesTests {
    static func url(_ base: String, user: String, schema: String) -> String {
        var c = URLComponents(string: base)!
        c.user = user
        c.password = nil
        return c.string! + (base.contains("?") ? "&" : "?") + "schema=" + schema
    }

    @Test func aQueryRoleMayQueryAndAuditButNotImportOrAdminister() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["ONCO_TEST_POSTGRES_URL"], !base.isEmpty else {
            if env["ONCO_REQUIRE_POSTGRES"] == "1" { Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set") }
            return
        }
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(10)
        let schema = "onco_roles_\(tag)", importer = "onco_imp_\(tag)", query = "onco_qry_\(tag)"
        let database = String(URLComponents(string: base)!.path.dropFirst())
        // the superuser creates the two login roles; the importer may create the schema
        let adminSchema = "onco_roles_su_\(tag)"
        let admin = try await Warehouse.openPostgres(url: base + (base.contains("?") ? "&" : "?") + "schema=" + adminSchema)
        try await admin.sql.withTransaction { s in
            try await s.execute(SQLFragment("CREATE ROLE \(importer) LOGIN"))
            try await s.execute(SQLFragment("CREATE ROLE \(query) LOGIN"))
            try await s.execute(SQLFragment("GRANT CREATE ON DATABASE \(database) TO \(importer)"))
            return ()
        }
        func cleanUp() async {
            try? await admin.dropPostgresSchema(schema)
            try? await admin.dropPostgresSchema(adminSchema)
            _ = try? await admin.sql.withTransaction { s in
                try await s.execute(SQLFragment("REVOKE CREATE ON DATABASE \(database) FROM \(importer)"))
                try await s.execute(SQLFragment("DROP OWNED BY \(query)"))
                try await s.execute(SQLFragment("DROP ROLE \(query)"))
                try await s.execute(SQLFragment("DROP OWNED BY \(importer)"))
                try await s.execute(SQLFragment("DROP ROLE \(importer)"))
                return ()
            }
            try? await admin.close()
        }
        do {
            // the importer creates, imports, registers keys and a tumour board
            let imp = try await Warehouse.openPostgres(url: Self.url(base, user: importer, schema: schema))
            try await TCGAFixture.importStudy(imp, governed: true)
            let keys = try TestKeys.both()
            _ = try await imp.initialiseKeys(keys, logger: TestWarehouse.logger)
            _ = try await imp.addProject(GovernanceTests.scope, keys: keys, logger: TestWarehouse.logger)
            try await imp.close()

            // the superuser applies the documented GRANTs
            let sql = try String(contentsOf: RepoPaths.root.appendingPathComponent("docs/postgres-roles.sql"), encoding: .utf8)
                .replacingOccurrences(of: "{{schema}}", with: schema).replacingOccurrences(of: "{{importer}}", with: importer)
                .replacingOccurrences(of: "{{query}}", with: query)
            let statements = sql.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
                .split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            #expect(statements.count == 9)
            try await admin.sql.withTransaction { s in
                for st in statements { try await s.execute(SQLFragment(st)) }
                return ()
            }

            // the query role opens the warehouse, runs an authorised study (audited) and an authorised access
            let q = try await Warehouse.openPostgres(url: Self.url(base, user: query, schema: schema))
            let audit = try TestKeys.auditOnly()
            let run = try await CohortStudy.run(try GovernanceTests.study(), store: q,
                                                options: .init(project: "P-HN-01", today: GovernanceTests.today, keys: audit), logger: TestWarehouse.logger)
            #expect(run.analysis.groups.count == 2 && run.audit.action == "cohort.run")
            let grant = try await q.authorise(AccessRequest(command: "recommend", authorisation: "P-HN-01", kind: .research, outputs: [.aggregates],
                                                            tumourTypes: ["HNSC"], today: GovernanceTests.today), keys: audit, logger: TestWarehouse.logger)
            _ = try await q.recordAccess(grant, shown: ["therapies": .int(0)], keys: audit, logger: TestWarehouse.logger)
            #expect(try await q.verifyAuditLog(keys: audit, checkpoint: nil, logger: TestWarehouse.logger).isIntact)

            // … but may not import, administer (even with the administrator key), or edit governance state
            // (re-importing the same study writes nothing, so the import's writes are tried directly below)
            await #expect(throws: (any Error).self) {
                try await q.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger)
            }
            await #expect(throws: (any Error).self) {
                _ = try await q.revokeProject(id: "P-HN-01", reason: "x", keys: keys, logger: TestWarehouse.logger)
            }
            for sql in ["UPDATE onco_warehouse SET value = 'off' WHERE key = 'governance'",
                        "INSERT INTO onco_warehouse (key, value) VALUES ('governance_min_cell', '1')",
                        "DELETE FROM onco_audit_log", "UPDATE onco_project SET expires_on = '2099-12-31'", "DELETE FROM person",
                        "INSERT INTO person (person_id) VALUES (999999999)", "INSERT INTO onco_dataset (dataset_id) VALUES (99)",
                        "INSERT INTO onco_project (project_id) VALUES ('P-FORGED')"] {
                await #expect(throws: (any Error).self, "\(sql)") {
                    try await q.sql.withTransaction { s in try await s.execute(SQLFragment(sql)); return () }
                }
            }
            // a DELETE of a row the policy hides removes nothing
            try await q.sql.withTransaction { s in try await s.execute(SQLFragment("DELETE FROM onco_warehouse WHERE key = 'governance'")); return () }
            #expect(try await q.governanceSettings(logger: TestWarehouse.logger).enabled)
            #expect(try await q.verifyAuditLog(keys: audit, checkpoint: nil, logger: TestWarehouse.logger).isIntact)
            try await q.close()
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }
}
