import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checking an index file's checksums once per file rather than on every open.
///
/// Verifying reads every byte of the file (the rows' checksum is one pass over them: ~0.2 s and
/// 387 MB of page faults at 1M patients, on every one-shot `onco recommend` or `onco similar`). After a
/// file has been verified, a small record beside it (`<index>.verified`) names the file as it was
/// then: device, inode, size, modification and status-change times (nanoseconds) and the header's
/// checksum. A later open whose file still matches that record skips the checksum pass; any rewrite
/// (the writer renames a new file into place: a new inode), copy over it, truncation or in-place edit
/// changes the record's fields, and the file is verified again. Structural checks (header, section
/// bounds, vocabulary, tumour types, keys, live count) run on every open either way.
///
/// Times have the file system's granularity (a few milliseconds on ext4): an in-place edit within that
/// long of the file's last write keeps them, though not the inode. The record is best effort: a folder
/// that cannot be written just means verifying on every open.
public enum IndexVerificationRecord {
    /// The record's path for an index file.
    public static func path(for index: String) -> String { index + ".verified" }

    /// What the record holds for the file as it is now (nil when it cannot be read).
    public static func identity(of path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 4096 else { return nil }
        var header = [UInt8](repeating: 0, count: 256)
        guard pread(fd, &header, 256, 0) == 256 else { return nil }
        // The header checksum sits after the section table (version 1: 6 sections, else 8).
        let version = UInt32(header[8]) | UInt32(header[9]) << 8 | UInt32(header[10]) << 16 | UInt32(header[11]) << 24
        let at = IndexFileFormat.checksumOffset(sections: IndexFileFormat.sectionCount(version: version))
        var checksum: UInt64 = 0
        for i in 0..<8 { checksum |= UInt64(header[at + i]) << UInt64(8 * i) }
        #if canImport(Darwin)
        let (m, c) = (st.st_mtimespec, st.st_ctimespec)
        #else
        let (m, c) = (st.st_mtim, st.st_ctim)
        #endif
        return "onco-simidx-verified 1 dev \(st.st_dev) ino \(st.st_ino) size \(st.st_size)"
            + " mtime \(m.tv_sec).\(m.tv_nsec) ctime \(c.tv_sec).\(c.tv_nsec) header \(String(checksum, radix: 16))\n"
    }

    /// True when the index file at `path` is the one a recorded verification checked.
    public static func isRecorded(for path: String) -> Bool {
        guard let now = identity(of: path),
              let data = FileManager.default.contents(atPath: self.path(for: path)) else { return false }
        return String(decoding: data, as: UTF8.self) == now
    }

    /// Records that the index file at `path`, as it is now, passed verification (best effort: a
    /// temporary file in the same folder renamed into place; failures are ignored).
    /// `before`: the file's identity taken before it was verified; nothing is recorded when the file
    /// changed meanwhile.
    public static func record(for path: String, before: String?) {
        guard let now = identity(of: path), now == before else { return }
        let target = self.path(for: path)
        let tmp = target + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(now.utf8)) else { return }
        if rename(tmp, target) != 0 { unlink(tmp) }
    }

    /// Removes the record (a file that failed verification, or one about to be replaced).
    public static func remove(for path: String) {
        unlink(self.path(for: path))
    }
}

extension SimilarityIndex {
    /// Opens an index file, verifying its checksums unless a verification of this very file was
    /// recorded (`IndexVerificationRecord`); records a successful verification.
    public init(contentsOfRecordedFile url: URL) throws {
        let path = url.path
        if IndexVerificationRecord.isRecorded(for: path) {
            try self.init(contentsOf: url, verify: false)
        } else {
            let before = IndexVerificationRecord.identity(of: path)
            do {
                try self.init(contentsOf: url, verify: true)
            } catch {
                IndexVerificationRecord.remove(for: path)
                throw error
            }
            IndexVerificationRecord.record(for: path, before: before)
        }
    }
}
