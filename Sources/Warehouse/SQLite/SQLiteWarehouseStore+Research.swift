import Logging

extension SQLiteWarehouseStore: GovernanceStore {
    public func governanceSettings(logger: Logger) async throws -> GovernanceSettings { try await engine.governanceSettings(logger: logger) }
    public func initialiseKeys(_ keys: GovernanceKeys, logger: Logger) async throws -> AuditEntry {
        try await engine.initialiseKeys(keys, logger: logger)
    }
    public func setGovernance(_ settings: GovernanceSettings, keys: GovernanceKeys, logger: Logger) async throws {
        try await engine.setGovernance(settings, keys: keys, logger: logger)
    }
    public func addProject(_ project: ResearchProject, keys: GovernanceKeys, logger: Logger) async throws -> ResearchProject {
        try await engine.addProject(project, keys: keys, logger: logger)
    }
    public func projects(logger: Logger) async throws -> [ResearchProject] { try await engine.projects(logger: logger) }
    public func project(id: String, logger: Logger) async throws -> ResearchProject? { try await engine.project(id: id, logger: logger) }
    public func revokeProject(id: String, reason: String, keys: GovernanceKeys, logger: Logger) async throws -> ResearchProject {
        try await engine.revokeProject(id: id, reason: reason, keys: keys, logger: logger)
    }
    public func appendAudit(_ record: AuditRecord, keys: GovernanceKeys, logger: Logger) async throws -> AuditEntry {
        try await engine.appendAudit(record, keys: keys, logger: logger)
    }
    public func appendAudit(_ records: [AuditRecord], keys: GovernanceKeys, logger: Logger) async throws -> [AuditEntry] {
        try await engine.appendAudit(records, keys: keys, logger: logger)
    }
    public func rotateAuditKey(_ keys: GovernanceKeys, to newKey: GovernanceSecret, logger: Logger) async throws -> AuditEntry {
        try await engine.rotateAuditKey(keys, to: newKey, logger: logger)
    }
    public func auditLog(logger: Logger) async throws -> [AuditEntry] { try await engine.auditLog(logger: logger) }
    public func verifyAuditLog(keys: GovernanceKeys, checkpoint: AuditCheckpoint?, logger: Logger) async throws -> AuditVerification {
        try await engine.verifyAuditLog(keys: keys, checkpoint: checkpoint, logger: logger)
    }
    public func auditCheckpoint(keys: GovernanceKeys, logger: Logger) async throws -> AuditCheckpoint {
        try await engine.auditCheckpoint(keys: keys, logger: logger)
    }
}

extension SQLiteWarehouseStore: CohortTableStore {
    public func cohortTable(_ request: CohortTableRequest, logger: Logger) async throws -> CohortTable {
        try await engine.cohortTable(request, logger: logger)
    }
}
