/// A pseudonymous patient identifier: a keyed hash of the source id, never the source id itself.
///
/// Its `description` is redacted so that it can't leak into logs or error messages by accident;
/// use `rawValue` where the pseudonym is meant to be shown (reports of neighbours, exports).
public struct PatientKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { "PatientKey(<redacted>)" }
    public static func < (a: PatientKey, b: PatientKey) -> Bool { a.rawValue < b.rawValue }
}

/// A pseudonymous sample (specimen) identifier; see `PatientKey`.
public struct SampleKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { "SampleKey(<redacted>)" }
    public static func < (a: SampleKey, b: SampleKey) -> Bool { a.rawValue < b.rawValue }
}

/// An OncoTree code (`LUAD`, `SKCM`, `COADREAD`, ...), upper-cased.
public struct OncoTreeCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ code: String) { self.rawValue = code.uppercased() }
    public var description: String { rawValue }
    public static func < (a: OncoTreeCode, b: OncoTreeCode) -> Bool { a.rawValue < b.rawValue }
}
