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
}
