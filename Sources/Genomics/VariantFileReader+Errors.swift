import CHTSlib
import Foundation
import OncoCore

/// The errors of `VariantFileReader`: where a record is (line or record number), and what is wrong with
/// it (field and value), diagnosed from the text htslib refused or the record it decoded.
extension VariantFileReader {
    // MARK: Errors

    /// Where the current record is: its line for a text VCF read from the start, else its number.
    func location(site: String? = nil) -> VariantFileError.Location {
        if !isBCF, case .sequential = source, let line = lineNumber(ofRecord: recordCount) {
            return .line(line)
        }
        return .record(recordCount, site: site)
    }

    /// The current record's line (text VCF read from the start) or record number, for messages.
    var lineOrRecord: Int {
        if case .line(let n) = location() { return n }
        return recordCount
    }

    func lineNumber(ofRecord n: Int) -> Int? {
        if headerLineCount == nil { headerLineCount = countHeaderLines() }
        guard let h = headerLineCount else { return nil }
        return h + n
    }

    /// Counts the `#` lines at the top of a text VCF with a second handle (only when reporting an error).
    func countHeaderLines() -> Int? {
        guard let f = hts_open(path, "r") else { return nil }
        defer { hts_close(f) }
        var ks = kstring_t(l: 0, m: 0, s: nil)
        defer { free(ks.s) }
        var n = 0
        while hts_getline(f, Int32(UInt8(ascii: "\n")), &ks) >= 0 {
            guard ks.l > 0, let s = ks.s, s[0] == 0x23 else { break }
            n += 1
        }
        return n
    }

    func lineText(_ ks: kstring_t) -> String {
        guard let s = ks.s, ks.l > 0 else { return "" }
        // vcf_parse tokenises in place: its NULs were tabs.
        let bytes = UnsafeRawBufferPointer(start: s, count: Int(ks.l)).map { $0 == 0 ? UInt8(ascii: "\t") : $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Diagnoses a record htslib refused, from its text (htslib only logs the reason).
    func parseFailure(text: String) -> VariantFileError {
        let cols = text.split(separator: "\t", omittingEmptySubsequences: false)
        let site = cols.count >= 2 ? "\(cols[0]):\(cols[1])" : nil
        let loc = location(site: site)
        func err(_ p: String) -> VariantFileError { VariantFileError(.recordMalformed, path: path, location: loc, problem: p) }
        if cols.count < 8 {
            if text.split(separator: " ").count >= 8 {
                return err("\(cols.count) tab-separated column\(cols.count == 1 ? "" : "s"): the columns are separated by spaces, VCF needs tabs")
            }
            return err("\(cols.count) tab-separated column\(cols.count == 1 ? "" : "s"), at least 8 expected (CHROM POS ID REF ALT QUAL FILTER INFO)")
        }
        let pos = cols[1]
        if Int(pos) == nil { return err("POS \"\(pos.prefix(40))\" is not a number") }
        if let p = Int(pos), p < 0 { return err("POS \(p) is negative") }
        if cols[5] != "." && Double(cols[5]) == nil { return err("QUAL \"\(cols[5].prefix(40))\" is not a number") }
        let ns = header.samples.count
        if ns > 0 || cols.count > 8 {
            let found = max(cols.count - 9, 0)
            if found != ns {
                return err("\(found) sample column\(found == 1 ? "" : "s"), the header declares \(ns)")
            }
        }
        var bytes = Array(text.utf8CString)
        var c = chts_line_check_t()
        chts_vcf_line_check(&bytes, bytes.count - 1, hdr, keyCache, &c)
        if c.problem != Int32(CHTS_LINE_OK) { return bytes.withUnsafeBufferPointer { lineError(c, $0.baseAddress!, $0.count - 1) } }
        let code = rec.pointee.errcode
        if code != 0 { return recordErrcode(location: loc) }
        return err("htslib cannot parse the record (check INFO and FORMAT against the header's definitions)")
    }

    /// A record whose columns passed `validate` but which vcf_parse refused: a value does not match
    /// its header Type. vcf_parse has tokenised the line in place, so for a text VCF read from the
    /// start the intact line is read again from the file (error path only).
    func valueFailure(tokenised: kstring_t) -> VariantFileError {
        if case .sequential = source, let line = lineNumber(ofRecord: recordCount), let text = readLine(line) {
            return parseFailure(text: text)
        }
        return parseFailure(text: lineText(tokenised))
    }

    func readLine(_ number: Int) -> String? {
        guard let f = hts_open(path, "r") else { return nil }
        defer { hts_close(f) }
        var ks = kstring_t(l: 0, m: 0, s: nil)
        defer { free(ks.s) }
        var n = 0
        while hts_getline(f, Int32(UInt8(ascii: "\n")), &ks) >= 0 {
            n += 1
            if n == number { return lineText(ks) }
        }
        return nil
    }

    /// The error for a line `chts_vcf_line_check` flagged: the field and its value (at most 40
    /// characters), never a sample name.
    func lineError(_ c: chts_line_check_t, _ s: UnsafePointer<CChar>, _ length: Int) -> VariantFileError {
        func value(_ off: Int, _ len: Int) -> String {
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(s) + off, count: min(len, 40))
            return String(decoding: bytes, as: UTF8.self) + (len > 40 ? "…" : "")
        }
        let v = value(c.off, c.len)
        let key = value(c.key_off, c.key_len)
        let field = c.col == 8 ? "INFO/\(key)" : "FORMAT/\(key) of sample column \(c.col - 9)"
        let type = c.type == BCF_HT_INT ? "Integer" : "Float"
        let number = c.vl == BCF_VL_A ? "A" : c.vl == BCF_VL_R ? "R" : String(c.number)
        let columns = ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"]
        let problem: String
        switch Int(c.problem) {
        case Int(CHTS_LINE_NUL):
            let column = c.col >= 1 && c.col <= 9 ? columns[Int(c.col) - 1] : "sample column \(c.col - 9)"
            problem = "NUL byte in column \(c.col) (\(column)) at byte \(c.off + 1) of the line"
        case Int(CHTS_LINE_REF_EMPTY): problem = "REF \"\" is empty"
        case Int(CHTS_LINE_REF_BAD): problem = "REF \"\(v)\" is not a sequence of bases A, C, G, T, N"
        case Int(CHTS_LINE_ALT_EMPTY): problem = "ALT \"\" is empty"
        case Int(CHTS_LINE_ALT_BAD):
            problem = "ALT \"\(v)\" is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"
        case Int(CHTS_LINE_TYPE): problem = "\(field) \"\(v)\" is not \(type == "Integer" ? "an" : "a") \(type) (header Type=\(type))"
        case Int(CHTS_LINE_RANGE): problem = "\(field) \"\(v)\" is beyond the 32-bit range of an Integer (header Type=Integer)"
        default:
            problem = "\(field) \"\(v)\" has \(c.found) value\(c.found == 1 ? "" : "s"), the header's Number=\(number) means \(c.expected)"
        }
        return VariantFileError(.recordMalformed, path: path, location: location(site: site(s, length)), problem: problem)
    }

    /// `CHROM:POS` from the first two columns of a text line.
    func site(_ s: UnsafePointer<CChar>, _ length: Int) -> String? {
        let bytes = UnsafeRawBufferPointer(start: s, count: length)
        let cols = bytes.prefix(200).split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
        guard cols.count >= 2 else { return nil }
        return "\(String(decoding: cols[0].prefix(40), as: UTF8.self)):\(String(decoding: cols[1].prefix(20), as: UTF8.self))"
    }

    func lineError(_ c: chts_line_check_t, _ text: kstring_t) -> VariantFileError {
        lineError(c, text.s!, Int(text.l))
    }

    /// The REF/ALT checks of `chts_vcf_line_check` on a decoded record (BCF).
    func allelesProblem() -> VariantFileError? {
        var which: Int32 = 0
        let p = chts_record_alleles_check(rec, &which)
        if p == Int32(CHTS_LINE_OK) { return nil }
        let site = "\(currentContig):\(currentPosition)"
        func allele(_ i: Int32) -> String {
            guard i < Int32(rec.pointee.n_allele), let a = rec.pointee.d.allele?[Int(i)] else { return "" }
            let s = String(cString: a)
            return s.count > 40 ? String(s.prefix(40)) + "…" : s
        }
        let problem: String
        switch Int(p) {
        case Int(CHTS_LINE_REF_EMPTY): problem = "REF \"\" is empty"
        case Int(CHTS_LINE_REF_BAD): problem = "REF \"\(allele(0))\" is not a sequence of bases A, C, G, T, N"
        case Int(CHTS_LINE_ALT_EMPTY): problem = "ALT \(which) is empty"
        default: problem = "ALT \"\(allele(which))\" is not an allele (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"
        }
        return VariantFileError(.recordMalformed, path: path, location: location(site: site), problem: problem)
    }

    /// A BCF record whose sample count differs from the header's (bcftools' "Broken VCF record").
    func samplesProblem() -> VariantFileError? {
        let found = Int(rec.pointee.n_sample), declared = header.samples.count
        guard found != declared else { return nil }
        return VariantFileError(.recordMalformed, path: path, location: location(site: "\(currentContig):\(currentPosition)"),
                                problem: "\(found) sample column\(found == 1 ? "" : "s"), the header declares \(declared)")
    }

    func recordErrcode(location loc: VariantFileError.Location? = nil) -> VariantFileError {
        let code = rec.pointee.errcode
        var problems: [String] = []
        if code & BCF_ERR_CTG_UNDEF != 0 { problems.append("contig not defined in the header") }
        if code & BCF_ERR_TAG_UNDEF != 0 { problems.append("INFO/FORMAT tag not defined in the header") }
        if code & BCF_ERR_NCOLS != 0 { problems.append("wrong number of columns") }
        if code & BCF_ERR_LIMITS != 0 { problems.append("a value is beyond htslib's limits") }
        if code & BCF_ERR_CHAR != 0 { problems.append("invalid character") }
        if code & BCF_ERR_CTG_INVALID != 0 { problems.append("invalid contig name") }
        if code & BCF_ERR_TAG_INVALID != 0 { problems.append("invalid INFO/FORMAT tag") }
        let site = knownContig.map { "\($0):\(currentPosition)" }
        return VariantFileError(.recordMalformed, path: path, location: loc ?? location(site: site),
                                problem: problems.isEmpty ? "htslib flagged the record (code \(code))" : problems.joined(separator: "; "))
    }

    func streamFailure() -> VariantFileError {
        var loc: VariantFileError.Location = .record(recordCount + 1, site: nil)
        if !isBCF, case .sequential = source, let line = lineNumber(ofRecord: recordCount + 1) { loc = .line(line) }
        if compression != 0 {
            return VariantFileError(.truncated, path: path, location: loc,
                                    problem: "the compressed data ends or breaks after \(recordCount) record\(recordCount == 1 ? "" : "s"): the file is truncated or corrupt")
        }
        return VariantFileError(.readFailed, path: path, location: loc,
                                problem: "read error after \(recordCount) record\(recordCount == 1 ? "" : "s")")
    }
}
