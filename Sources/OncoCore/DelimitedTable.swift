import Foundation

/// A delimited text table read whole: CSV (RFC 4180 quoting) or TSV (cBioPortal style, `#` comment
/// lines before the header), with the file line of every row for error messages.
///
/// The delimiter is a tab for `.tsv`/`.txt` files or when the header line has a tab (and the file is
/// not `.csv`), a comma otherwise. Blank and `#` lines before the header are skipped (cBioPortal
/// metadata); after it, empty lines and `#` lines are skipped. Header names and unquoted CSV fields are
/// trimmed of spaces and tabs; quoted fields are kept as written. R equivalent: `read.csv` /
/// `read.delim` with `comment.char = "#"`, `strip.white = TRUE`.
/// - Complexity: O(bytes); the whole file is in memory.
public struct DelimitedTable: Sendable {
    /// The file as named by the caller (for error messages).
    public let path: String
    public let header: [String]
    /// Cells by row; `lines[r]` is the 1-based line number of row r in the file.
    public let rows: [[String]]
    public let lines: [Int]

    /// Reads `path`.
    /// - Throws: `DelimitedTableError` naming the file (and line) when it cannot be read, is not UTF-8,
    ///   has no header, a duplicate column name, a row of the wrong width, or a malformed quote.
    public init(path: String) throws(DelimitedTableError) {
        guard let data = InputFile.read(path: path) else {
            throw DelimitedTableError(file: path, line: nil, column: nil, message: "cannot read the file")
        }
        try self.init(data: data, path: path)
    }

    /// Parses the bytes of a file named `path` (the name chooses the delimiter, as above).
    public init(data: Data, path: String) throws(DelimitedTableError) {
        self.path = path
        guard let text = String(data: data, encoding: .utf8) else {
            throw DelimitedTableError(file: path, line: nil, column: nil, message: "not UTF-8 text")
        }
        var physical = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        if physical.last == "" { physical.removeLast() }
        var i = 0
        while i < physical.count && (physical[i].hasPrefix("#") || physical[i].allSatisfy(\.isWhitespace)) { i += 1 }
        guard i < physical.count else { throw DelimitedTableError(file: path, line: nil, column: nil, message: "no header line") }
        let lower = path.lowercased()
        let tab = lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") || (!lower.hasSuffix(".csv") && physical[i].contains("\t"))
        let headerLine = i + 1
        let header = try Self.fields(physical[i], tab: tab, file: path, line: headerLine).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw DelimitedTableError(file: path, line: headerLine, column: name, message: "duplicate column name")
        }
        var rows = [[String]](), lines = [Int]()
        for k in (i + 1)..<max(i + 1, physical.count) {
            let line = physical[k]
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = try Self.fields(line, tab: tab, file: path, line: k + 1)
            guard f.count == header.count else {
                throw DelimitedTableError(file: path, line: k + 1, column: nil,
                                          message: "\(f.count) fields, the header has \(header.count)")
            }
            rows.append(f)
            lines.append(k + 1)
        }
        self.header = header
        self.rows = rows
        self.lines = lines
    }

    /// Splits one line; CSV fields may be double-quoted with "" escaping a quote.
    static func fields(_ line: Substring, tab: Bool, file: String, line number: Int) throws(DelimitedTableError) -> [String] {
        if tab { return line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var out = [String](), cur = "", quoted = false, wasQuoted = false
        var it = line.makeIterator()
        while let ch = it.next() {
            if quoted {
                if ch == "\"" {
                    if let next = it.next() {
                        if next == "\"" { cur.append("\"") } else if next == "," { quoted = false; out.append(cur); cur = ""; wasQuoted = false }
                        else { throw DelimitedTableError(file: file, line: number, column: nil, message: "text after a closing quote") }
                    } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "," {
                out.append(wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces)); cur = ""; wasQuoted = false
            } else if ch == "\"" && cur.allSatisfy(\.isWhitespace) {
                quoted = true; wasQuoted = true; cur = ""
            } else { cur.append(ch) }
        }
        if quoted { throw DelimitedTableError(file: file, line: number, column: nil, message: "unterminated quote") }
        out.append(wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces))
        return out
    }

    /// The index of a column, or an error naming the available columns.
    public func column(_ name: String) throws(DelimitedTableError) -> Int {
        if let k = header.firstIndex(of: name) { return k }
        throw DelimitedTableError(file: path, line: nil, column: name,
                                  message: "unknown column; the header has: \(header.joined(separator: ", "))")
    }

    /// Missing values: empty, R's `NA` (and `NaN`, which R's model functions drop as missing too),
    /// `N/A`, `NULL`, `.`, `None`, and cBioPortal's bracketed codes (`[Not Available]`, `[Unknown]`, …).
    /// Case-insensitive, surrounding spaces ignored.
    public static func isMissing(_ cell: String) -> Bool {
        let s = cell.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return true }
        switch s.uppercased() {
        case "NA", "N/A", "NAN", "NULL", ".", "NONE": return true
        default: return s.hasPrefix("[") && s.hasSuffix("]")
        }
    }
}

/// Bad input in a delimited table: which file, line and column, and what is wrong. Cell values are
/// echoed only by number errors (`NumberParseError`, at most 32 characters); other messages name
/// the place, not the content.
public struct DelimitedTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: String?
    public let message: String

    public init(file: String, line: Int?, column: String?, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// A number that could not be read, at `file:line`.
    public init(file: String, line: Int?, number: NumberParseError) {
        self.init(file: file, line: line, column: number.field, message: number.problem)
    }

    public var description: String {
        var s = file
        if let line { s += " line \(line)" }
        if let column { s += ", column '\(column)'" }
        return s + ": " + message
    }
}
