import Foundation
import Logging
import OncoCore

/// Governance storage shared by both backends: `onco_project`, `onco_audit_log`, and the settings
/// `governance`, `governance_min_cell`, `audit_head` in `onco_warehouse`.
extension WarehouseEngine {
    static let governanceKey = "governance"
    static let minimumCellKey = "governance_min_cell"
    static let auditHeadKey = "audit_head"

    package func governanceSettings(logger: Logger) async throws -> GovernanceSettings {
        try await backend.withSession { s in try await Self.settings(s) }
    }

    static func settings(_ s: any SQLSession) async throws -> GovernanceSettings {
        let m = try await meta(s)
        return GovernanceSettings(enabled: m[governanceKey] == "on", minimumCellCount: Int(m[minimumCellKey] ?? "") ?? 5)
    }

    package func setGovernance(_ settings: GovernanceSettings, logger: Logger) async throws {
        guard settings.minimumCellCount >= 1 else {
            throw WarehouseError(.invalidData, "the minimum cell count must be at least 1")
        }
        if settings.enabled && settings.minimumCellCount < 5 {
            throw WarehouseError(.invalidData, "with governance on, the minimum cell count cannot be below 5")
        }
        try await backend.withTransaction { s in
            let before = try await Self.settings(s)
            try await Self.setMeta(s, Self.governanceKey, settings.enabled ? "on" : "off")
            try await Self.setMeta(s, Self.minimumCellKey, String(settings.minimumCellCount))
            _ = try await Self.append(s, AuditRecord(action: "governance.set", detail: [
                "enabled": .bool(settings.enabled), "minimumCellCount": .int(settings.minimumCellCount),
                "previouslyEnabled": .bool(before.enabled), "previousMinimumCellCount": .int(before.minimumCellCount),
            ]))
            return ()
        }
        logger.info("warehouse.governance.set", metadata: ["governance.enabled": "\(settings.enabled)"])
    }

    // MARK: projects

    static func encodeList(_ xs: [String]) -> String {
        AuditChain.canonicalJSON(.array(xs.map { .string($0) }))
    }

    static func decodeList(_ text: String?, field: String) throws -> [String] {
        guard let text, let data = text.data(using: .utf8), let xs = try? JSONDecoder().decode([String].self, from: data) else {
            throw WarehouseError(.invalidData, "onco_project.\(field) is not a JSON array of strings")
        }
        return xs
    }

    static let projectColumns = """
        SELECT project_id AS c0, title AS c1, ethics_reference AS c2, tumour_types AS c3, fields AS c4, row_level_export AS c5,
               expires_on AS c6, created_at AS c7, revoked_at AS c8, revoked_reason AS c9 FROM onco_project
        """

    static func readProjects(_ s: any SQLSession, id: String?) async throws -> [ResearchProject] {
        var q = SQLFragment(projectColumns)
        if let id { q += SQLFragment(" WHERE project_id = ?", [.text(id)]) }
        q += " ORDER BY c0"
        let r = try await s.fetch(q, types: [.text, .text, .text, .text, .text, .int, .text, .text, .text, .text])
        return try (0..<r.count).map { i in
            guard let expires = Day(iso: r.texts(6)[i] ?? "") else {
                throw WarehouseError(.invalidData, "onco_project.expires_on is not a date (YYYY-MM-DD)")
            }
            return ResearchProject(id: r.texts(0)[i]!, title: r.texts(1)[i] ?? "", ethicsReference: r.texts(2)[i] ?? "",
                                   tumourTypes: try decodeList(r.texts(3)[i], field: "tumour_types"),
                                   fields: try decodeList(r.texts(4)[i], field: "fields"),
                                   rowLevelExport: (r.ints(5)[i] ?? 0) != 0, expiresOn: expires, createdAt: r.texts(7)[i] ?? "",
                                   revokedAt: r.texts(8)[i], revokedReason: r.texts(9)[i])
        }
    }

    package func projects(logger: Logger) async throws -> [ResearchProject] {
        try await backend.withSession { s in try await Self.readProjects(s, id: nil) }
    }

    package func project(id: String, logger: Logger) async throws -> ResearchProject? {
        try await backend.withSession { s in try await Self.readProjects(s, id: id).first }
    }

    package func addProject(_ project: ResearchProject, logger: Logger) async throws -> ResearchProject {
        guard ResearchProject.isValidID(project.id) else {
            throw WarehouseError(.invalidData, "project id must be 1–100 letters, digits, '-', '_' or '.'")
        }
        guard !project.ethicsReference.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WarehouseError(.invalidData, "project \(project.id): the ethics approval reference is empty")
        }
        guard !project.tumourTypes.isEmpty, !project.fields.isEmpty else {
            throw WarehouseError(.invalidData, "project \(project.id): the scope needs at least one tumour type and one field (or *)")
        }
        var p = project
        p.createdAt = Self.now()
        p.revokedAt = nil
        p.revokedReason = nil
        let stored = p
        return try await backend.withTransaction { s in
            if !(try await Self.readProjects(s, id: stored.id)).isEmpty {
                throw WarehouseError(.invalidData, "project \(stored.id) is already registered (projects are never replaced; revoke it and register a new id)")
            }
            try await s.execute(SQLFragment("""
                INSERT INTO onco_project (project_id, title, ethics_reference, tumour_types, fields, row_level_export, expires_on, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(stored.id), .text(stored.title), .text(stored.ethicsReference), .text(Self.encodeList(stored.tumourTypes)),
                      .text(Self.encodeList(stored.fields)), .int(stored.rowLevelExport ? 1 : 0), .text(stored.expiresOn.iso),
                      .text(stored.createdAt)]))
            _ = try await Self.append(s, AuditRecord(action: "project.add", projectID: stored.id, detail: [
                "projectSHA256": .string(stored.contentSHA256), "ethicsReference": .string(stored.ethicsReference),
                "tumourTypes": .array(stored.tumourTypes.map { .string($0) }), "fields": .array(stored.fields.map { .string($0) }),
                "rowLevelExport": .bool(stored.rowLevelExport), "expiresOn": .string(stored.expiresOn.iso),
            ]))
            return stored
        }
    }

    package func revokeProject(id: String, reason: String, logger: Logger) async throws -> ResearchProject {
        try await backend.withTransaction { s in
            guard var p = try await Self.readProjects(s, id: id).first else {
                throw WarehouseError(.invalidData, "project \(id) is not registered")
            }
            if p.revokedAt != nil { throw WarehouseError(.invalidData, "project \(id) is already revoked") }
            p.revokedAt = Self.now()
            p.revokedReason = reason
            try await s.execute(SQLFragment("UPDATE onco_project SET revoked_at = ?, revoked_reason = ? WHERE project_id = ?",
                                            [.text(p.revokedAt!), .text(reason), .text(id)]))
            _ = try await Self.append(s, AuditRecord(action: "project.revoke", projectID: id, detail: [
                "projectSHA256": .string(p.contentSHA256), "reason": .string(reason),
            ]))
            return p
        }
    }

    // MARK: audit log

    package func appendAudit(_ record: AuditRecord, logger: Logger) async throws -> AuditEntry {
        let e = try await backend.withTransaction { s in try await Self.append(s, record) }
        logger.debug("warehouse.audit.append", metadata: ["audit.seq": "\(e.seq)", "audit.action": "\(e.action)"])
        return e
    }

    /// Appends inside the caller's (write) transaction: reads the head, chains, inserts, moves the head.
    static func append(_ s: any SQLSession, _ record: AuditRecord) async throws -> AuditEntry {
        let m = try await meta(s)
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
        try await s.execute(SQLFragment("""
            INSERT INTO onco_audit_log (seq, at, action, project_id, definition_sha256, detail, onco_version, warehouse_version, prev_sha256, entry_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.int(seq), .text(at), .text(record.action), record.projectID.map { .text($0) } ?? .null,
                  record.definitionSHA256.map { .text($0) } ?? .null, .text(detail), .text(OncoVersion.current),
                  .int(Int64(version)), .text(lastHash), .text(hash)]))
        try await setMeta(s, auditHeadKey, "\(seq) \(hash)")
        return AuditEntry(seq: seq, at: at, action: record.action, projectID: record.projectID, definitionSHA256: record.definitionSHA256,
                          detail: detail, oncoVersion: OncoVersion.current, warehouseVersion: version, previousSHA256: lastHash, entrySHA256: hash)
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
                   warehouse_version AS c7, prev_sha256 AS c8, entry_sha256 AS c9
            FROM onco_audit_log ORDER BY seq
            """, types: [.int, .text, .text, .text, .text, .text, .text, .int, .text, .text])
        return (0..<r.count).map { i in
            AuditEntry(seq: r.ints(0)[i]!, at: r.texts(1)[i] ?? "", action: r.texts(2)[i] ?? "", projectID: r.texts(3)[i],
                       definitionSHA256: r.texts(4)[i], detail: r.texts(5)[i] ?? "", oncoVersion: r.texts(6)[i] ?? "",
                       warehouseVersion: Int(r.ints(7)[i] ?? 0), previousSHA256: r.texts(8)[i] ?? "", entrySHA256: r.texts(9)[i] ?? "")
        }
    }

    package func auditLog(logger: Logger) async throws -> [AuditEntry] {
        try await backend.withSession { s in try await Self.readAudit(s) }
    }

    package func verifyAuditLog(logger: Logger) async throws -> AuditVerification {
        try await backend.withSession { s in
            let entries = try await Self.readAudit(s)
            let head = try Self.parseHead(try await Self.meta(s)[Self.auditHeadKey])
            let projects = try await Self.readProjects(s, id: nil)
            return AuditChain.verify(entries, head: head, projects: projects)
        }
    }
}
