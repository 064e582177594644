import Foundation

/// The SQL dialects the warehouse speaks. Queries are written once with `?` placeholders and a few
/// dialect hooks (date arithmetic, id lists); values are always bound, never spliced into SQL text.
public enum SQLDialect: Sendable, Hashable {
    case sqlite, postgres
}

/// A value bound to a `?` placeholder.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    /// A list of ids: bound as a JSON array for SQLite (`json_each`), as `bigint[]` for PostgreSQL.
    case idList([Int64])
    /// A list of strings, bound like `idList`.
    case textList([String])
}

/// SQL text with `?` placeholders and the values bound to them, in order.
public struct SQLFragment: Sendable, Hashable, ExpressibleByStringLiteral {
    public var sql: String
    public var values: [SQLValue]

    public init(_ sql: String, _ values: [SQLValue] = []) {
        self.sql = sql
        self.values = values
    }
    public init(stringLiteral value: String) { self.init(value) }

    public static func + (a: SQLFragment, b: SQLFragment) -> SQLFragment {
        SQLFragment(a.sql + b.sql, a.values + b.values)
    }
    public static func += (a: inout SQLFragment, b: SQLFragment) { a = a + b }

    /// Joins fragments with a separator.
    public static func join(_ parts: [SQLFragment], separator: String) -> SQLFragment {
        var out = SQLFragment("")
        for (i, p) in parts.enumerated() {
            if i > 0 { out.sql += separator }
            out += p
        }
        return out
    }

    /// Rewrites `?` placeholders into `$1, $2, ...` for PostgreSQL (no `?` appears in onco's SQL
    /// text outside placeholders: strings are always bound).
    public func postgresText() -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// Dialect hooks used by the shared queries.
package extension SQLDialect {
    /// Whole days from `from` to `to` (both `date` columns or expressions).
    func daysBetween(_ from: String, _ to: String) -> String {
        switch self {
        case .sqlite: return "CAST(julianday(\(to)) - julianday(\(from)) AS INTEGER)"
        case .postgres: return "(\(to) - \(from))"
        }
    }

    /// The year of a date expression, as an integer.
    func year(_ date: String) -> String {
        switch self {
        case .sqlite: return "CAST(strftime('%Y', \(date)) AS INTEGER)"
        case .postgres: return "CAST(EXTRACT(YEAR FROM \(date)) AS integer)"
        }
    }

    /// `column IN (<bound list>)` for an `idList` or `textList` value.
    func inList(_ column: String, _ list: SQLValue) -> SQLFragment {
        switch self {
        case .sqlite: return SQLFragment("\(column) IN (SELECT value FROM json_each(?))", [list])
        case .postgres: return SQLFragment("\(column) = ANY(?)", [list])
        }
    }

    /// A placeholder for a date given as `YYYY-MM-DD` text.
    var datePlaceholder: String { self == .sqlite ? "?" : "CAST(? AS date)" }
}

/// A calendar day, stored as `YYYY-MM-DD` (ISO 8601), counted in days since 1970-01-01 (UTC).
public struct Day: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var daysSinceEpoch: Int
    public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    /// From a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` (optionally followed by a time, which is ignored).
    public init?(iso text: String) {
        let chars = Array(text.utf8)
        guard chars.count == 10 || (chars.count > 10 && (chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "))) else { return nil }
        let parts = text.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
        let c = components
        guard c.year == y, c.month == m, c.day == d else { return nil }   // 2016-02-31 does not exist
    }

    /// (year, month, day) (civil_from_days).
    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let c = components
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }
    public var description: String { iso }
    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
    public static func + (a: Day, days: Int) -> Day { Day(daysSinceEpoch: a.daysSinceEpoch + days) }
    public static func - (a: Day, b: Day) -> Int { a.daysSinceEpoch - b.daysSinceEpoch }
}
