import Foundation
import Testing
import _TestSupport

/// `onco variants`: the built binary's output, exit status and errors (fixtures in Tests/Fixtures/genomics).
@Suite("onco variants")
struct VariantsCLITests {
    static func fixture(_ relative: String) -> String { RepoPaths.fixture("genomics/" + relative).path }
    static let header = "chrom\tpos\tref\talt\tfilter\tgene\tconsequence\thgvsp\tvaf\tdepth"

    static func rows(_ out: String) -> [[String]] {
        out.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func brafV600EInTheCOADCase() throws {
        let r = try runOnco(["variants", Self.fixture("pcgr/T001-COAD.grch37.vcf.gz"), "--region", "chr7:140453000-140454000"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        // TCGA-A6-2686: ADT 37,17 and DPT 54 in the file → VAF 17/54.
        #expect(r.stdout == Self.header + "\n7\t140453136\tA\tT\tPASS\t.\t.\t.\t0.3148\t54\n")
    }

    @Test func annotatedColumns() throws {
        let r = try runOnco(["variants", Self.fixture("hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz")])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Self.rows(r.stdout)
        #expect(rows.count == 199)
        // TP53 V272M of TCGA-A2-A04W (sites-only VCF: no VAF or depth).
        #expect(rows.filter { $0[1] == "7577124" } == [["17", "7577124", "C", "T", "PASS", "TP53", "missense_variant", "p.V272M", ".", "."]])
    }

    @Test func wholeFileTSVAndJSONAgree() throws {
        let file = Self.fixture("hts/synth-somatic.bcf")
        let tsv = try runOnco(["variants", file])
        let json = try runOnco(["variants", file, "--format", "json"])
        #expect(tsv.status == 0 && json.status == 0)
        let rows = Self.rows(tsv.stdout)
        #expect(rows.count == 3077) // 3,000 records, 77 with two ALTs (bcftools view -m3 counts them)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let variants = try #require(doc["variants"] as? [[String: Any]])
        #expect(variants.count == rows.count)
        #expect(doc["build"] as? String == "GRCh38")
        #expect(doc["sample"] as? String == "TUMOR")
        #expect(doc["annotation"] as? String == "vep")
        for (row, v) in zip(rows, variants) {
            #expect(row[0] == v["chrom"] as? String && row[1] == String(v["pos"] as! Int) && row[3] == v["alt"] as? String)
        }
        let passOnly = try runOnco(["variants", file, "--pass-only"])
        #expect(Self.rows(passOnly.stdout).allSatisfy { $0[4] == "PASS" || $0[4] == "." })
        #expect(Self.rows(passOnly.stdout).count < rows.count)
    }

    @Test func bamCounts() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let vcf = dir.appendingPathComponent("site.vcf")
        try "##fileformat=VCFv4.2\n##contig=<ID=17,length=4200>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n17\t2041\t.\tG\tA\t.\tPASS\t.\n"
            .write(to: vcf, atomically: true, encoding: .utf8)
        let r = try runOnco(["variants", vcf.path, "--bam", Self.fixture("hts/mpileup.1.bam")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.rows(r.stdout) == [["17", "2041", "G", "A", "PASS", ".", ".", ".", "0.5238", "21"]]) // A 11, G 10
        let strict = try runOnco(["variants", vcf.path, "--bam", Self.fixture("hts/mpileup.1.bam"), "--min-mapping-quality", "250"])
        #expect(Self.rows(strict.stdout) == [["17", "2041", "G", "A", "PASS", ".", ".", ".", ".", "0"]])
    }

    @Test func leftAlignsWithReference() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        // seq1 of ex1.fa: 20 ATGTGTGG 27. Deleting one TG of the (TG)3 run at 21-26, written at the run's
        // right end as 24 GTG>G, is 20 ATG>A left-aligned; bcftools norm is asked too.
        let vcf = dir.appendingPathComponent("indel.vcf")
        try "##fileformat=VCFv4.2\n##contig=<ID=seq1,length=1575>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nseq1\t24\t.\tGTG\tG\t.\tPASS\t.\n"
            .write(to: vcf, atomically: true, encoding: .utf8)
        let ref = Self.fixture("debian/ex1.fa")
        let expected = try run("bash", ["-c", "bcftools norm -f '\(ref)' '\(vcf.path)' 2>/dev/null | bcftools query -f '%CHROM\\t%POS\\t%REF\\t%ALT\\n'"]).stdout
        let r = try runOnco(["variants", vcf.path, "--reference", ref])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(Self.rows(r.stdout).first)
        #expect(row[0...3].joined(separator: "\t") + "\n" == expected)
        #expect(row[0...3] == ["seq1", "20", "ATG", "A"])
    }

    // MARK: Errors: exit 1, "Error: …" naming file, record and problem, nothing on stdout

    static func badVCF(_ body: String, name: String = "case.vcf", in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try ("##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + body)
            .write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func malformedLines() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pos = try Self.badVCF("1\t10\t.\tA\tC\t.\tPASS\t.\n1\tten\t.\tA\tC\t.\tPASS\t.\n", in: dir)
        var r = try runOnco(["variants", pos])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "Error: case.vcf: line 5: POS \"ten\" is not a number\n")
        let cols = try Self.badVCF("1\t10\t.\tA\tC\t.\tPASS\n", name: "cols.vcf", in: dir)
        r = try runOnco(["variants", cols])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "Error: cols.vcf: line 4: 7 tab-separated columns, at least 8 expected (CHROM POS ID REF ALT QUAL FILTER INFO)\n")
    }

    @Test func truncatedGzip() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("hts/synth-somatic.vcf.gz")))
        let cut = dir.appendingPathComponent("cut.vcf.gz")
        try data.prefix(data.count * 2 / 3).write(to: cut)
        let r = try runOnco(["variants", cut.path])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "Error: cut.vcf.gz: BGZF end-of-file block missing: the file is truncated\n")
    }

    @Test func regionWithoutIndexAndUnknownContig() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("noindex.vcf.gz")
        try FileManager.default.copyItem(atPath: Self.fixture("pcgr/T001-BRCA.grch37.vcf.gz"), toPath: copy.path)
        var r = try runOnco(["variants", copy.path, "--region", "7:1-1000"])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "Error: noindex.vcf.gz: region 7:1-1000 needs an index (.tbi or .csi); none was found (make one with `tabix -p vcf`)\n")
        r = try runOnco(["variants", Self.fixture("pcgr/T001-BRCA.grch37.vcf.gz"), "--region", "chrZ:1-10"])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error: T001-BRCA.grch37.vcf.gz: contig \"chrZ\" of region chrZ:1-10 is not in the header or index"))
    }

    @Test func bamWithoutIndex() throws {
        let dir = try makeTemporaryDirectory("onco-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bam = dir.appendingPathComponent("t.bam")
        try FileManager.default.copyItem(atPath: Self.fixture("seqc2/WES_LL_T_1_test.bam"), toPath: bam.path)
        let r = try runOnco(["variants", Self.fixture("vcf2maf/test_b38.vcf"), "--bam", bam.path])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "Error: t.bam: the alignment file has no index (.bai, .csi or .crai); make one with `samtools index`\n")
    }

    @Test func usageErrors() throws {
        let r = try runOnco(["variants", Self.fixture("vcf2maf/test_b38.vcf"), "--build", "hg42"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--build hg42: expected GRCh37 or GRCh38"))
        let missing = try runOnco(["variants"])
        #expect(missing.status == 64)
    }
}
