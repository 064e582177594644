import CHTSlib
import Foundation

/// A reference FASTA opened through its `.fai` index (htslib `faidx`; bgzipped FASTA with `.gzi` works too).
///
/// Contig names are matched with or without `chr` (`GenomicRegion.spellings`). Not `Sendable`: one
/// per thread.
public final class ReferenceGenome {
    public let path: String
    private let fai: OpaquePointer
    private let names: Set<String>
    private var window: (contig: String, start: Int, bases: [UInt8])?
    /// The same file read without htslib when it is plain text (`PlainFasta`).
    private let plain: PlainFasta?

    /// Opens `path`, which must have a `.fai` beside it (`samtools faidx`); onco never writes one.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VariantFileError(.referenceUnreadable, path: path, problem: "no such reference FASTA")
        }
        guard FileManager.default.isReadableFile(atPath: path + ".fai") else {
            throw VariantFileError(.referenceUnreadable, path: path,
                                   problem: "reference FASTA has no .fai index (make one with `samtools faidx`)")
        }
        guard let f = fai_load3(path, nil, nil, 0) else {
            throw VariantFileError(.referenceUnreadable, path: path, problem: "htslib cannot load the FASTA index")
        }
        fai = f
        var n = Set<String>()
        for i in 0..<faidx_nseq(f) { if let s = faidx_iseq(f, i) { n.insert(String(cString: s)) } }
        names = n
        plain = PlainFasta(path: path)
    }

    deinit { fai_destroy(fai) }

    /// The contigs of the `.fai`, in its order, with their lengths.
    public func contigLengths() -> [(name: String, length: Int)] {
        (0..<faidx_nseq(fai)).compactMap { i -> (name: String, length: Int)? in
            guard let s = faidx_iseq(fai, i) else { return nil }
            return (String(cString: s), Int(faidx_seq_len(fai, s)))
        }
    }

    /// The length of contig `name` (the `.fai`'s spelling), `nil` when the FASTA has no such contig.
    public func length(of name: String) -> Int? {
        guard names.contains(name) else { return nil }
        let n = faidx_seq_len(fai, name)
        return n >= 0 ? Int(n) : nil
    }

    /// The FASTA's spelling of `contig`, or `nil` when it has none.
    public func resolve(_ contig: String) -> String? { GenomicRegion.resolve(contig, in: names) }

    /// Upper-case bases `start...end` (1-based, inclusive) of `contig`, or `nil` outside the contig.
    public func bases(contig: String, start: Int, end: Int) -> [UInt8]? {
        guard start >= 1, end >= start, let name = resolve(contig) else { return nil }
        if let w = window, w.contig == name, start >= w.start, end < w.start + w.bases.count {
            return Array(w.bases[(start - w.start)...(end - w.start)])
        }
        if let plain, plain.has(name) {
            switch plain.bases(name, start: start, end: end) {
            case .bases(let b): return b
            case .outside: return nil
            case .unreadable: break
            }
        }
        var len: hts_pos_t = 0
        guard let p = faidx_fetch_seq64(fai, name, hts_pos_t(start - 1), hts_pos_t(end - 1), &len), len >= 0 else { return nil }
        defer { free(p) }
        let n = Int(len)
        guard n == end - start + 1 else { return nil }
        return (0..<n).map { i in
            let c = UInt8(bitPattern: p[i])
            return c >= 97 && c <= 122 ? c - 32 : c
        }
    }

    /// Bases around a position, cached as one window per contig so that left-alignment walks
    /// without one faidx call per base.
    func base(contig: String, at position: Int) -> UInt8? {
        if let w = window, w.contig == resolve(contig) ?? contig, position >= w.start, position < w.start + w.bases.count {
            return w.bases[position - w.start]
        }
        guard let name = resolve(contig), position >= 1 else { return nil }
        let start = max(1, position - 4096)
        let end = position + 256
        var len: hts_pos_t = 0
        guard let p = faidx_fetch_seq64(fai, name, hts_pos_t(start - 1), hts_pos_t(end - 1), &len), len > 0 else { return nil }
        defer { free(p) }
        let bases = (0..<Int(len)).map { i -> UInt8 in
            let c = UInt8(bitPattern: p[i])
            return c >= 97 && c <= 122 ? c - 32 : c
        }
        window = (name, start, bases)
        guard position - start < bases.count else { return nil }
        return bases[position - start]
    }
}
