import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// Bad input gives a `VariantFileError` naming the file, the record and the problem; never a crash,
/// never a partial call set.
@Suite("Bad input: clear errors")
struct BadInputTests {
    static let header = """
    ##fileformat=VCFv4.2
    ##contig=<ID=1,length=100000>
    ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
    ##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL
    """
    static let good = "1\t100\t.\tA\tC\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25"

    /// Writes a VCF (header + lines) to a fresh directory; `gzip` bgzips it.
    static func file(_ lines: [String], name: String = "case.vcf", bgzip: Bool = false) throws -> (URL, String) {
        let dir = try makeTemporaryDirectory("onco-bad")
        let url = dir.appendingPathComponent(name)
        try ([header] + lines).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        if bgzip {
            _ = try Fx.shell("bgzip -f \(Fx.quote(url.path))")
            return (dir, url.path + ".gz")
        }
        return (dir, url.path)
    }

    static func error(_ options: VariantReadOptions) -> VariantFileError? {
        do {
            _ = try VariantFiles.read(options)
            return nil
        } catch let e as VariantFileError {
            return e
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return nil
        }
    }

    @Test func wrongColumnCount() throws {
        let (dir, path) = try Self.file([Self.good, "1\t200\t.\tA\tG\t.\tPASS"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path)))
        #expect(e.code == .recordMalformed)
        #expect(e.location == .line(7))
        #expect(e.description == "case.vcf: line 7: 7 tab-separated columns, at least 8 expected (CHROM POS ID REF ALT QUAL FILTER INFO)")
    }

    @Test func missingSampleColumn() throws {
        let (dir, path) = try Self.file([Self.good, Self.good, "1\t300\t.\tA\tG\t.\tPASS\t.\tGT\t0/1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path)))
        #expect(e.description == "case.vcf: line 8: 1 sample column, the header declares 2")
    }

    @Test(arguments: ["abc", "12x4", ""])
    func nonNumericPOS(_ pos: String) throws {
        let (dir, path) = try Self.file([Self.good, "1\t\(pos)\t.\tA\tG\t.\tPASS\t.\tGT:DP\t0/1:3\t0/0:4"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path)))
        #expect(e.code == .recordMalformed)
        #expect(e.description == "case.vcf: line 7: POS \"\(pos)\" is not a number")
    }

    @Test func badValueNamesTheField() throws {
        let (dir, path) = try Self.file([Self.good, "1\t300\t.\tA\tG\t.\tPASS\t.\tGT:DP\t0/1:3\t0/0:x"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path)))
        #expect(e.description == "case.vcf: line 7: FORMAT/DP of sample column 2 \"x\" is not an Integer (header Type=Integer)")
    }

    @Test func malformedLineInBgzippedFileIsNamedToo() throws {
        let (dir, path) = try Self.file([Self.good, "1\t20x\t.\tA\tG\t.\tPASS\t.\tGT:DP\t0/1:3\t0/0:4"], bgzip: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path)))
        #expect(e.description == "case.vcf.gz: line 7: POS \"20x\" is not a number")
    }

    @Test func spaceSeparatedColumns() throws {
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("debian/VarScan_header.vcf"))))
        #expect(e.description == "VarScan_header.vcf: line 21: 1 tab-separated column: the columns are separated by spaces, VCF needs tabs")
    }

    /// Cut in the middle of a BGZF block: the end-of-file block is missing, the file is refused at open.
    @Test func truncatedGzip() throws {
        let lines = (1...4000).map { "1\t\($0 * 10)\t.\tA\tC\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25" }
        let (dir, path) = try Self.file(lines, bgzip: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.vcf.gz")
        try data.prefix(data.count / 2).write(to: cut)
        let e = try #require(Self.error(VariantReadOptions(path: cut.path)))
        #expect(e.code == .truncated)
        #expect(e.description == "cut.vcf.gz: BGZF end-of-file block missing: the file is truncated")
    }

    /// A plain-gzip file cut short has no EOF block to check: the error comes when the stream breaks.
    @Test func truncatedPlainGzip() throws {
        let lines = (1...20000).map { "1\t\($0 * 10)\t.\tA\tC\t50\tPASS\t.\tGT:DP\t0/1:30\t0/0:25" }
        let (dir, path) = try Self.file(lines)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Fx.shell("gzip -f \(Fx.quote(path))")
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let cut = dir.appendingPathComponent("cut.vcf.gz")
        try data.prefix(data.count / 2).write(to: cut)
        let e = try #require(Self.error(VariantReadOptions(path: cut.path)))
        #expect(e.code == .truncated)
        #expect(e.description.hasPrefix("cut.vcf.gz: line "))
        #expect(e.description.contains("the compressed data ends or breaks after"))
        // --lenient skips malformed records, never a broken stream.
        #expect(Self.error(VariantReadOptions(path: cut.path, malformed: .skip))?.code == .truncated)
    }

    @Test func regionWithoutIndex() throws {
        let (dir, path) = try Self.file([Self.good], bgzip: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(Self.error(VariantReadOptions(path: path, region: "1:1-1000")))
        #expect(e.code == .indexMissing)
        #expect(e.description == "case.vcf.gz: region 1:1-1000 needs an index (.tbi or .csi); none was found (make one with `tabix -p vcf`)")
    }

    @Test func regionWithoutIndexBCF() throws {
        let dir = try makeTemporaryDirectory("onco-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bcf = dir.appendingPathComponent("copy.bcf")
        try FileManager.default.copyItem(atPath: Fx.path("hts/synth-somatic.bcf"), toPath: bcf.path)
        let e = try #require(Self.error(VariantReadOptions(path: bcf.path, region: "chr1:1-1000")))
        #expect(e.code == .indexMissing)
        #expect(e.description.hasPrefix("copy.bcf: region chr1:1-1000 needs an index (.csi)"))
    }

    @Test func contigNotInHeader() throws {
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("pcgr/T001-COAD.grch37.vcf.gz"), region: "chr99:1-100")))
        #expect(e.code == .contigUnknown)
        #expect(e.description.hasPrefix("T001-COAD.grch37.vcf.gz: contig \"chr99\" of region chr99:1-100 is not in the header or index (contigs: 1, 2, 3, 4, 5, …)"))
        let f = try #require(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf"), region: "22")))
        #expect(f.code == .contigUnknown) // plain text with ##contig lines: checked against the header
    }

    @Test func invalidRegionString() throws {
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("pcgr/T001-COAD.grch37.vcf.gz"), region: "7:500-100")))
        #expect(e.code == .regionInvalid)
        #expect(e.description.contains("end 100 is before start 500"))
    }

    @Test func bamWithoutIndex() throws {
        let dir = try makeTemporaryDirectory("onco-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bam = dir.appendingPathComponent("tumour.bam")
        try FileManager.default.copyItem(atPath: Fx.path("seqc2/WES_LL_T_1_test.bam"), toPath: bam.path)
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf"), bamPath: bam.path)))
        #expect(e.code == .indexMissing)
        #expect(e.description == "tumour.bam: the alignment file has no index (.bai, .csi or .crai); make one with `samtools index`")
    }

    /// test_b38.vcf names chromosome 21 without `chr`: it is found as chr21 in the BAM; the mpileup BAM
    /// has only 17, so a variant on 21 names its site and the contig.
    @Test func variantContigNotInBAM() throws {
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf"), bamPath: Fx.path("hts/mpileup.1.bam"))))
        #expect(e.code == .contigUnknown)
        #expect(e.location == .site("21:34792292"))
        #expect(e.description.hasPrefix("mpileup.1.bam: site 21:34792292: contig \"21\" is not in the alignment header (contigs: 17)"))
    }

    @Test func unknownSample() throws {
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf"), sample: "NOPE")))
        #expect(e.code == .sampleUnknown)
        #expect(e.description == "test_b38.vcf: the requested tumour sample is not among the file's 2 sample columns")
        #expect(!e.description.contains("TUMOR")) // no sample names in messages
    }

    @Test func missingAndNonVCFFiles() throws {
        #expect(Self.error(VariantReadOptions(path: "/nonexistent/case.vcf"))?.description == "case.vcf: no such file")
        #expect(Self.error(VariantReadOptions(path: Fx.path("seqc2/WES_LL_T_1_test.bam")))?.description
            == "WES_LL_T_1_test.bam: an alignment file (SAM/BAM/CRAM), not VCF/BCF")
        // A MAF is a case input since issue #21 (one tumour sample here: read, not refused); a table that is
        // neither VCF/BCF nor MAF is refused.
        #expect(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38_output.maf"))) == nil)
        let e = Self.error(VariantReadOptions(path: RepoPaths.fixture("knowledge/variants_luad_grch37.tsv").path))
        #expect(e?.code == .openFailed || e?.code == .headerUnreadable || e?.code == .unsupported)
        #expect(e?.description.contains("variants_luad_grch37.tsv") == true)
    }

    @Test func referenceWithoutFai() throws {
        let dir = try makeTemporaryDirectory("onco-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fa = dir.appendingPathComponent("ref.fa")
        try FileManager.default.copyItem(atPath: Fx.path("hts/mpileup.ref.fa"), toPath: fa.path)
        let e = try #require(Self.error(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf"), referenceFasta: fa.path)))
        #expect(e.code == .referenceUnreadable)
        #expect(e.description == "ref.fa: reference FASTA has no .fai index (make one with `samtools faidx`)")
    }

    /// The full path is kept out of `description` (it may name a patient) but is in `debugDescription`.
    @Test func pathOnlyInDebugDescription() throws {
        let e = try #require(Self.error(VariantReadOptions(path: "/data/patients/JohnDoe/case.vcf")))
        #expect(!e.description.contains("JohnDoe"))
        #expect(e.debugDescription.contains("/data/patients/JohnDoe/case.vcf"))
    }
}
