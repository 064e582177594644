import Foundation
import Warehouse

/// `--where NAME=VALUES` (issue #20, point 5): values are split on commas outside double quotes, so a value
/// holding a comma is written quoted (`--where 'CANCER_TYPE="Skin Cancer, Non-Melanoma"'`); `""` inside
/// quotes is one quote character. Unquoted values are trimmed; quoted ones are kept as written. Repeating
/// `--where` for the same attribute adds values (any of them matches), so
/// `--where CANCER_TYPE=Glioma --where 'CANCER_TYPE=Renal Cell Carcinoma'` is the same as one flag with both.
/// `NAME=lo..hi` (unquoted) is a numeric range, as before.
extension CohortFlags {
    /// The values of one `--where` flag, split as described above.
    static func whereValues(_ text: String, flag: String, fail: (String, String) -> CohortStudyError) throws -> [String] {
        var values: [String] = []
        var current = "", quoted = false, inQuotes = false
        var chars = Array(text)[...]
        func finish() throws {
            let v = quoted ? current : current.trimmingCharacters(in: .whitespaces)
            guard !v.isEmpty || quoted else { throw fail(flag, "\"\(text)\" has an empty value (a value holding a comma is written in double quotes)") }
            values.append(v)
            current = ""; quoted = false
        }
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                guard current.trimmingCharacters(in: .whitespaces).isEmpty, !quoted else {
                    throw fail(flag, "\"\(text)\": a quote may only open a value (write the whole value in double quotes)")
                }
                current = ""; quoted = true; inQuotes = true
            } else if c == "," {
                try finish()
            } else if quoted {
                guard c.isWhitespace else { throw fail(flag, "\"\(text)\": text after a closing quote (separate values with commas)") }
            } else {
                current.append(c)
            }
        }
        if inQuotes { throw fail(flag, "\"\(text)\": a double quote is not closed") }
        try finish()
        return values
    }

    /// The attribute conditions of the `--where` flags: one condition per attribute for the value lists
    /// (repeated flags merged, in order, duplicates dropped), one per range flag.
    static func whereConditions(_ flags: [String], fail: (String, String) -> CohortStudyError) throws -> [AttributeCondition] {
        var out: [AttributeCondition] = []
        var listAt: [String: Int] = [:]
        for w in flags {
            guard let eq = w.firstIndex(of: "="), eq != w.startIndex else { throw fail("--where", "\"\(w)\" is not NAME=VALUE or NAME=lo..hi") }
            let name = w[..<eq].trimmingCharacters(in: .whitespaces), value = String(w[w.index(after: eq)...])
            guard !name.isEmpty else { throw fail("--where", "\"\(w)\" names no attribute") }
            if value.contains(".."), !value.contains("\"") {
                let r = try range(value, flag: "--where", fail: fail)
                out.append(AttributeCondition(name: name, min: r.min, max: r.max))
                continue
            }
            let values = try whereValues(value, flag: "--where", fail: fail)
            if let k = listAt[name] {
                let known = out[k].values ?? []
                out[k].values = known + values.filter { !known.contains($0) }
            } else {
                listAt[name] = out.count
                var seen = Set<String>()
                out.append(AttributeCondition(name: name, values: values.filter { seen.insert($0).inserted }))
            }
        }
        return out
    }
}
