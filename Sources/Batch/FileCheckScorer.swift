#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CHTSlib
import Foundation
import OncoCore

/// A scorer that checks each case's inputs and reports what it found, without interpreting a
/// single variant: the honest stand-in while the recommendation is not there, and a cheap
/// pre-flight for a new manifest (`onco batch --scorer file-check`).
///
/// Per case, in order (the first failure ends the case with its `CaseError.Code`):
/// 1. the tumour type is syntactically an OncoTree code (`tumor_type_invalid`) and, when a list of
///    known codes was given, one of them (`tumor_type_unknown`);
/// 2. the VCF exists (`vcf_missing`), is a readable regular file that htslib recognises as VCF or
///    BCF (`vcf_unreadable`), and its header parses (`vcf_malformed`);
/// 3. the manifest's `sample` is a sample column of the header (`sample_not_found`);
/// 4. every record is read with `bcf_read` and unpacked with `bcf_unpack(BCF_UN_ALL)` (htslib's
///    full parse, as `bcftools view` does before writing). A record fails the case
///    (`vcf_malformed`) if `bcf_read` returns < -1, if htslib flags it with `BCF_ERR_NCOLS`,
///    `_LIMITS`, `_CHAR`, `_CTG_INVALID` or `_TAG_INVALID`, or if its sample-column count differs
///    from the header's (bcftools' "Broken VCF record" check). Undefined contigs and tags
///    (`BCF_ERR_CTG_UNDEF`, `_TAG_UNDEF`), which htslib adds to the header and real-world files
///    often have, are counted as warnings, not failures;
/// 5. the compressed stream is whole: no BGZF/zlib error after the last record and, for BGZF, the
///    end-of-file marker is present (`bgzf_check_EOF`; a file cut at a block boundary lacks it)
///    (`vcf_truncated`);
/// 6. the BAM, if given, opens as SAM/BAM/CRAM and its header reads (`bam_unreadable`); its reads
///    are not scanned.
///
/// The payload (`"scorer":"file-check"` is added by the engine):
/// `{"tumor_type":"LUAD","vcf":{"format":"VCF","compression":"bgzf","records":1234,"samples":2,
///   "sample_index":0,"build":"GRCh38","annotation":"CSQ","index":"tbi","warnings":{...}},"bam":{...}}`.
/// Sample names are not echoed (they may be identifiers).
public struct FileCheckScorer: CaseScorer {
    public let name = "file-check"
    /// Known tumour-type codes (upper case); nil checks syntax only.
    public let knownTumorTypes: Set<String>?

    /// Turns htslib's own messages on stderr off (they name file paths) or back on (errors only).
    /// The CLI and benchmarks call this once; the scorer reports problems through `CaseError`.
    public static func setHTSlibMessages(enabled: Bool) {
        hts_set_log_level(enabled ? HTS_LOG_ERROR : HTS_LOG_OFF)
    }

    public init(knownTumorTypes: Set<String>? = nil) {
        self.knownTumorTypes = knownTumorTypes.map { Set($0.map { $0.uppercased() }) }
    }

    /// Reads tumour-type codes: the `code` column of a TSV with a header (OncoTree's flattened
    /// tree), or else the first column of every non-comment line.
    public static func loadTumorTypes(path: String) throws -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(.unreadable, file: path, line: nil, field: nil, "cannot be read as UTF-8 text")
        }
        var lines = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        var column = 0
        if let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map({ $0.lowercased() }),
           let i = header.firstIndex(of: "code") {
            column = i
            lines.removeFirst()
        }
        var codes: Set<String> = []
        for l in lines {
            let f = l.split(separator: "\t", omittingEmptySubsequences: false)
            if column < f.count, !f[column].isEmpty { codes.insert(f[column].uppercased()) }
        }
        guard !codes.isEmpty else { throw ManifestError(.malformed, file: path, line: nil, field: "code", "no tumour-type codes") }
        return codes
    }

    public func score(_ c: BatchCase) async throws -> ScoredCase {
        var timings: [StageTiming] = []
        let code = try c.oncoTreeCode()
        if let known = knownTumorTypes, !known.contains(code.rawValue) {
            throw CaseError(.tumorTypeUnknown, "\(where: c), field tumor_type: not in the tumour-type list in use")
        }
        var payload: JSONObject = ["tumor_type": .string(code.rawValue)]
        payload["vcf"] = .object(try StageTiming.measure("vcf", into: &timings) { try Self.checkVCF(c) })
        if let bam = c.bam {
            payload["bam"] = .object(try StageTiming.measure("bam", into: &timings) { try Self.checkBAM(bam, c) })
        }
        return ScoredCase(payload: payload, timings: timings)
    }

    // MARK: - VCF

    static func checkFile(_ path: String, field: String, _ c: BatchCase, missing: CaseError.Code, unreadable: CaseError.Code) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR {
                throw CaseError(missing, "\(where: c), field \(field): file does not exist")
            }
            throw CaseError(unreadable, "\(where: c), field \(field): cannot stat (\(String(cString: strerror(e))))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CaseError(unreadable, "\(where: c), field \(field): not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw CaseError(unreadable, "\(where: c), field \(field): not readable (\(String(cString: strerror(errno))))")
        }
    }

    static func checkVCF(_ c: BatchCase) throws -> JSONObject {
        try checkFile(c.vcf, field: "vcf", c, missing: .vcfMissing, unreadable: .vcfUnreadable)
        guard let fp = hts_open(c.vcf, "r") else {
            throw CaseError(.vcfUnreadable, "\(where: c), field vcf: htslib cannot open the file")
        }
        defer { hts_close(fp) }
        let fmt = hts_get_format(fp)!.pointee
        guard fmt.format == vcf || fmt.format == bcf else {
            throw CaseError(.vcfUnreadable, "\(where: c), field vcf: not a VCF or BCF (htslib detects \(String(cString: hts_format_description(hts_get_format(fp)))))")
        }
        let compression: String = switch fmt.compression {
        case bgzf: "bgzf"
        case gzip: "gzip"
        case no_compression: "none"
        default: "other"
        }
        guard let hdr = bcf_hdr_read(fp) else {
            if fmt.compression == bgzf || fmt.compression == gzip, let b = fp.pointee.fp.bgzf, b.pointee.errcode != 0 {
                throw CaseError(.vcfTruncated, "\(where: c), field vcf: compressed stream damaged in the header (\(bgzfErrors(Int32(b.pointee.errcode))))")
            }
            throw CaseError(.vcfMalformed, "\(where: c), field vcf: the header cannot be parsed")
        }
        defer { bcf_hdr_destroy(hdr) }
        let nSamples = Int(chts_nsamples(hdr))
        var sampleIndex: Int? = nil
        if let s = c.sample {
            let i = bcf_hdr_id2int(hdr, BCF_DT_SAMPLE, s)
            guard i >= 0 else {
                throw CaseError(.sampleNotFound, "\(where: c), field sample: not a sample of the VCF (it has \(nSamples) sample column\(nSamples == 1 ? "" : "s"))")
            }
            sampleIndex = Int(i)
        } else if nSamples == 1 {
            sampleIndex = 0
        }

        // Header facts: build from contig lengths, annotation present.
        var contigLengths: [String: Int] = [:]
        let nContigs = Int(hdr.pointee.n.1)  // BCF_DT_CTG
        if let ids = hdr.pointee.id.1 {
            for k in 0..<nContigs {
                let pair = ids[k]
                guard let key = pair.key, let val = pair.val else { continue }
                let len = Int(val.pointee.info.0)
                if len > 0 { contigLengths[String(cString: key)] = len }
            }
        }
        let build = GenomeBuild.detect(contigLengths: contigLengths)
        var annotation: JSONValue = .null
        for tag in ["CSQ", "ANN", "BCSQ"] {
            // bcf_hdr_idinfo_exists(hdr, BCF_HL_INFO, id), a macro: the INFO type nibble is not 0xf.
            let id = Int(bcf_hdr_id2int(hdr, BCF_DT_ID, tag))
            guard id >= 0, let ids = hdr.pointee.id.0, let val = ids[id].val else { continue }
            if (val.pointee.info.1 >> 4) & 0xf != 0xf { annotation = .string(tag); break }
        }

        // Read every record.
        guard let rec = bcf_init() else { throw CaseError(.other, "out of memory") }
        defer { bcf_destroy(rec) }
        var records = 0
        var contigUndefined = 0, tagUndefined = 0
        let fatal = Int32(BCF_ERR_NCOLS | BCF_ERR_LIMITS | BCF_ERR_CHAR | BCF_ERR_CTG_INVALID | BCF_ERR_TAG_INVALID)
        // A damaged compressed stream also shows up as a malformed (torn) last record: whenever a record
        // fails, ask the stream first, so that truncation is reported as such.
        func streamDamage() -> CaseError? {
            guard fmt.compression == bgzf || fmt.compression == gzip, let b = fp.pointee.fp.bgzf else { return nil }
            if b.pointee.errcode != 0 {
                return CaseError(.vcfTruncated, "\(where: c), field vcf: compressed stream truncated or damaged after record \(records) (\(bgzfErrors(Int32(b.pointee.errcode))))")
            }
            if fmt.compression == bgzf, bgzf_check_EOF(b) == 0 {
                return CaseError(.vcfTruncated, "\(where: c), field vcf: no BGZF end-of-file marker after record \(records) (file cut short)")
            }
            return nil
        }
        func malformed(_ record: Int, _ what: String) -> CaseError {
            streamDamage() ?? CaseError(.vcfMalformed, "\(where: c), field vcf: record \(record) \(what)")
        }
        var ret: Int32 = 0
        while true {
            ret = bcf_read(fp, hdr, rec)
            if ret != 0 { break }
            records += 1
            let err = rec.pointee.errcode
            if err & fatal != 0 { throw malformed(records, "is malformed (\(recordErrors(err)))") }
            if err & Int32(BCF_ERR_CTG_UNDEF) != 0 { contigUndefined += 1 }
            if err & Int32(BCF_ERR_TAG_UNDEF) != 0 { tagUndefined += 1 }
            if bcf_unpack(rec, Int32(BCF_UN_STR | BCF_UN_FLT | BCF_UN_INFO | BCF_UN_FMT)) != 0 {  // BCF_UN_ALL
                throw malformed(records, "cannot be unpacked")
            }
            let n = Int(rec.pointee.n_sample)
            if n != nSamples { throw malformed(records, "has \(n) sample columns, the header \(nSamples)") }
        }
        if ret < -1 {
            let err = rec.pointee.errcode
            throw malformed(records + 1, "is malformed (\(err != 0 ? recordErrors(err) : "bcf_read status \(ret)"))")
        }
        if let damage = streamDamage() { throw damage }

        var index: JSONValue = .null
        for (suffix, kind) in [(".tbi", "tbi"), (".csi", "csi")] where access(c.vcf + suffix, R_OK) == 0 {
            index = .string(kind)
            break
        }
        var o: JSONObject = [
            "format": .string(fmt.format == bcf ? "BCF" : "VCF"),
            "compression": .string(compression),
            "records": .int(records),
            "samples": .int(nSamples),
            "sample_index": sampleIndex.map { .int($0) } ?? .null,
            "build": .string(build.rawValue),
            "annotation": annotation,
            "index": index,
        ]
        if contigUndefined + tagUndefined > 0 {
            o["warnings"] = .object([
                "records_with_undefined_contig": .int(contigUndefined),
                "records_with_undefined_tag": .int(tagUndefined),
            ])
        }
        return o
    }

    static func recordErrors(_ e: Int32) -> String {
        var parts: [String] = []
        if e & Int32(BCF_ERR_CTG_UNDEF) != 0 { parts.append("contig not in the header") }
        if e & Int32(BCF_ERR_TAG_UNDEF) != 0 { parts.append("tag not in the header") }
        if e & Int32(BCF_ERR_NCOLS) != 0 { parts.append("wrong number of columns") }
        if e & Int32(BCF_ERR_LIMITS) != 0 { parts.append("value beyond htslib limits") }
        if e & Int32(BCF_ERR_CHAR) != 0 { parts.append("invalid character") }
        if e & Int32(BCF_ERR_CTG_INVALID) != 0 { parts.append("invalid contig name") }
        if e & Int32(BCF_ERR_TAG_INVALID) != 0 { parts.append("invalid tag") }
        return parts.isEmpty ? "htslib error \(e)" : parts.joined(separator: ", ")
    }

    static func bgzfErrors(_ e: Int32) -> String {
        var parts: [String] = []
        if e & BGZF_ERR_ZLIB != 0 { parts.append("zlib error") }
        if e & BGZF_ERR_HEADER != 0 { parts.append("bad block header") }
        if e & BGZF_ERR_IO != 0 { parts.append("unexpected end of file") }
        if e & BGZF_ERR_MISUSE != 0 { parts.append("misuse") }
        if e & BGZF_ERR_CRC != 0 { parts.append("CRC mismatch") }
        return parts.isEmpty ? "BGZF error \(e)" : parts.joined(separator: ", ")
    }

    // MARK: - BAM

    static func checkBAM(_ path: String, _ c: BatchCase) throws -> JSONObject {
        try checkFile(path, field: "bam", c, missing: .bamUnreadable, unreadable: .bamUnreadable)
        guard let fp = hts_open(path, "r") else {
            throw CaseError(.bamUnreadable, "\(where: c), field bam: htslib cannot open the file")
        }
        defer { hts_close(fp) }
        let fmt = hts_get_format(fp)!.pointee
        guard fmt.format == sam || fmt.format == bam || fmt.format == cram else {
            throw CaseError(.bamUnreadable, "\(where: c), field bam: not SAM/BAM/CRAM (htslib detects \(String(cString: hts_format_description(hts_get_format(fp)))))")
        }
        guard let h = sam_hdr_read(fp) else {
            throw CaseError(.bamUnreadable, "\(where: c), field bam: the header cannot be read")
        }
        defer { sam_hdr_destroy(h) }
        let format = fmt.format == bam ? "BAM" : fmt.format == cram ? "CRAM" : "SAM"
        return ["format": .string(format), "references": .int(Int(sam_hdr_nref(h)))]
    }
}

extension DefaultStringInterpolation {
    /// "manifest line N" for a TSV case, "folder case" for a case from a folder of VCFs.
    mutating func appendInterpolation(where c: BatchCase) {
        appendLiteral(c.line > 0 ? "manifest line \(c.line)" : "folder case \(c.index + 1)")
    }
}
