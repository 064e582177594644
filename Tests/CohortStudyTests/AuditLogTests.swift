import Foundation
import GRDB
import OncoCore
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// The audit log's hash chain finds edited, deleted, reordered and truncated entries and registry
/// edits made outside onco, naming the first bad entry; the log refuses UPDATE and DELETE.
@Suite struct AuditLogTests {
    /// A warehouse file with five audit entries: project.add, governance.set and three records.
    static func makeLog() async throws -> String {
        let path = try makeTemporaryDirectory("onco-audit").appendingPathComponent("w.sqlite").path
        let store = try await SQLiteWarehouseStore(path: path)
        _ = try await store.addProject(GovernanceTests.scope, logger: TestWarehouse.logger)
        try await store.setGovernance(GovernanceSettings(enabled: true), logger: TestWarehouse.logger)
        for i in 1...3 {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.run", projectID: "P-HN-01", definitionSHA256: String(repeating: "ab", count: 32),
                                                        detail: ["analysed": .int(100 * i)]), logger: TestWarehouse.logger)
        }
        try await store.close()
        return path
    }

    /// Tampers with the file as someone with raw database access would: dropping the append-only triggers first.
    static func tamper(_ path: String, _ sql: String) throws {
        let q = try DatabaseQueue(path: path)
        try q.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS onco_audit_log_no_update")
            try db.execute(sql: "DROP TRIGGER IF EXISTS onco_audit_log_no_delete")
            try db.execute(sql: sql)
        }
        try q.close()
    }

    static func verify(_ path: String) async throws -> AuditVerification {
        let store = try await SQLiteWarehouseStore(path: path)
        let v = try await store.verifyAuditLog(logger: TestWarehouse.logger)
        try await store.close()
        return v
    }

    @Test func intactLogVerifies() async throws {
        let path = try await Self.makeLog()
        let v = try await Self.verify(path)
        #expect(v.isIntact && v.entries == 5 && v.recordedHead?.seq == 5)
        // each entry's hash is the SHA-256 of the previous hash and its canonical text
        let store = try await SQLiteWarehouseStore(path: path)
        let log = try await store.auditLog(logger: TestWarehouse.logger)
        try await store.close()
        #expect(log[0].previousSHA256 == AuditChain.genesis)
        for k in 1..<log.count { #expect(log[k].previousSHA256 == log[k - 1].entrySHA256) }
        #expect(log.allSatisfy { AuditChain.entryHash($0) == $0.entrySHA256 })
    }

    @Test func editedEntryIsDetected() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, "UPDATE onco_audit_log SET detail = '{\"analysed\":5}' WHERE seq = 4")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 4)
        #expect(v.problems.first?.kind == .edited)
        #expect(v.problems.first?.message.contains("entry 4") == true)
    }

    @Test func editedEntryWithRecomputedHashBreaksTheNextLink() async throws {
        let path = try await Self.makeLog()
        // a careful forger recomputes entry 3's own hash: entry 4 no longer chains to it
        let store = try await SQLiteWarehouseStore(path: path)
        var e3 = try await store.auditLog(logger: TestWarehouse.logger)[2]
        try await store.close()
        e3.detail = "{\"analysed\":1}"
        let forged = AuditChain.entryHash(e3)
        try Self.tamper(path, "UPDATE onco_audit_log SET detail = '{\"analysed\":1}', entry_sha256 = '\(forged)' WHERE seq = 3")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 4 && v.problems.first?.kind == .brokenLink)
        #expect(v.problems.first?.message.contains("entry 3 was rewritten") == true)
    }

    @Test func deletedEntryIsDetected() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, "DELETE FROM onco_audit_log WHERE seq = 2")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 2 && v.problems.first?.kind == .missing)
    }

    @Test func reorderedEntriesAreDetected() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, """
            UPDATE onco_audit_log SET seq = -1 WHERE seq = 3;
            UPDATE onco_audit_log SET seq = 3 WHERE seq = 4;
            UPDATE onco_audit_log SET seq = 4 WHERE seq = -1;
            """)
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 3)
    }

    @Test func deletedLastEntryIsDetectedByTheHead() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, "DELETE FROM onco_audit_log WHERE seq = 5")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.problems.first?.kind == .headMismatch && v.firstBadEntry == 5)
        // and nothing more is appended to a broken log
        let store = try await SQLiteWarehouseStore(path: path)
        await #expect(throws: WarehouseError.self) {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.run"), logger: TestWarehouse.logger)
        }
        try await store.close()
    }

    @Test func registryEditIsDetected() async throws {
        let path = try await Self.makeLog()
        let q = try DatabaseQueue(path: path)
        try await q.write { db in try db.execute(sql: "UPDATE onco_project SET expires_on = '2099-12-31' WHERE project_id = 'P-HN-01'") }
        try q.close()
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.problems.first?.kind == .projectChanged)
    }

    @Test func theLogRefusesUpdatesAndDeletes() async throws {
        let path = try await Self.makeLog()
        let q = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "UPDATE onco_audit_log SET detail = '{}' WHERE seq = 1") } }
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "DELETE FROM onco_audit_log WHERE seq = 1") } }
        try q.close()
        #expect(try await Self.verify(path).isIntact)
    }

    @Test func canonicalJSONIsStable() {
        #expect(AuditChain.canonicalJSON(["b": .int(2), "a": .string("x\"y\n"), "c": .array([.bool(true), .null])])
                == "{\"a\":\"x\\\"y\\n\",\"b\":2,\"c\":[true,null]}")
        #expect(AuditChain.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
