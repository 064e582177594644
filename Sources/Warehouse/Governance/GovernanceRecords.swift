import Foundation
import Logging

/// An approved research project: who may query the warehouse, on what, until when.
///
/// Stored in `onco_project` (migration `0006_cohort_governance`); every change is an audit-log entry that
/// carries the project's `contentSHA256`, so an edit of the registry made outside onco is detected by
/// `verifyAuditLog`.
public struct ResearchProject: Sendable, Hashable, Codable {
    /// Short identifier, e.g. `P2026-014` (letters, digits, `-`, `_`, `.`).
    public var id: String
    public var title: String
    /// The ethics approval reference (committee and number), as approved.
    public var ethicsReference: String
    /// OncoTree codes the project may study (descendants included), or `["*"]` for all.
    public var tumourTypes: [String]
    /// Fields the project may use (variables, endpoints, attribute names; see `CohortStudy`), or `["*"]`.
    public var fields: [String]
    /// Whether per-patient rows (pseudonymous) may be exported.
    public var rowLevelExport: Bool
    /// The last day on which the project may query.
    public var expiresOn: Day
    /// ISO 8601 time of registration.
    public var createdAt: String
    /// ISO 8601 time of revocation, nil while active.
    public var revokedAt: String?
    public var revokedReason: String?

    public init(id: String, title: String, ethicsReference: String, tumourTypes: [String], fields: [String],
                rowLevelExport: Bool, expiresOn: Day, createdAt: String = "", revokedAt: String? = nil, revokedReason: String? = nil) {
        self.id = id; self.title = title; self.ethicsReference = ethicsReference; self.tumourTypes = tumourTypes
        self.fields = fields; self.rowLevelExport = rowLevelExport; self.expiresOn = expiresOn; self.createdAt = createdAt
        self.revokedAt = revokedAt; self.revokedReason = revokedReason
    }

    /// Valid project ids: 1–100 characters of letters, digits, `-`, `_`, `.`.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 100 && id.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    /// SHA-256 of the record's canonical text (the audit log stores it at every change).
    public var contentSHA256: String {
        AuditChain.sha256Hex(AuditChain.canonicalJSON([
            "id": .string(id), "title": .string(title), "ethicsReference": .string(ethicsReference),
            "tumourTypes": .array(tumourTypes.map { .string($0) }), "fields": .array(fields.map { .string($0) }),
            "rowLevelExport": .bool(rowLevelExport), "expiresOn": .string(expiresOn.iso), "createdAt": .string(createdAt),
            "revokedAt": revokedAt.map { .string($0) } ?? .null, "revokedReason": revokedReason.map { .string($0) } ?? .null,
        ]))
    }
}

/// Whether cohort queries must name an approved project, and the small-cell threshold.
public struct GovernanceSettings: Sendable, Hashable, Codable {
    /// When on, every cohort query names an active, in-scope project.
    public var enabled: Bool
    /// Counts 1…(k−1) are shown as `<k` in every output; never below 5 while governance is on.
    public var minimumCellCount: Int
    public init(enabled: Bool = false, minimumCellCount: Int = 5) {
        self.enabled = enabled
        self.minimumCellCount = minimumCellCount
    }
}

/// What an audit entry records (before it is chained).
public struct AuditRecord: Sendable, Hashable, Codable {
    /// `cohort.run`, `cohort.refused`, `project.add`, `project.revoke`, `governance.set`.
    public var action: String
    public var projectID: String?
    /// SHA-256 of the canonical cohort definition (cohort actions).
    public var definitionSHA256: String?
    /// Counts and reasons: flat string → value pairs, stored as canonical JSON. Never patient data.
    public var detail: [String: AuditValue]

    public init(action: String, projectID: String? = nil, definitionSHA256: String? = nil, detail: [String: AuditValue] = [:]) {
        self.action = action; self.projectID = projectID; self.definitionSHA256 = definitionSHA256; self.detail = detail
    }
}

/// A JSON value in an audit entry's detail.
public enum AuditValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([AuditValue])
    case object([String: AuditValue])

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([AuditValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: AuditValue].self)) }
    }
}

/// One entry of the audit log, as stored.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: Int64
    /// ISO 8601 time (UTC).
    public var at: String
    public var action: String
    public var projectID: String?
    public var definitionSHA256: String?
    /// Canonical JSON of the record's detail.
    public var detail: String
    public var oncoVersion: String
    public var warehouseVersion: Int
    public var previousSHA256: String
    public var entrySHA256: String
}

/// The outcome of checking the audit log's hash chain.
public struct AuditVerification: Sendable, Hashable, Codable {
    /// Number of entries read.
    public var entries: Int
    /// The head recorded in the warehouse (`seq`, hash), nil when the log was never written.
    public var recordedHead: AuditHead?
    /// Problems, first first; empty when the chain is intact.
    public var problems: [AuditProblem]
    public var isIntact: Bool { problems.isEmpty }
    /// The first bad entry's sequence number (or the first missing one), nil when intact.
    public var firstBadEntry: Int64? { problems.first?.seq }
}

public struct AuditHead: Sendable, Hashable, Codable {
    public var seq: Int64
    public var sha256: String
}

/// One thing wrong with the audit log.
public struct AuditProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The entry's content does not hash to its stored hash: it was edited.
        case edited
        /// Sequence numbers skip: entries were deleted.
        case missing
        /// The entry does not chain to the entry before it: entries were reordered, replaced or inserted.
        case brokenLink
        /// The log ends before (or after) the head recorded in the warehouse: entries were deleted at the end, or added outside onco.
        case headMismatch
        /// A project's registry row differs from the last version the log recorded for it.
        case projectChanged
    }
    public var kind: Kind
    /// The entry concerned (for `missing`: the first missing sequence number).
    public var seq: Int64?
    public var message: String
    public var description: String { message }
}

/// Research governance as a store offers it: project registry, governance settings and the audit log.
/// Both warehouse backends implement it (tables of migration `0006_cohort_governance`).
public protocol GovernanceStore: WarehouseStore {
    func governanceSettings(logger: Logger) async throws -> GovernanceSettings
    /// Changes the settings and logs a `governance.set` entry, in one transaction.
    func setGovernance(_ settings: GovernanceSettings, logger: Logger) async throws
    /// Registers a project (its id must be new) and logs `project.add`, in one transaction.
    func addProject(_ project: ResearchProject, logger: Logger) async throws -> ResearchProject
    /// All projects, by id.
    func projects(logger: Logger) async throws -> [ResearchProject]
    func project(id: String, logger: Logger) async throws -> ResearchProject?
    /// Marks a project revoked and logs `project.revoke`, in one transaction.
    func revokeProject(id: String, reason: String, logger: Logger) async throws -> ResearchProject
    /// Appends one entry to the hash chain (in its own transaction) and returns it.
    func appendAudit(_ record: AuditRecord, logger: Logger) async throws -> AuditEntry
    /// The whole log, by sequence number.
    func auditLog(logger: Logger) async throws -> [AuditEntry]
    /// Recomputes the chain and compares it with the recorded head and the project registry.
    func verifyAuditLog(logger: Logger) async throws -> AuditVerification
}
