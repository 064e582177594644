import Foundation
import CohortStudy

extension CohortReport.Table {
    /// The table as plain text: its title, the aligned columns, its note in parentheses (`indent` before every line).
    public func text(indent: String = "") -> String {
        var out = indent + title + "\n"
        let body = CohortReport.alignedTable(headers: headers, rows: rows, numeric: numericColumns, wrapLast: wrapLastColumn)
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { out += indent + line + "\n" }
        if let n = note { out += indent + "  (" + n + ")\n" }
        return out
    }

    /// The table as a GitHub-flavoured Markdown pipe table under a heading of `level` (`##`), its note in italics.
    public func markdown(level: String = "##") -> String {
        var out = "\n\(level) " + CohortReport.mdEscape(title) + "\n\n"
        out += "| " + headers.map(CohortReport.mdEscape).joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { numericColumns.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for r in rows { out += "| " + r.map(CohortReport.mdEscape).joined(separator: " | ") + " |\n" }
        if let n = note { out += "\n_" + CohortReport.mdEscape(n) + "_\n" }
        return out
    }

    /// The table as HTML under a heading of `level` (`h2`), with its id, numeric cells right-aligned (class `n`);
    /// `tableClass` and `noteClass` style it for the page it sits in.
    public func html(level: String = "h2", tableClass: String? = nil, noteClass: String = "note") -> String {
        func esc(_ s: String) -> String { _xmlEscape(s) }
        var h = "<\(level) id=\"\(id)\">\(esc(title))</\(level)>\n<table\(tableClass.map { " class=\"\($0)\"" } ?? "")>\n<thead><tr>"
        for (i, c) in headers.enumerated() { h += "<th\(numericColumns.contains(i) ? " class=\"n\"" : "")>\(esc(c))</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for r in rows {
            h += "<tr>"
            for (i, c) in r.enumerated() { h += "<td\(numericColumns.contains(i) ? " class=\"n\"" : "")>\(esc(c))</td>" }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if let n = note { h += "<p class=\"\(noteClass)\">\(esc(n))</p>\n" }
        return h
    }
}
