import Foundation
import OncoCore

/// A count of patients, lines or events in a `TargetTrialResult` that an encoder may disclose only
/// under small-cell control: when the encoder's `userInfo[TargetTrialResult.disclosureKey]` holds a
/// `DisclosureControl`, the count is encoded as `DisclosureControl.rounded(_:)` gives it (an integer
/// rounded to a multiple of k, or the string `"<k"`); otherwise exactly. Decoding reads integers; a
/// suppressed `"<k"` cannot be read back as a number and is an error.
@propertyWrapper
public struct DisclosableCount: Sendable, Hashable, Codable {
    public var wrappedValue: Int
    public init(wrappedValue: Int) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let dc = encoder.userInfo[TargetTrialResult.disclosureKey] as? DisclosureControl {
            try c.encode(dc.rounded(wrappedValue))
        } else {
            try c.encode(wrappedValue)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let n = try? c.decode(Int.self) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a suppressed count cannot be read back as a number")
        }
        wrappedValue = n
    }
}

extension TargetTrialResult {
    /// The `JSONEncoder.userInfo` key of the `DisclosureControl` that counts (`DisclosableCount`) and the
    /// arms' curves (`ArmEstimate`) are encoded under.
    public static let disclosureKey = CodingUserInfoKey(rawValue: "onco.disclosureControl")!
}
