import CHTSlib
import Foundation
import OncoCore

/// What a full, strict read of a variant file found (`VariantFiles.check`): the pre-flight of
/// `onco batch --scorer file-check`. Sample names are not kept (they may be identifiers).
public struct VariantFileCheck: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable { case vcf = "VCF", bcf = "BCF" }
    public enum Compression: String, Sendable, Hashable { case none, gzip, bgzf }

    public var format: Format
    public var compression: Compression
    /// Records read (skipped malformed records included: they are lines of the file).
    public var records: Int
    /// Sample columns declared by the header.
    public var samples: Int
    /// The requested sample's column, else 0 for a single-sample file, else `nil`.
    public var sampleIndex: Int?
    /// The build detected from the header (`GenomeBuild.detect(header:)`).
    public var build: GenomeBuild
    /// The first declared annotation INFO tag of `CSQ`, `ANN`, `BCSQ`, if any.
    public var annotation: String?
    /// `tbi` or `csi` when `path.tbi` / `path.csi` is readable.
    public var index: String?
    /// Records whose contig, resp. an INFO/FORMAT tag, the header does not declare (htslib adds them
    /// and real-world files often have them: a warning, not a failure).
    public var recordsWithUndefinedContig: Int
    public var recordsWithUndefinedTag: Int
    /// Malformed records skipped (`malformed: .skip`).
    public var skipped: SkippedRecords
}

/// What `VariantFiles.checkAlignment` found: the container and the number of reference sequences.
public struct AlignmentFileCheck: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable { case sam = "SAM", bam = "BAM", cram = "CRAM" }
    public var format: Format
    public var references: Int
}

extension VariantFiles {
    /// Reads every record of `path` with `VariantFileReader` (strict: the same record checks as
    /// `onco variants`, FORMAT and samples decoded) and reports what the file is, without
    /// interpreting a variant. A BCF record whose sample count differs from the header's is malformed
    /// (bcftools' "Broken VCF record" check); a BGZF file without its end-of-file block is truncated.
    /// - Parameters:
    ///   - sample: a sample column that must exist (`VariantFileError.Code.sampleUnknown`, the name not echoed).
    ///   - malformed: `.skip` counts malformed records in `skipped` instead of failing.
    /// - Throws: `VariantFileError` (`openFailed`, `unsupported`, `headerUnreadable`, `recordMalformed`,
    ///   `truncated`, `readFailed`, `sampleUnknown`).
    /// - Complexity: O(records); memory flat.
    public static func check(path: String, sample: String? = nil, malformed: MalformedRecordPolicy = .fail) throws -> VariantFileCheck {
        let reader = try VariantFileReader(path: path, decode: .all, malformed: malformed)
        let header = reader.header
        let n = header.samples.count
        var sampleIndex: Int? = n == 1 ? 0 : nil
        if let sample {
            guard let i = header.samples.firstIndex(of: sample) else {
                throw VariantFileError(.sampleUnknown, path: path,
                                       problem: "not a sample of the VCF (it has \(n) sample column\(n == 1 ? "" : "s"))")
            }
            sampleIndex = i
        }
        var contigUndefined = 0, tagUndefined = 0
        while try reader.advance() {
            let err = reader.rec.pointee.errcode
            if err & BCF_ERR_CTG_UNDEF != 0 { contigUndefined += 1 }
            if err & BCF_ERR_TAG_UNDEF != 0 { tagUndefined += 1 }
        }
        let index = [("tbi", ".tbi"), ("csi", ".csi")].first { FileManager.default.isReadableFile(atPath: path + $0.1) }?.0
        return VariantFileCheck(
            format: reader.isBCF ? .bcf : .vcf,
            compression: reader.compression == 2 ? .bgzf : reader.compression == 1 ? .gzip : .none,
            records: reader.recordCount, samples: n, sampleIndex: sampleIndex, build: header.build,
            annotation: ["CSQ", "ANN", "BCSQ"].first { header.info[$0] != nil },
            index: index, recordsWithUndefinedContig: contigUndefined, recordsWithUndefinedTag: tagUndefined,
            skipped: reader.skipped)
    }

    /// Opens `path` as SAM/BAM/CRAM and reads its header; the reads are not scanned and no index is needed.
    /// - Throws: `VariantFileError.Code.alignmentUnreadable`.
    public static func checkAlignment(path: String) throws -> AlignmentFileCheck {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "no such alignment file, or not readable")
        }
        guard let fp = hts_open(path, "r") else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "htslib cannot open the file")
        }
        defer { hts_close(fp) }
        let format: AlignmentFileCheck.Format
        switch hts_get_format(fp)!.pointee.format {
        case bam: format = .bam
        case cram: format = .cram
        case sam: format = .sam
        default:
            throw VariantFileError(.alignmentUnreadable, path: path,
                                   problem: "not SAM/BAM/CRAM (htslib detects \(String(cString: hts_format_description(hts_get_format(fp)))))")
        }
        guard let h = sam_hdr_read(fp) else {
            throw VariantFileError(.alignmentUnreadable, path: path, problem: "the header cannot be read")
        }
        defer { sam_hdr_destroy(h) }
        return AlignmentFileCheck(format: format, references: Int(sam_hdr_nref(h)))
    }

    /// Turns htslib's own messages on stderr off (they name file paths) or back on (errors only).
    /// The CLI entry calls this once; onco reports problems through its errors.
    public static func setHTSlibMessages(enabled: Bool) {
        hts_set_log_level(enabled ? HTS_LOG_ERROR : HTS_LOG_OFF)
    }
}
