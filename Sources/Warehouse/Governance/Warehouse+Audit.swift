import Foundation
import Logging
import OncoCore

/// The hash-chained audit log of research governance (see `Warehouse+Governance.swift`).
extension Warehouse {
    /// Appends one entry to the hash chain (in its own transaction) and returns it.
    public func appendAudit(_ record: AuditRecord, keys: GovernanceKeys, logger: Logger) async throws -> AuditEntry {
        let e = try await sql.withTransaction { s in try await Self.append(s, record, keys: keys) }
        logger.debug("warehouse.audit.append", metadata: ["audit.seq": "\(e.seq)", "audit.action": "\(e.action)"])
        return e
    }

    /// Appends entries in order, in one transaction (all or none), and returns them.
    public func appendAudit(_ records: [AuditRecord], keys: GovernanceKeys, logger: Logger) async throws -> [AuditEntry] {
        guard !records.isEmpty else { return [] }
        let es = try await sql.withTransaction { s in
            var out: [AuditEntry] = []
            out.reserveCapacity(records.count)
            for r in records { out.append(try await Self.append(s, r, keys: keys)) }
            return out
        }
        logger.debug("warehouse.audit.append", metadata: ["audit.seq": "\(es.first!.seq)–\(es.last!.seq)"])
        return es
    }

    /// The audit key, checked against the warehouse's verifier; nil when the warehouse has no audit key.
    static func auditKey(_ m: [String: String], _ keys: GovernanceKeys) throws -> GovernanceSecret? {
        guard let verifier = m[GovernanceMeta.auditVerifier] else { return nil }
        guard let key = keys.audit else {
            throw GovernanceError(.auditKey, "this warehouse's audit log is keyed: set \(GovernanceKeys.auditVariable) or \(GovernanceKeys.auditVariable)_FILE to its audit key")
        }
        guard key.matches(verifier, label: GovernanceKeys.auditLabel) else {
            throw GovernanceError(.auditKey, "the audit key from \(key.source) is not this warehouse's")
        }
        return key
    }

    /// Appends inside the caller's (write) transaction: reads the head, chains, MACs (when the warehouse
    /// has an audit key), inserts, moves the head.
    static func append(_ s: any SQLSession, _ record: AuditRecord, keys: GovernanceKeys) async throws -> AuditEntry {
        let m = try await meta(s)
        let key = try auditKey(m, keys)
        let head = try parseHead(m[auditHeadKey])
        let last = try await s.fetch("SELECT seq AS c0, entry_sha256 AS c1 FROM onco_audit_log ORDER BY seq DESC LIMIT 1", types: [.int, .text])
        let lastSeq = last.count > 0 ? last.ints(0)[0]! : 0
        let lastHash = last.count > 0 ? last.texts(1)[0]! : AuditChain.genesis
        if let head, head.seq != lastSeq || head.sha256 != lastHash {
            throw WarehouseError(.invalidData, "the audit log does not end at its recorded head (entry \(head.seq)); run `onco audit verify` — nothing more is appended to a broken log")
        }
        if head == nil && lastSeq != 0 {
            throw WarehouseError(.invalidData, "the audit log has entries but no recorded head; run `onco audit verify`")
        }
        let version = Int(m["warehouse_version"] ?? "0") ?? 0
        let seq = lastSeq + 1
        let at = now()
        let detail = AuditChain.canonicalJSON(record.detail)
        let hash = AuditChain.entryHash(seq: seq, at: at, action: record.action, projectID: record.projectID,
                                        definitionSHA256: record.definitionSHA256, detail: detail, oncoVersion: OncoVersion.current,
                                        warehouseVersion: version, previousSHA256: lastHash)
        let mac = key.map { AuditChain.entryMAC(hash, key: $0) }
        try await s.execute(SQLFragment("""
            INSERT INTO onco_audit_log (seq, at, action, project_id, definition_sha256, detail, onco_version, warehouse_version, prev_sha256,
                                        entry_sha256, entry_mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.int(seq), .text(at), .text(record.action), record.projectID.map { .text($0) } ?? .null,
                  record.definitionSHA256.map { .text($0) } ?? .null, .text(detail), .text(OncoVersion.current),
                  .int(Int64(version)), .text(lastHash), .text(hash), mac.map { .text($0) } ?? .null]))
        try await setMeta(s, auditHeadKey, "\(seq) \(hash)")
        return AuditEntry(seq: seq, at: at, action: record.action, projectID: record.projectID, definitionSHA256: record.definitionSHA256,
                          detail: detail, oncoVersion: OncoVersion.current, warehouseVersion: version, previousSHA256: lastHash, entrySHA256: hash,
                          mac: mac)
    }

    static func parseHead(_ text: String?) throws -> AuditHead? {
        guard let text else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let seq = Int64(parts[0]), parts[1].count == 64 else {
            throw WarehouseError(.invalidData, "the recorded audit head is malformed")
        }
        return AuditHead(seq: seq, sha256: String(parts[1]))
    }

    static func readAudit(_ s: any SQLSession) async throws -> [AuditEntry] {
        let r = try await s.fetch("""
            SELECT seq AS c0, at AS c1, action AS c2, project_id AS c3, definition_sha256 AS c4, detail AS c5, onco_version AS c6,
                   warehouse_version AS c7, prev_sha256 AS c8, entry_sha256 AS c9, entry_mac AS c10
            FROM onco_audit_log ORDER BY seq
            """, types: [.int, .text, .text, .text, .text, .text, .text, .int, .text, .text, .text])
        return (0..<r.count).map { i in
            AuditEntry(seq: r.ints(0)[i]!, at: r.texts(1)[i] ?? "", action: r.texts(2)[i] ?? "", projectID: r.texts(3)[i],
                       definitionSHA256: r.texts(4)[i], detail: r.texts(5)[i] ?? "", oncoVersion: r.texts(6)[i] ?? "",
                       warehouseVersion: Int(r.ints(7)[i] ?? 0), previousSHA256: r.texts(8)[i] ?? "", entrySHA256: r.texts(9)[i] ?? "",
                       mac: r.texts(10)[i])
        }
    }

    /// The whole log, by sequence number.
    public func auditLog(logger: Logger) async throws -> [AuditEntry] {
        try await sql.withSession { s in try await Self.readAudit(s) }
    }

    /// Recomputes the chain, checks the MACs (with `keys.audit`), the recorded head, the project registry,
    /// the governance settings and key verifiers against the log, and `checkpoint` when given.
    public func verifyAuditLog(keys: GovernanceKeys, checkpoint: AuditCheckpoint?, logger: Logger) async throws -> AuditVerification {
        try await sql.withSession { s in
            let entries = try await Self.readAudit(s)
            let m = try await Self.meta(s)
            let head = try Self.parseHead(m[Self.auditHeadKey])
            let projects = try await Self.readProjects(s, id: nil)
            var v = AuditChain.verify(entries, head: head, projects: projects)
            AuditChain.verifyKeyedState(&v, entries: entries, meta: m, auditKey: keys.audit, retiredKeys: keys.retiredAudit, checkpoint: checkpoint)
            return v
        }
    }

    /// A signed head of the log (`AuditCheckpoint`), under the audit key.
    public func auditCheckpoint(keys: GovernanceKeys, logger: Logger) async throws -> AuditCheckpoint {
        try await sql.withSession { s in
            let m = try await Self.meta(s)
            guard let key = try Self.auditKey(m, keys) else {
                throw GovernanceError(.auditKey, "this warehouse has no audit key, so a checkpoint cannot be signed: run `onco project keys init` first")
            }
            guard let head = try Self.parseHead(m[Self.auditHeadKey]) else {
                throw GovernanceError(.auditKey, "the audit log is empty: nothing to checkpoint")
            }
            let at = Self.now()
            return AuditCheckpoint(seq: head.seq, sha256: head.sha256, at: at,
                                   mac: AuditChain.checkpointMAC(seq: head.seq, sha256: head.sha256, at: at, key: key))
        }
    }
}
