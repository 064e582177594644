import Crypto
import Foundation
import OncoCore

/// A governance failure: a query refused for want of an authorisation, or an administrative change
/// without the administrator key. Messages name the setting, project or key source, never a key or a patient.
public struct GovernanceError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        /// Governance refused the query (exit 77 in the CLI); an audit entry records the refusal.
        public static let refused = Code(name: "refused")
        /// An administrative change without the administrator key, or with a wrong one.
        public static let notAdministrator = Code(name: "notAdministrator")
        /// The audit key is missing, unreadable or does not match the warehouse's.
        public static let auditKey = Code(name: "auditKey")
        public var description: String { name }
    }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}

/// A secret read from the environment or a file. Its text never appears in `description`, logs or errors.
public struct GovernanceSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]
    /// Where it came from (`ONCO_ADMIN_KEY`, or a file path), for messages.
    public let source: String
    /// At least 32 bytes: the keys are random secrets (e.g. `openssl rand -hex 32`), not passwords.
    public static let minimumLength = 32

    public init(_ text: String, source: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= Self.minimumLength else {
            throw GovernanceError(.notAdministrator, "the key from \(source) is shorter than \(Self.minimumLength) characters (make one with `openssl rand -hex 32`)")
        }
        bytes = Array(trimmed.utf8)
        self.source = source
    }

    public var description: String { "<secret from \(source)>" }
    public var debugDescription: String { description }

    /// HMAC-SHA256 of `parts` (each followed by a 0 byte), lower-case hex.
    func mac(_ parts: [String]) -> String {
        var h = HMAC<SHA256>(key: SymmetricKey(data: bytes))
        for p in parts {
            h.update(data: Data(p.utf8))
            h.update(data: [0])
        }
        return Data(h.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// A verifier of the key (`v1:SALT:HMAC(key, label ‖ salt)`), stored in the warehouse instead of the key.
    func verifier(label: String, salt: String = GovernanceSecret.randomSalt()) -> String {
        "v1:\(salt):\(mac([label, salt]))"
    }

    /// True when `verifier` was made from this key with `label`.
    func matches(_ verifier: String, label: String) -> Bool {
        let parts = verifier.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "v1" else { return false }
        let expected = Array(mac([label, parts[1]]).utf8), given = Array(parts[2].utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomSalt() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}

/// The two governance secrets, both kept outside the warehouse (only their verifiers are stored):
///
/// - the **administrator key** (`ONCO_ADMIN_KEY`, or the file named by `ONCO_ADMIN_KEY_FILE`): needed to
///   turn governance off, lower the minimum cell count, and register or revoke projects and care purposes;
/// - the **audit key** (`ONCO_AUDIT_KEY`, or `ONCO_AUDIT_KEY_FILE`): every audit entry carries an
///   HMAC-SHA256 of its chain hash under it, so that someone with write access to the database but
///   not the key cannot rewrite the log and recompute the chain unnoticed. Every process that queries
///   a keyed warehouse needs it; `onco audit verify` needs it to check the MACs.
///
/// After `onco project keys rotate`, entries written before the rotation carry MACs under a retired audit key:
/// `retiredAudit` holds the retired keys a verification is given (`onco audit verify --retired-audit-key-file`).
public struct GovernanceKeys: Sendable {
    public var admin: GovernanceSecret?
    public var audit: GovernanceSecret?
    /// Retired audit keys, only to check the MACs of the periods they were current in.
    public var retiredAudit: [GovernanceSecret]
    public init(admin: GovernanceSecret? = nil, audit: GovernanceSecret? = nil, retiredAudit: [GovernanceSecret] = []) {
        self.admin = admin; self.audit = audit; self.retiredAudit = retiredAudit
    }

    public static let adminVariable = "ONCO_ADMIN_KEY"
    public static let auditVariable = "ONCO_AUDIT_KEY"
    /// The replacement audit key for `onco project keys rotate`.
    public static let newAuditVariable = "ONCO_NEW_AUDIT_KEY"

    /// The new audit key for a rotation, from `ONCO_NEW_AUDIT_KEY` or `ONCO_NEW_AUDIT_KEY_FILE`.
    public static func newAuditKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GovernanceSecret? {
        try read(newAuditVariable, environment)
    }

    /// A key held in a file (a retired audit key given to `onco audit verify`); `what` names it in the error.
    public static func secret(file: String, what: String = "the key file", code: GovernanceError.Code = .auditKey) throws -> GovernanceSecret {
        let text: String
        do throws(InputFileError) { text = try InputFile.utf8(path: file) } catch {
            throw GovernanceError(code, "\(what): the key file \(file) \(error.reason)")
        }
        return try GovernanceSecret(text, source: file)
    }

    /// Reads the keys from `NAME` or `NAME_FILE` (a file holding the key); a key given both ways, or a
    /// file that cannot be read, is an error. Missing keys are nil.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GovernanceKeys {
        GovernanceKeys(admin: try read(adminVariable, environment), audit: try read(auditVariable, environment))
    }

    static func read(_ name: String, _ env: [String: String]) throws -> GovernanceSecret? {
        let direct = env[name].flatMap { $0.isEmpty ? nil : $0 }
        let file = env[name + "_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if direct != nil && file != nil {
            throw GovernanceError(name == adminVariable ? .notAdministrator : .auditKey, "both \(name) and \(name)_FILE are set: use one")
        }
        if let direct { return try GovernanceSecret(direct, source: name) }
        guard let file else { return nil }
        return try secret(file: file, what: "\(name)_FILE", code: name == adminVariable ? .notAdministrator : .auditKey)
    }

    static let adminLabel = "onco-admin-key-v1"
    static let auditLabel = "onco-audit-key-v1"
}
