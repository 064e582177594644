import Foundation

/// A tab-separated table read whole: a header and rows of fields, with line numbers kept for errors.
///
/// Quotes are not special (CIViC and OncoTree exports never quote). Rows with more fields than the
/// header have their extra trailing fields folded into the last column, joined by a tab (the CIViC
/// export bug griffithlab/civic-server#715 split `assertion_ids`/`assertion_civic_urls` over several
/// columns). Rows with fewer fields are padded with empty strings. Lines starting with `#` before the
/// header are skipped.
struct TSVTable {
    let file: String
    let header: [String]
    let rows: [[Substring]]
    /// 1-based line number of each row.
    let lines: [Int]
    /// How many rows had extra fields folded into the last column.
    let foldedRows: Int
    private let index: [String: Int]

    init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.fileUnreadable, file: url.path, "cannot read file")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: url.lastPathComponent)
    }

    init(text: String, file: String) throws {
        self.file = file
        var header: [String]?
        var rows: [[Substring]] = []
        var lines: [Int] = []
        var folded = 0
        var lineNo = 0
        text.enumerateLinesFast { line in
            lineNo += 1
            var l = line
            if l.hasSuffix("\r") { l = l.dropLast() }
            if header == nil {
                if l.hasPrefix("#") || l.isEmpty { return }
                header = l.split(separator: "\t", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                return
            }
            if l.isEmpty { return }
            var fields = l.split(separator: "\t", omittingEmptySubsequences: false)
            let n = header!.count
            if fields.count > n {
                let start = fields[n - 1].startIndex
                let end = fields[fields.count - 1].endIndex
                fields = Array(fields[..<(n - 1)]) + [l[start..<end]]
                folded += 1
            } else if fields.count < n {
                fields += Array(repeating: Substring(""), count: n - fields.count)
            }
            rows.append(fields)
            lines.append(lineNo)
        }
        guard let header else { throw KnowledgeError(.badField, file: file, line: 1, "file has no header line") }
        self.header = header
        self.rows = rows
        self.lines = lines
        self.foldedRows = folded
        var idx: [String: Int] = [:]
        for (i, h) in header.enumerated() where idx[h] == nil { idx[h] = i }
        self.index = idx
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// The column index, or a `missingColumn` error naming the file.
    func column(_ name: String) throws -> Int {
        guard let i = index[name] else {
            throw KnowledgeError(.missingColumn, file: file, line: 1, field: name, "required column is missing")
        }
        return i
    }
    func optionalColumn(_ name: String) -> Int? { index[name] }
}

extension String {
    /// Calls `body` with each line (without the terminator), splitting on `\n` only. Faster than
    /// `enumerateLines` and keeps empty lines (so line numbers stay right).
    func enumerateLinesFast(_ body: (Substring) -> Void) {
        var start = startIndex
        var i = startIndex
        let utf8 = self.utf8
        var u = utf8.startIndex
        while u != utf8.endIndex {
            if utf8[u] == UInt8(ascii: "\n") {
                i = u
                body(self[start..<i])
                start = utf8.index(after: u)
            }
            u = utf8.index(after: u)
        }
        if start < endIndex { body(self[start..<endIndex]) }
    }
}
