/// A categorical variable as integer codes into an ordered list of levels, like an R factor.
///
/// The first level is the reference for treatment contrasts (R: `contr.treatment`).
/// Built from strings, the levels are sorted the way R's `factor()` sorts them: numerically when
/// every value reads as a number (so `"10"` follows `"9"`), otherwise by Unicode code points
/// (R uses the locale's collation; for ASCII labels in the C locale the order is the same).
/// Pass `levels:` to fix the order yourself (an R factor with given levels).
public struct Factor: Sendable, Hashable {
    /// The level labels, in order. Code `k` means `levels[k]`.
    public let levels: [String]
    /// One 0-based code per observation.
    public let codes: [Int32]

    /// The number of observations.
    @inlinable public var count: Int { codes.count }

    /// Codes and levels as they are.
    /// - Precondition: every code is in `0..<levels.count`.
    public init(codes: [Int32], levels: [String]) {
        precondition(codes.allSatisfy { $0 >= 0 && Int($0) < levels.count }, "Factor code out of range")
        self.codes = codes
        self.levels = levels
    }

    /// Codes the values against `levels` (R: `factor(x, levels = levels)`), or against their sorted
    /// distinct values when `levels` is nil (R: `factor(x)`).
    /// - Throws: `SurvivalError.unknownLevel` with the 0-based index of a value not among `levels`.
    public init(_ values: [String], levels: [String]? = nil) throws {
        let lv = levels ?? Factor.sortedLevels(values)
        var index: [String: Int32] = [:]
        index.reserveCapacity(lv.count)
        for (k, l) in lv.enumerated() where index[l] == nil { index[l] = Int32(k) }
        var codes = [Int32]()
        codes.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard let c = index[v] else { throw SurvivalError(.unknownLevel, "value \(i)") }
            codes.append(c)
        }
        self.codes = codes
        self.levels = lv
    }

    /// Codes numeric values by their sorted distinct values (R: `factor(x)` on a numeric column).
    /// Labels are formatted as R's `as.character` does for integers and short decimals (`1`, `2.5`).
    /// - Complexity: O(*n*) for small integer codes (a counting pass), O(*n* log *n*) otherwise.
    public init(_ values: [Double]) {
        // fast path: integer values in a small range (group codes such as 0/1 or 1...4)
        if let lo = values.min(), let hi = values.max(), lo.isFinite, hi.isFinite, hi - lo < 65536,
           values.allSatisfy({ $0 == $0.rounded() }) {
            let base = Int(lo)
            var present = [Int32](repeating: -1, count: Int(hi) - base + 1)
            for v in values { present[Int(v) - base] = 0 }
            var levels = [String](), k: Int32 = 0
            for j in present.indices where present[j] == 0 {
                present[j] = k; k += 1
                levels.append(Factor.label(for: Double(j + base)))
            }
            self.codes = values.map { present[Int($0) - base] }
            self.levels = levels
            return
        }
        let distinct = Array(Set(values.map { $0 + 0.0 })).sorted()
        var index: [Double: Int32] = [:]
        for (k, v) in distinct.enumerated() { index[v] = Int32(k) }
        self.codes = values.map { index[$0 + 0.0]! }
        self.levels = distinct.map(Factor.label(for:))
    }

    /// R's `as.character` for a double: integers without a decimal point, other values shortest.
    public static func label(for value: Double) -> String {
        if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Sorted distinct values: numerically if all parse as numbers, else by code points.
    public static func sortedLevels(_ values: [String]) -> [String] {
        let distinct = Array(Set(values))
        let numbers = distinct.map { Double($0) }
        if !distinct.isEmpty, numbers.allSatisfy({ $0 != nil }) {
            return zip(distinct, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        }
        return distinct.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// The number of observations in each level.
    public var levelCounts: [Int] {
        var n = [Int](repeating: 0, count: levels.count)
        for c in codes { n[Int(c)] += 1 }
        return n
    }
}
