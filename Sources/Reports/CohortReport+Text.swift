import Foundation

extension CohortReport {
    /// Plain text for a terminal: aligned tables, then the definition and provenance.
    public func text() -> String {
        var out = title + "\n" + String(repeating: "=", count: max(title.count, 8)) + "\n"
        if provenance.synthetic { out += "*** \(Self.syntheticBanner) ***\n" }
        out += "\n"
        for line in definitionSummary { out += line + "\n" }
        for t in tables() {
            out += "\n" + t.title + "\n"
            out += Self.alignedTable(headers: t.headers, rows: t.rows, numeric: t.numericColumns)
            if let n = t.note { out += "  (" + n + ")\n" }
        }
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
    static func alignedTable(headers: [String], rows: [[String]], numeric: Set<Int>) -> String {
        let n = headers.count
        var w = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < n { w[i] = max(w[i], c.count) } }
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
}
