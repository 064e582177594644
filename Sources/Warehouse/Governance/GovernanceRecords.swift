import Foundation
import Logging
import OncoCore

/// What a registered authorisation is for.
public enum AuthorisationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A research project with ethics approval: aggregates (and pseudonymous rows where allowed).
    case research
    /// A clinical-care purpose (a tumour board or unit): outputs as registered, for the care of the case queried.
    case care
}

/// What an authorised query may show.
public enum AccessOutput: String, Sendable, Hashable, Codable, CaseIterable {
    /// Counts and summaries with small cells suppressed (`warehouse stats`, real-world evidence, cohort studies).
    case aggregates
    /// Per-patient neighbour listings (pseudonymous key, treatment lines with days, outcomes): `onco similar`.
    case neighbours
}

/// An approved research project or clinical-care purpose: who may query the warehouse, on what, until when.
///
/// Stored in `onco_project` (migrations `0006_cohort_governance`, `0010_governance_keys`); every change is an
/// audit-log entry that carries the record's `contentSHA256`, so an edit of the registry made outside onco is
/// detected by `verifyAuditLog`.
public struct ResearchProject: Sendable, Hashable, Codable {
    /// Short identifier, e.g. `P2026-014` (letters, digits, `-`, `_`, `.`).
    public var id: String
    /// Research project or clinical-care purpose.
    public var kind: AuthorisationKind = .research
    /// The title; for a care purpose, the board or unit (e.g. "Thoracic tumour board, St Elsewhere").
    public var title: String
    /// Who approved a care purpose (name and role); nil for research projects (see `ethicsReference`).
    public var approvedBy: String?
    /// What a care purpose may show; research projects show aggregates, and neighbours only with `rowLevelExport`.
    public var outputs: [AccessOutput] = [.aggregates]
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

    /// A clinical-care purpose (no ethics reference; `approvedBy` says who approved it).
    public static func carePurpose(id: String, board: String, approvedBy: String, outputs: [AccessOutput], tumourTypes: [String],
                                   expiresOn: Day) -> ResearchProject {
        var p = ResearchProject(id: id, title: board, ethicsReference: "", tumourTypes: tumourTypes, fields: ["*"],
                                rowLevelExport: false, expiresOn: expiresOn)
        p.kind = .care
        p.approvedBy = approvedBy
        p.outputs = outputs
        return p
    }

    /// The outputs this authorisation allows.
    public var allowedOutputs: Set<AccessOutput> {
        switch kind {
        case .research: return rowLevelExport ? [.aggregates, .neighbours] : [.aggregates]
        case .care: return Set(outputs)
        }
    }

    /// SHA-256 of the record's canonical text (the audit log stores it at every change). Care purposes add
    /// `kind`, `approvedBy` and `outputs`; a research project's text is as before migration 0010.
    public var contentSHA256: String {
        var o: [String: AuditValue] = [
            "id": .string(id), "title": .string(title), "ethicsReference": .string(ethicsReference),
            "tumourTypes": .array(tumourTypes.map { .string($0) }), "fields": .array(fields.map { .string($0) }),
            "rowLevelExport": .bool(rowLevelExport), "expiresOn": .string(expiresOn.iso), "createdAt": .string(createdAt),
            "revokedAt": revokedAt.map { .string($0) } ?? .null, "revokedReason": revokedReason.map { .string($0) } ?? .null,
        ]
        if kind != .research {
            o["kind"] = .string(kind.rawValue)
            o["approvedBy"] = approvedBy.map { .string($0) } ?? .null
            o["outputs"] = .array(outputs.map { .string($0.rawValue) })
        }
        return AuditChain.sha256Hex(AuditChain.canonicalJSON(o))
    }
}

/// Whether queries that read patients must name an approved project or care purpose, and the small-cell threshold.
///
/// A warehouse whose settings were never written is governed (`enabled`, 5); the first import writes
/// them explicitly (`governance.init`): on, unless the dataset is synthetic.
public struct GovernanceSettings: Sendable, Hashable, Codable {
    /// When on, every query that reads warehouse patients names an active, in-scope authorisation.
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

    /// A count as an output showed it: the number, or the string `<k`.
    public init(_ count: SuppressedCount) {
        switch count {
        case .exact(let n): self = .int(n)
        case .suppressed(let k): self = .string("<\(k)")
        }
    }

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
    /// HMAC-SHA256 of `entrySHA256` under the audit key (see `AuditChain.entryMAC`); nil for entries
    /// written before the warehouse's keys were set (`onco project keys init`).
    public var mac: String? = nil
}

/// A signed audit head, exported by `onco audit checkpoint` for the data-protection officer to keep
/// outside the warehouse; `onco audit verify --checkpoint FILE` checks that the log still contains it.
public struct AuditCheckpoint: Sendable, Hashable, Codable {
    public var seq: Int64
    public var sha256: String
    /// When the checkpoint was taken (ISO 8601, UTC).
    public var at: String
    /// HMAC-SHA256 under the audit key of `onco-audit-checkpoint-v1`, seq, sha256 and at.
    public var mac: String
    public init(seq: Int64, sha256: String, at: String, mac: String) { self.seq = seq; self.sha256 = sha256; self.at = at; self.mac = mac }
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
    /// The first entry carrying a MAC (the `keys.init` entry), nil when the warehouse has no audit key.
    public var keyedFrom: Int64? = nil
    /// Whether the MACs were checked (the audit key was given and matches the warehouse's verifier).
    public var macsChecked: Bool = false
    /// The audit keys' periods (`keys.init`, then each `keys.rotate`), oldest first, and whether each period's MACs were
    /// checked one by one (its key was given: the current one, or a retired one).
    public var keyPeriods: [AuditKeyPeriod] = []
    /// The checkpoint checked, if one was given.
    public var checkpoint: AuditCheckpoint? = nil
    /// What the check could not cover (no audit key given, no checkpoint), for the reader; not problems.
    public var limits: [String] = []
}

/// The entries MAC'd under one audit key: from `from` (its `keys.init` or `keys.rotate` entry) to `through`.
public struct AuditKeyPeriod: Sendable, Hashable, Codable {
    public var from: Int64
    public var through: Int64
    /// The key's verifier, as the log recorded it.
    public var verifier: String
    /// True when the key was given and every MAC of the period was checked.
    public var checked: Bool
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
        /// An entry's MAC is missing or wrong under the audit key: the log was rewritten by someone without the key.
        case unauthenticated
        /// A governance setting or key verifier differs from what the audit log last recorded.
        case governanceChanged
        /// The exported checkpoint is not in the log (truncated or rewritten), or its own MAC is wrong.
        case checkpoint
    }
    public var kind: Kind
    /// The entry concerned (for `missing`: the first missing sequence number).
    public var seq: Int64?
    public var message: String
    public var description: String { message }
}
