import Logging

extension SQLiteWarehouseStore: GovernanceStore {
    public func governanceSettings(logger: Logger) async throws -> GovernanceSettings { try await engine.governanceSettings(logger: logger) }
    public func setGovernance(_ settings: GovernanceSettings, logger: Logger) async throws {
        try await engine.setGovernance(settings, logger: logger)
    }
    public func addProject(_ project: ResearchProject, logger: Logger) async throws -> ResearchProject {
        try await engine.addProject(project, logger: logger)
    }
    public func projects(logger: Logger) async throws -> [ResearchProject] { try await engine.projects(logger: logger) }
    public func project(id: String, logger: Logger) async throws -> ResearchProject? { try await engine.project(id: id, logger: logger) }
    public func revokeProject(id: String, reason: String, logger: Logger) async throws -> ResearchProject {
        try await engine.revokeProject(id: id, reason: reason, logger: logger)
    }
    public func appendAudit(_ record: AuditRecord, logger: Logger) async throws -> AuditEntry {
        try await engine.appendAudit(record, logger: logger)
    }
    public func auditLog(logger: Logger) async throws -> [AuditEntry] { try await engine.auditLog(logger: logger) }
    public func verifyAuditLog(logger: Logger) async throws -> AuditVerification { try await engine.verifyAuditLog(logger: logger) }
}

extension SQLiteWarehouseStore: CohortTableStore {
    public func cohortTable(_ request: CohortTableRequest, logger: Logger) async throws -> CohortTable {
        try await engine.cohortTable(request, logger: logger)
    }
}
