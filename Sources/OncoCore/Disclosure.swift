/// Small-cell suppression: counts of patients below a threshold are reported as `<k`, never exactly.
///
/// Every output that shows cohort counts (reports, JSON, plots' number-at-risk rows, logs) goes through
/// `DisclosureControl.display(_:)`. The default minimum is 5, as in most European health-data
/// warehouses' output checking rules.
public struct DisclosureControl: Hashable, Sendable, Codable {
    public var minimumCount: Int
    public init(minimumCount: Int = 5) { self.minimumCount = minimumCount }

    /// No suppression (minimum 0); only for synthetic data or tests.
    public static let none = DisclosureControl(minimumCount: 0)

    /// True when `count` must not be shown exactly (0 is shown: an empty cell discloses nobody).
    public func isSuppressed(_ count: Int) -> Bool { count > 0 && count < minimumCount }

    /// `"<5"` for 1...4 (with the default), the number otherwise.
    public func display(_ count: Int) -> String {
        isSuppressed(count) ? "<\(minimumCount)" : String(count)
    }

    /// A JSON-friendly value: the integer, or the string `"<5"`.
    public func value(_ count: Int) -> SuppressedCount {
        isSuppressed(count) ? .suppressed(below: minimumCount) : .exact(count)
    }

    /// With complementary protection by rounding: 1…k−1 as `<k`, every other count rounded to the nearest
    /// multiple of k (k ≤ 1: exact), so the difference of any two shown counts is a multiple of k and never
    /// reveals a suppressed count (507 − 503 = 4 is shown as 505 − 505).
    public func rounded(_ count: Int) -> SuppressedCount {
        guard minimumCount > 1, count > 0 else { return .exact(count) }
        if count < minimumCount { return .suppressed(below: minimumCount) }
        return .exact(Int((Double(count) / Double(minimumCount)).rounded(.toNearestOrAwayFromZero)) * minimumCount)
    }

    /// `rounded(_:)` as an integer, for a plot's at-risk row and legend: a suppressed count stays 1 (the plot
    /// prints it through `display(_:)`, as `<k`).
    public func roundedForPlot(_ count: Int) -> Int {
        switch rounded(count) { case .exact(let r): return r; case .suppressed: return 1 }
    }

    /// How `rounded(_:)` is stated in an output: `counts below 5 are shown as <5 and every other count is rounded
    /// to the nearest multiple of 5`; nil without suppression.
    public var roundingStatement: String? {
        minimumCount > 1
            ? "counts below \(minimumCount) are shown as <\(minimumCount) and every other count is rounded to the nearest multiple of \(minimumCount)"
            : nil
    }
}

/// A count as it may be disclosed: exactly, or only as "below k".
public enum SuppressedCount: Hashable, Sendable, Codable, CustomStringConvertible {
    case exact(Int)
    case suppressed(below: Int)

    public var description: String {
        switch self {
        case .exact(let n): return String(n)
        case .suppressed(let k): return "<\(k)"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .exact(let n): try c.encode(n)
        case .suppressed(let k): try c.encode("<\(k)")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .exact(n); return }
        let s = try c.decode(String.self)
        guard s.hasPrefix("<"), let k = Int(s.dropFirst()) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an integer or \"<k\"")
        }
        self = .suppressed(below: k)
    }
}
