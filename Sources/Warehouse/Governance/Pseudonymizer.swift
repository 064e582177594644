import Crypto
import Foundation
import OncoCore

/// Replaces source identifiers by keyed hashes (HMAC-SHA256), so that the warehouse never holds a
/// patient or sample id, and the same source id always maps to the same pseudonym under one key.
///
/// The key comes from configuration or the environment variable `ONCO_PSEUDONYM_KEY`; it is never
/// written to the warehouse (only `fingerprint`, an HMAC of a fixed label, which cannot be inverted
/// to the key, so that imports with a different key are refused). Pseudonyms are scoped by study:
/// the same TCGA barcode in two studies gives two persons (no record linkage across datasets).
///
/// Date shifting: event dates are stored relative to a per-patient anchor (the diagnosis date), which
/// is shifted by a whole number of days derived from the same keyed hash; relative times (what every
/// outcome uses) are exact.
public struct Pseudonymizer: Sendable {
    private let keyBytes: [UInt8]

    /// The environment variable holding the key.
    public static let environmentVariable = "ONCO_PSEUDONYM_KEY"

    /// - Precondition: at least 16 bytes of key material (checked: throws `WarehouseError.missingKey`).
    public init(key: String) throws {
        guard key.utf8.count >= 16 else {
            throw WarehouseError(.missingKey, "the pseudonymisation key must be at least 16 characters long (set \(Self.environmentVariable))")
        }
        self.keyBytes = Array(key.utf8)
    }

    /// The configured key if given, else `ONCO_PSEUDONYM_KEY`; throws when neither is set.
    public static func configured(_ key: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Pseudonymizer {
        if let key, !key.isEmpty { return try Pseudonymizer(key: key) }
        if let env = environment[environmentVariable], !env.isEmpty { return try Pseudonymizer(key: env) }
        throw WarehouseError(.missingKey, "no pseudonymisation key: set \(environmentVariable) (at least 16 characters) or pass --pseudonym-key-file")
    }

    private func mac(_ parts: [String]) -> [UInt8] {
        var h = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
        for p in parts {
            h.update(data: Data(p.utf8))
            h.update(data: [0])
        }
        return Array(h.finalize())
    }

    /// Lower-case hex digits, two per byte (as `%02x`; written without `String(format:)`, which cost
    /// about a tenth of the TCGA clinical batch).
    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A stable, non-secret fingerprint of the key (16 hex digits).
    public var fingerprint: String { Self.hex(mac(["onco-key-fingerprint-v1"]).prefix(8)) }

    /// `P` + 31 hex digits (124 bits of the HMAC), fits OMOP's `varchar(50)`.
    public func patientKey(study: String, patient: String) -> PatientKey {
        PatientKey("P" + Self.hex(mac(["onco-patient-v1", study, patient]).prefix(16)).dropFirst())
    }

    /// `S` + 31 hex digits.
    public func sampleKey(study: String, sample: String) -> SampleKey {
        SampleKey("S" + Self.hex(mac(["onco-sample-v1", study, sample]).prefix(16)).dropFirst())
    }

    /// A deterministic shift in `0 ..< range` days for the patient's anchor date.
    public func dateShift(study: String, patient: String, range: Int) -> Int {
        let b = mac(["onco-date-shift-v1", study, patient])
        let v = b.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        return Int(v % UInt64(max(range, 1)))
    }
}
