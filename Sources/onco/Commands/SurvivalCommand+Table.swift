import Foundation

/// A delimited text table read whole: CSV (RFC 4180 quoting) or TSV (cBioPortal style, `#` comment
/// lines before the header). The survival commands use it; the Survival module itself does no I/O.
struct SurvivalTable {
    let path: String
    let header: [String]
    /// Cells by row; `lines[r]` is the 1-based line number of row r in the file (for error messages).
    let rows: [[String]]
    let lines: [Int]

    /// Reads `path`; the delimiter is a tab for `.tsv`/`.txt` files or when the header line has a tab,
    /// a comma otherwise. Lines starting with `#` before the header are skipped (cBioPortal metadata).
    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurvivalInputError(file: path, line: nil, column: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SurvivalInputError(file: path, line: nil, column: nil, message: "not UTF-8 text")
        }
        var physical = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        if physical.last == "" { physical.removeLast() }
        var i = 0
        while i < physical.count && (physical[i].hasPrefix("#") || physical[i].allSatisfy(\.isWhitespace)) { i += 1 }
        guard i < physical.count else { throw SurvivalInputError(file: path, line: nil, column: nil, message: "no header line") }
        let lower = path.lowercased()
        let tab = lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") || (!lower.hasSuffix(".csv") && physical[i].contains("\t"))
        let headerLine = i + 1
        header = try SurvivalTable.fields(physical[i], tab: tab, file: path, line: headerLine).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let dup = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw SurvivalInputError(file: path, line: headerLine, column: dup, message: "duplicate column name")
        }
        var rows = [[String]](), lines = [Int]()
        for k in (i + 1)..<physical.count {
            let line = physical[k]
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = try SurvivalTable.fields(line, tab: tab, file: path, line: k + 1)
            guard f.count == header.count else {
                throw SurvivalInputError(file: path, line: k + 1, column: nil,
                                         message: "\(f.count) fields, the header has \(header.count)")
            }
            rows.append(f)
            lines.append(k + 1)
        }
        self.rows = rows
        self.lines = lines
    }

    /// Splits one line; CSV fields may be double-quoted with "" escaping a quote.
    static func fields(_ line: Substring, tab: Bool, file: String, line number: Int) throws -> [String] {
        if tab { return line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var out = [String](), cur = "", quoted = false, wasQuoted = false
        var it = line.makeIterator()
        while let ch = it.next() {
            if quoted {
                if ch == "\"" {
                    if let next = it.next() {
                        if next == "\"" { cur.append("\"") } else if next == "," { quoted = false; out.append(cur); cur = ""; wasQuoted = false }
                        else { throw SurvivalInputError(file: file, line: number, column: nil, message: "text after a closing quote") }
                    } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "," {
                out.append(wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces)); cur = ""; wasQuoted = false
            } else if ch == "\"" && cur.allSatisfy(\.isWhitespace) {
                quoted = true; wasQuoted = true; cur = ""
            } else { cur.append(ch) }
        }
        if quoted { throw SurvivalInputError(file: file, line: number, column: nil, message: "unterminated quote") }
        out.append(wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces))
        return out
    }

    /// The index of a column, or an error naming the available columns.
    func column(_ name: String) throws -> Int {
        if let k = header.firstIndex(of: name) { return k }
        throw SurvivalInputError(file: path, line: nil, column: name,
                                 message: "unknown column; the header has: \(header.joined(separator: ", "))")
    }

    /// R's NA and cBioPortal's bracketed codes (`[Not Available]`, `[Unknown]`, …) are missing.
    static func isMissing(_ cell: String) -> Bool {
        let s = cell.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return true }
        switch s.uppercased() {
        case "NA", "N/A", "NAN", "NULL", ".", "NONE": return true
        default: return s.hasPrefix("[") && s.hasSuffix("]")
        }
    }
}

/// Bad input to a survival command: which file, line and column, and what is wrong. Values are not
/// echoed (a wrongly chosen column could hold identifiers).
struct SurvivalInputError: Error, CustomStringConvertible {
    let file: String
    let line: Int?
    let column: String?
    let message: String

    var description: String {
        var s = file
        if let line { s += " line \(line)" }
        if let column { s += ", column '\(column)'" }
        return s + ": " + message
    }
}
