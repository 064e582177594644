import Batch
import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

@Suite struct BatchManifestTests {
    func parse(_ text: String) throws -> BatchManifest {
        try BatchManifest.parse(Data(text.utf8), file: "m.tsv", baseDirectory: "/data/run1")
    }

    @Test func readsColumnsCommentsAndMissingValues() throws {
        let m = try parse("""
            # a comment before the header
            case_id\tvcf\ttumour_type\tsample\tage\tsex\tstage\tsite\r
            P1\tvcf/p1.vcf.gz\tLUAD\tTUMOR\t61\tF\tStage IIIA\tclinic-a\r

            P2\t/abs/p2.bcf\tskcm\tNA\t.\t\tNA\tclinic-b
            # trailing comment
            """)
        #expect(m.ignoredColumns == ["site"])
        #expect(m.cases.count == 2)
        let p1 = m.cases[0], p2 = m.cases[1]
        #expect(p1.id == "P1" && p1.index == 0 && p1.line == 3)
        #expect(p1.vcf == "/data/run1/vcf/p1.vcf.gz")
        #expect(p1.tumourType == "LUAD" && p1.sample == "TUMOR" && p1.age == 61 && p1.sex == .female && p1.stage == "III")
        #expect(p2.index == 1 && p2.line == 5 && p2.vcf == "/abs/p2.bcf")
        #expect(p2.sample == nil && p2.age == nil && p2.sex == nil && p2.stage == nil)
        #expect(try p2.oncoTreeCode() == OncoTreeCode("SKCM"))
    }

    /// Each malformed manifest names the line and field at fault.
    @Test(arguments: [
        ("case_id\tvcf\n", 1 as Int?, "tumor_type" as String?, "required column missing"),
        ("case_id\tvcf\ttumor_type\tvcf\n", 1, "vcf", "twice"),
        ("case_id\tvcf\ttumor_type\nA\ta.vcf\n", 2, nil, "2 fields, the header has 3"),
        ("case_id\tvcf\ttumor_type\nA\ta.vcf\tLUAD\n\nB\t\tLUAD\n", 4, "vcf", "required field is empty"),
        ("case_id\tvcf\ttumor_type\nA\ta.vcf\tLUAD\nB\tb.vcf\tLUAD\nA\tc.vcf\tLUAD\n", 4, "case_id", "first at line 2"),
        ("case_id\tvcf\ttumor_type\tage\nA\ta.vcf\tLUAD\tsixty\n", 2, "age", "whole number"),
        ("case_id\tvcf\ttumor_type\tsex\nA\ta.vcf\tLUAD\tX\n", 2, "sex", "female"),
        ("case_id\tvcf\ttumor_type\tstage\nA\ta.vcf\tLUAD\tV\n", 2, "stage", "I-IV"),
        ("case_id\tvcf\ttumor_type\nA B\ta.vcf\tLUAD\n", 2, "case_id", "without spaces"),
        ("case_id\tvcf\ttumor_type\tcna_format\nA\ta.vcf\tLUAD\tsegments\n", 2, "cna_format", "cnvkit, purple, ascat, cbioportal, vcf"),
        ("case_id\tvcf\ttumor_type\tfusion_format\nA\ta.vcf\tLUAD\tfusioncatcher\n", 2, "fusion_format", "arriba, star-fusion, vcf"),
        ("case_id\tvcf\ttumor_type\ttmb_bed\ttmb_megabases\nA\ta.vcf\tLUAD\tp.bed\t30\n", 2, "tmb_megabases", "not both"),
        ("case_id\tvcf\ttumor_type\ttmb_megabases\nA\ta.vcf\tLUAD\t-3\n", 2, "tmb_megabases", "positive"),
        ("case_id\tvcf\ttumor_type\tgenome_build\nA\ta.vcf\tLUAD\thg18\n", 2, "genome_build", "GRCh37 or GRCh38"),
        ("# only a comment\n", nil, nil, "no header"),
    ])
    func malformedManifestsSayWhere(_ text: String, _ line: Int?, _ field: String?, _ message: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted a malformed manifest")
        } catch let e as ManifestError {
            #expect(e.line == line)
            #expect(e.field == field)
            #expect(e.message.contains(message), "\(e.message)")
            #expect(e.description.hasPrefix("manifest m.tsv"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// The case-file columns: paths resolved against the manifest's folder, formats and the build read.
    @Test func caseFileColumns() throws {
        let m = try parse("case_id\tvcf\ttumor_type\tcna_file\tcna_format\tcna_sample\tfusion_file\tmsi_file\ttmb_megabases\tgenome_build\n"
                          + "A\ta.maf\tBRCA\tcn/a.cns\tCNVkit\tS1\t/abs/f.tsv\tmsi.txt\t34.5\thg19\nB\tb.vcf\tLUAD\t.\t.\t.\t.\t.\t.\t.\n")
        let a = m.cases[0].caseFiles
        #expect(a.copyNumberPath == "/data/run1/cn/a.cns" && a.copyNumberFormat == .cnvkit && a.copyNumberSample == "S1")
        #expect(a.fusionPath == "/abs/f.tsv" && a.fusionFormat == nil && a.msiPath == "/data/run1/msi.txt")
        #expect(a.tmbMegabases == 34.5 && a.tmbBedPath == nil && a.build == .grch37 && !a.isEmpty)
        #expect(m.cases[1].caseFiles.isEmpty && m.ignoredColumns.isEmpty)
    }

    /// `gff` and `reference`: a case's own annotation inputs, resolved, both or neither on a row.
    @Test func annotationColumns() throws {
        let m = try parse("case_id\tvcf\ttumor_type\tgff\treference\n"
                          + "A\ta.vcf\tAML\tref/genes.gff3.gz\t/abs/genome.fa.gz\nB\tb.vcf\tLUAD\t.\t.\n")
        #expect(m.cases[0].consequenceSource == ConsequenceSource(gff: "/data/run1/ref/genes.gff3.gz", reference: "/abs/genome.fa.gz"))
        #expect(m.cases[1].consequenceSource == nil && m.ignoredColumns.isEmpty)
        for (row, field) in [("C\tc.vcf\tAML\tg.gff3\t.\n", "reference"), ("C\tc.vcf\tAML\t\tr.fa\n", "gff")] {
            #expect {
                _ = try parse("case_id\tvcf\ttumor_type\tgff\treference\n" + row)
            } throws: { e in
                guard let e = e as? ManifestError else { return false }
                return e.line == 2 && e.field == field && e.file == "m.tsv"
            }
        }
    }

    @Test func invalidUTF8NamesItsLine() {
        var bytes = Array("case_id\tvcf\ttumor_type\nA\ta.vcf\tLUAD\nB\tb".utf8)
        bytes += [0xFF, 0xFE] + Array(".vcf\tLUAD\n".utf8)
        #expect(throws: ManifestError(.malformed, file: "m.tsv", line: 3, field: nil, "is not UTF-8 text")) {
            try BatchManifest.parse(Data(bytes), file: "m.tsv", baseDirectory: "/")
        }
    }

    @Test func oncoTreeSyntax() {
        for ok in ["LUAD", "COADREAD", "HCL-V", "MDS/MPN", "SOFT_TISSUE", "luad", "B2"] {
            #expect(BatchCase.isOncoTreeSyntax(ok), "\(ok)")
        }
        for bad in ["", "L", "Lung adenocarcinoma", "NSCLC?", "1234", "LUAD (met)", String(repeating: "A", count: 33)] {
            #expect(!BatchCase.isOncoTreeSyntax(bad), "\(bad)")
        }
        let c = BatchCase(id: "X", index: 0, line: 7, vcf: "/x", tumourType: "colon ca")
        #expect(throws: CaseError(.tumourTypeInvalid, "manifest line 7, field tumor_type: not an OncoTree code (2-32 letters, digits, '_', '-', '/', starting with a letter)")) {
            try c.clinicalContext()
        }
    }

    @Test func folderOfVCFs() throws {
        let dir = try makeTemporaryDirectory("onco-batch-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["b.vcf.gz", "a.bcf", "c.vcf", "b.vcf.gz.tbi", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data())
        }
        let m = try BatchManifest.folder(dir.path, tumourType: "PAAD")
        #expect(m.cases.map(\.id) == ["a", "b", "c"])
        #expect(m.cases.allSatisfy { $0.tumourType == "PAAD" && $0.line == 0 })
        #expect(m.cases[1].vcf == dir.appendingPathComponent("b.vcf.gz").path)
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("a.vcf").path, contents: Data())
        #expect(throws: ManifestError.self) { try BatchManifest.folder(dir.path, tumourType: "PAAD") }
        let empty = try makeTemporaryDirectory("onco-batch-empty")
        #expect(throws: ManifestError.self) { try BatchManifest.folder(empty.path, tumourType: "PAAD") }
    }

    @Test func shardsPartitionTheManifest() throws {
        let m = syntheticManifest(23)
        var seen: [Int] = []
        for i in 1...4 {
            let part = m.cases(in: try Shard(index: i, count: 4))
            #expect(part.allSatisfy { $0.index % 4 == i - 1 })
            seen += part.map(\.index)
        }
        #expect(seen.sorted() == Array(0..<23))
        #expect(try Shard(parsing: "2/8") == Shard(index: 2, count: 8))
        for bad in ["0/3", "4/3", "1/0", "1-3", "a/b", "2", "1/2/3"] {
            #expect(throws: ShardSyntaxError.self) { try Shard(parsing: bad) }
        }
    }

    /// The manifest and the tumour-type list are read through `InputFile`: missing, a folder, empty or not
    /// UTF-8 is a `ManifestError` naming the file, never Foundation's error text.
    @Test func unreadableManifestAndTumourTypeFilesNameTheFile() throws {
        let dir = try makeTemporaryDirectory("onco-manifest-files")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.tsv").path
        let empty = dir.appendingPathComponent("empty.tsv"), latin1 = dir.appendingPathComponent("latin1.tsv")
        try Data().write(to: empty)
        try Data([0x4C, 0x55, 0x41, 0xC9, 0x0A]).write(to: latin1)
        func error(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch let e as ManifestError { return e.description } catch { return "other: \(error)" }
        }
        #expect(error { try BatchManifest.read(path: missing) } == "manifest \(missing): does not exist")
        #expect(error { try BatchManifest.read(path: dir.path) } == "manifest \(dir.path): is a folder (give --tumor-type to read a folder of VCFs)")
        #expect(error { try BatchManifest.read(path: empty.path) } == "manifest \(empty.path): has no header line")
        #expect(error { try FileCheckScorer.loadTumourTypes(path: missing) } == "manifest \(missing): does not exist")
        #expect(error { try FileCheckScorer.loadTumourTypes(path: dir.path) } == "manifest \(dir.path): is a folder, not a file")
        #expect(error { try FileCheckScorer.loadTumourTypes(path: latin1.path) } == "manifest \(latin1.path): is not UTF-8 text")
        #expect(error { try FileCheckScorer.loadTumourTypes(path: empty.path) } == "manifest \(empty.path), field code: no tumour-type codes")
    }
}
