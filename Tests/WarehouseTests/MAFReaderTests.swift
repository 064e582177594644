import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

@Suite("MAF reader")
struct MAFReaderTests {
    static let header = ["Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Variant_Classification", "Variant_Type",
                         "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp", "HGVSp_Short",
                         "t_ref_count", "t_alt_count", "FILTER", "NCBI_Build"]

    static func write(_ rows: [[String]], header: [String] = header, gzip: Bool = false, comments: [String] = ["#version 2.4"]) throws -> URL {
        let dir = try makeTemporaryDirectory("onco-maf")
        let url = dir.appendingPathComponent("test.maf")
        let text = (comments + [header.joined(separator: "\t")] + rows.map { $0.joined(separator: "\t") }).joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        if gzip {
            try run("gzip", ["-n", url.path])
            return dir.appendingPathComponent("test.maf.gz")
        }
        return url
    }

    static let braf = ["BRAF", "chr7", "140453136", "140453136", "Missense_Mutation", "SNP", "A", "A", "T", "S1", "p.Val600Glu", "", "60", "40", "PASS", "GRCh37"]
    static let egfrDel = ["EGFR", "7", "55242465", "55242479", "In_Frame_Del", "DEL", "GGAATTAAGAGAAGC", "GGAATTAAGAGAAGC", "-", "S1", "", "p.E746_A750del", "", "", "", "37"]
    static let ins = ["NPM1", "5", "170837543", "170837544", "Frame_Shift_Ins", "INS", "-", "-", "TCTG", "S2", "", "p.W288Cfs*12", "10", "5", "wga;oxog", "GRCh37"]

    @Test("reads 3-letter and 1-letter HGVSp, alleles, read support, filters, build")
    func fields() throws {
        let url = try Self.write([Self.braf, Self.egfrDel, Self.ins])
        let r = try MAFReader(path: url.path)
        let a = try #require(try r.next())
        #expect(a.line == 3)
        #expect(a.tumourSampleBarcode == "S1")
        #expect(a.variant.key == VariantKey(build: .grch37, chrom: "7", position: 140453136, ref: "A", alt: "T"))
        #expect(a.variant.annotation?.hgvsp == "p.Val600Glu")
        #expect(a.variant.annotation?.hgvspShort == "p.V600E")
        #expect(a.variant.annotation?.consequence == "missense_variant")
        #expect(a.variant.support?.depth == 100)
        #expect(a.variant.support?.vaf == 0.4)
        #expect(a.variant.filters == ["PASS"])
        let b = try #require(try r.next())
        #expect(b.variant.key == VariantKey(build: .grch37, chrom: "7", position: 55242465, ref: "GGAATTAAGAGAAGC", alt: "-"))
        #expect(b.variant.annotation?.hgvspShort == "p.E746_A750del")
        #expect(b.variant.annotation?.hgvsp == "p.Glu746_Ala750del")
        #expect(b.variant.annotation?.consequence == "inframe_deletion")
        #expect(b.variant.support == nil)
        let c = try #require(try r.next())
        #expect(c.variant.key.ref == "-" && c.variant.key.alt == "TCTG")
        #expect(c.variant.filters == ["wga", "oxog"])
        #expect(c.variant.annotation?.consequence == "frameshift_variant")
        #expect(try r.next() == nil)
    }

    @Test("columns are found by name, in any order, and gzip is read")
    func reorderedAndGzipped() throws {
        let perm = Array(Self.header.indices.reversed())
        let url = try Self.write([Self.braf, Self.ins].map { row in perm.map { row[$0] } }, header: perm.map { Self.header[$0] }, gzip: true)
        let r = try MAFReader(path: url.path)
        #expect(try r.next()?.variant.annotation?.hgvspShort == "p.V600E")
        #expect(try r.next()?.tumourSampleBarcode == "S2")
        #expect(try r.next() == nil)
    }

    @Test("malformed rows fail with file, line and field", arguments: [
        (2, "Start_Position", "abc", "test.maf:4: field Start_Position: value 'abc' is not a number"),
        (2, "Start_Position", "0", "test.maf:4: field Start_Position: value '0' is out of range (1...1099511627776)"),
        (2, "Start_Position", "1e300", "test.maf:4: field Start_Position: value '1e300' is out of range (1...1099511627776)"),
        (2, "Start_Position", "4.70000001e+07", "test.maf:4: field Start_Position: value '4.70000001e+07' is not a whole number"),
        (13, "t_alt_count", "4.5e0", "test.maf:4: field t_alt_count: value '4.5e0' is not a whole number"),
        (13, "t_alt_count", "inf", "test.maf:4: field t_alt_count: value 'inf' is not a finite number"),
        (12, "t_ref_count", "-3", "test.maf:4: field t_ref_count: value '-3' is out of range (0...2147483647)"),
        (12, "t_ref_count", "0x10", "test.maf:4: field t_ref_count: value '0x10' is not a number"),
        (8, "Tumor_Seq_Allele2", "", "test.maf:4: field Tumor_Seq_Allele2 is empty"),
        (6, "Reference_Allele", "AXG", "test.maf:4: field Reference_Allele is not an allele (A, C, G, T, N or -)"),
    ])
    func malformed(column: Int, name: String, value: String, message: String) throws {
        var bad = Self.braf
        bad[column] = value
        if name == "Tumor_Seq_Allele2" { bad[7] = "A" }
        let url = try Self.write([Self.braf, bad])
        let r = try MAFReader(path: url.path)
        _ = try r.next()
        #expect(throws: MAFError.self) { try r.next() }
        let r2 = try MAFReader(path: url.path)
        _ = try r2.next()
        do { _ = try r2.next(); Issue.record("no error") } catch { #expect("\(error)" == message) }
    }

    /// R writes 47000000 as `4.7e+07` (#20): the exact value is taken, and counted.
    @Test("integer-valued scientific notation is read exactly and counted")
    func scientificPosition() throws {
        var row = Self.braf
        row[2] = "4.7e+07"; row[3] = "4.7e+07"; row[12] = "6.0e1"
        let url = try Self.write([Self.braf, row])
        let r = try MAFReader(path: url.path)
        _ = try r.next()
        #expect(r.scientificIntegers == 0)
        let a = try #require(try r.next())
        #expect(a.variant.key.position == 47_000_000)
        #expect(a.variant.support?.refReads == 60)
        #expect(r.scientificIntegers == 2)
        #expect(try r.next() == nil)
    }

    @Test("a row with too few columns names its line")
    func columnCount() throws {
        let url = try Self.write([Self.braf, Array(Self.braf.prefix(5))])
        let r = try MAFReader(path: url.path)
        _ = try r.next()
        do { _ = try r.next(); Issue.record("no error") } catch { #expect("\(error)" == "test.maf:4: wrong number of columns (5 columns, header has 16)") }
    }

    @Test("a missing required column is reported")
    func missingColumn() throws {
        let url = try Self.write([], header: Self.header.filter { $0 != "Tumor_Sample_Barcode" })
        #expect(throws: MAFError.self) { try MAFReader(path: url.path) }
    }

    @Test("the real TCGA subset MAF: every row parses, counts match zcat")
    func realMAF() throws {
        let path = Fixture.study.appendingPathComponent("data_mutations.txt.gz").path
        let r = try MAFReader(path: path)
        var n = 0, missense = 0
        while let rec = try r.next() {
            n += 1
            if rec.variantClassification == "Missense_Mutation" {
                missense += 1
                #expect(rec.variant.annotation?.consequence == "missense_variant")
            }
        }
        #expect(n == (try Fixture.sourceCounts().mutations))
        let zc = try run("/bin/sh", ["-c", "gzip -dc '\(path)' | cut -f9 | grep -c '^Missense_Mutation$'"])
        #expect(missense == Int(zc.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
