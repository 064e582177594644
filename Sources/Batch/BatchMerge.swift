#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import OncoCore

/// Joins shard outputs into one output in manifest order, checking that every case of the
/// manifest is there exactly once.
///
/// Only an index (case → file, offset, length) is held in memory; lines are copied with `pread`
/// into a temporary file beside the output, which is synced and renamed over the output, so the
/// output appears whole or not at all. Inputs are never modified; a shard output with a torn last
/// line is refused (re-run that shard with `--resume`).
public enum BatchMerge {
    /// What a merge found.
    public struct Report: Sendable, Hashable {
        public let cases: Int
        public let ok: Int
        public let failed: Int
        /// Manifest cases found in no input (their manifest lines).
        public let missing: [BatchCase]
        /// Cases found more than once: the case and every (file, line) it was found at.
        public let duplicates: [Duplicate]
        /// Lines whose case is not in the manifest: (file, line).
        public let unknown: [Location]

        public var isComplete: Bool { missing.isEmpty && duplicates.isEmpty && unknown.isEmpty }
    }

    public struct Location: Sendable, Hashable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public var description: String { "\(file):\(line)" }
    }

    public struct Duplicate: Sendable, Hashable {
        public let `case`: BatchCase
        public let locations: [Location]
    }

    /// Checks `inputs` against `manifest` and, if complete, writes the merged output to `output`
    /// (or standard output when nil).
    /// - Returns: the report; when it is not complete nothing is written.
    /// - Throws: `BatchOutputError` for unreadable inputs, torn or malformed lines, write failures.
    public static func merge(manifest: BatchManifest, inputs: [String], output: String?) throws -> Report {
        var byID: [String: Int] = [:]
        for c in manifest.cases { byID[c.id] = c.index }
        struct Found { var input: Int; var entry: BatchOutputScan.Entry }
        var found = [[Found]](repeating: [], count: manifest.cases.count)
        var unknown: [Location] = []
        for (k, path) in inputs.enumerated() {
            let scan = try BatchOutputScan.read(path: path, truncatePartialTail: false)
            if scan.partialTailBytes > 0 {
                throw BatchOutputError(.malformedLine, file: path, line: (scan.entries.last?.line ?? 0) + 1,
                                       "ends with a torn line (\(scan.partialTailBytes) bytes): finish that shard with --resume first")
            }
            for e in scan.entries {
                if let i = byID[e.record.caseID] {
                    found[i].append(Found(input: k, entry: e))
                } else {
                    unknown.append(Location(file: path, line: e.line))
                }
            }
        }
        var missing: [BatchCase] = []
        var duplicates: [Duplicate] = []
        var ok = 0, failed = 0
        for (i, f) in found.enumerated() {
            switch f.count {
            case 0: missing.append(manifest.cases[i])
            case 1: if f[0].entry.record.status == .ok { ok += 1 } else { failed += 1 }
            default:
                duplicates.append(Duplicate(case: manifest.cases[i],
                                            locations: f.map { Location(file: inputs[$0.input], line: $0.entry.line) }))
            }
        }
        let report = Report(cases: manifest.cases.count, ok: ok, failed: failed, missing: missing,
                            duplicates: duplicates, unknown: unknown)
        guard report.isComplete else { return report }

        // Copy lines in manifest order.
        var fds: [Int32] = []
        defer { for fd in fds { Glibc.close(fd) } }
        for path in inputs {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw BatchOutputError(.readFailed, file: path, "cannot open (\(String(cString: strerror(errno))))") }
            fds.append(fd)
        }
        let tmp: String?
        let writer: JSONLinesWriter
        if let output {
            if let problem = OutputFile.problem(writing: output) { throw BatchOutputError(.openFailed, file: output, "cannot write: \(problem)") }
            let t = output + ".merge-\(getpid()).tmp"
            writer = try JSONLinesWriter(path: t, existing: .overwrite, fsync: .atEnd)
            tmp = t
        } else {
            writer = JSONLinesWriter(fileDescriptor: 1, name: "standard output")
            tmp = nil
        }
        do {
            var buf = [UInt8]()
            for f in found {
                let e = f[0].entry
                buf.removeAll(keepingCapacity: true)
                buf.append(contentsOf: repeatElement(0, count: e.length))
                let n = buf.withUnsafeMutableBytes { pread(fds[f[0].input], $0.baseAddress!, e.length, off_t(e.offset)) }
                guard n == e.length, buf.last == 0x0A else {
                    throw BatchOutputError(.readFailed, file: inputs[f[0].input], line: e.line, "changed while merging")
                }
                try writer.append(buf)
            }
            try writer.close()
            if let tmp, let output {
                guard rename(tmp, output) == 0 else {
                    throw BatchOutputError(.writeFailed, file: output, "cannot rename the merged file into place (\(String(cString: strerror(errno))))")
                }
            }
        } catch {
            if let tmp { unlink(tmp) }
            throw error
        }
        return report
    }
}
