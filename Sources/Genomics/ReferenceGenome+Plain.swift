import Foundation

/// An uncompressed FASTA read through its `.fai` directly: the file mapped into memory, a range of
/// bases copied line by line. htslib 1.16's `faidx_fetch_seq` reads a plain FASTA one character at a
/// time (`bgzf_getc` and `isgraph` per base), a tenth of `onco annotate`'s time; this gives the same
/// bases. Used only when the file is not gzip/BGZF and the `.fai` reads cleanly; a range whose bytes
/// are not all printable (a `.fai` that does not fit the file) is left to htslib.
final class PlainFasta {
    struct Entry {
        let length: Int
        let offset: Int
        let lineBases: Int
        let lineWidth: Int
    }

    private let base: UnsafeRawPointer
    private let size: Int
    private let entries: [String: Entry]

    /// `nil` when `path` is compressed, cannot be mapped, or its `.fai` has a line this reader does not take.
    init?(path: String) {
        guard let fai = try? String(contentsOfFile: path + ".fai", encoding: .utf8) else { return nil }
        var entries: [String: Entry] = [:]
        for line in fai.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5 || f.count == 6, let length = Int(f[1]), let offset = Int(f[2]), let lb = Int(f[3]), let lw = Int(f[4]),
                  length >= 0, offset >= 0, lb > 0, lw >= lb else { return nil }
            entries[String(f[0])] = Entry(length: length, offset: offset, lineBases: lb, lineWidth: lw)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 2 else { return nil }
        let size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        let magic = p.load(as: UInt16.self)
        if magic == 0x8B1F {  // gzip/BGZF: htslib's reader
            munmap(p, size)
            return nil
        }
        base = UnsafeRawPointer(p)
        self.size = size
        self.entries = entries
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// Whether the `.fai` lists `name`.
    func has(_ name: String) -> Bool { entries[name] != nil }

    /// Upper-case bases `start...end` (1-based, inclusive) of `name`; `.outside` past the contig's
    /// length, `.unreadable` when the bytes are not bases (leave it to htslib).
    enum Fetch { case bases([UInt8]), outside, unreadable }

    func bases(_ name: String, start: Int, end: Int) -> Fetch {
        guard let e = entries[name] else { return .unreadable }
        guard start >= 1, end >= start, end <= e.length else { return .outside }
        let n = end - start + 1
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: n) { buf, count in
            var i = start - 1, k = 0
            while k < n {
                let col = i % e.lineBases
                let off = e.offset + (i / e.lineBases) * e.lineWidth + col
                let take = min(e.lineBases - col, n - k)
                guard off + take <= size else { ok = false; break }
                for j in 0..<take {
                    let c = bytes[off + j]
                    if c <= 0x20 || c >= 0x7F { ok = false; break }
                    buf[k + j] = c >= 97 && c <= 122 ? c - 32 : c
                }
                if !ok { break }
                k += take
                i += take
            }
            count = ok ? n : 0
        }
        return ok ? .bases(out) : .unreadable
    }
}
