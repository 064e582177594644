import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// Records htslib 1.16 accepts silently or changes are errors naming file, line, field and value
/// (issue #17); read with `malformed: .skip` (`--lenient`) they are skipped and counted.
/// Fixtures: Tests/Fixtures/genomics/bad/ (`make_bad.py`: a CASP8 passenger on line 17 and BRAF V600E
/// on line 18 with one planted defect).
@Suite("Malformed VCF records: strict errors, lenient counts")
struct MalformedRecordTests {
    static func bad(_ name: String) -> String { Fx.path("bad/" + name) }

    static func error(_ options: VariantReadOptions) -> VariantFileError? { BadInputTests.error(options) }

    /// (fixture, the problem after `line 18: `), one per defect.
    static let cases: [(String, String)] = [
        ("alt_empty", #"ALT "" is empty"#),
        ("alt_invalid", #"ALT "T!G" is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"#),
        ("alt_dot_in_list", #"ALT "T,." is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"#),
        ("alt_slash", #"ALT "A/T" is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"#),
        ("alt_broken_breakend", #"ALT "T[7:140453200" is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"#),
        ("ref_empty", #"REF "" is empty"#),
        ("ref_invalid", #"REF "A!Z" is not a sequence of bases A, C, G, T, N"#),
        ("ref_iupac", #"REF "R" is not a sequence of bases A, C, G, T, N"#),
        ("nul_byte", "NUL byte in column 6 (QUAL) at byte 30 of the line"),
        ("info_int_text", #"INFO/DP "abc" is not an Integer (header Type=Integer)"#),
        ("info_int_suffix", #"INFO/DP "332abc" is not an Integer (header Type=Integer)"#),
        ("info_int_range", #"INFO/DP "99999999999" is beyond the 32-bit range of an Integer (header Type=Integer)"#),
        ("info_float_text", #"INFO/AF "high" is not a Float (header Type=Float)"#),
        ("info_count_a", #"INFO/AF "0.387,0.1" has 2 values, the header's Number=A means 1"#),
        ("info_count_fixed", #"INFO/DP "332,10" has 2 values, the header's Number=1 means 1"#),
        ("format_int_text", #"FORMAT/AD of sample column 2 "8x" is not an Integer (header Type=Integer)"#),
        ("format_float_text", #"FORMAT/AF of sample column 2 "0.38x" is not a Float (header Type=Float)"#),
        ("format_count_r", #"FORMAT/AD of sample column 2 "82" has 1 value, the header's Number=R means 2"#),
        ("format_empty_value", #"FORMAT/DP of sample column 2 "" is not an Integer (header Type=Integer)"#),
    ]

    @Test(arguments: cases)
    func strictErrorNamesFileLineFieldValue(_ name: String, _ problem: String) throws {
        let e = try #require(Self.error(VariantReadOptions(path: Self.bad(name + ".vcf"))))
        #expect(e.code == .recordMalformed)
        #expect(e.location == .line(18))
        #expect(e.description == "\(name).vcf: line 18: \(problem)")
    }

    @Test(arguments: cases)
    func lenientSkipsAndCounts(_ name: String, _ problem: String) throws {
        let calls = try VariantFiles.read(VariantReadOptions(path: Self.bad(name + ".vcf"), malformed: .skip))
        #expect(calls.variants.map(\.key.description) == ["GRCh37:2:202131326:G>T"])
        #expect(calls.recordCount == 2)
        #expect(calls.skipped == SkippedRecords(count: 1, reasons: ["line 18: \(problem)"]))
        #expect(calls.skipped.note == "1 malformed VCF record skipped (--lenient): line 18: \(problem)")
    }

    /// The line number is right through BGZF and plain gzip; a region read names record and site.
    @Test func compressedAndRegionReads() throws {
        let bgzf = try #require(Self.error(VariantReadOptions(path: Self.bad("info_int_text.bgzf.vcf.gz"))))
        #expect(bgzf.description == #"info_int_text.bgzf.vcf.gz: line 18: INFO/DP "abc" is not an Integer (header Type=Integer)"#)
        let gz = try #require(Self.error(VariantReadOptions(path: Self.bad("alt_empty.gzip.vcf.gz"))))
        #expect(gz.description == #"alt_empty.gzip.vcf.gz: line 18: ALT "" is empty"#)
        let region = try #require(Self.error(VariantReadOptions(path: Self.bad("info_int_text.bgzf.vcf.gz"), region: "7:140453000-140454000")))
        #expect(region.location == .record(1, site: "7:140453136"))
        #expect(region.description == #"info_int_text.bgzf.vcf.gz: record 1 (7:140453136): INFO/DP "abc" is not an Integer (header Type=Integer)"#)
        // The passenger's region does not reach the bad record.
        let other = try VariantFiles.read(VariantReadOptions(path: Self.bad("info_int_text.bgzf.vcf.gz"), region: "2:202131000-202132000"))
        #expect(other.variants.count == 1 && other.skipped.count == 0)
        let lenient = try VariantFiles.read(VariantReadOptions(path: Self.bad("info_int_text.bgzf.vcf.gz"), region: "7:140453000-140454000",
                                                               malformed: .skip))
        #expect(lenient.variants.isEmpty)
        #expect(lenient.skipped.reasons == [#"record 1 (7:140453136): INFO/DP "abc" is not an Integer (header Type=Integer)"#])
    }

    /// BCF: htslib keeps the alleles as written; the REF/ALT checks apply to the decoded record.
    @Test func bcfAlleles() throws {
        let ref = try #require(Self.error(VariantReadOptions(path: Self.bad("ref_invalid.bcf"))))
        #expect(ref.description == #"ref_invalid.bcf: record 2 (7:140453136): REF "A!Z" is not a sequence of bases A, C, G, T, N"#)
        let alt = try #require(Self.error(VariantReadOptions(path: Self.bad("alt_invalid.bcf"))))
        #expect(alt.description == #"alt_invalid.bcf: record 2 (7:140453136): ALT "T!G" is not an allele (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"#)
        let calls = try VariantFiles.read(VariantReadOptions(path: Self.bad("alt_invalid.bcf"), malformed: .skip))
        #expect(calls.variants.count == 1 && calls.skipped.count == 1)
    }

    /// Every allele form of VCF 4.3 is accepted: bases in either case, N, `*`, symbolic, breakends
    /// (both bracket directions, both sides), single breakends, samtools' `X`, `.` alone.
    @Test func validAllelesAreAccepted() throws {
        let alts = ["T", "t", "N", "TTG", "T,<NON_REF>", "<DEL>", "<DUP:TANDEM>", "*", "T[1:500[", "T]1:500]", "]1:500]T",
                    "[1:500[T", "[<ctg1>:7[T", ".T", "T.", "X", "."]
        let lines = alts.enumerated().map { i, alt in "1\t\(100 + i)\t.\tA\t\(alt)\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25" }
        let (dir, path) = try BadInputTests.file(lines)
        defer { try? FileManager.default.removeItem(at: dir) }
        let calls = try VariantFiles.read(VariantReadOptions(path: path))
        #expect(calls.recordCount == alts.count)
        // `*`, `<NON_REF>`, `X` and `.` are placeholders, not variants.
        #expect(calls.variants.count == alts.count + 1 - 4)
    }

    /// Several bad lines: the count is complete, three reasons are kept, the line numbers stay right
    /// after skipping, and the good records between them are read.
    @Test func lenientCountsEveryBadLine() throws {
        let good = { (pos: Int) in "1\t\(pos)\t.\tA\tC\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25" }
        let lines = [good(100), "1\t200\t.\tA\t\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25", good(300),
                     "1\t400\t.\tA!\tC\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25", "1\t500\t.\tA\tC\t50\tPASS\t.\tGT:DP\t0/1:3x\t0/0:25",
                     "1\t600\t.\tA\tC\tq\tPASS\t.\tGT:DP\t0/1:30\t0/0:25", good(700)]
        for bgzip in [false, true] {
            let (dir, path) = try BadInputTests.file(lines, bgzip: bgzip)
            defer { try? FileManager.default.removeItem(at: dir) }
            let e = try #require(Self.error(VariantReadOptions(path: path)))
            #expect(e.location == .line(7))
            let calls = try VariantFiles.read(VariantReadOptions(path: path, malformed: .skip))
            #expect(calls.variants.map(\.key.position) == [100, 300, 700], "bgzip \(bgzip)")
            #expect(calls.recordCount == 7)
            #expect(calls.skipped.count == 4)
            #expect(calls.skipped.reasons == [#"line 7: ALT "" is empty"#, #"line 9: REF "A!" is not a sequence of bases A, C, G, T, N"#,
                                              #"line 10: FORMAT/DP of sample column 1 "3x" is not an Integer (header Type=Integer)"#])
            #expect(calls.skipped.note?.hasSuffix("; …") == true)
        }
    }
}
