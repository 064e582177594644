import Foundation
import Logging
import Warehouse

/// A population condition on an attribute whose values no patient holds selects nobody; that is always a
/// mistake (a typo, a value split on its comma), so it is an error naming the attribute and the value and
/// listing the close matches, never a silent empty cohort (issue #20, point 5). When only some of a
/// condition's values are held by nobody (a definition written for a larger study, e.g. `Primary Blood Tumor`
/// in a warehouse without blood cancers), the study runs and the report says which values matched no patient.
///
/// The levels named in these messages (close matches, or the whole list) are only those held by at least k patients
/// (k = the study's small-cell threshold): a level held by fewer would otherwise become visible by name, outside the
/// suppressed counts of a report.
extension CohortStudy {
    /// - Parameter minimum: the small-cell threshold k; levels held by fewer patients are never named.
    /// - Returns: report notes for values that matched no patient beside values that did.
    static func checkAttributeValues(_ plan: CohortPlan, store: Warehouse, minimum: Int, logger: Logger) async throws -> [String] {
        var notes: [String] = []
        for (i, a) in plan.definition.population.attributes.enumerated() {
            guard let values = a.values else { continue }
            let all = try await store.attributeLevels(a.name, logger: logger)
            let known = Set(all.map(\.value))
            let levels = all.filter { $0.patients >= max(minimum, 1) }.map(\.value)
            let withheld = all.count - levels.count
            let where_ = plan.source == "flags" ? "--where \(a.name)" : "\(plan.source): population.attributes[\(i)]"
            guard !all.isEmpty else {
                throw CohortStudyError(.invalidDefinition, where_, "no patient has the attribute \(a.name)")
            }
            let unmatched = values.filter { !known.contains($0) }
            if unmatched.count < values.count {
                for v in unmatched {
                    let close = closeMatches(v, in: levels)
                    notes.append("\(a.name) value \"\(v)\" matches no patient of this warehouse"
                                 + (close.isEmpty ? "" : " (close: " + close.map { "\"\($0)\"" }.joined(separator: ", ") + ")"))
                }
                continue
            }
            for v in unmatched {
                let close = closeMatches(v, in: levels)
                var message = "\(a.name) value \"\(v)\" matches no patient"
                let held = withheld > 0 ? " held by at least \(minimum) patients" : ""
                message += close.isEmpty ? "; \(a.name) has \(levels.count) value\(levels.count == 1 ? "" : "s")\(held)"
                                           + (!levels.isEmpty && levels.count <= 12 ? ": " + levels.map { "\"\($0)\"" }.joined(separator: ", ") : "")
                                         : "; close: " + close.map { "\"\($0)\"" }.joined(separator: ", ")
                if withheld > 0 { message += " (values held by fewer than \(minimum) patients are not named)" }
                if close.contains(where: { $0.contains(",") }) || levels.contains(where: { $0.contains(",") && $0.contains(v.trimmingCharacters(in: .whitespaces)) }) {
                    message += " (a value holding a comma is written in double quotes: --where '\(a.name)=\"A, B\"')"
                }
                throw CohortStudyError(.invalidDefinition, where_, message)
            }
        }
        return notes
    }

    /// Up to five levels close to `value`: equal ignoring case, one a prefix of the other ignoring case,
    /// containing it, or within an edit distance of max(2, a quarter of its length); nearest first.
    static func closeMatches(_ value: String, in levels: [String]) -> [String] {
        let v = value.lowercased().trimmingCharacters(in: .whitespaces)
        var scored: [(String, Int)] = []
        for l in levels {
            let x = l.lowercased()
            let score: Int
            if x == v { score = 0 }
            else if !v.isEmpty && (x.hasPrefix(v) || v.hasPrefix(x)) { score = 1 }
            else if !v.isEmpty && x.contains(v) { score = 2 }
            else {
                let d = editDistance(v, x)
                guard d <= max(2, v.count / 4) else { continue }
                score = 2 + d
            }
            scored.append((l, score))
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(5).map { $0.0 }
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
