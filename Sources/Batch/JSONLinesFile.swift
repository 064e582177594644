#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import OncoCore

/// When a batch output is flushed to stable storage with `fsync(2)`.
///
/// Every line is written with one `write(2)` as soon as its case finishes, so a killed or crashed
/// *process* loses nothing that was written: the data is in the kernel's page cache. `fsync`
/// matters only for a crash of the *machine* (power loss, kernel panic), which can lose the lines
/// written since the last sync; `--resume` then re-runs those cases. The default syncs at most
/// once a second (and at the end), which bounds that loss to about a second of work at a cost of
/// one `fsync` a second.
public struct FsyncPolicy: Sendable, Hashable {
    /// Sync when this many lines were written since the last sync (nil: no line limit).
    public var lines: Int?
    /// Sync when this much time passed since the last sync (nil: no time limit).
    public var interval: Duration?

    public init(lines: Int?, interval: Duration?) {
        self.lines = lines
        self.interval = interval
    }

    /// Once a second and at the end.
    public static let `default` = FsyncPolicy(lines: nil, interval: .seconds(1))
    /// After every line (slow on most disks; for small, precious batches).
    public static let everyLine = FsyncPolicy(lines: 1, interval: nil)
    /// Only at the end.
    public static let atEnd = FsyncPolicy(lines: nil, interval: nil)
}

/// An I/O problem with a batch output or a shard output: which file, and why.
public struct BatchOutputError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case exists, openFailed, locked, writeFailed, readFailed, malformedLine, foreignCase
    }
    public let code: Code
    public let file: String
    /// 1-based line, for problems on one line.
    public let line: Int?
    public let message: String

    public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "output \(file)\(line.map { ", line \($0)" } ?? ""): \(message)"
    }
}

private func errnoText(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }

/// An append-only JSON Lines file that is never left with a torn line by its own writes.
///
/// Each line goes to the kernel in one `write(2)` on an `O_APPEND` descriptor (a short write, which
/// happens only on a full disk or a fatal signal, is continued or reported). The file is locked with
/// `flock(LOCK_EX)` so that two batches cannot append to the same output. Single owner: the
/// batch's consumer task; not `Sendable`.
public final class JSONLinesWriter {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let policy: FsyncPolicy
    private var unsyncedLines = 0
    private var lastSync = ContinuousClock.now
    private var closed = false

    /// How to treat an output that already exists.
    public enum Existing: Sendable {
        /// Fail if the file exists and is not empty.
        case refuse
        /// Append to it (after `BatchOutputScan` has removed a torn last line).
        case append
        /// Truncate it.
        case overwrite
    }

    /// Opens (creating if needed) `path` for appending lines.
    public init(path: String, existing: Existing, fsync policy: FsyncPolicy = .default) throws {
        var flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
        if existing == .overwrite { flags |= O_TRUNC }
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw BatchOutputError(.openFailed, file: path, "cannot write: \(OutputFile.reason(path, errno: errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw BatchOutputError(.locked, file: path, "another process is writing this output")
        }
        if existing == .refuse {
            var st = stat()
            if fstat(fd, &st) == 0, st.st_size > 0 {
                Glibc.close(fd)
                throw BatchOutputError(.exists, file: path, "exists and is not empty (use --resume to continue it, or --overwrite)")
            }
        }
        self.path = path
        self.fd = fd
        self.ownsDescriptor = true
        self.policy = policy
    }

    /// Wraps an already open descriptor (standard output); it is neither locked nor synced.
    public init(fileDescriptor: Int32, name: String) {
        self.path = name
        self.fd = fileDescriptor
        self.ownsDescriptor = false
        self.policy = .atEnd
    }

    deinit {
        if ownsDescriptor, !closed { Glibc.close(fd) }
    }

    /// Appends one complete line (the bytes must end with a newline) in one `write(2)`.
    public func append(_ line: [UInt8]) throws {
        precondition(line.last == 0x0A, "a batch line ends with a newline")
        try line.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BatchOutputError(.writeFailed, file: path, "write failed (\(errnoText()))")
                }
                offset += n
            }
        }
        unsyncedLines += 1
        if ownsDescriptor, shouldSync() { try sync() }
    }

    private func shouldSync() -> Bool {
        if let l = policy.lines, unsyncedLines >= l { return true }
        if let i = policy.interval, ContinuousClock.now - lastSync >= i { return true }
        return false
    }

    /// Flushes written lines to stable storage.
    public func sync() throws {
        guard ownsDescriptor else { return }
        if fsync(fd) != 0, errno != EINVAL {
            throw BatchOutputError(.writeFailed, file: path, "fsync failed (\(errnoText()))")
        }
        unsyncedLines = 0
        lastSync = .now
    }

    /// Syncs and closes the file.
    public func close() throws {
        guard !closed else { return }
        closed = true
        guard ownsDescriptor else { return }
        defer { Glibc.close(fd) }
        if fsync(fd) != 0, errno != EINVAL {
            throw BatchOutputError(.writeFailed, file: path, "fsync failed (\(errnoText()))")
        }
    }
}

/// Reading a batch output back: the records it holds, where each line is, and whether it ends
/// with a torn line.
public struct BatchOutputScan: Sendable {
    /// One complete line.
    public struct Entry: Sendable, Hashable {
        public let record: BatchLine.Record
        /// 1-based line number.
        public let line: Int
        /// Byte offset and length of the line, newline included.
        public let offset: Int
        public let length: Int
    }

    public let path: String
    public let entries: [Entry]
    /// Bytes after the last newline: a line torn by a kill during its write.
    public let partialTailBytes: Int

    /// Reads every complete line of `path`. With `truncatePartialTail`, a torn last line is cut
    /// off the file (`ftruncate`), so that appending continues on a line boundary; without, it is
    /// only reported in `partialTailBytes`.
    /// - Throws: `BatchOutputError.malformedLine` for a complete line that is not a batch line
    ///   (a torn line can only be the last one: lines are appended whole).
    public static func read(path: String, truncatePartialTail: Bool) throws -> BatchOutputScan {
        let fd = Glibc.open(path, (truncatePartialTail ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw BatchOutputError(.readFailed, file: path, "cannot open (\(errnoText()))") }
        defer { Glibc.close(fd) }
        var entries: [Entry] = []
        var pending: [UInt8] = []      // bytes of the current, unfinished line
        var pendingOffset = 0          // file offset of pending[0]
        var fileOffset = 0
        var lineNumber = 0
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BatchOutputError(.readFailed, file: path, "read failed (\(errnoText()))")
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == 0x0A {
                lineNumber += 1
                let lineOffset: Int
                if pending.isEmpty {
                    lineOffset = fileOffset + start
                    try chunk.withUnsafeBytes { buf in
                        let rec = try parse(UnsafeRawBufferPointer(rebasing: buf[start..<i]), path: path, line: lineNumber)
                        entries.append(Entry(record: rec, line: lineNumber, offset: lineOffset, length: i - start + 1))
                    }
                } else {
                    lineOffset = pendingOffset
                    pending.append(contentsOf: chunk[start..<i])
                    try pending.withUnsafeBytes { buf in
                        let rec = try parse(buf, path: path, line: lineNumber)
                        entries.append(Entry(record: rec, line: lineNumber, offset: lineOffset, length: pending.count + 1))
                    }
                    pending.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            if start < n {
                if pending.isEmpty { pendingOffset = fileOffset + start }
                pending.append(contentsOf: chunk[start..<n])
            }
            fileOffset += n
        }
        if truncatePartialTail, !pending.isEmpty {
            guard ftruncate(fd, off_t(pendingOffset)) == 0 else {
                throw BatchOutputError(.writeFailed, file: path, "cannot cut the torn last line (\(errnoText()))")
            }
            _ = fsync(fd)
        }
        return BatchOutputScan(path: path, entries: entries, partialTailBytes: pending.count)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, path: String, line: Int) throws -> BatchLine.Record {
        do {
            return try BatchLine.record(from: bytes)
        } catch {
            throw BatchOutputError(.malformedLine, file: path, line: line, "not a batch line (\(error))")
        }
    }
}
