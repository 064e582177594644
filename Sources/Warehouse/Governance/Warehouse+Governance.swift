import Foundation
import Logging
import OncoCore

/// Research governance: the registry of projects and care purposes, governance settings, the
/// administrator and audit keys' verifiers, and the audit log, stored in `onco_project`,
/// `onco_audit_log`, and the settings `governance`, `governance_min_cell`, `audit_head` in
/// `onco_warehouse` (tables of migrations `0006_cohort_governance` and `0010_governance_keys`).
///
/// Administrative changes (`setGovernance` that relaxes a setting, `addProject`, `revokeProject`) need
/// `keys.admin` matching the stored verifier; every append needs `keys.audit` once the warehouse has
/// an audit key (`initialiseKeys`).
extension Warehouse {
    static let governanceKey = GovernanceMeta.enabled
    static let minimumCellKey = GovernanceMeta.minimumCell
    static let auditHeadKey = GovernanceMeta.auditHead

    public func governanceSettings(logger: Logger) async throws -> GovernanceSettings {
        try await sql.withSession { s in try await Self.settings(s) }
    }

    /// The settings as stored; a warehouse whose settings were never written is governed (on, 5).
    static func settings(_ s: any SQLSession) async throws -> GovernanceSettings {
        let m = try await meta(s)
        return GovernanceSettings(enabled: m[governanceKey].map { $0 == "on" } ?? true, minimumCellCount: Int(m[minimumCellKey] ?? "") ?? 5)
    }

    /// Throws unless `keys.admin` matches the stored administrator verifier.
    static func requireAdministrator(_ m: [String: String], _ keys: GovernanceKeys, for what: String) throws {
        guard let verifier = m[GovernanceMeta.adminVerifier] else {
            throw GovernanceError(.notAdministrator, "\(what) needs the administrator key, and this warehouse has none registered: run `onco project keys init` with \(GovernanceKeys.adminVariable) and \(GovernanceKeys.auditVariable) set")
        }
        guard let key = keys.admin else {
            throw GovernanceError(.notAdministrator, "\(what) needs the administrator key: set \(GovernanceKeys.adminVariable) or \(GovernanceKeys.adminVariable)_FILE")
        }
        guard key.matches(verifier, label: GovernanceKeys.adminLabel) else {
            throw GovernanceError(.notAdministrator, "\(what): the administrator key from \(key.source) is not this warehouse's")
        }
    }

    /// Stores the verifiers of the administrator and audit keys (both required), once; logs `keys.init`
    /// and writes the current governance settings explicitly, in one transaction.
    public func initialiseKeys(_ keys: GovernanceKeys, logger: Logger) async throws -> AuditEntry {
        guard let admin = keys.admin, let audit = keys.audit else {
            throw GovernanceError(.notAdministrator, "`keys init` needs both keys: set \(GovernanceKeys.adminVariable) and \(GovernanceKeys.auditVariable) (or their _FILE variants)")
        }
        guard admin.bytes != audit.bytes else {
            throw GovernanceError(.notAdministrator, "the administrator and audit keys must differ (the audit key is given to every process that queries)")
        }
        let e = try await sql.withTransaction { s in
            let m = try await Self.meta(s)
            if m[GovernanceMeta.adminVerifier] != nil || m[GovernanceMeta.auditVerifier] != nil {
                throw GovernanceError(.notAdministrator, "this warehouse's keys are already registered (keys are set once)")
            }
            let settings = try await Self.settings(s)
            let adminVerifier = admin.verifier(label: GovernanceKeys.adminLabel)
            let auditVerifier = audit.verifier(label: GovernanceKeys.auditLabel)
            try await Self.setMeta(s, GovernanceMeta.adminVerifier, adminVerifier)
            try await Self.setMeta(s, GovernanceMeta.auditVerifier, auditVerifier)
            try await Self.setMeta(s, Self.governanceKey, settings.enabled ? "on" : "off")
            try await Self.setMeta(s, Self.minimumCellKey, String(settings.minimumCellCount))
            return try await Self.append(s, AuditRecord(action: GovernanceMeta.keysInitAction, detail: [
                "adminVerifier": .string(adminVerifier), "auditVerifier": .string(auditVerifier),
                "enabled": .bool(settings.enabled), "minimumCellCount": .int(settings.minimumCellCount),
            ]), keys: keys)
        }
        logger.info("warehouse.governance.keys", metadata: ["audit.seq": "\(e.seq)"])
        return e
    }

    /// Rotates the audit key: checks the administrator key and the current
    /// audit key, refuses a log that does not verify under the current key, stores the new key's verifier and
    /// appends `keys.rotate`, MAC'd under the new key and carrying the handover MAC under the old one, in one
    /// transaction.
    public func rotateAuditKey(_ keys: GovernanceKeys, to newKey: GovernanceSecret, logger: Logger) async throws -> AuditEntry {
        guard let old = keys.audit else {
            throw GovernanceError(.auditKey, "rotating the audit key needs the current one: set \(GovernanceKeys.auditVariable) or \(GovernanceKeys.auditVariable)_FILE")
        }
        guard newKey.bytes != old.bytes else {
            throw GovernanceError(.auditKey, "the new audit key (\(newKey.source)) is the current one")
        }
        if let admin = keys.admin, admin.bytes == newKey.bytes {
            throw GovernanceError(.auditKey, "the new audit key must differ from the administrator key (the audit key is given to every process that queries)")
        }
        let e = try await sql.withTransaction { s in
            let m = try await Self.meta(s)
            try Self.requireAdministrator(m, keys, for: "rotating the audit key")
            guard let oldVerifier = m[GovernanceMeta.auditVerifier], try Self.auditKey(m, keys) != nil else {
                throw GovernanceError(.auditKey, "this warehouse has no audit key to rotate: run `onco project keys init` first")
            }
            // hand over only a log that verifies under the current key: the new key's MACs will vouch for it
            let entries = try await Self.readAudit(s)
            let head = try Self.parseHead(m[Self.auditHeadKey])
            var v = AuditChain.verify(entries, head: head, projects: try await Self.readProjects(s, id: nil))
            AuditChain.verifyKeyedState(&v, entries: entries, meta: m, auditKey: old, checkpoint: nil)
            if let first = v.problems.first {
                throw GovernanceError(.auditKey, "the audit key is not rotated over a log that does not verify (\(first.message)); run `onco audit verify`")
            }
            let newVerifier = newKey.verifier(label: GovernanceKeys.auditLabel)
            let previous = head?.sha256 ?? AuditChain.genesis
            try await Self.setMeta(s, GovernanceMeta.auditVerifier, newVerifier)
            return try await Self.append(s, AuditRecord(action: GovernanceMeta.keysRotateAction, detail: [
                "previousAuditVerifier": .string(oldVerifier), "auditVerifier": .string(newVerifier),
                "handoverMAC": .string(AuditChain.handoverMAC(previousSHA256: previous, newVerifier: newVerifier, key: old)),
                "verifiedEntries": .int(entries.count),
            ]), keys: GovernanceKeys(admin: keys.admin, audit: newKey))
        }
        logger.info("warehouse.governance.keys.rotate", metadata: ["audit.seq": "\(e.seq)"])
        return e
    }

    /// Changes the settings and logs a `governance.set` entry, in one transaction. Turning governance
    /// off or lowering the minimum cell count needs the administrator key.
    public func setGovernance(_ settings: GovernanceSettings, keys: GovernanceKeys, logger: Logger) async throws {
        guard settings.minimumCellCount >= 1 else {
            throw WarehouseError(.invalidData, "the minimum cell count must be at least 1")
        }
        if settings.enabled && settings.minimumCellCount < 5 {
            throw WarehouseError(.invalidData, "with governance on, the minimum cell count cannot be below 5")
        }
        try await sql.withTransaction { s in
            let before = try await Self.settings(s)
            if before.enabled && !settings.enabled {
                try Self.requireAdministrator(try await Self.meta(s), keys, for: "turning governance off")
            }
            if settings.minimumCellCount < before.minimumCellCount {
                try Self.requireAdministrator(try await Self.meta(s), keys, for: "lowering the minimum cell count")
            }
            try await Self.setMeta(s, Self.governanceKey, settings.enabled ? "on" : "off")
            try await Self.setMeta(s, Self.minimumCellKey, String(settings.minimumCellCount))
            _ = try await Self.append(s, AuditRecord(action: GovernanceMeta.setAction, detail: [
                "enabled": .bool(settings.enabled), "minimumCellCount": .int(settings.minimumCellCount),
                "previouslyEnabled": .bool(before.enabled), "previousMinimumCellCount": .int(before.minimumCellCount),
            ]), keys: keys)
            return ()
        }
        logger.info("warehouse.governance.set", metadata: ["governance.enabled": "\(settings.enabled)"])
    }

    /// At an import, inside its transaction: a warehouse whose settings were never written gets them
    /// explicitly (`governance.init`): governance on, unless the dataset is synthetic.
    static func initialiseGovernanceOnImport(_ s: any SQLSession, synthetic: Bool) async throws {
        let m = try await meta(s)
        guard m[governanceKey] == nil, m[GovernanceMeta.auditVerifier] == nil else { return }
        try await setMeta(s, governanceKey, synthetic ? "off" : "on")
        try await setMeta(s, minimumCellKey, "5")
        _ = try await append(s, AuditRecord(action: GovernanceMeta.initAction, detail: [
            "enabled": .bool(!synthetic), "minimumCellCount": .int(5),
            "reason": .string(synthetic ? "first import is synthetic" : "first import"),
        ]), keys: GovernanceKeys())
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
               expires_on AS c6, created_at AS c7, revoked_at AS c8, revoked_reason AS c9, kind AS c10, approved_by AS c11,
               outputs AS c12 FROM onco_project
        """

    static func readProjects(_ s: any SQLSession, id: String?) async throws -> [ResearchProject] {
        var q = SQLFragment(projectColumns)
        if let id { q += SQLFragment(" WHERE project_id = ?", [.text(id)]) }
        q += " ORDER BY c0"
        let r = try await s.fetch(q, types: [.text, .text, .text, .text, .text, .int, .text, .text, .text, .text, .text, .text, .text])
        return try (0..<r.count).map { i in
            guard let expires = Day(iso: r.texts(6)[i] ?? "") else {
                throw WarehouseError(.invalidData, "onco_project.expires_on is not a date (YYYY-MM-DD)")
            }
            guard let kind = AuthorisationKind(rawValue: r.texts(10)[i] ?? "") else {
                throw WarehouseError(.invalidData, "onco_project.kind '\(r.texts(10)[i] ?? "")' is not research or care")
            }
            var outputs: [AccessOutput] = [.aggregates]
            if let text = r.texts(12)[i] {
                outputs = try decodeList(text, field: "outputs").map {
                    guard let o = AccessOutput(rawValue: $0) else { throw WarehouseError(.invalidData, "onco_project.outputs has '\($0)', not aggregates or neighbours") }
                    return o
                }
            }
            var p = ResearchProject(id: r.texts(0)[i]!, title: r.texts(1)[i] ?? "", ethicsReference: r.texts(2)[i] ?? "",
                                   tumourTypes: try decodeList(r.texts(3)[i], field: "tumour_types"),
                                   fields: try decodeList(r.texts(4)[i], field: "fields"),
                                   rowLevelExport: (r.ints(5)[i] ?? 0) != 0, expiresOn: expires, createdAt: r.texts(7)[i] ?? "",
                                   revokedAt: r.texts(8)[i], revokedReason: r.texts(9)[i])
            p.kind = kind
            p.approvedBy = r.texts(11)[i]
            p.outputs = outputs
            return p
        }
    }

    /// All projects, by id.
    public func projects(logger: Logger) async throws -> [ResearchProject] {
        try await sql.withSession { s in try await Self.readProjects(s, id: nil) }
    }

    public func project(id: String, logger: Logger) async throws -> ResearchProject? {
        try await sql.withSession { s in try await Self.readProjects(s, id: id).first }
    }

    /// Registers a project or care purpose (its id must be new) and logs `project.add`, in one transaction.
    public func addProject(_ project: ResearchProject, keys: GovernanceKeys, logger: Logger) async throws -> ResearchProject {
        guard ResearchProject.isValidID(project.id) else {
            throw WarehouseError(.invalidData, "project id must be 1–100 letters, digits, '-', '_' or '.'")
        }
        switch project.kind {
        case .research:
            guard !project.ethicsReference.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw WarehouseError(.invalidData, "project \(project.id): the ethics approval reference is empty")
            }
        case .care:
            guard !(project.approvedBy ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
                throw WarehouseError(.invalidData, "care purpose \(project.id): who approved it is empty")
            }
            guard !project.outputs.isEmpty else {
                throw WarehouseError(.invalidData, "care purpose \(project.id): name the outputs it may show (aggregates, neighbours)")
            }
        }
        guard !project.tumourTypes.isEmpty, !project.fields.isEmpty else {
            throw WarehouseError(.invalidData, "project \(project.id): the scope needs at least one tumour type and one field (or *)")
        }
        var p = project
        p.createdAt = Self.now()
        p.revokedAt = nil
        p.revokedReason = nil
        let stored = p
        return try await sql.withTransaction { s in
            try Self.requireAdministrator(try await Self.meta(s), keys, for: "registering a project or care purpose")
            if !(try await Self.readProjects(s, id: stored.id)).isEmpty {
                throw WarehouseError(.invalidData, "project \(stored.id) is already registered (projects are never replaced; revoke it and register a new id)")
            }
            try await s.execute(SQLFragment("""
                INSERT INTO onco_project (project_id, title, ethics_reference, tumour_types, fields, row_level_export, expires_on, created_at,
                                          kind, approved_by, outputs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(stored.id), .text(stored.title), .text(stored.ethicsReference), .text(Self.encodeList(stored.tumourTypes)),
                      .text(Self.encodeList(stored.fields)), .int(stored.rowLevelExport ? 1 : 0), .text(stored.expiresOn.iso),
                      .text(stored.createdAt), .text(stored.kind.rawValue), stored.approvedBy.map { .text($0) } ?? .null,
                      .text(Self.encodeList(stored.outputs.map(\.rawValue)))]))
            _ = try await Self.append(s, AuditRecord(action: "project.add", projectID: stored.id, detail: [
                "kind": .string(stored.kind.rawValue), "outputs": .array(stored.outputs.map { .string($0.rawValue) }),
                "approvedBy": stored.approvedBy.map { .string($0) } ?? .null,
                "projectSHA256": .string(stored.contentSHA256), "ethicsReference": .string(stored.ethicsReference),
                "tumourTypes": .array(stored.tumourTypes.map { .string($0) }), "fields": .array(stored.fields.map { .string($0) }),
                "rowLevelExport": .bool(stored.rowLevelExport), "expiresOn": .string(stored.expiresOn.iso),
            ]), keys: keys)
            return stored
        }
    }

    /// Marks a project revoked and logs `project.revoke`, in one transaction.
    public func revokeProject(id: String, reason: String, keys: GovernanceKeys, logger: Logger) async throws -> ResearchProject {
        try await sql.withTransaction { s in
            try Self.requireAdministrator(try await Self.meta(s), keys, for: "revoking a project or care purpose")
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
            ]), keys: keys)
            return p
        }
    }
}
