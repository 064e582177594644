import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file an onco command writes whole (a report, a plot, an export): written to a temporary file
/// beside the target and renamed over it, so the target is either untouched or complete, never half
/// written, and nothing is left behind on failure. Errors say why in words ("the folder out/ does not
/// exist"), not as a Foundation `NSError`.
public enum OutputFile {
    /// Writes `data` to `path` atomically. A target that exists and is not a regular file (a FIFO,
    /// `/dev/stdout`) is written in place, since renaming over it would replace the device.
    /// - Throws: `OutputFileError` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw OutputFileError(path: path, reason: "it is a directory") }
            if (st.st_mode & S_IFMT) != S_IFREG { return try writeInPlace(data, to: path) }
        }
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputFileError(path: path, reason: reason(path, errno: errno)) }
        do {
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw OutputFileError(path: path, reason: reason(path, errno: errno)) }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw OutputFileError(path: path, reason: reason(path, errno: e))
        }
    }

    /// Why `path` cannot be written, or nil when it can be (its folder exists and is writable, and it is
    /// not a directory): for writers that stream, to fail before any work.
    public static func problem(writing path: String) -> String? {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        let folder = folderOf(path)
        guard stat(folder, &st) == 0 else { return reason(path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return "\(display(folder)) is not a folder" }
        guard access(folder, W_OK) == 0 else { return reason(path, errno: errno) }
        return nil
    }

    /// A sentence for `err` (an `errno` from creating, writing or renaming `path`).
    public static func reason(_ path: String, errno err: Int32) -> String {
        let folder = folderOf(path)
        var st = stat()
        switch err {
        case EISDIR:
            return "it is a directory"
        case ENOENT, ENOTDIR:
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
            guard stat(folder, &st) == 0 else { return "the folder \(display(folder)) does not exist" }
            if (st.st_mode & S_IFMT) != S_IFDIR { return "\(display(folder)) is not a folder" }
            return "no such file or directory"
        case EACCES, EPERM:
            return "permission denied (this user may not write in the folder \(display(folder)))"
        case EROFS:
            return "the folder \(display(folder)) is on a read-only file system"
        case ENOSPC:
            return "the disk is full"
        case EDQUOT:
            return "the disk quota is exhausted"
        default:
            return String(cString: strerror(err))
        }
    }

    static func folderOf(_ path: String) -> String {
        let f = (path as NSString).deletingLastPathComponent
        return f.isEmpty ? "." : f
    }

    /// A folder as the user would write it: `out/`.
    static func display(_ folder: String) -> String { folder.hasSuffix("/") ? folder : folder + "/" }

    private static func writeInPlace(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw OutputFileError(path: path, reason: reason(path, errno: errno)) }
        defer { close(fd) }
        try writeAll(data, to: fd, path: path)
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputFileError(path: path, reason: reason(path, errno: errno))
                }
                offset += n
            }
        }
    }
}

/// A file could not be written: which, and why. `path` is the one the user gave.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "cannot write \(path): \(reason)" }
}

/// `write(2)`, out of reach of `OutputFile.write`'s name.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
