import Foundation
import Testing
import _TestSupport

/// Case files beside the VCF (issue #21 points 3-6): `--cna-file`, `--fusion-file`, `--msi-file`, `--tmb-*` on
/// `onco recommend`, `onco kb match` and the batch manifest's columns; a MAF as the variant file. Fixtures:
/// Tests/Fixtures/caseinputs (written by its make_fixtures.py) and the synthetic cases of recommendation/cases.
@Suite(.serialized) struct CaseInputCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    func casePath(_ name: String) -> String { RepoPaths.fixture("recommendation/cases/\(name).vcf").path }
    func fx(_ name: String) -> String { RepoPaths.fixture("caseinputs/\(name)").path }
    static let alkInhibitors: Set<String> = ["alectinib", "brigatinib", "ceritinib", "crizotinib", "lorlatinib", "ensartinib"]

    func json(_ stdout: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    }

    /// Acceptance: a CNVkit file with ERBB2 amplified (log2 2.3 → CN 10) ranks a trastuzumab-based therapy first
    /// for BRCA; the case's VCF (GRCh37) places the segments; the report carries the calling method.
    @Test func cnvkitERBB2RanksTrastuzumabFirst() throws {
        let r = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA",
                             "--cna-file", fx("brca_erbb2.cnvkit.cns"), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try json(r.stdout)
        let c = try #require(obj["case"] as? [String: Any])
        #expect((c["copy_number"] as? [String])?.contains("ERBB2 amplification") == true)
        let methods = try #require(c["input_methods"] as? [String])
        #expect(methods.count == 1 && methods[0].hasPrefix("copy number (3 gene calls from 7 records): cnvkit segments"))
        let top = try #require((obj["therapies"] as? [[String: Any]])?.first)
        #expect((top["drugs"] as? [String])?.contains { $0.contains("trastuzumab") } == true, "\(top["therapy"] ?? "-")")
        #expect((top["biomarkers"] as? [String])?.contains { $0.contains("ERBB2") } == true)
        // Without the file the same VCF has no ERBB2 call: the file is what ranks trastuzumab.
        let bare = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA", "--format", "json"])
        #expect(bare.status == 0)
        let bareTop = (try json(bare.stdout)["therapies"] as? [[String: Any]])?.first
        #expect((bareTop?["drugs"] as? [String])?.contains { $0.contains("trastuzumab") } != true)
        // Text report: the method line.
        let t = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA",
                             "--cna-file", fx("brca_erbb2.cnvkit.cns")])
        #expect(t.stdout.contains("Inputs      copy number (3 gene calls") && t.stdout.contains("amplification CN >= 6"))
    }

    /// Acceptance: an Arriba file with EML4::ALK ranks an ALK inhibitor first for LUAD; STAR-Fusion and a
    /// breakend VCF give the same first therapy.
    @Test(arguments: ["luad_eml4_alk.arriba.tsv", "luad_eml4_alk.star-fusion.tsv", "luad_eml4_alk.bnd.vcf"])
    func eml4ALKRanksAnALKInhibitorFirst(file: String) throws {
        let r = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("luad_no_driver.grch37.vep"), "--tumor-type", "LUAD",
                             "--fusion-file", fx(file), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try json(r.stdout)
        let c = try #require(obj["case"] as? [String: Any])
        #expect(c["fusions"] as? [String] == ["EML4::ALK"])
        let top = try #require((obj["therapies"] as? [[String: Any]])?.first)
        let drugs = Set(top["drugs"] as? [String] ?? [])
        #expect(!drugs.isDisjoint(with: Self.alkInhibitors), "\(top["therapy"] ?? "-")")
    }

    /// Bad input: a segment whose start is after its end, a fusion file of unknown columns: exit 1, the file,
    /// line and field named, no report written.
    @Test func badCaseFilesNameFileLineFieldAndWriteNothing() throws {
        let dir = try makeTemporaryDirectory("caseinput-cli")
        let out = dir.appendingPathComponent("report.json").path
        let seg = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA",
                               "--cna-file", fx("bad/segments-start-after-end.cns"), "--format", "json", "-o", out])
        #expect(seg.status == 1)
        #expect(seg.stderr.contains("segments-start-after-end.cns line 3, field 'start': start 37944346 is after end 37844346"), "\(seg.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let fus = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("luad_no_driver.grch37.vep"), "--tumor-type", "LUAD",
                               "--fusion-file", fx("bad/fusions-unknown-columns.tsv"), "-o", out])
        #expect(fus.status == 1)
        #expect(fus.stderr.contains("fusions-unknown-columns.tsv line 1, field 'fusion': unknown columns"), "\(fus.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // Both --tmb and a TMB computation: a usage error.
        let both = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("luad_no_driver.grch37.vep"), "--tumor-type", "LUAD",
                                "--tmb", "12", "--tmb-megabases", "30"])
        #expect(both.status == 64 && both.stderr.contains("give --tmb or compute it"))
    }

    /// `kb match` takes a MAF as --vcf and the MSIsensor file: EGFR L858R and MSI-H are matched; the methods are printed.
    @Test func kbMatchMAFWithMSI() throws {
        let dir = try makeTemporaryDirectory("caseinput-maf")
        let maf = dir.appendingPathComponent("case.maf").path
        try """
        Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\tNCBI_Build\tt_ref_count\tt_alt_count
        EGFR\t7\t55259515\t55259515\tT\tG\tT-1\tMissense_Mutation\tp.L858R\tGRCh37\t70\t30

        """.write(toFile: maf, atomically: true, encoding: .utf8)
        let r = try runOnco(["kb", "match", "--kb", kb, "--vcf", maf, "--tumor-type", "LUAD", "--msi-file", fx("msisensor.txt"),
                             "--tmb-megabases", "30"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("EGFR L858R") && r.stdout.contains("MSI-H"))
        #expect(r.stdout.contains("Input: MSI MSI-H: MSIsensor score 25.33% (304/1200 sites)"))
        #expect(r.stdout.contains("Input: TMB 0.03/Mb: 1 coding non-synonymous PASS variants with VAF >= 0.05 over 30.000 Mb"))
        // The JSON carries the same method lines.
        let j = try runOnco(["kb", "match", "--kb", kb, "--vcf", maf, "--tumor-type", "LUAD", "--msi-file", fx("msisensor.txt"),
                             "--tmb-megabases", "30", "--format", "json"])
        #expect(j.status == 0, "\(j.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let methods = try #require(object["inputMethods"] as? [String])
        #expect(methods.count == 2 && methods[0].hasPrefix("MSI MSI-H: MSIsensor score 25.33% (304/1200 sites)"))
        #expect(methods[1].hasPrefix("TMB 0.03/Mb: 1 coding non-synonymous PASS variants"))
    }

    /// The batch manifest's case-file columns: the ERBB2 case gets its CNVkit calls, the ALK case its fusion;
    /// a bad segment file fails only its case, with `case_file_invalid` naming the manifest line and the file's line.
    @Test func batchManifestColumns() throws {
        let dir = try makeTemporaryDirectory("caseinput-batch")
        let manifest = dir.appendingPathComponent("manifest.tsv").path
        try """
        case_id\tvcf\ttumor_type\tcna_file\tfusion_file
        C1\t\(casePath("brca_erbb2amp.grch37.vep"))\tBRCA\t\(fx("brca_erbb2.cnvkit.call.cns"))\t.
        C2\t\(casePath("luad_no_driver.grch37.vep"))\tLUAD\t.\t\(fx("luad_eml4_alk.arriba.tsv"))
        C3\t\(casePath("brca_erbb2amp.grch37.vep"))\tBRCA\t\(fx("bad/segments-start-after-end.cns"))\t.

        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.jsonl").path
        let r = try runOnco(["batch", manifest, "--kb", kb, "-o", out, "--jobs", "1"])
        #expect(r.status == 2, "finished with one failed case: \(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let objs = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let byID = Dictionary(uniqueKeysWithValues: objs.map { ($0["case_id"] as? String ?? "", $0) })
        let c1 = try #require(byID["C1"]), c2 = try #require(byID["C2"]), c3 = try #require(byID["C3"])
        #expect(c1["status"] as? String == "ok" && c2["status"] as? String == "ok")
        let top1 = (c1["therapies"] as? [[String: Any]])?.first?["drugs"] as? [String]
        #expect(top1?.contains { $0.contains("trastuzumab") } == true)
        let top2 = Set((c2["therapies"] as? [[String: Any]])?.first?["drugs"] as? [String] ?? [])
        #expect(!top2.isDisjoint(with: Self.alkInhibitors))
        let err = try #require(c3["error"] as? [String: Any])
        #expect(c3["status"] as? String == "failed" && err["code"] as? String == "case_file_invalid")
        #expect((err["message"] as? String)?.contains("manifest line 4: segments-start-after-end.cns line 3, field 'start'") == true)
    }
}
