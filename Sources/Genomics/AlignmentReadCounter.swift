import CHTSlib
import Foundation
import OncoCore

/// A variant site to count reads at: contig as in the variant file, 1-based POS, normalised alleles.
public struct VariantSite: Hashable, Sendable {
    public var contig: String
    public var position: Int
    public var ref: String
    public var alt: String
    public init(contig: String, position: Int, ref: String, alt: String) {
        self.contig = contig
        self.position = position
        self.ref = ref
        self.alt = alt
    }
}

/// Read filters and thresholds, as `samtools mpileup` takes them.
public struct ReadCountOptions: Hashable, Sendable {
    /// `-Q`: bases below this quality are not counted (default 13, as mpileup).
    public var minBaseQuality: Int
    /// `-q`: reads below this mapping quality are skipped (default 0, as mpileup).
    public var minMappingQuality: Int
    /// `--ff`: reads with any of these flags are skipped (default UNMAP, SECONDARY, QCFAIL, DUP).
    public var excludeFlags: Int
    /// `-A`: count paired reads that are not properly paired (mpileup skips them by default).
    public var countOrphans: Bool
    /// `-x`: keep both mates where they overlap (by default mpileup zeroes one mate's base quality there).
    public var keepOverlappingMates: Bool
    /// `-d`: at most this many reads per position; 0 for no limit (mpileup's default is 8000).
    public var maxDepth: Int

    public init(minBaseQuality: Int = 13, minMappingQuality: Int = 0, excludeFlags: Int = Int(CHTS_DEFAULT_FLAG_FILTER),
                countOrphans: Bool = false, keepOverlappingMates: Bool = false, maxDepth: Int = 0) {
        self.minBaseQuality = minBaseQuality
        self.minMappingQuality = minMappingQuality
        self.excludeFlags = excludeFlags
        self.countOrphans = countOrphans
        self.keepOverlappingMates = keepOverlappingMates
        self.maxDepth = maxDepth
    }
}

/// Counts tumour reads supporting REF and ALT at variant sites in a BAM/CRAM (+ `.bai`/`.csi`/`.crai`).
///
/// The pileup is htslib's, driven as `samtools mpileup` 1.16 drives it (`bam_mplp` with overlap
/// detection, the same read filter), so for the same thresholds the counts equal what mpileup prints
/// (`samtools mpileup -B -Q BQ -q MQ`; BAQ is never applied):
/// - depth: reads at POS whose base there (for a deletion, the base htslib reports) passes `-Q`,
///   deletions and reference skips included: mpileup's 4th column;
/// - SNV: reads whose base equals REF, resp. ALT;
/// - insertion `A>ATG`: ALT = reads with exactly that insertion after POS (`+2TG`); REF = reads with
///   the REF base at POS and no indel after it;
/// - deletion `ATG>A`: ALT = reads with a deletion of that length after POS (`-2NN`); REF as above;
/// - MNP (`TG>CA`): reads whose bases over the whole span equal REF, resp. ALT, with no indel inside;
/// - other complex alleles are not counted (`nil`).
///
/// Sites are sorted and grouped into batches of nearby positions, each read with one index query and
/// one pileup (a random lookup costs ~1.7 ms at 60×, HTSLIB_NOTES.md).
public final class AlignmentReadCounter {
    public let path: String
    private let fp: UnsafeMutablePointer<htsFile>
    private let hdr: UnsafeMutablePointer<sam_hdr_t>
    private let idx: OpaquePointer
    private let names: [String]
    private let nameSet: Set<String>
    /// Sites further apart than this start a new batch (one index query each).
    public var batchGap = 1_000

    /// Opens the alignment file and its index. `referenceFasta` is needed for CRAM.
    public init(path: String, referenceFasta: String? = nil) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "no such alignment file")
        }
        guard let fp = hts_open(path, "r") else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "htslib cannot open the alignment file")
        }
        guard chts_is_sam_family(fp) != 0 else {
            hts_close(fp)
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "not a SAM/BAM/CRAM file")
        }
        if let referenceFasta { _ = hts_set_fai_filename(fp, referenceFasta) }
        guard let hdr = sam_hdr_read(fp) else {
            hts_close(fp)
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "no valid SAM header")
        }
        guard let idx = sam_index_load(fp, path) else {
            sam_hdr_destroy(hdr)
            hts_close(fp)
            throw VariantFileError(.indexMissing, path: path,
                                   problem: "the alignment file has no index (.bai, .csi or .crai); make one with `samtools index`")
        }
        self.fp = fp
        self.hdr = hdr
        self.idx = idx
        names = (0..<Int(sam_hdr_nref(hdr))).map { String(cString: sam_hdr_tid2name(hdr, Int32($0))) }
        nameSet = Set(names)
    }

    deinit {
        hts_idx_destroy(idx)
        sam_hdr_destroy(hdr)
        hts_close(fp)
    }

    /// Read support at each site, in the order given (`nil` for alleles that cannot be counted).
    /// - Throws: `VariantFileError` when a site's contig is not in the alignment header, or on a read error.
    /// - Complexity: one index query and one pileup per batch of nearby sites.
    public func count(_ sites: [VariantSite], options: ReadCountOptions = ReadCountOptions()) throws -> [ReadSupport?] {
        var result = [ReadSupport?](repeating: nil, count: sites.count)
        var tids = [Int32](repeating: -1, count: sites.count)
        for (i, s) in sites.enumerated() {
            guard let name = GenomicRegion.resolve(s.contig, in: nameSet) else {
                let list = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
                throw VariantFileError(.contigUnknown, path: path, location: .site("\(s.contig):\(s.position)"),
                                       problem: "contig \"\(s.contig)\" is not in the alignment header (contigs: \(list)); is the BAM on the same genome build?")
            }
            tids[i] = Int32(names.firstIndex(of: name)!)
        }
        let order = sites.indices.sorted { tids[$0] != tids[$1] ? tids[$0] < tids[$1] : sites[$0].position < sites[$1].position }
        var b = 0
        while b < order.count {
            var e = b + 1
            while e < order.count, tids[order[e]] == tids[order[b]],
                  sites[order[e]].position - sites[order[e - 1]].position <= batchGap { e += 1 }
            try countBatch(Array(order[b..<e]), sites: sites, tid: tids[order[b]], options: options, into: &result)
            b = e
        }
        return result
    }

    private func countBatch(_ batch: [Int], sites: [VariantSite], tid: Int32, options: ReadCountOptions,
                            into result: inout [ReadSupport?]) throws {
        let first = sites[batch.first!].position
        let last = batch.map { sites[$0].position + max(sites[$0].ref.utf8.count, 1) }.max()!
        guard let itr = sam_itr_queryi(idx, tid, hts_pos_t(first - 1), hts_pos_t(last)) else {
            throw VariantFileError(.alignmentUnreadable, path: path, location: .site("\(names[Int(tid)]):\(first)"),
                                   problem: "index query failed")
        }
        defer { hts_itr_destroy(itr) }
        // Sites by 0-based position, in batch order.
        var byPosition: [Int: [Int]] = [:]
        for i in batch { byPosition[sites[i].position - 1, default: []].append(i) }
        var tally = [Tally](repeating: Tally(), count: batch.count)
        var slot: [Int: Int] = [:]
        for (k, i) in batch.enumerated() { slot[i] = k }
        let lastSitePosition = batch.map { sites[$0].position - 1 }.max()!

        let source = UnsafeMutablePointer<chts_plp_source>.allocate(capacity: 1)
        defer { source.deallocate() }
        source.initialize(to: chts_plp_source(fp: fp, itr: itr, min_mq: Int32(options.minMappingQuality),
                                              flag_filter: Int32(options.excludeFlags),
                                              count_orphans: options.countOrphans ? 1 : 0, status: 0))
        guard let mplp = chts_mplp_init1(source) else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "cannot start a pileup")
        }
        defer { bam_mplp_destroy(mplp) }
        if !options.keepOverlappingMates { _ = bam_mplp_init_overlaps(mplp) }
        bam_mplp_set_maxcnt(mplp, options.maxDepth > 0 ? Int32(clamping: options.maxDepth) : Int32.max)

        var ptid: Int32 = 0, pos: hts_pos_t = 0, n: Int32 = 0
        var plp: UnsafePointer<bam_pileup1_t>? = nil
        while true {
            let r = chts_mplp_next1(mplp, &ptid, &pos, &n, &plp)
            if r < 0 || n < 0 {
                throw VariantFileError(.alignmentUnreadable, path: path, location: .site("\(names[Int(tid)]):\(pos + 1)"),
                                       problem: "read error in the alignment file (truncated or corrupt)")
            }
            if r == 0 { break }
            if ptid != tid || Int(pos) > lastSitePosition { break }
            guard let here = byPosition[Int(pos)], let entries = plp else { continue }
            for i in here {
                tally[slot[i]!] = Self.tally(entries, count: Int(n), site: sites[i], minBaseQuality: options.minBaseQuality)
            }
        }
        if source.pointee.status < -1 {
            throw VariantFileError(.alignmentUnreadable, path: path, location: .site("\(names[Int(tid)]):\(first)"),
                                   problem: "read error in the alignment file (truncated or corrupt)")
        }
        for (k, i) in batch.enumerated() {
            let t = tally[k]
            guard t.countable else { result[i] = nil; continue }
            let total = t.ref + t.alt
            result[i] = ReadSupport(refReads: t.ref, altReads: t.alt, depth: t.depth,
                                    vaf: total > 0 ? Double(t.alt) / Double(total) : nil, source: .bam)
        }
    }

    struct Tally {
        var ref = 0, alt = 0, depth = 0
        var countable = true
    }

    enum Kind { case snv, insertion, deletion, mnp, complex }

    static func kind(_ s: VariantSite) -> Kind {
        let r = s.ref.utf8.count, a = s.alt.utf8.count
        guard AlleleNormalisation.isPlainSequence(s.ref), AlleleNormalisation.isPlainSequence(s.alt) else { return .complex }
        if r == 1 && a == 1 { return .snv }
        let r0 = s.ref.utf8.first.map(AlleleNormalisation.upper), a0 = s.alt.utf8.first.map(AlleleNormalisation.upper)
        if r == 1 && a > 1 && r0 == a0 { return .insertion }
        if a == 1 && r > 1 && r0 == a0 { return .deletion }
        if r == a { return .mnp }
        return .complex
    }

    static func tally(_ entries: UnsafePointer<bam_pileup1_t>, count n: Int, site: VariantSite, minBaseQuality: Int) -> Tally {
        var t = Tally()
        let kind = Self.kind(site)
        if kind == .complex { t.countable = false }
        let ref = site.ref.utf8.map(AlleleNormalisation.upper)
        let alt = site.alt.utf8.map(AlleleNormalisation.upper)
        for k in 0..<n {
            let p = entries[k]
            guard let b = p.b else { continue }
            let qpos = Int(p.qpos)
            // mpileup: the quality at qpos decides, for deletions too (0 past the read's end).
            if Int(chts_bam_qual(b, Int32(qpos))) < minBaseQuality { continue }
            t.depth += 1
            if p.is_del != 0 || p.is_refskip != 0 { continue }
            let base = UInt8(bitPattern: chts_bam_base(b, Int32(qpos)))
            switch kind {
            case .snv:
                if base == ref[0] { t.ref += 1 } else if base == alt[0] { t.alt += 1 }
            case .insertion:
                let len = alt.count - 1
                if p.indel == 0 {
                    if base == ref[0] { t.ref += 1 }
                } else if Int(p.indel) == len, qpos + len < Int(b.pointee.core.l_qseq) {
                    var same = true
                    for j in 1...len where UInt8(bitPattern: chts_bam_base(b, Int32(qpos + j))) != alt[j] { same = false; break }
                    if same { t.alt += 1 }
                }
            case .deletion:
                if p.indel == 0 {
                    if base == ref[0] { t.ref += 1 }
                } else if Int(p.indel) == -(ref.count - 1) {
                    t.alt += 1
                }
            case .mnp:
                guard p.indel == 0, let bases = alignedBases(b, from: qpos, refStart: Int(b.pointee.core.pos),
                                                             at: site.position - 1, length: ref.count) else { continue }
                if bases == ref { t.ref += 1 } else if bases == alt { t.alt += 1 }
            case .complex:
                continue
            }
        }
        return t
    }

    /// The read's bases over reference positions `at ..< at+length` (0-based) when aligned without
    /// gaps there, starting from query position `qpos` at `at`.
    static func alignedBases(_ b: UnsafeMutablePointer<bam1_t>, from qpos: Int, refStart: Int, at: Int, length: Int) -> [UInt8]? {
        // Walk the CIGAR to find the block containing `at` and check it covers the whole span.
        let cigar = chts_bam_cigar(b)!
        var r = refStart, q = 0
        for i in 0..<Int(b.pointee.core.n_cigar) {
            let c = cigar[i]
            let op = chts_cigar_op(c), len = Int(chts_cigar_len(c))
            let type = chts_cigar_type(c)
            let consumesRef = type & 2 != 0, consumesQuery = type & 1 != 0
            if consumesRef && consumesQuery {
                if at >= r && at < r + len {
                    guard at + length <= r + len else { return nil }
                    let start = q + (at - r)
                    guard start == qpos else { return nil }
                    return (0..<length).map { UInt8(bitPattern: chts_bam_base(b, Int32(start + $0))) }
                }
            }
            _ = op
            if consumesRef { r += len }
            if consumesQuery { q += len }
        }
        return nil
    }
}
