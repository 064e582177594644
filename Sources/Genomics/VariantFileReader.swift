import CHTSlib
import Foundation
import OncoCore

/// A streaming VCF/BCF reader (plain, gzip or BGZF-compressed), with region queries through a
/// `.tbi`/`.csi` index.
///
/// One `bcf1_t` is reused for every record (htslib `bcf_read`; `bcftools view` does the same).
/// `read(into:)` fills a caller-owned `VariantRecord`; INFO and FORMAT values of the current record
/// are read on demand through the accessors in `VariantFileReader+Fields.swift`.
///
/// ```swift
/// let reader = try VariantFileReader(path: "case.vcf.gz", region: "7:140453000-140454000")
/// var record = VariantRecord()
/// while try reader.read(into: &record) { … }
/// ```
///
/// Not `Sendable`: an htslib handle belongs to one thread. Open one reader per task (per region or
/// file) and hand out value types.
///
/// Region queries need an index for BGZF VCF and BCF (`tabix -p vcf`, `bcftools index`). An
/// uncompressed text VCF cannot be indexed, so there the region is applied while streaming.
/// Contig names are matched with or without `chr` on either side (`7` finds `chr7` and back).
///
/// Strict by default: a record htslib 1.16 would accept silently or change (empty or invalid REF/ALT,
/// a NUL byte, an INFO/FORMAT value that does not match its header Type or Number) is an error naming
/// the line (or record and site), the field and the value. With `malformed: .skip` such records are
/// skipped and counted in `skipped` instead; stream failures (truncation, I/O) are errors either way.
/// - Complexity: O(records read); a region query reads only the index bins that overlap it.
public final class VariantFileReader {
    /// What to decode of each record.
    public enum Decode: Sendable {
        /// CHROM…INFO only: sample columns are not parsed (fast for sites-only work).
        case sites
        /// Everything, FORMAT and samples included.
        case all
    }

    public let path: String
    public let header: VariantHeader
    public let isBCF: Bool
    /// 0 none, 1 gzip (not BGZF), 2 BGZF.
    let compression: Int32
    /// The region being read, resolved to the file's contig spelling.
    public internal(set) var region: GenomicRegion?

    let fp: UnsafeMutablePointer<htsFile>
    let hdr: UnsafeMutablePointer<bcf_hdr_t>
    let rec: UnsafeMutablePointer<bcf1_t>
    var source: Source = .sequential
    private var lineBuffer = kstring_t(l: 0, m: 0, s: nil)
    var contigCache: [String] = []
    private var filterCache: [Int32: String] = [:]
    /// Records read so far (skipped malformed records included: they are lines of the file).
    public private(set) var recordCount = 0
    /// What happens to a malformed record.
    public let malformed: MalformedRecordPolicy
    /// The malformed records skipped so far (`malformed == .skip`).
    public private(set) var skipped = SkippedRecords()
    /// INFO/FORMAT definitions looked up by the line check, kept across lines.
    let keyCache: UnsafeMutablePointer<chts_key_cache_t>
    /// A line read ahead by `streamBreaksAfterThisLine` (its status), handed out by the next read.
    private var pendingLine = kstring_t(l: 0, m: 0, s: nil)
    private var pendingStatus: Int32?
    private var unpackFlags: Int32
    var headerLineCount: Int?
    private var atEnd = false
    /// FORMAT/INFO keys of `formatSupport`, resolved once (again when htslib adds undeclared tags).
    var supportKeysCache: SupportKeys?
    /// The coordinate limit of the index a region read uses (nil: no index, or its limit unknown).
    var indexLimit: Int64?
    /// Buffers `formatSupport` reads FORMAT values into.
    let formatScratch = FormatScratch()

    enum Source {
        case sequential
        case tabix(OpaquePointer?, UnsafeMutablePointer<hts_itr_t>?)     // tbx_t*, iterator (nil: contig without records)
        case bcfIndex(OpaquePointer, UnsafeMutablePointer<hts_itr_t>?)   // hts_idx_t*, iterator
        case streamFilter(GenomicRegion)
    }

    /// Opens `path` and reads its header; with `region`, positions the reader on that region.
    /// - Throws: `VariantFileError` (open, header, truncation, index or contig problems).
    public init(path: String, region: String? = nil, decode: Decode = .all, malformed: MalformedRecordPolicy = .fail) throws {
        self.path = path
        self.malformed = malformed
        guard FileManager.default.isReadableFile(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw VariantFileError(.openFailed, path: path, problem: exists ? "file is not readable" : "no such file")
        }
        guard let fp = hts_open(path, "r") else {
            throw VariantFileError(.openFailed, path: path, problem: "htslib cannot open the file (not VCF/BCF, or unreadable)")
        }
        if chts_is_vcf(fp) == 0 && chts_is_bcf(fp) == 0 {
            let what = chts_is_sam_family(fp) != 0 ? "an alignment file (SAM/BAM/CRAM), not VCF/BCF" : "not a VCF or BCF file"
            hts_close(fp)
            throw VariantFileError(.unsupported, path: path, problem: what)
        }
        let compression = chts_compression(fp)
        if compression == 2, let bgzf = chts_bgzf(fp), bgzf_check_EOF(bgzf) == 0 {
            hts_close(fp)
            throw VariantFileError(.truncated, path: path,
                                   problem: "BGZF end-of-file block missing: the file is truncated")
        }
        guard let hdr = bcf_hdr_read(fp) else {
            defer { hts_close(fp) }
            if compression != 0 && chts_bgzf_errcode(fp) != 0 {
                throw VariantFileError(.truncated, path: path,
                                       problem: "the compressed data ends or breaks inside the header: the file is truncated or corrupt")
            }
            throw VariantFileError(.headerUnreadable, path: path,
                                   problem: "no valid VCF header (##fileformat and #CHROM lines expected)")
        }
        // Allocated only once nothing before full initialisation can throw: a throw from a partly
        // initialised class skips deinit, and a cache allocated earlier leaked on every file that
        // fails to open (LeakSanitizer, Fuzz/regressions/vcf).
        keyCache = .allocate(capacity: 1)
        keyCache.initialize(to: chts_key_cache_t())
        self.fp = fp
        self.hdr = hdr
        self.rec = bcf_init()
        self.isBCF = chts_is_bcf(fp) != 0
        self.compression = compression
        self.header = VariantHeader(hdr)
        self.unpackFlags = decode == .all ? CHTS_UN_ALL : CHTS_UN_SHR
        if decode == .sites { rec.pointee.max_unpack = CHTS_UN_SHR }
        refreshContigCache()
        if let region {
            let parsed: GenomicRegion
            do { parsed = try GenomicRegion(parsing: region) } catch {
                throw VariantFileError(.regionInvalid, path: path, problem: error.description)
            }
            try position(at: parsed)
        }
    }

    /// Whether htslib reads `path` as VCF or BCF (plain, gzip or BGZF): how the case-file readers tell a CNV
    /// or breakend VCF/BCF from a table without decoding the file as text.
    public static func isVariantFile(path: String) -> Bool {
        guard let fp = hts_open(path, "r") else { return false }
        defer { hts_close(fp) }
        return chts_is_vcf(fp) != 0 || chts_is_bcf(fp) != 0
    }

    deinit {
        switch source {
        case .tabix(let tbx, let itr):
            if let itr { hts_itr_destroy(itr) }
            if let tbx { tbx_destroy(UnsafeMutablePointer(tbx)) }
        case .bcfIndex(let idx, let itr):
            if let itr { hts_itr_destroy(itr) }
            hts_idx_destroy(idx)
        default:
            break
        }
        free(lineBuffer.s)
        free(pendingLine.s)
        keyCache.deallocate()
        bcf_destroy(rec)
        bcf_hdr_destroy(hdr)
        hts_close(fp)
    }

    // MARK: Reading

    /// Reads the next record into `record`. Returns `false` at the end of the file or region.
    /// - Throws: `VariantFileError` naming the line (text VCF read from the start) or record.
    public func read(into record: inout VariantRecord) throws -> Bool {
        guard try advance() else { return false }
        fill(&record)
        return true
    }

    /// Moves to the next record without copying its columns out (use the accessors). Returns `false`
    /// at the end.
    public func advance() throws -> Bool {
        if atEnd { return false }
        while true {
            let status: Int32
            var text: kstring_t?          // the text line, for a VCF (checked first: htslib is lenient)
            switch source {
            case .sequential where isBCF, .streamFilter where isBCF:
                status = bcf_read(fp, hdr, rec)
            case .sequential, .streamFilter, .tabix:
                guard try nextLine() else { atEnd = true; return false }
                recordCount += 1
                if let problem = try lineProblem(lineBuffer) { try reject(problem); continue }
                status = vcf_parse(&lineBuffer, hdr, rec)
                text = lineBuffer
            case .bcfIndex(_, let itr):
                guard let itr else { atEnd = true; return false }
                status = chts_bcf_itr_next(fp, itr, rec)
            }
            if status < 0 {
                if let text, text.l > 0 {
                    if chts_bgzf_errcode(fp) != 0 { recordCount -= 1; throw streamFailure() }
                    try reject(valueFailure(tokenised: text))
                    continue
                }
                if text != nil { recordCount -= 1 }
                if chts_bgzf_errcode(fp) != 0 { throw streamFailure() }
                if status == -1 { atEnd = true; return false }
                throw streamFailure()
            }
            if text == nil { recordCount += 1 }
            // htslib recovers from undeclared contigs and tags (it adds them to the header); other flags are fatal.
            if rec.pointee.errcode & ~(BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF) != 0 { try reject(recordErrcode()); continue }
            if bcf_unpack(rec, unpackFlags) < 0 {
                throw VariantFileError(.recordMalformed, path: path, location: location(site: "\(currentContig):\(currentPosition)"),
                                       problem: "htslib cannot decode the record")
            }
            if text == nil, let problem = allelesProblem() ?? samplesProblem() { try reject(problem); continue }
            // htslib (and VCF 4.3's Float) accept NaN and Inf; a quality score cannot be either.
            if chts_float_missing(rec.pointee.qual) == 0, !rec.pointee.qual.isFinite {
                try reject(VariantFileError(.recordMalformed, path: path, location: location(site: "\(currentContig):\(currentPosition)"),
                                            problem: "QUAL \"\(rec.pointee.qual)\" is not a finite number"))
                continue
            }
            if case .streamFilter(let region) = source {
                let contig = currentContig
                let len = Int(rec.pointee.rlen)
                if !region.overlaps(contig: contig, position: Int(rec.pointee.pos) + 1, length: len) { continue }
            }
            return true
        }
    }

    /// Throws `error` (strict), or counts the record as skipped (`malformed == .skip`); also for problems
    /// found by the readers built on this one (`SomaticVariantReader`: a non-finite allele fraction).
    func reject(_ error: VariantFileError) throws {
        guard malformed == .skip else { throw error }
        skipped.add(error)
    }

    /// Reads the next text line into `lineBuffer` (the line read ahead, if any, first). `false` at the end.
    private func nextLine() throws -> Bool {
        let r: Int32
        if let status = pendingStatus {
            pendingStatus = nil
            swap(&lineBuffer, &pendingLine)
            r = status
        } else if case .tabix(let tbx, let itr) = source {
            guard let tbx, let itr else { return false }
            r = chts_tbx_itr_next(fp, UnsafeMutablePointer(tbx), itr, &lineBuffer)
        } else {
            r = hts_getline(fp, Int32(UInt8(ascii: "\n")), &lineBuffer)
        }
        if r == -1 && chts_bgzf_errcode(fp) == 0 { return false }
        if r < 0 { throw streamFailure() }
        return true
    }

    /// The checks htslib 1.16 skips on a text line (`chts_vcf_line_check`): column count, POS, QUAL,
    /// REF, ALT, NUL bytes, INFO/FORMAT values against their header Type and Number. `nil` when the
    /// line is fine. `recordCount` counts the line.
    private func lineProblem(_ text: kstring_t) throws -> VariantFileError? {
        guard let s = text.s else { return nil }
        var c = chts_line_check_t()
        chts_vcf_line_check(s, text.l, hdr, keyCache, &c)
        let expected = header.samples.isEmpty ? 8 : 9 + header.samples.count
        let columnsOK = (Int(c.cols) == expected || (header.samples.isEmpty && c.cols == 9)) && c.pos_bad == 0 && c.qual_bad == 0
        if columnsOK && c.problem == Int32(CHTS_LINE_OK) { return nil }
        recordCount -= 1
        if streamBreaksAfterThisLine() { throw streamFailure() }
        recordCount += 1
        if columnsOK || c.problem == Int32(CHTS_LINE_NUL) { return lineError(c, text) }
        return parseFailure(text: lineText(text))
    }

    /// A compressed stream cut short hands out its last, partial line before failing: a line that does
    /// not parse is a truncation when the next read fails (error path only; plain gzip has no EOF
    /// block to check at open). The line read ahead is kept for the next read (`malformed == .skip`).
    private func streamBreaksAfterThisLine() -> Bool {
        guard compression != 0, !isBCF, pendingStatus == nil else { return false }
        let r: Int32
        switch source {
        case .tabix(let tbx, let itr):
            guard let tbx, let itr else { return false }
            r = chts_tbx_itr_next(fp, UnsafeMutablePointer(tbx), itr, &pendingLine)
        default:
            r = hts_getline(fp, Int32(UInt8(ascii: "\n")), &pendingLine)
        }
        if r < -1 || chts_bgzf_errcode(fp) != 0 { return true }
        pendingStatus = r
        return false
    }

    private func fill(_ record: inout VariantRecord) {
        let r = rec.pointee
        record.contig = currentContig
        record.position = Int(r.pos) + 1
        record.referenceLength = Int(r.rlen)
        record.recordNumber = recordCount
        record.quality = chts_float_missing(r.qual) != 0 ? nil : Double(r.qual)
        let d = r.d
        if let idp = d.id, !(idp[0] == 0x2E && idp[1] == 0) && idp[0] != 0 {
            record.id = String(cString: idp)
        } else {
            record.id = nil
        }
        let n = Int(r.n_allele)
        record.alts.removeAll(keepingCapacity: true)
        if n > 0, let alleles = d.allele {
            record.ref = String(cString: alleles[0]!)
            for i in 1..<max(n, 1) {
                guard let a = alleles[i] else { continue }
                if a[0] == 0x2E && a[1] == 0 { continue } // "." as ALT
                record.alts.append(String(cString: a))
            }
        } else {
            record.ref = ""
        }
        record.filters.removeAll(keepingCapacity: true)
        if d.n_flt > 0, let flt = d.flt {
            for i in 0..<Int(d.n_flt) { record.filters.append(filterName(flt[i])) }
        }
    }

    /// CHROM of the current record, spelled as in the file.
    public var currentContig: String { knownContig ?? "." }

    /// The current record's contig, nil when htslib could not enter it in the header (an invalid name
    /// such as `2,1` leaves `rid` pointing at no header entry: reading its name would trap).
    var knownContig: String? {
        let rid = Int(rec.pointee.rid)
        guard rid >= 0 else { return nil }
        if rid < contigCache.count { return contigCache[rid] }
        refreshContigCache()
        if rid < contigCache.count { return contigCache[rid] }
        guard rid < Int(hdr.pointee.n.1), let name = chts_record_contig(hdr, rec) else { return nil }
        return String(cString: name)
    }

    /// POS of the current record, 1-based.
    public var currentPosition: Int { Int(rec.pointee.pos) + 1 }

    private func refreshContigCache() {
        var n: Int32 = 0
        guard let names = bcf_hdr_seqnames(hdr, &n) else { contigCache = []; return }
        defer { free(names) }
        contigCache = (0..<Int(n)).map { names[$0].map { String(cString: $0) } ?? "." }
    }

    func filterName(_ id: Int32) -> String {
        if let s = filterCache[id] { return s }
        let s = String(cString: chts_hdr_id_name(hdr, id))
        filterCache[id] = s
        return s
    }
}
