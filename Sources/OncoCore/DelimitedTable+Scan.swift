import Foundation

/// The byte scanner behind `DelimitedTable`: lines found with `memchr`, fields split in one pass,
/// quoted CSV cells unescaped in place, each cell recorded as a packed (start, length).
///
/// The rules are those `DelimitedTable` documents; the ones that need care at byte level:
/// - A line's trailing `\r` is dropped (CRLF files).
/// - A CSV field opens a quote when `"` comes after nothing but whitespace; `""` inside is one quote;
///   after the closing quote only `,` or the end of the line may follow ("text after a closing quote");
///   a quote still open at the end of the line is "unterminated quote". A `"` later in an unquoted
///   field is an ordinary character.
/// - Unquoted CSV cells are trimmed of spaces and tabs (Unicode spaces too, through a `String`, only
///   when an edge byte is not ASCII); TSV cells are kept as written.
struct _DelimitedScan {
    var bytes: [UInt8]
    let path: String
    var header: [String] = []
    var lines: [Int] = []
    var cells: [UInt64] = []

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    static let maximumCell = 0xFF_FFFF

    mutating func run() throws(DelimitedTableError) {
        try Self.requireUTF8(bytes, path: path)
        let n = bytes.count
        let path = self.path
        var header = [String](), lines = [Int](), cells = [UInt64]()
        try bytes.withUnsafeMutableBufferPointer { (b) throws(DelimitedTableError) in
            var pos = 0, lineNumber = 0
            var tab = false, width = 0
            var scratch = [UInt64]()
            while pos < n {
                let newline = Self.find(0x0A, in: b, from: pos, to: n)
                var end = newline
                if end > pos && b[end - 1] == 0x0D { end -= 1 }
                let start = pos
                pos = newline + 1
                lineNumber += 1
                if width == 0 {
                    // before the header: skip comments and blank lines (cBioPortal metadata)
                    if end > start && b[start] == UInt8(ascii: "#") { continue }
                    if Self.isBlank(b, start, end) { continue }
                    let lower = path.lowercased()
                    tab = lower.hasSuffix(".tsv") || lower.hasSuffix(".txt")
                        || (!lower.hasSuffix(".csv") && Self.find(0x09, in: b, from: start, to: end) < end)
                    scratch.removeAll()
                    try Self.fields(b, start, end, tab: tab, into: &scratch, path: path, line: lineNumber)
                    header = scratch.map { Self.string(b, $0).trimmingCharacters(in: .whitespaces) }
                    var seen = Set<String>()
                    for name in header where !seen.insert(name).inserted {
                        throw DelimitedTableError(file: path, line: lineNumber, column: name, message: "duplicate column name")
                    }
                    width = header.count
                    let estimate = n / max(end - start + 1, 8) + 16
                    cells.reserveCapacity(estimate * width)
                    lines.reserveCapacity(estimate)
                    continue
                }
                if end == start || b[start] == UInt8(ascii: "#") { continue }
                let before = cells.count
                try Self.fields(b, start, end, tab: tab, into: &cells, path: path, line: lineNumber)
                guard cells.count - before == width else {
                    throw DelimitedTableError(file: path, line: lineNumber, column: nil,
                                              message: "\(cells.count - before) fields, the header has \(width)")
                }
                lines.append(lineNumber)
            }
            if width == 0 { throw DelimitedTableError(file: path, line: nil, column: nil, message: "no header line") }
        }
        self.header = header
        self.lines = lines
        self.cells = cells
    }

    /// Appends the cells of the line `b[start..<end]`.
    static func fields(_ b: UnsafeMutableBufferPointer<UInt8>, _ start: Int, _ end: Int, tab: Bool,
                       into cells: inout [UInt64], path: String, line: Int) throws(DelimitedTableError) {
        var i = start
        if tab {
            while true {
                let s = i
                i = find(0x09, in: b, from: i, to: end)
                try append(s, i, to: &cells, path: path, line: line)
                if i == end { return }
                i += 1
            }
        }
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        while true {
            let s = i
            while i < end && b[i] != comma && b[i] != quote { i += 1 }
            if i < end && b[i] == quote && isBlank(b, s, i) {
                // a quoted field: unescape "" in place, content from i + 1 to w
                var r = i + 1, w = i + 1
                var closed = false
                while r < end {
                    let c = b[r]
                    if c == quote {
                        if r + 1 < end && b[r + 1] == quote { b[w] = quote; w += 1; r += 2; continue }
                        closed = true
                        r += 1
                        break
                    }
                    b[w] = c; w += 1; r += 1
                }
                guard closed else { throw DelimitedTableError(file: path, line: line, column: nil, message: "unterminated quote") }
                try append(i + 1, w, to: &cells, path: path, line: line)
                if r == end { return }
                guard b[r] == comma else {
                    throw DelimitedTableError(file: path, line: line, column: nil, message: "text after a closing quote")
                }
                i = r + 1
                continue
            }
            if i < end && b[i] == quote {
                // a quote inside an unquoted field is an ordinary character
                while i < end && b[i] != comma { i += 1 }
            }
            var ts = s, te = i
            while ts < te && (b[ts] == 0x20 || b[ts] == 0x09) { ts += 1 }
            while te > ts && (b[te - 1] == 0x20 || b[te - 1] == 0x09) { te -= 1 }
            if ts < te && (b[ts] >= 0x80 || b[te - 1] >= 0x80) { (ts, te) = unicodeTrimmed(b, ts, te) }
            try append(ts, te, to: &cells, path: path, line: line)
            if i == end { return }
            i += 1
        }
    }

    @inline(__always)
    static func append(_ start: Int, _ end: Int, to cells: inout [UInt64], path: String, line: Int) throws(DelimitedTableError) {
        guard end - start <= maximumCell else {
            throw DelimitedTableError(file: path, line: line, column: nil, message: "a field longer than 16 MiB")
        }
        cells.append(UInt64(start) << 24 | UInt64(end - start))
    }

    /// The first index of `byte` in `b[from..<to]`, or `to`.
    @inline(__always)
    static func find(_ byte: UInt8, in b: UnsafeMutableBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let p = memchr(b.baseAddress! + from, Int32(byte), to - from) else { return to }
        return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether `b[start..<end]` is all whitespace (`Character.isWhitespace`).
    static func isBlank(_ b: UnsafeMutableBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var ascii = true
        for k in start..<end {
            let c = b[k]
            if c >= 0x80 { ascii = false; break }
            if !(c == 0x20 || (c >= 0x09 && c <= 0x0D)) { return false }
        }
        if ascii { return true }
        return string(b, start, end).allSatisfy(\.isWhitespace)
    }

    /// `b[start..<end]` without leading and trailing Unicode spaces (`.whitespaces`), as a range.
    static func unicodeTrimmed(_ b: UnsafeMutableBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        let scalars = Array(string(b, start, end).unicodeScalars)
        var lo = 0, hi = scalars.count
        while lo < hi && CharacterSet.whitespaces.contains(scalars[lo]) { lo += 1 }
        while hi > lo && CharacterSet.whitespaces.contains(scalars[hi - 1]) { hi -= 1 }
        let lead = scalars[..<lo].reduce(0) { $0 + UTF8.width($1) }
        let trail = scalars[hi...].reduce(0) { $0 + UTF8.width($1) }
        return (start + lead, end - trail)
    }

    static func string(_ b: UnsafeMutableBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    static func string(_ b: UnsafeMutableBufferPointer<UInt8>, _ packed: UInt64) -> String {
        let s = Int(packed >> 24)
        return string(b, s, s + Int(packed & 0xFF_FFFF))
    }

    /// Throws "not UTF-8 text" unless `bytes` are valid UTF-8 (an ASCII file is checked 8 bytes at a time).
    static func requireUTF8(_ bytes: [UInt8], path: String) throws(DelimitedTableError) {
        let valid = bytes.withUnsafeBufferPointer { b -> Bool in
            var k = 0
            let n = b.count
            let raw = UnsafeRawBufferPointer(b)
            while k + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                k += 8
            }
            while k < n && b[k] < 0x80 { k += 1 }
            if k == n { return true }
            return String(validating: b, as: UTF8.self) != nil
        }
        guard valid else { throw DelimitedTableError(file: path, line: nil, column: nil, message: "not UTF-8 text") }
    }
}
