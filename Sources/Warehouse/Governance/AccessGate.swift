import Crypto
import Foundation
import Logging
import OncoCore

/// A query that reads warehouse patients outside `onco cohort` (which has its own, richer policy in
/// CohortStudy): `recommend --db`, `similar`, `batch --warehouse`, `warehouse stats`.
public struct AccessRequest: Sendable {
    /// What runs, e.g. `similar`; the audit actions are `COMMAND.run` and `COMMAND.refused`.
    public var command: String
    /// The id of the research project or care purpose named (`--project` / `--purpose`).
    public var authorisation: String?
    /// The kind named (`--project`: research, `--purpose`: care); nil accepts either.
    public var authorisationKind: AuthorisationKind?
    /// What the command shows.
    public var outputs: Set<AccessOutput>
    /// The tumour types read (OncoTree codes), nil when every type is read (the scope must then be `*`).
    public var tumourTypes: [String]?
    /// SHA-256 of the case queried (`AccessRequest.caseSHA256`), never an identifier; nil for warehouse-wide queries.
    public var caseSHA256: String?
    /// The small-cell threshold asked for; under governance it cannot be below the warehouse's.
    public var minimumCellCount: Int?
    public var today: Day

    public init(command: String, authorisation: String?, kind: AuthorisationKind? = nil, outputs: Set<AccessOutput>, tumourTypes: [String]? = nil,
                caseSHA256: String? = nil, minimumCellCount: Int? = nil, today: Day = AccessRequest.today()) {
        self.command = command; self.authorisation = authorisation; self.authorisationKind = kind; self.outputs = outputs; self.tumourTypes = tumourTypes
        self.caseSHA256 = caseSHA256; self.minimumCellCount = minimumCellCount; self.today = today
    }

    /// The current UTC date.
    public static func today() -> Day {
        Day(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The hash a case is audited under: SHA-256 of the input files' bytes and the clinical options, in
    /// order (`files` are read in 1 MiB chunks). The audit log never holds a file name or identifier.
    public static func caseSHA256(files: [String], options: [String]) throws -> String {
        var h = SHA256()
        for path in files {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw WarehouseError(.invalidData, "cannot read the case file \(path) to fingerprint it for the audit log")
            }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { h.update(data: chunk) }
            h.update(data: [0])
        }
        for o in options {
            h.update(data: Data(o.utf8))
            h.update(data: [0])
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// An allowed query: what was checked, and the threshold its outputs use.
public struct AccessGrant: Sendable {
    public var request: AccessRequest
    public var settings: GovernanceSettings
    /// The authorisation named, nil when governance is off and none was named.
    public var authorisation: ResearchProject?
    /// The small-cell threshold the outputs must use: the warehouse's, or the one asked for (raised, or
    /// lowered where governance is off).
    public var minimumCellCount: Int
}

/// The rules for `AccessRequest`s.
///
/// With governance on, a query names an authorisation that is registered, not revoked, not expired,
/// whose tumour-type scope covers what is read (`*` when every type is read), and that allows every
/// output the command shows: a research project shows aggregates, and per-patient neighbour listings
/// only when it allows row-level export; a care purpose shows the outputs it was registered with. A
/// small-cell threshold below the warehouse's is refused. A named authorisation is checked the same
/// way when governance is off.
public enum AccessPolicy {
    public static func refusal(_ r: AccessRequest, authorisation p: ResearchProject?, settings: GovernanceSettings,
                               covers: (String, [String]) -> Bool = { $1.contains($0) }) -> String? {
        if settings.enabled, let m = r.minimumCellCount, m < settings.minimumCellCount {
            return "the minimum cell count cannot be lowered below the warehouse's (\(settings.minimumCellCount)) while governance is on"
        }
        guard let id = r.authorisation else {
            return settings.enabled
                ? "governance is on in this warehouse: name an approved research project (--project) or clinical-care purpose (--purpose)"
                : nil
        }
        guard let p else { return "\(id) is not a registered project or care purpose in this warehouse" }
        let what = p.kind == .care ? "care purpose \(p.id)" : "project \(p.id)"
        if let k = r.authorisationKind, k != p.kind {
            return k == .care ? "\(p.id) is a research project, not a care purpose (name it with --project)"
                              : "\(p.id) is a clinical-care purpose, not a research project (name it with --purpose)"
        }
        if let at = p.revokedAt { return "\(what) was revoked (\(at.prefix(10)))" + (p.revokedReason.map { ": \($0)" } ?? "") }
        if r.today > p.expiresOn { return "\(what) expired on \(p.expiresOn.iso)" }
        let missing = r.outputs.subtracting(p.allowedOutputs).map(\.rawValue).sorted()
        if !missing.isEmpty {
            return "\(what) may not show \(missing.joined(separator: ", ")) (it may show \(p.allowedOutputs.map(\.rawValue).sorted().joined(separator: ", ")))"
        }
        if !p.tumourTypes.contains("*") {
            guard let types = r.tumourTypes else {
                return "\(what) covers only \(p.tumourTypes.joined(separator: ", ")) but \(r.command) reads every tumour type"
            }
            for t in types where !covers(t.uppercased(), p.tumourTypes) {
                return "tumour type \(t) is outside the scope of \(what) (\(p.tumourTypes.joined(separator: ", ")))"
            }
        }
        return nil
    }
}

extension Warehouse {
    /// Checks `request` (see `AccessPolicy`); a refusal is appended to the audit log (`COMMAND.refused`)
    /// and thrown as `GovernanceError.refused`.
    public func authorise(_ request: AccessRequest, keys: GovernanceKeys, covers: (String, [String]) -> Bool = { $1.contains($0) },
                          logger: Logger) async throws -> AccessGrant {
        let settings = try await governanceSettings(logger: logger)
        var p: ResearchProject?
        if let id = request.authorisation { p = try await project(id: id, logger: logger) }
        if let reason = AccessPolicy.refusal(request, authorisation: p, settings: settings, covers: covers) {
            var detail: [String: AuditValue] = ["reason": .string(reason), "outputs": .array(request.outputs.map(\.rawValue).sorted().map { .string($0) })]
            if let h = request.caseSHA256 { detail["caseSHA256"] = .string(h) }
            _ = try await appendAudit(AuditRecord(action: "\(request.command).refused", projectID: request.authorisation, detail: detail),
                                      keys: keys, logger: logger)
            logger.info("governance.refused", metadata: ["governance.command": "\(request.command)"])
            throw GovernanceError(.refused, reason)
        }
        let minimum = settings.enabled ? max(settings.minimumCellCount, request.minimumCellCount ?? 0)
                                       : (request.minimumCellCount ?? settings.minimumCellCount)
        return AccessGrant(request: request, settings: settings, authorisation: p, minimumCellCount: minimum)
    }

    /// Appends the allowed query to the audit log (`COMMAND.run`): its purpose, the case's hash and the
    /// counts shown, exactly as shown (suppressed cells as `<k`).
    @discardableResult
    public func recordAccess(_ grant: AccessGrant, shown: [String: AuditValue], keys: GovernanceKeys, logger: Logger) async throws -> AuditEntry {
        try await appendAudit(Self.record(grant, action: "run", caseSHA256: grant.request.caseSHA256, shown: shown), keys: keys, logger: logger)
    }

    /// Appends one `COMMAND.case` entry per case a query read the warehouse for (its hash, never an identifier,
    /// and what was shown for it), then the `COMMAND.run` entry of the whole query, in one transaction. The
    /// request's `caseSHA256` (e.g. a batch manifest's hash) is each case entry's `requestSHA256`.
    @discardableResult
    public func recordAccess(_ grant: AccessGrant, cases: [AccessedCase], shown: [String: AuditValue], keys: GovernanceKeys,
                             logger: Logger) async throws -> [AuditEntry] {
        var records = cases.map { c in
            var r = Self.record(grant, action: "case", caseSHA256: c.caseSHA256, shown: c.shown)
            if let h = grant.request.caseSHA256 { r.detail["requestSHA256"] = .string(h) }
            return r
        }
        records.append(Self.record(grant, action: "run", caseSHA256: grant.request.caseSHA256, shown: shown))
        return try await appendAudit(records, keys: keys, logger: logger)
    }

    static func record(_ grant: AccessGrant, action: String, caseSHA256: String?, shown: [String: AuditValue]) -> AuditRecord {
        var detail: [String: AuditValue] = [
            "shown": .object(shown), "minimumCellCount": .int(grant.minimumCellCount),
            "outputs": .array(grant.request.outputs.map(\.rawValue).sorted().map { .string($0) }),
            "purpose": .string(grant.authorisation?.kind.rawValue ?? "none (governance off)"),
        ]
        if let caseSHA256 { detail["caseSHA256"] = .string(caseSHA256) }
        return AuditRecord(action: "\(grant.request.command).\(action)", projectID: grant.request.authorisation, detail: detail)
    }
}

/// One case of a multi-case query (`batch --warehouse`), as the audit log records it: the case's hash
/// (`AccessRequest.caseSHA256`; nil when its files could not be read) and what was shown for it.
public struct AccessedCase: Sendable {
    public var caseSHA256: String?
    public var shown: [String: AuditValue]
    public init(caseSHA256: String?, shown: [String: AuditValue]) { self.caseSHA256 = caseSHA256; self.shown = shown }
}
