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
        try annotator.checkContigs(of: reader.header, path: input)
        let dir = (output as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/.onco-annotate-\(getpid())-" + (output as NSString).lastPathComponent
        let mode = mode(for: output)
        let hadCSQ = bcf_hdr_id2int(reader.hdr, BCF_DT_ID, "CSQ") >= 0
        guard let hdr = bcf_hdr_dup(reader.hdr) else { throw AnnotationInputError(path: input, problem: "cannot copy the header") }
        defer { bcf_hdr_destroy(hdr) }
        if hadCSQ { bcf_hdr_remove(hdr, BCF_HL_INFO, "CSQ") }
        let description = ConsequenceAnnotator.csqHeaderDescription
        let line = "##INFO=<ID=CSQ,Number=.,Type=String,Description=\"\(description)\">"
        guard bcf_hdr_append(hdr, line) == 0, bcf_hdr_append(hdr, "##onco_annotate=GFF3 \((annotator.gffPath as NSString).lastPathComponent), reference \((annotator.referencePath as NSString).lastPathComponent)") == 0,
              bcf_hdr_sync(hdr) == 0 else {
            throw AnnotationInputError(path: input, problem: "cannot add the CSQ definition to the header")
        }
        // Plain VCF without a CSQ to replace: no htsFile (htslib's plain writer is not reachable from here).
        let plain = mode == "w" && !hadCSQ
        let out: UnsafeMutablePointer<htsFile>? = plain ? nil : hts_open(temp, mode)
        let sink: LineSink?
        if plain {
            sink = LineSink(plain: temp, header: hdr)
            if sink == nil { throw AnnotationInputError(path: output, problem: "cannot create the output file (is the folder writable?)") }
        } else {
            guard let out else { throw AnnotationInputError(path: output, problem: "cannot create the output file (is the folder writable?)") }
            guard bcf_hdr_write(out, hdr) == 0 else { hts_close(out); unlink(temp); throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
            sink = mode == "wz" && !hadCSQ ? LineSink(bgzf: out.pointee.fp.bgzf) : nil
        }
        var closed = false
        var done = false
        defer {
            if !closed, let out { hts_close(out) }
            if !closed { _ = sink?.close() }
            if !done { unlink(temp) }
        }
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
            }
            if let sink {
                if !sink.write(hdr, rec, csq: value) { throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
                continue
            }
            if !value.isEmpty {
                let count = Int32(value.count)
                value.append(0)  // htslib takes the length of a string value from its NUL (strlen), not from `n`
                let status = value.withUnsafeBytes { bcf_update_info(hdr, rec, "CSQ", $0.baseAddress, count, BCF_HT_STR) }
                if status < 0 { throw AnnotationInputError(path: input, line: reader.lineOrRecord, field: "INFO/CSQ", problem: "htslib cannot set the value") }
            }
            if let out, bcf_write(out, hdr, rec) != 0 { throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
        }
        closed = true
        if let out, hts_close(out) != 0 { throw AnnotationInputError(path: output, problem: "closing the output failed (disk full?)") }
        if let sink, !sink.close() { throw AnnotationInputError(path: output, problem: "closing the output failed (disk full?)") }
        if rename(temp, output) != 0 { throw AnnotationInputError(path: output, problem: "cannot move the finished file into place") }
        done = true
        return summary
    }
}
