import Foundation
import CohortStudy

extension CohortReport {
    /// Plain text for a terminal: aligned tables, then the definition and provenance.
    public func text() -> String {
        var out = title + "\n" + String(repeating: "=", count: max(title.count, 8)) + "\n"
        if provenance.synthetic { out += "*** \(Self.syntheticBanner) ***\n" }
        out += "\n"
        for line in definitionSummary { out += line + "\n" }
        for t in tables() { out += "\n" + t.text() }
        if !notes.isEmpty {
            out += "\nNotes\n"
            for n in notes { out += "  - " + n + "\n" }
        }
        out += "\nProvenance\n"
        for (k, v) in provenancePairs { out += "  \(k): \(v)\n" }
        out += "\nDefinition (JSON)\n" + definition + "\n"
        if provenance.synthetic { out += "\n*** \(Self.syntheticBanner) ***\n" }
        return out
    }

    /// Columns padded to their widest cell; numeric columns right-aligned.
    /// With `wrapLast`, the last column is wrapped at word boundaries to `wrapWidth` characters, continuation
    /// lines indented under it.
    static func alignedTable(headers: [String], rows: [[String]], numeric: Set<Int>, wrapLast: Bool = false, wrapWidth: Int = 88) -> String {
        let n = headers.count
        var w = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < n && !(wrapLast && i == n - 1) { w[i] = max(w[i], c.count) } }
        if wrapLast {
            var lines: [[String]] = []
            for r in rows {
                let parts = wrapped(r.count >= n ? r[n - 1] : "", width: wrapWidth)
                w[n - 1] = max(w[n - 1], parts.map(\.count).max() ?? 0)
                for (k, part) in parts.enumerated() { lines.append((k == 0 ? Array(r.prefix(n - 1)) : Array(repeating: "", count: n - 1)) + [part]) }
            }
            return alignedTable(headers: headers, rows: lines, numeric: numeric)
        }
        func line(_ cells: [String]) -> String {
            var s = "  "
            for i in 0..<n {
                let c = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: w[i] - c.count)
                s += numeric.contains(i) ? pad + c : c + pad
                if i < n - 1 { s += "  " }
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s + "\n"
        }
        var out = line(headers)
        out += "  " + w.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) }
        return out
    }

    /// `s` broken at spaces into lines of at most `width` characters (a longer word keeps its own line).
    static func wrapped(_ s: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty { current = String(word) }
            else if current.count + 1 + word.count <= width { current += " " + word }
            else { lines.append(current); current = String(word) }
        }
        lines.append(current)
        return lines
    }
}
