import Foundation
import GRDB
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport
@testable import CohortStudy

/// The audit log's hash chain finds edited, deleted, reordered and truncated entries and registry
/// edits made outside onco, naming the first bad entry; the log refuses UPDATE and DELETE.
@Suite struct AuditLogTests {
    /// Writes six audit entries: keys.init, project.add, governance.set and three records.
    static func fill(_ store: Warehouse) async throws {
        let keys = try TestKeys.both()
        _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
        _ = try await store.addProject(GovernanceTests.scope, keys: keys, logger: TestWarehouse.logger)
        try await store.setGovernance(GovernanceSettings(enabled: true), keys: keys, logger: TestWarehouse.logger)
        for i in 1...3 {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.run", projectID: "P-HN-01", definitionSHA256: String(repeating: "ab", count: 32),
                                                        detail: ["analysed": .int(100 * i)]), keys: keys, logger: TestWarehouse.logger)
        }
    }

    /// A warehouse file with the six entries of `fill`.
    static func makeLog() async throws -> String {
        let path = try makeTemporaryDirectory("onco-audit").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: path)
        try await fill(store)
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
        let store = try await Warehouse.openSQLite(path: path)
        let v = try await store.verifyAuditLog(keys: try TestKeys.auditOnly(), checkpoint: nil, logger: TestWarehouse.logger)
        try await store.close()
        return v
    }

    @Test func intactLogVerifies() async throws {
        let path = try await Self.makeLog()
        let v = try await Self.verify(path)
        #expect(v.isIntact && v.entries == 6 && v.recordedHead?.seq == 6, "\(v.problems)")
        #expect(v.macsChecked && v.keyedFrom == 1)
        // each entry's hash is the SHA-256 of the previous hash and its canonical text
        let store = try await Warehouse.openSQLite(path: path)
        let log = try await store.auditLog(logger: TestWarehouse.logger)
        try await store.close()
        #expect(log[0].previousSHA256 == AuditChain.genesis)
        for k in 1..<log.count { #expect(log[k].previousSHA256 == log[k - 1].entrySHA256) }
        #expect(log.allSatisfy { AuditChain.entryHash($0) == $0.entrySHA256 })
        let audit = try #require(try TestKeys.auditOnly().audit)
        #expect(log.allSatisfy { $0.mac == AuditChain.entryMAC($0.entrySHA256, key: audit) })
    }

    @Test func editedEntryIsDetected() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, "UPDATE onco_audit_log SET detail = '{\"analysed\":5}' WHERE seq = 5")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 5)
        #expect(v.problems.first?.kind == .edited)
        #expect(v.problems.first?.message.contains("entry 5") == true)
    }

    @Test func editedEntryWithRecomputedHashBreaksTheNextLink() async throws {
        let path = try await Self.makeLog()
        // a careful forger recomputes entry 3's own hash: entry 4 no longer chains to it
        let store = try await Warehouse.openSQLite(path: path)
        var e4 = try await store.auditLog(logger: TestWarehouse.logger)[3]
        try await store.close()
        e4.detail = "{\"analysed\":1}"
        let forged = AuditChain.entryHash(e4)
        try Self.tamper(path, "UPDATE onco_audit_log SET detail = '{\"analysed\":1}', entry_sha256 = '\(forged)' WHERE seq = 4")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 5 && v.problems.first?.kind == .brokenLink)
        #expect(v.problems.first?.message.contains("entry 4 was rewritten") == true)
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
            UPDATE onco_audit_log SET seq = -1 WHERE seq = 4;
            UPDATE onco_audit_log SET seq = 4 WHERE seq = 5;
            UPDATE onco_audit_log SET seq = 5 WHERE seq = -1;
            """)
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.firstBadEntry == 4)
    }

    @Test func deletedLastEntryIsDetectedByTheHead() async throws {
        let path = try await Self.makeLog()
        try Self.tamper(path, "DELETE FROM onco_audit_log WHERE seq = 6")
        let v = try await Self.verify(path)
        #expect(!v.isIntact && v.problems.first?.kind == .headMismatch && v.firstBadEntry == 6)
        // and nothing more is appended to a broken log
        let store = try await Warehouse.openSQLite(path: path)
        await #expect(throws: WarehouseError.self) {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.run"), keys: try TestKeys.auditOnly(), logger: TestWarehouse.logger)
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

    // MARK: someone with database access but not the audit key (SQLite and PostgreSQL)

    /// Rewrites the whole log as a forger with database access would: applies `edit` to the entries,
    /// renumbers them, recomputes every hash and the recorded head (keeping the old MACs, which the forger
    /// cannot recompute without the audit key), after dropping the append-only triggers.
    static func forge(_ store: Warehouse, _ edit: (inout [AuditEntry]) -> Void) async throws {
        var log = try await store.auditLog(logger: TestWarehouse.logger)
        edit(&log)
        var previous = AuditChain.genesis
        for i in log.indices {
            log[i].seq = Int64(i + 1)
            log[i].previousSHA256 = previous
            log[i].entrySHA256 = AuditChain.entryHash(log[i])
            previous = log[i].entrySHA256
        }
        let rows = log
        try await store.sql.withTransaction { s in
            if s.dialect == .sqlite {
                try await s.execute("DROP TRIGGER onco_audit_log_no_update")
                try await s.execute("DROP TRIGGER onco_audit_log_no_delete")
            } else {
                try await s.execute("DROP TRIGGER onco_audit_log_append_only ON onco_audit_log")
            }
            try await s.execute("DELETE FROM onco_audit_log")
            for e in rows {
                try await s.execute(SQLFragment("""
                    INSERT INTO onco_audit_log (seq, at, action, project_id, definition_sha256, detail, onco_version, warehouse_version,
                                                prev_sha256, entry_sha256, entry_mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.int(e.seq), .text(e.at), .text(e.action), e.projectID.map { .text($0) } ?? .null,
                          e.definitionSHA256.map { .text($0) } ?? .null, .text(e.detail), .text(e.oncoVersion), .int(Int64(e.warehouseVersion)),
                          .text(e.previousSHA256), .text(e.entrySHA256), e.mac.map { .text($0) } ?? .null]))
            }
            try await s.execute(SQLFragment("DELETE FROM onco_warehouse WHERE key = 'audit_head'"))
            try await s.execute(SQLFragment("INSERT INTO onco_warehouse (key, value) VALUES ('audit_head', ?)",
                                            [.text("\(rows.last!.seq) \(rows.last!.entrySHA256)")]))
            return ()
        }
    }

    static func rawUpdate(_ store: Warehouse, _ sql: String) async throws {
        try await store.sql.withTransaction { s in try await s.execute(SQLFragment(sql)); return () }
    }

    @Test(arguments: StoreKind.allCases) func deletingAnEntryAndRecomputingTheChainIsDetected(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            let keys = try TestKeys.auditOnly()
            #expect(try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger).isIntact)
            // delete entry 4 (a query), renumber 5–6 as 4–5, recompute every hash and the head
            try await Self.forge(store) { $0.remove(at: 3) }
            // the chain alone is consistent again …
            let unkeyed = try await store.verifyAuditLog(keys: GovernanceKeys(), checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!unkeyed.problems.contains { [.edited, .missing, .brokenLink, .headMismatch].contains($0.kind) })
            // … but the MACs are not, from the first renumbered entry on
            let v = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!v.isIntact && v.macsChecked)
            #expect(v.problems.first?.kind == .unauthenticated && v.firstBadEntry == 4, "\(v.problems)")
            #expect(v.problems.allSatisfy { $0.kind == .unauthenticated } && v.problems.count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases) func editingAnEntryAndRecomputingTheChainIsDetected(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            try await Self.forge(store) { $0[4].detail = "{\"analysed\":1}" }
            let v = try await store.verifyAuditLog(keys: try TestKeys.auditOnly(), checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!v.isIntact && v.problems.first?.kind == .unauthenticated && v.firstBadEntry == 5, "\(v.problems)")
            // the forger also blanks the MACs: the missing MACs are reported even without the key
            try await Self.rawUpdate(store, "UPDATE onco_audit_log SET entry_mac = NULL")
            let blank = try await store.verifyAuditLog(keys: GovernanceKeys(), checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!blank.isIntact && blank.problems.filter { $0.kind == .unauthenticated }.count == 6)
        }
    }

    @Test(arguments: StoreKind.allCases) func anEditedGovernanceSettingIsDetected(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            try await Self.rawUpdate(store, "UPDATE onco_warehouse SET value = 'off' WHERE key = 'governance'")
            let keys = try TestKeys.auditOnly()
            // the edited flag takes effect …
            #expect(try await store.governanceSettings(logger: TestWarehouse.logger).enabled == false)
            // … and verify reports it
            let v = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!v.isIntact && v.problems.map(\.kind) == [.governanceChanged], "\(v.problems)")
            #expect(v.problems[0].message.contains("governance is off in the warehouse but the audit log last set it on"))
            try await Self.rawUpdate(store, "UPDATE onco_warehouse SET value = 'on' WHERE key = 'governance'")
            try await Self.rawUpdate(store, "UPDATE onco_warehouse SET value = '2' WHERE key = 'governance_min_cell'")
            let m = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(m.problems.map(\.kind) == [.governanceChanged] && m.problems[0].message.contains("minimum cell count is 2"))
            // a replaced administrator verifier (someone registering their own key) is reported too
            try await Self.rawUpdate(store, "UPDATE onco_warehouse SET value = '5' WHERE key = 'governance_min_cell'")
            try await Self.rawUpdate(store, "UPDATE onco_warehouse SET value = 'v1:00:00' WHERE key = 'admin_key_verifier'")
            let a = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(a.problems.map(\.kind) == [.governanceChanged] && a.problems[0].message.contains("administrator key verifier"))
        }
    }

    @Test(arguments: StoreKind.allCases) func aCheckpointDetectsATruncatedLog(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            let keys = try TestKeys.auditOnly()
            let cp = try await store.auditCheckpoint(keys: keys, logger: TestWarehouse.logger)
            #expect(cp.seq == 6)
            #expect(try await store.verifyAuditLog(keys: keys, checkpoint: cp, logger: TestWarehouse.logger).isIntact)
            // the forger drops the last two entries and moves the head back: every remaining MAC is genuine
            try await Self.forge(store) { $0.removeLast(2) }
            let alone = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(alone.isIntact)
            let v = try await store.verifyAuditLog(keys: keys, checkpoint: cp, logger: TestWarehouse.logger)
            #expect(!v.isIntact && v.problems.map(\.kind) == [.checkpoint] && v.problems[0].message.contains("no longer holds"))
            // a checkpoint edited to match is refused by its MAC
            var edited = cp
            edited.seq = 4
            let e = try await store.verifyAuditLog(keys: keys, checkpoint: edited, logger: TestWarehouse.logger)
            #expect(e.problems.contains { $0.kind == .checkpoint && $0.message.contains("MAC") })
            // without the audit key nothing is appended to a keyed log
            await #expect(throws: GovernanceError.self) {
                _ = try await store.appendAudit(AuditRecord(action: "cohort.run"), keys: GovernanceKeys(), logger: TestWarehouse.logger)
            }
        }
    }

    // MARK: audit key rotation (SQLite and PostgreSQL)

    static let newAuditText = "test-new-audit-key-5a7c9e1b3d5f7a9c1e3b5d7f"

    @Test(arguments: StoreKind.allCases) func aRotatedAuditKeyVerifiesAcrossTheRotation(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            let old = try TestKeys.auditOnly()
            let oldKey = try #require(old.audit)
            let newKey = try GovernanceSecret(Self.newAuditText, source: "new test audit key")
            let before = try await store.auditCheckpoint(keys: old, logger: TestWarehouse.logger)
            // rotating needs the administrator key and the current audit key
            await #expect(throws: GovernanceError.self) { _ = try await store.rotateAuditKey(old, to: newKey, logger: TestWarehouse.logger) }
            var wrongCurrent = try TestKeys.both()
            wrongCurrent.audit = try GovernanceSecret("not-the-audit-key-0123456789abcdef0123", source: "wrong key")
            await #expect(throws: GovernanceError.self) { _ = try await store.rotateAuditKey(wrongCurrent, to: newKey, logger: TestWarehouse.logger) }
            await #expect(throws: GovernanceError.self) { _ = try await store.rotateAuditKey(try TestKeys.both(), to: oldKey, logger: TestWarehouse.logger) }
            #expect(try await store.auditLog(logger: TestWarehouse.logger).count == 6)
            // the rotation: an audited entry, MAC'd under the new key, with the handover MAC under the old one
            let rotation = try await store.rotateAuditKey(try TestKeys.both(), to: newKey, logger: TestWarehouse.logger)
            #expect(rotation.seq == 7 && rotation.action == "keys.rotate" && rotation.mac == AuditChain.entryMAC(rotation.entrySHA256, key: newKey))
            #expect(rotation.detail.contains("\"handoverMAC\":\"") && !rotation.detail.contains(Self.newAuditText) && !rotation.detail.contains(TestKeys.auditText))
            // the retired key no longer writes; the new one does
            await #expect(throws: GovernanceError.self) {
                _ = try await store.appendAudit(AuditRecord(action: "cohort.run"), keys: old, logger: TestWarehouse.logger)
            }
            let new = GovernanceKeys(audit: newKey)
            for _ in 1...2 { _ = try await store.appendAudit(AuditRecord(action: "cohort.run", detail: ["analysed": .int(500)]), keys: new, logger: TestWarehouse.logger) }
            let after = try await store.auditCheckpoint(keys: new, logger: TestWarehouse.logger)

            // the current key alone: entries 7–9 checked one by one, 1–6 vouched for by the chain under the new key's MACs
            let current = try await store.verifyAuditLog(keys: new, checkpoint: after, logger: TestWarehouse.logger)
            #expect(current.isIntact && current.macsChecked, "\(current.problems)")
            #expect(current.keyPeriods.map { [$0.from, $0.through] } == [[1, 6], [7, 9]] && current.keyPeriods.map(\.checked) == [false, true])
            #expect(current.limits.contains { $0.contains("entries 1–6") && $0.contains("retired at entry 7") && $0.contains("vouched for") })
            // with the retired key too: every period and the handover are checked, and a checkpoint taken before the rotation verifies
            var both = new
            both.retiredAudit = [oldKey]
            let all = try await store.verifyAuditLog(keys: both, checkpoint: before, logger: TestWarehouse.logger)
            #expect(all.isIntact && all.keyPeriods.allSatisfy(\.checked) && !all.limits.contains { $0.contains("retired") }, "\(all.problems) \(all.limits)")
            // without it, the old checkpoint's MAC is a stated limit, not a failure
            let oldCheckpoint = try await store.verifyAuditLog(keys: new, checkpoint: before, logger: TestWarehouse.logger)
            #expect(oldCheckpoint.isIntact && oldCheckpoint.limits.contains { $0.contains("checkpoint") && $0.contains("retired") })
            // the retired key given as the current one is named as retired
            let stale = try await store.verifyAuditLog(keys: old, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!stale.isIntact && stale.problems.contains { $0.message.contains("was retired at entry 7") }, "\(stale.problems)")

            // a forger who rewrites an entry of the old period (chain recomputed) is caught by the new key's MACs,
            // without the retired key; with it, at the edited entry itself
            try await Self.forge(store) { $0[3].detail = "{\"analysed\":1}" }
            let forged = try await store.verifyAuditLog(keys: new, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(!forged.isIntact && forged.firstBadEntry == 7 && forged.problems.allSatisfy { $0.kind == .unauthenticated }, "\(forged.problems)")
            let forgedAll = try await store.verifyAuditLog(keys: both, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(forgedAll.firstBadEntry == 4, "\(forgedAll.problems)")
        }
    }

    @Test(arguments: StoreKind.allCases) func aRotationIsRefusedOverABrokenLog(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await Self.fill(store)
            try await Self.forge(store) { $0[4].detail = "{\"analysed\":1}" }
            let newKey = try GovernanceSecret(Self.newAuditText, source: "new test audit key")
            await #expect(throws: GovernanceError.self) { _ = try await store.rotateAuditKey(try TestKeys.both(), to: newKey, logger: TestWarehouse.logger) }
            #expect(try await store.auditLog(logger: TestWarehouse.logger).count == 6)
        }
    }

    @Test func canonicalJSONIsStable() {
        #expect(AuditChain.canonicalJSON(["b": .int(2), "a": .string("x\"y\n"), "c": .array([.bool(true), .null])])
                == "{\"a\":\"x\\\"y\\n\",\"b\":2,\"c\":[true,null]}")
        #expect(AuditChain.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
