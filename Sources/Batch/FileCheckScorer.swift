#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Genomics
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
/// 4. every record is read by `VariantFiles.check` (Genomics), with the strict record checks of
///    `onco variants`: a malformed record fails the case (`vcf_malformed`, naming line, field and
///    value), or is skipped and counted for a lenient case (`BatchCase.lenient`). Undefined contigs
///    and tags, which htslib adds to the header and real-world files often have, are counted as
///    warnings, not failures;
/// 5. the compressed stream is whole: no BGZF/zlib error and, for BGZF, the end-of-file marker is
///    present (a file cut at a block boundary lacks it) (`vcf_truncated`);
/// 6. the BAM, if given, opens as SAM/BAM/CRAM and its header reads (`bam_unreadable`); its reads
///    are not scanned;
/// 7. the case files of the manifest's `cna_file`, `fusion_file`, `msi_file` and `tmb_bed` columns are read
///    whole by the readers the recommendation uses (`CaseFiles.check`): a bad row fails the case
///    (`case_file_invalid`, naming the file, line and field). Segments and breakends are not placed on
///    genes here (file-check runs without a knowledge base, so without gene spans).
///
/// The payload (`"scorer":"file-check"` is added by the engine):
/// `{"tumor_type":"LUAD","vcf":{"format":"VCF","compression":"bgzf","records":1234,"samples":2,
///   "sample_index":0,"build":"GRCh38","annotation":"CSQ","index":"tbi","warnings":{...}},"bam":{...}}`,
/// plus `malformed_skipped` and `malformed_skipped_reasons` in `vcf` when a lenient case skipped records, and
/// `"case_files":{"cna":{"format":"cnvkit","records":12},...}` when the case has case files.
/// Sample names are not echoed (they may be identifiers).
public struct FileCheckScorer: CaseScorer {
    public let name = "file-check"
    /// Known tumour-type codes (upper case); nil checks syntax only.
    public let knownTumourTypes: Set<String>?

    public init(knownTumourTypes: Set<String>? = nil) {
        self.knownTumourTypes = knownTumourTypes.map { Set($0.map { $0.uppercased() }) }
    }

    /// Reads tumour-type codes: the `code` column of a TSV with a header (OncoTree's flattened
    /// tree), or else the first column of every non-comment line.
    public static func loadTumourTypes(path: String) throws -> Set<String> {
        let text: String
        do throws(InputFileError) { text = try InputFile.utf8(path: path) } catch {
            throw ManifestError(.unreadable, file: path, line: nil, field: nil, error.reason)
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
        if let known = knownTumourTypes, !known.contains(code.rawValue) {
            throw CaseError(.tumourTypeUnknown, "\(where: c), field tumor_type: not in the tumour-type list in use")
        }
        var payload: JSONObject = ["tumor_type": .string(code.rawValue)]
        payload["vcf"] = .object(try StageTiming.measure("vcf", into: &timings) { try Self.checkVCF(c) })
        if let bam = c.bam {
            payload["bam"] = .object(try StageTiming.measure("bam", into: &timings) { try Self.checkBAM(bam, c) })
        }
        if !c.caseFiles.isEmpty {
            payload["case_files"] = .object(try StageTiming.measure("case_files", into: &timings) { try Self.checkCaseFiles(c) })
        }
        return ScoredCase(payload: payload, timings: timings)
    }

    static func checkCaseFiles(_ c: BatchCase) throws -> JSONObject {
        let checks: [CaseFileCheck]
        do throws(CaseInputError) { checks = try CaseFiles.check(c.caseFiles) } catch {
            throw CaseError(.caseFileInvalid, "\(where: c): \(error)")
        }
        var o: JSONObject = [:]
        for f in checks { o[f.input] = .object(["format": .string(f.format), "records": .int(f.records)]) }
        if let mb = c.caseFiles.tmbMegabases { o["tmb_megabases"] = .double(mb) }
        return o
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
        let v: VariantFileCheck
        do {
            v = try VariantFiles.check(path: c.vcf, sample: c.sample, malformed: c.lenient ? .skip : .fail)
        } catch let e as VariantFileError {
            throw CaseError(e, c)
        }
        var o: JSONObject = [
            "format": .string(v.format.rawValue),
            "compression": .string(v.compression.rawValue),
            "records": .int(v.records),
            "samples": .int(v.samples),
            "sample_index": v.sampleIndex.map { .int($0) } ?? .null,
            "build": .string(v.build.rawValue),
            "annotation": v.annotation.map { .string($0) } ?? .null,
            "index": v.index.map { .string($0) } ?? .null,
        ]
        if v.recordsWithUndefinedContig + v.recordsWithUndefinedTag > 0 {
            o["warnings"] = .object([
                "records_with_undefined_contig": .int(v.recordsWithUndefinedContig),
                "records_with_undefined_tag": .int(v.recordsWithUndefinedTag),
            ])
        }
        if v.skipped.count > 0 {
            o["malformed_skipped"] = .int(v.skipped.count)
            o["malformed_skipped_reasons"] = .array(v.skipped.reasons.map { .string($0) })
        }
        return o
    }

    // MARK: - BAM

    static func checkBAM(_ path: String, _ c: BatchCase) throws -> JSONObject {
        try checkFile(path, field: "bam", c, missing: .bamUnreadable, unreadable: .bamUnreadable)
        do {
            let a = try VariantFiles.checkAlignment(path: path)
            return ["format": .string(a.format.rawValue), "references": .int(a.references)]
        } catch let e as VariantFileError {
            throw CaseError(e, c)
        }
    }
}

extension CaseError {
    /// A Genomics error as a case error: the code by kind, the message naming the manifest line and
    /// field, then the file's line or record and the problem (not the file's path).
    init(_ e: VariantFileError, _ c: BatchCase) {
        let code: CaseError.Code
        var field = "vcf"
        switch e.code {
        case .sampleUnknown: code = .sampleNotFound; field = "sample"
        case .truncated, .readFailed: code = .vcfTruncated
        case .recordMalformed, .headerUnreadable, .contigUnknown: code = .vcfMalformed
        case .alignmentUnreadable: code = .bamUnreadable; field = "bam"
        default: code = .vcfUnreadable
        }
        let at = e.location.description
        self.init(code, "\(where: c), field \(field): \(at.isEmpty ? "" : at + ": ")\(e.problem)")
    }
}

extension DefaultStringInterpolation {
    /// "manifest line N" for a TSV case, "folder case" for a case from a folder of VCFs.
    mutating func appendInterpolation(where c: BatchCase) {
        appendLiteral(c.line > 0 ? "manifest line \(c.line)" : "folder case \(c.index + 1)")
    }
}
