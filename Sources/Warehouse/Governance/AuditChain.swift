import Crypto
import Foundation

/// The audit log's hash chain: canonical text of an entry and its SHA-256 link to the previous one.
///
/// `entry_sha256 = SHA-256(prev_sha256 ‖ "\n" ‖ canonical JSON of {seq, at, action, projectID,
/// definitionSHA256, detail, oncoVersion, warehouseVersion})`, hex lower-case; the first entry's
/// `prev_sha256` is 64 zeros. Canonical JSON: object keys sorted by their UTF-8 bytes, no white space,
/// strings escaped as RFC 8785 does (`\"`, `\\`, `\b\f\n\r\t`, other controls as `\u00XX`), integers
/// in decimal. Changing any byte of an entry changes its hash and breaks every later link, so an
/// edited, deleted, inserted or reordered entry is found by walking the chain (`verify`).
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// Lower-case hex SHA-256 of UTF-8 text.
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The canonical JSON text of a value (see the type's description).
    public static func canonicalJSON(_ v: AuditValue) -> String {
        var out = ""
        write(v, into: &out)
        return out
    }

    public static func canonicalJSON(_ object: [String: AuditValue]) -> String { canonicalJSON(.object(object)) }

    static func write(_ v: AuditValue, into out: inout String) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (i, x) in a.enumerated() {
                if i > 0 { out += "," }
                write(x, into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if i > 0 { out += "," }
                writeString(k, into: &out)
                out += ":"
                write(o[k]!, into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// The hash an entry must carry, given its fields and the previous entry's hash.
    public static func entryHash(seq: Int64, at: String, action: String, projectID: String?, definitionSHA256: String?,
                                 detail: String, oncoVersion: String, warehouseVersion: Int, previousSHA256: String) -> String {
        let body = canonicalJSON([
            "seq": .int(Int(seq)), "at": .string(at), "action": .string(action),
            "projectID": projectID.map { .string($0) } ?? .null,
            "definitionSHA256": definitionSHA256.map { .string($0) } ?? .null,
            "detail": .string(detail), "oncoVersion": .string(oncoVersion), "warehouseVersion": .int(warehouseVersion),
        ])
        return sha256Hex(previousSHA256 + "\n" + body)
    }

    public static func entryHash(_ e: AuditEntry) -> String {
        entryHash(seq: e.seq, at: e.at, action: e.action, projectID: e.projectID, definitionSHA256: e.definitionSHA256,
                  detail: e.detail, oncoVersion: e.oncoVersion, warehouseVersion: e.warehouseVersion, previousSHA256: e.previousSHA256)
    }

    /// Walks the chain. Entries must be given in storage order by `seq` (as read with ORDER BY seq).
    /// Reports, in order: edited entries (content ≠ hash), gaps in `seq` (deleted entries), links that
    /// do not match the previous entry's hash (reordered, inserted or replaced entries), and a log that
    /// does not end at the recorded head (deleted last entries).
    /// - Parameter projects: the registry as stored, with the newest project hash the log recorded for
    ///   each id (from `project.add` / `project.revoke` entries) checked against it.
    public static func verify(_ entries: [AuditEntry], head: AuditHead?, projects: [ResearchProject] = []) -> AuditVerification {
        var problems: [AuditProblem] = []
        var expectedSeq: Int64 = 1
        var previous = genesis
        var loggedProjectHash: [String: String] = [:]
        for e in entries {
            if e.seq != expectedSeq {
                if e.seq > expectedSeq {
                    let gap = e.seq - expectedSeq
                    problems.append(AuditProblem(kind: .missing, seq: expectedSeq,
                        message: gap == 1 ? "entry \(expectedSeq) is missing (deleted): the log jumps from \(expectedSeq - 1) to \(e.seq)"
                                          : "entries \(expectedSeq)–\(e.seq - 1) are missing (deleted): the log jumps from \(expectedSeq - 1) to \(e.seq)"))
                } else {
                    problems.append(AuditProblem(kind: .brokenLink, seq: e.seq,
                        message: "entry \(e.seq) appears after entry \(expectedSeq - 1): entries are out of order"))
                }
            }
            let recomputed = entryHash(e)
            if recomputed != e.entrySHA256 {
                problems.append(AuditProblem(kind: .edited, seq: e.seq,
                    message: "entry \(e.seq) (\(e.action), \(e.at)) was edited or moved: its content does not match its SHA-256"))
            }
            if e.previousSHA256 != previous {
                problems.append(AuditProblem(kind: .brokenLink, seq: e.seq,
                    message: "entry \(e.seq) does not chain to entry \(e.seq - 1) (its previous-hash differs): entry \(e.seq - 1) was rewritten, or entries were deleted, inserted or reordered before \(e.seq)"))
            }
            if e.action == "project.add" || e.action == "project.revoke", let id = e.projectID,
               let data = e.detail.data(using: .utf8),
               let detail = try? JSONDecoder().decode([String: AuditValue].self, from: data),
               case .string(let h)? = detail["projectSHA256"] {
                loggedProjectHash[id] = h
            }
            previous = e.entrySHA256
            expectedSeq = e.seq + 1
        }
        let lastSeq = entries.last?.seq ?? 0
        if let head {
            if head.seq != lastSeq || (entries.last.map { $0.entrySHA256 != head.sha256 } ?? true) {
                if head.seq > lastSeq {
                    problems.append(AuditProblem(kind: .headMismatch, seq: lastSeq + 1,
                        message: "the log ends at entry \(lastSeq) but the warehouse recorded entry \(head.seq) as the last: entries \(lastSeq + 1)–\(head.seq) were deleted"))
                } else {
                    problems.append(AuditProblem(kind: .headMismatch, seq: min(head.seq + 1, lastSeq),
                        message: "the log's last entry (\(lastSeq)) is not the one the warehouse recorded (\(head.seq)): entries were added or replaced outside onco"))
                }
            }
        } else if !entries.isEmpty {
            problems.append(AuditProblem(kind: .headMismatch, seq: entries.first!.seq,
                message: "the warehouse has no recorded head but the log has \(entries.count) entries: the log was written outside onco"))
        }
        for p in projects {
            guard let logged = loggedProjectHash[p.id] else {
                problems.append(AuditProblem(kind: .projectChanged, seq: nil,
                    message: "project \(p.id) is in the registry but its registration is not in the audit log"))
                continue
            }
            if logged != p.contentSHA256 {
                problems.append(AuditProblem(kind: .projectChanged, seq: nil,
                    message: "project \(p.id) differs from the version the audit log recorded: the registry was edited outside onco"))
            }
        }
        return AuditVerification(entries: entries.count, recordedHead: head, problems: problems)
    }

    // MARK: keyed MACs and audited state (migration 0010)

    static let entryMACLabel = "onco-audit-entry-v1"
    static let checkpointLabel = "onco-audit-checkpoint-v1"

    /// The MAC an entry carries: HMAC-SHA256 under the audit key of a fixed label and the entry's hash
    /// (which covers the previous hash, so one MAC authenticates the whole chain up to the entry).
    public static func entryMAC(_ entrySHA256: String, key: GovernanceSecret) -> String {
        key.mac([entryMACLabel, entrySHA256])
    }

    public static func checkpointMAC(seq: Int64, sha256: String, at: String, key: GovernanceSecret) -> String {
        key.mac([checkpointLabel, String(seq), sha256, at])
    }

    static func detail(_ e: AuditEntry) -> [String: AuditValue] {
        guard let data = e.detail.data(using: .utf8), let d = try? JSONDecoder().decode([String: AuditValue].self, from: data) else { return [:] }
        return d
    }

    /// The handover MAC of a `keys.rotate` entry: HMAC-SHA256 under the retiring audit key of a fixed label, the hash
    /// of the entry before the rotation and the new key's verifier. Whoever held the old key named the new one, at
    /// that point of the chain.
    public static func handoverMAC(previousSHA256: String, newVerifier: String, key: GovernanceSecret) -> String {
        key.mac([handoverLabel, previousSHA256, newVerifier])
    }

    static let handoverLabel = "onco-audit-rotate-v1"

    /// Checks what `verify` does not: the MACs from the `keys.init` entry on, each period (`keys.init`, then each
    /// `keys.rotate`) under its own key when that key is given (`auditKey` for the current period, `retiredKeys`
    /// for earlier ones), the rotations' handover MACs, the governance settings and key verifiers in `meta`
    /// against the last entries that set them, and a checkpoint (under the key of its period). Adds problems and
    /// limits to `v`.
    static func verifyKeyedState(_ v: inout AuditVerification, entries: [AuditEntry], meta: [String: String], auditKey: GovernanceSecret?,
                                 retiredKeys: [GovernanceSecret] = [], checkpoint: AuditCheckpoint?) {
        let keysEntry = entries.first { $0.action == GovernanceMeta.keysInitAction }
        v.keyedFrom = keysEntry?.seq
        let loggedKeys = keysEntry.map(detail) ?? [:]
        let found = keyPeriods(&v, entries: entries, keysEntry: keysEntry, loggedKeys: loggedKeys)
        var periods = found.periods
        let rotations = found.rotations
        checkVerifiers(&v, meta: meta, loggedKeys: loggedKeys, keysEntry: keysEntry, periods: periods)
        checkSettings(&v, entries: entries, meta: meta)
        let given = [auditKey].compactMap { $0 } + retiredKeys
        checkMACs(&v, entries: entries, meta: meta, periods: &periods, rotations: rotations, auditKey: auditKey, given: given)
        v.keyPeriods = periods
        checkCheckpoint(&v, checkpoint, entries: entries, periods: periods, auditKey: auditKey, given: given)
    }

    static func auditString(_ d: [String: AuditValue], _ k: String) -> String? { if case .string(let s)? = d[k] { return s } else { return nil } }

    /// The key given for a period (the one matching its verifier), if any.
    static func periodKey(_ p: AuditKeyPeriod, given: [GovernanceSecret]) -> GovernanceSecret? {
        given.first { $0.matches(p.verifier, label: GovernanceKeys.auditLabel) }
    }

    /// The audit key's periods (from `keys.init`, then each `keys.rotate`), and the rotations that start
    /// all but the first; a rotation without a registered key, or from another key than the one in force, is a problem.
    static func keyPeriods(_ v: inout AuditVerification, entries: [AuditEntry], keysEntry: AuditEntry?,
                           loggedKeys: [String: AuditValue]) -> (periods: [AuditKeyPeriod], rotations: [AuditEntry]) {
        let lastSeq = entries.last?.seq ?? 0
        var periods: [AuditKeyPeriod] = []
        if let k = keysEntry, let verifier = auditString(loggedKeys, "auditVerifier") {
            periods.append(AuditKeyPeriod(from: k.seq, through: lastSeq, verifier: verifier, checked: false))
        }
        var rotations: [AuditEntry] = []
        for e in entries where e.action == GovernanceMeta.keysRotateAction {
            let d = detail(e)
            guard let current = periods.last, e.seq > current.from, let verifier = auditString(d, "auditVerifier") else {
                v.problems.append(AuditProblem(kind: .governanceChanged, seq: e.seq,
                    message: "entry \(e.seq) rotates the audit key of a log that has no key registered before it (keys.init): it was written outside onco"))
                continue
            }
            if auditString(d, "previousAuditVerifier") != current.verifier {
                v.problems.append(AuditProblem(kind: .governanceChanged, seq: e.seq,
                    message: "entry \(e.seq) rotates from an audit key that is not the one in force since entry \(current.from): it was written outside onco"))
            }
            periods[periods.count - 1].through = e.seq - 1
            periods.append(AuditKeyPeriod(from: e.seq, through: lastSeq, verifier: verifier, checked: false))
            rotations.append(e)
        }
        return (periods, rotations)
    }

    /// Key verifiers: the administrator's as keys.init recorded it, the audit key's as the last period names it.
    static func checkVerifiers(_ v: inout AuditVerification, meta: [String: String], loggedKeys: [String: AuditValue],
                               keysEntry: AuditEntry?, periods: [AuditKeyPeriod]) {
        let logged: [(String, String?, Int64?)] = [
            (GovernanceMeta.adminVerifier, auditString(loggedKeys, "adminVerifier"), keysEntry?.seq),
            (GovernanceMeta.auditVerifier, periods.last?.verifier, periods.last?.from),
        ]
        for (metaKey, value, seq) in logged where meta[metaKey] != value {
            let name = metaKey == GovernanceMeta.adminVerifier ? "administrator" : "audit"
            v.problems.append(AuditProblem(kind: .governanceChanged, seq: nil, message: value == nil
                ? "the warehouse holds a \(name) key verifier but the audit log never recorded one (keys.init): it was written outside onco"
                : "the \(name) key verifier differs from the one the audit log recorded (entry \(seq!)): it was changed outside onco"))
        }
    }

    /// Governance settings: as the last governance.set / governance.init / keys.init entry left them.
    static func checkSettings(_ v: inout AuditVerification, entries: [AuditEntry], meta: [String: String]) {
        let settingsEntry = entries.last { [GovernanceMeta.setAction, GovernanceMeta.initAction, GovernanceMeta.keysInitAction].contains($0.action) }
        var expectedEnabled: String? = nil, expectedMin: String? = nil
        if let e = settingsEntry {
            let d = detail(e)
            if case .bool(let b)? = d["enabled"] { expectedEnabled = b ? "on" : "off" }
            if case .int(let i)? = d["minimumCellCount"] { expectedMin = String(i) }
        }
        if meta[GovernanceMeta.enabled] != expectedEnabled {
            v.problems.append(AuditProblem(kind: .governanceChanged, seq: settingsEntry?.seq, message:
                "governance is \(meta[GovernanceMeta.enabled] ?? "unset (on)") in the warehouse but the audit log last set it \(expectedEnabled ?? "never (unset)")\(settingsEntry.map { " (entry \($0.seq))" } ?? ""): the setting was changed outside onco"))
        }
        if meta[GovernanceMeta.minimumCell] != expectedMin {
            v.problems.append(AuditProblem(kind: .governanceChanged, seq: settingsEntry?.seq, message:
                "the minimum cell count is \(meta[GovernanceMeta.minimumCell] ?? "unset (5)") in the warehouse but the audit log last set it to \(expectedMin ?? "nothing (unset)")\(settingsEntry.map { " (entry \($0.seq))" } ?? ""): the setting was changed outside onco"))
        }
    }

    /// MACs: each period under its own key, when given; the rotations' handover MACs under the retiring key;
    /// the limits of what could be checked.
    static func checkMACs(_ v: inout AuditVerification, entries: [AuditEntry], meta: [String: String], periods: inout [AuditKeyPeriod],
                          rotations: [AuditEntry], auditKey: GovernanceSecret?, given: [GovernanceSecret]) {
        if let keyedFrom = v.keyedFrom {
            for e in entries where e.seq >= keyedFrom && e.mac == nil {
                v.problems.append(AuditProblem(kind: .unauthenticated, seq: e.seq,
                    message: "entry \(e.seq) has no MAC although the log is keyed from entry \(keyedFrom): it was written outside onco"))
            }
            if let auditKey, let verifier = meta[GovernanceMeta.auditVerifier], !auditKey.matches(verifier, label: GovernanceKeys.auditLabel) {
                let retiredAt = periods.dropLast().firstIndex { auditKey.matches($0.verifier, label: GovernanceKeys.auditLabel) }.map { periods[$0 + 1].from }
                v.problems.append(AuditProblem(kind: .unauthenticated, seq: nil, message: retiredAt.map {
                    "the audit key given (\(auditKey.source)) was retired at entry \($0): give the current key, and the retired one with --retired-audit-key-file"
                } ?? "the audit key given (\(auditKey.source)) does not match the warehouse's audit key verifier"))
            }
            for i in periods.indices {
                guard let key = periodKey(periods[i], given: given) else { continue }
                periods[i].checked = true
                for e in entries where e.seq >= periods[i].from && e.seq <= periods[i].through {
                    if let m = e.mac, m != entryMAC(e.entrySHA256, key: key) {
                        v.problems.append(AuditProblem(kind: .unauthenticated, seq: e.seq,
                            message: "entry \(e.seq) (\(e.action)) does not carry a valid MAC under the audit key: the log was rewritten (edited, deleted or inserted entries with the chain recomputed) by someone without the key"))
                    }
                }
            }
            for (i, r) in rotations.enumerated() {
                guard let old = periodKey(periods[i], given: given) else { continue }
                let d = detail(r)
                if auditString(d, "handoverMAC") != handoverMAC(previousSHA256: r.previousSHA256, newVerifier: auditString(d, "auditVerifier") ?? "", key: old) {
                    v.problems.append(AuditProblem(kind: .unauthenticated, seq: r.seq,
                        message: "entry \(r.seq) (keys.rotate) does not carry a valid handover MAC under the retiring audit key: the rotation was not made by its holder"))
                }
            }
            v.macsChecked = periods.last?.checked ?? false
            if auditKey == nil {
                v.limits.append("MACs not checked: set ONCO_AUDIT_KEY (or ONCO_AUDIT_KEY_FILE) to check that no entry was rewritten with the chain recomputed")
            }
            for (i, p) in periods.enumerated().dropLast() where !p.checked {
                let vouched = periods[(i + 1)...].contains(where: \.checked)
                v.limits.append("entries \(p.from)–\(p.through) carry MACs under the audit key retired at entry \(p.through + 1), which was not given (--retired-audit-key-file): not checked one by one"
                                + (vouched ? "; the chain through them is vouched for by the later key's MACs (each covers every entry before it)" : ""))
            }
        } else {
            v.limits.append("the log is not keyed (no `onco project keys init`): an edit with the chain recomputed cannot be told from a genuine log")
        }
    }

    /// The checkpoint: its MAC under the key of the period holding its entry, and that entry unchanged.
    static func checkCheckpoint(_ v: inout AuditVerification, _ checkpoint: AuditCheckpoint?, entries: [AuditEntry],
                                periods: [AuditKeyPeriod], auditKey: GovernanceSecret?, given: [GovernanceSecret]) {
        if let cp = checkpoint {
            v.checkpoint = cp
            // signed under the key current when it was taken: the key of the period holding its entry
            let period = periods.last { $0.from <= cp.seq }
            if let key = period.flatMap({ periodKey($0, given: given) }) ?? (period == nil ? auditKey : nil) {
                if cp.mac != checkpointMAC(seq: cp.seq, sha256: cp.sha256, at: cp.at, key: key) {
                    v.problems.append(AuditProblem(kind: .checkpoint, seq: cp.seq, message: "the checkpoint's MAC is not valid under the audit key: the checkpoint file was altered"))
                }
            } else {
                v.limits.append(auditKey == nil ? "the checkpoint's own MAC was not checked (no audit key given)"
                                                : "the checkpoint's own MAC was not checked: it was signed under the audit key retired at entry \(period!.through + 1), not given (--retired-audit-key-file)")
            }
            if let e = entries.first(where: { $0.seq == cp.seq }) {
                if e.entrySHA256 != cp.sha256 {
                    v.problems.append(AuditProblem(kind: .checkpoint, seq: cp.seq,
                        message: "entry \(cp.seq) differs from the checkpoint taken \(cp.at): the log up to it was rewritten"))
                }
            } else {
                v.problems.append(AuditProblem(kind: .checkpoint, seq: cp.seq,
                    message: "the checkpoint taken \(cp.at) names entry \(cp.seq), which the log no longer holds: entries were deleted"))
            }
        } else {
            v.limits.append("no checkpoint given: deleting the newest entries together with the recorded head is detected only against an exported checkpoint (onco audit checkpoint)")
        }
    }
}

/// The `onco_warehouse` keys and audit actions of governance.
package enum GovernanceMeta {
    static let enabled = "governance"
    static let minimumCell = "governance_min_cell"
    static let auditHead = "audit_head"
    static let adminVerifier = "admin_key_verifier"
    static let auditVerifier = "audit_key_verifier"
    static let setAction = "governance.set"
    static let initAction = "governance.init"
    static let keysInitAction = "keys.init"
    static let keysRotateAction = "keys.rotate"
}
