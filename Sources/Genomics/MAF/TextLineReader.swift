import CHTSlib
import Foundation

/// Reads a plain or gzip/BGZF-compressed text file line by line, without loading it whole.
///
/// Uses htslib's BGZF layer (`bgzf_open` + `bgzf_getline`), which reads uncompressed files, BGZF and
/// ordinary gzip (sequentially) alike — the same reader `bcftools`/`tabix` use for text input.
/// One instance owns one handle and frees it in `deinit`; the line buffer is reused between calls.
public final class TextLineReader {
    private let handle: UnsafeMutablePointer<BGZF>
    private var buffer = kstring_t(l: 0, m: 0, s: nil)
    /// The file's name (last path component), for error messages.
    public let fileName: String
    /// 1-based number of the line last returned by `nextLine`.
    public private(set) var lineNumber = 0

    /// Opens `path` for reading.
    /// - Throws: `TextFileError.openFailed` when the file cannot be opened.
    public init(path: String) throws {
        fileName = URL(fileURLWithPath: path).lastPathComponent
        guard FileManager.default.isReadableFile(atPath: path), let h = bgzf_open(path, "r") else {
            throw TextFileError(code: .openFailed, file: URL(fileURLWithPath: path).lastPathComponent, line: 0, detail: path)
        }
        handle = h
    }

    deinit {
        free(buffer.s)
        bgzf_close(handle)
    }

    /// Calls `body` with the bytes of the next line (without `\n` or a trailing `\r`); returns false at end of file.
    /// The buffer is only valid inside `body`.
    /// - Throws: `TextFileError.readFailed` on a decompression or I/O error.
    public func withNextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        let n = bgzf_getline(handle, Int32(UInt8(ascii: "\n")), &buffer)
        if n == -1 { return nil }
        if n < -1 {
            throw TextFileError(code: .readFailed, file: fileName, line: lineNumber + 1, detail: "bgzf_getline returned \(n)")
        }
        lineNumber += 1
        var len = Int(buffer.l)
        guard let base = buffer.s else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try base.withMemoryRebound(to: UInt8.self, capacity: max(len, 1)) { p in
            if len > 0, p[len - 1] == UInt8(ascii: "\r") { len -= 1 }
            return try body(UnsafeBufferPointer(start: p, count: len))
        }
    }

    /// The whole (decompressed) file, lines joined by `\n`.
    /// - Throws: `TextFileError` when it cannot be opened or read.
    public static func bytes(path: String) throws -> [UInt8] {
        let reader = try TextLineReader(path: path)
        var out: [UInt8] = []
        while try reader.withNextLine({ (line: UnsafeBufferPointer<UInt8>) -> Bool in
            out.append(contentsOf: line)
            out.append(0x0A)
            return true
        }) != nil {}
        return out
    }

    /// The next line as a `String`, or nil at end of file.
    public func nextLine() throws -> String? {
        try withNextLine { String(decoding: $0, as: UTF8.self) }
    }
}

/// An error reading a text file: what, in which file, at which line.
public struct TextFileError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String { case openFailed, readFailed }
        fileprivate let base: Base
        public static let openFailed = Code(base: .openFailed)
        public static let readFailed = Code(base: .readFailed)
        public var description: String { base.rawValue }
    }
    public let code: Code
    /// The file's name (no directory).
    public let file: String
    public let line: Int
    let detail: String
    public var description: String {
        switch code.base {
        case .openFailed: return "\(file): cannot open file"
        case .readFailed: return "\(file):\(line): read error (corrupt or truncated compressed data?)"
        }
    }
    public var debugDescription: String { "TextFileError(\(code), \(file):\(line), \(detail))" }
}

/// Splits a tab-separated line into byte ranges without allocating strings.
struct TabFields {
    var starts: [Int] = []
    var ends: [Int] = []

    mutating func split(_ line: UnsafeBufferPointer<UInt8>) {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        let n = line.count
        var s = 0
        if let base = line.baseAddress {
            let raw = UnsafeRawPointer(base)
            while s < n, let p = memchr(raw + s, 9, n - s) {
                let i = raw.distance(to: UnsafeRawPointer(p))
                starts.append(s)
                ends.append(i)
                s = i + 1
            }
        }
        starts.append(s)
        ends.append(n)
    }

    var count: Int { starts.count }

    func bytes(_ i: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard i < starts.count, starts[i] < ends[i] else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: line[starts[i]..<ends[i]])
    }

    func string(_ i: Int, in line: UnsafeBufferPointer<UInt8>) -> String {
        guard i < starts.count, starts[i] < ends[i] else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: line[starts[i]..<ends[i]]), as: UTF8.self)
    }
}
