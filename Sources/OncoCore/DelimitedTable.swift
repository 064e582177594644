import Foundation

/// A delimited text table read whole: CSV (RFC 4180 quoting) or TSV (cBioPortal style, `#` comment
/// lines before the header), with the file line of every row for error messages.
///
/// The delimiter is a tab for `.tsv`/`.txt` files or when the header line has a tab (and the file is
/// not `.csv`), a comma otherwise. Blank and `#` lines before the header are skipped (cBioPortal
/// metadata); after it, empty lines and `#` lines are skipped. Header names and unquoted CSV fields are
/// trimmed of spaces and tabs; quoted fields are kept as written. R equivalent: `read.csv` /
/// `read.delim` with `comment.char = "#"`, `strip.white = TRUE`.
///
/// Byte-level: the file is read into one buffer, and each cell is a byte range of it (a quoted cell
/// with `""` escapes is unescaped in place), so reading makes no `String` per cell. Readers take the
/// cells they need as bytes (`withCell`, numbers through `ExactNumber`) or as strings (`cell`).
/// - Complexity: O(bytes); the whole file is in memory, plus 8 bytes per cell and per row.
public struct DelimitedTable: Sendable {
    /// The file as named by the caller (for error messages).
    public let path: String
    public let header: [String]
    /// `lines[r]` is the 1-based line number of row r in the file.
    public let lines: [Int]
    /// The file's bytes, quoted cells unescaped in place.
    @usableFromInline let storage: [UInt8]
    /// Per cell, row-major: start offset << 24 | length (a cell is at most 16 MiB − 1 bytes).
    @usableFromInline let cells: [UInt64]

    /// The number of data rows.
    @inlinable public var rowCount: Int { lines.count }

    /// The cells by row as strings (made on each call: prefer `cell` or `withCell` for large tables).
    public var rows: [[String]] {
        (0..<rowCount).map { r in (0..<header.count).map { cell(r, $0) } }
    }

    /// Reads `path`.
    /// - Throws: `DelimitedTableError` naming the file (and line) when it cannot be read, is not UTF-8,
    ///   has no header, a duplicate column name, a row of the wrong width, or a malformed quote.
    public init(path: String) throws(DelimitedTableError) {
        guard let bytes = InputFile.bytes(path: path) else {
            throw DelimitedTableError(file: path, line: nil, column: nil, message: "cannot read the file")
        }
        try self.init(bytes: bytes, path: path)
    }

    /// Parses the bytes of a file named `path` (the name chooses the delimiter, as above).
    public init<Bytes: Sequence<UInt8>>(data: Bytes, path: String) throws(DelimitedTableError) {
        try self.init(bytes: Array(data), path: path)
    }

    /// Parses `bytes`, taking ownership of them.
    public init(bytes: [UInt8], path: String) throws(DelimitedTableError) {
        self.path = path
        var scan = _DelimitedScan(bytes: bytes, path: path)
        try scan.run()
        header = scan.header
        lines = scan.lines
        cells = scan.cells
        storage = scan.bytes
    }

    /// The raw cell of row `row`, column `column` (0-based) as UTF-8 bytes, valid inside `body`.
    @inlinable
    public func withCell<R, E: Error>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let packed = cells[row &* header.count &+ column]
        let start = Int(truncatingIfNeeded: packed >> 24), length = Int(truncatingIfNeeded: packed & 0xFF_FFFF)
        return try storage.withUnsafeBufferPointer { (all) throws(E) -> R in
            try body(UnsafeBufferPointer(rebasing: all[start..<(start + length)]))
        }
    }

    /// The storage's bytes and the range of each cell, for a reader that loops over many cells:
    /// `body(bytes, range)` where `range(row, column)` is the cell's byte range in `bytes`.
    @inlinable
    public func withCells<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>, (Int, Int) -> Range<Int>) throws(E) -> R) throws(E) -> R {
        let width = header.count
        return try cells.withUnsafeBufferPointer { (packed) throws(E) -> R in
            try storage.withUnsafeBufferPointer { (all) throws(E) -> R in
                try body(all) { row, column in
                    let p = packed[row &* width &+ column]
                    let start = Int(truncatingIfNeeded: p >> 24)
                    return start..<(start &+ Int(truncatingIfNeeded: p & 0xFF_FFFF))
                }
            }
        }
    }

    /// The raw cell of row `row`, column `column` as a string.
    public func cell(_ row: Int, _ column: Int) -> String {
        withCell(row, column) { String(decoding: $0, as: UTF8.self) }
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

    /// `isMissing` of a cell's bytes; no allocation unless the cell has non-ASCII bytes at an edge.
    @inlinable
    public static func isMissing(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let t = trimmed(cell) else { return isMissing(String(decoding: cell, as: UTF8.self)) }
        let n = t.count
        if n == 0 { return true }
        let first = cell[t.lowerBound]
        if first >= 0x30 && first <= 0x39 { return false }   // a digit: the common case
        if n == 1 { return first == UInt8(ascii: ".") }
        if first == UInt8(ascii: "[") { return cell[t.upperBound - 1] == UInt8(ascii: "]") }
        guard n <= 4 else { return false }
        var word: UInt32 = 0
        for k in t { let b = cell[k]; word = word << 8 | UInt32(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) }
        switch word {
        case 0x4E41, 0x4E2F41, 0x4E414E, 0x4E554C4C, 0x4E4F4E45: return true   // NA N/A NAN NULL NONE
        default: return false
        }
    }

    /// The range of `cell` without leading and trailing spaces and tabs (the `.whitespaces` trim of
    /// `isMissing` and of `SurvivalRows`), or nil when an edge byte is non-ASCII (Unicode spaces:
    /// the caller trims a `String` instead).
    @inlinable
    public static func trimmed(_ cell: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var i = 0, n = cell.count
        while i < n && (cell[i] == 0x20 || cell[i] == 0x09) { i += 1 }
        while n > i && (cell[n - 1] == 0x20 || cell[n - 1] == 0x09) { n -= 1 }
        if i < n && (cell[i] >= 0x80 || cell[n - 1] >= 0x80) { return nil }
        return i..<n
    }

    /// A cell without surrounding spaces (`.whitespaces`) as a string.
    public static func trimmedString(_ cell: UnsafeBufferPointer<UInt8>) -> String {
        if let t = trimmed(cell) { return String(decoding: UnsafeBufferPointer(rebasing: cell[t]), as: UTF8.self) }
        return String(decoding: cell, as: UTF8.self).trimmingCharacters(in: .whitespaces)
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
