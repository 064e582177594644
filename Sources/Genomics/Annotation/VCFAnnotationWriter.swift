import CHTSlib
import Foundation

/// `onco annotate`: copies a VCF/BCF with a VEP-style `CSQ` INFO field computed in process
/// (`ConsequenceAnnotator`), through htslib. An existing `CSQ` is replaced.
///
/// All or nothing: the output is written to a temporary file beside it and renamed at the end; on any
/// error the temporary file is removed and nothing is left at the output path.
public enum VCFAnnotationWriter {
    public struct Summary: Sendable, Hashable {
        public var records = 0
        /// Records that received a CSQ value (at least one ALT touches a transcript).
        public var annotated = 0
    }

    /// Output type from the name: `.vcf.gz`/`.vcf.bgz` BGZF VCF, `.bcf` BCF, else plain VCF.
    static func mode(for path: String) -> String {
        if path.hasSuffix(".gz") || path.hasSuffix(".bgz") { return "wz" }
        if path.hasSuffix(".bcf") { return "wb" }
        return "w"
    }

    public static func annotate(input: String, output: String, annotator: ConsequenceAnnotator,
                                malformed: MalformedRecordPolicy = .fail) throws -> Summary {
        let reader = try VariantFileReader(path: input, decode: .all, malformed: malformed)
        let dir = (output as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/.onco-annotate-\(getpid())-" + (output as NSString).lastPathComponent
        guard let out = hts_open(temp, mode(for: output)) else {
            throw AnnotationInputError(path: output, problem: "cannot create the output file (is the folder writable?)")
        }
        var closed = false
        var done = false
        defer {
            if !closed { hts_close(out) }
            if !done { unlink(temp) }
        }
        guard let hdr = bcf_hdr_dup(reader.hdr) else { throw AnnotationInputError(path: input, problem: "cannot copy the header") }
        defer { bcf_hdr_destroy(hdr) }
        let hadCSQ = bcf_hdr_id2int(reader.hdr, BCF_DT_ID, "CSQ") >= 0
        if hadCSQ { bcf_hdr_remove(hdr, BCF_HL_INFO, "CSQ") }
        let description = ConsequenceAnnotator.csqHeaderDescription
        let line = "##INFO=<ID=CSQ,Number=.,Type=String,Description=\"\(description)\">"
        guard bcf_hdr_append(hdr, line) == 0, bcf_hdr_append(hdr, "##onco_annotate=GFF3 \((annotator.gffPath as NSString).lastPathComponent), reference \((annotator.referencePath as NSString).lastPathComponent)") == 0,
              bcf_hdr_sync(hdr) == 0 else {
            throw AnnotationInputError(path: input, problem: "cannot add the CSQ definition to the header")
        }
        guard bcf_hdr_write(out, hdr) == 0 else { throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
        var summary = Summary()
        var record = VariantRecord()
        var value: [UInt8] = []
        value.reserveCapacity(1 << 16)
        while try reader.read(into: &record) {
            summary.records += 1
            let rec = reader.rec
            if hadCSQ { bcf_update_info(reader.hdr, rec, "CSQ", nil, 0, BCF_HT_STR) }
            if bcf_translate(hdr, reader.hdr, rec) != 0 {
                throw AnnotationInputError(path: input, line: reader.lineOrRecord, problem: "htslib cannot move the record to the new header")
            }
            value.removeAll(keepingCapacity: true)
            if try annotator.appendCSQ(to: &value, contig: record.contig, position: record.position, ref: record.ref, alts: record.alts,
                                       site: .init(file: input, line: reader.lineOrRecord)) {
                summary.annotated += 1
                let count = Int32(value.count)
                value.append(0)  // htslib takes the length of a string value from its NUL (strlen), not from `n`
                let status = value.withUnsafeBytes { bcf_update_info(hdr, rec, "CSQ", $0.baseAddress, count, BCF_HT_STR) }
                if status < 0 { throw AnnotationInputError(path: input, line: reader.lineOrRecord, field: "INFO/CSQ", problem: "htslib cannot set the value") }
            }
            if bcf_write(out, hdr, rec) != 0 { throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
        }
        closed = true
        if hts_close(out) != 0 { throw AnnotationInputError(path: output, problem: "closing the output failed (disk full?)") }
        if rename(temp, output) != 0 { throw AnnotationInputError(path: output, problem: "cannot move the finished file into place") }
        done = true
        return summary
    }
}
