import Foundation
import Testing
import _TestSupport

/// `onco kb`: runs the built binary (swift build first) against the shipped KnowledgeBase/.
@Suite struct KBCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path

    @Test func rulesPrintsCoverage() throws {
        let r = try runOnco(["kb", "rules", "--kb", kb])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("KB: CIViC 01-Aug-2021 (v1) sha256:") && r.stdout.contains(" · MOAlmanac 2025-12-26 sha256:") && r.stdout.contains(" · OncoTree 2025_10_03 · DO 2026-07-31 · index sha256:"))
        #expect(r.stdout.contains("MOAlmanac features: 1015"))
        #expect(r.stdout.contains("CIViC variants: 1469"))
        #expect(r.stdout.contains("Predictive evidence items: 2333"))
        #expect(r.stdout.contains("[target >= 90%]"))
        #expect(r.stdout.contains("protein-change"))
        let u = try runOnco(["kb", "rules", "--kb", kb, "--unparsed"])
        #expect(u.status == 0)
        #expect(u.stdout.contains("Non-V600") && u.stdout.contains("negation"))
        #expect(r.stdout.contains("Exact alleles (CIViC + MOAlmanac): lifted 786 of 786 distinct GRCh37 alleles to GRCh38 (UCSC liftOver chain hg19ToHg38.over.chain)"))
    }

    /// `kb rules --lifted`: every exact GRCh37 allele with its GRCh38 lift or the reason, as TSV.
    @Test func rulesListsLiftedAlleles() throws {
        let r = try runOnco(["kb", "rules", "--kb", kb, "--lifted"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("# lifted 786 of 786") == true && lines.dropFirst().first == "grch37\tgrch38\tnot_lifted")
        #expect(lines.count == 2 + 786)
        #expect(lines.contains("GRCh37:7:140453136:A>T\tGRCh38:7:140753336:A>T\t"))
        let bad = try runOnco(["kb", "rules", "--kb", kb, "--lifted", "--format", "json"])
        #expect(bad.status == 64 && bad.stderr.contains("--lifted"))
    }

    @Test func matchTextAndJSON() throws {
        let f = RepoPaths.fixture("knowledge/variants_luad_grch37.tsv").path
        let t = try runOnco(["kb", "match", "--kb", kb, "--variants", f, "--tumor-type", "LUAD"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("KB: CIViC 01-Aug-2021"))
        #expect(t.stdout.contains("T1  dabrafenib + trametinib"))
        #expect(t.stdout.contains("EID91 dabrafenib resistance"))
        #expect(t.stdout.contains("1 non-PASS ignored"))
        #expect(t.stdout.contains("PMID 27283860"))
        let j = try runOnco(["kb", "match", "--kb", kb, "--variants", f, "--tumor-type", "LUAD", "--format", "json", "--include-filtered"])
        #expect(j.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let version = obj?["kbVersion"] as? [String: Any]
        #expect(version?["civicRelease"] as? String == "01-Aug-2021")
        let matches = obj?["matches"] as? [[String: Any]] ?? []
        #expect(matches.contains { $0["profileName"] as? String == "KRAS G12D" }) // LowQual included
    }

    @Test func matchGRCh38JSONVariantList() throws {
        let f = RepoPaths.fixture("knowledge/variants_egfr_grch38.json").path
        let r = try runOnco(["kb", "match", "--kb", kb, "--variants", f, "--tumor-type", "NSCLC"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("EGFR EXON 19 DELETION"))
        #expect(r.stdout.contains("exon from exon table"))
        #expect(r.stdout.contains("T1  erlotinib"))
    }

    @Test func badInputsFailClearly() throws {
        let bad = try runOnco(["kb", "match", "--kb", kb, "--variants", RepoPaths.fixture("knowledge/variants_bad.tsv").path, "--tumor-type", "LUAD"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("variants_bad.tsv:2") && bad.stderr.contains("pos"))
        let code = try runOnco(["kb", "match", "--kb", kb, "--amplification", "ERBB2", "--tumor-type", "XYZ"])
        #expect(code.status == 1 && code.stderr.contains("XYZ"))
        let vcf = try runOnco(["kb", "match", "--kb", kb, "--vcf", "x.vcf", "--tumor-type", "LUAD"])
        #expect(vcf.status == 1 && vcf.stderr.contains("x.vcf") && vcf.stdout.isEmpty)
    }

    /// `kb update --civic` imports a v2 dump into a copy of the KB and stamps the new release; a broken
    /// dump leaves the KB untouched.
    @Test func updateImportsV2Dump() throws {
        let dir = try makeTemporaryDirectory("kb-cli")
        let copy = dir.appendingPathComponent("KnowledgeBase")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: kb), to: copy)
        let broken = dir.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "x\ty\n".write(to: broken.appendingPathComponent("a-ClinicalEvidenceSummaries.tsv"), atomically: true, encoding: .utf8)
        try "variant_id\n".write(to: broken.appendingPathComponent("a-VariantSummaries.tsv"), atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: copy.appendingPathComponent("index/knowledgebase.idx"))
        let bad = try runOnco(["kb", "update", "--kb", copy.path, "--civic", broken.path])
        #expect(bad.status == 1)
        #expect(try Data(contentsOf: copy.appendingPathComponent("index/knowledgebase.idx")) == before)
        let ok = try runOnco(["kb", "update", "--kb", copy.path, "--civic", RepoPaths.fixture("knowledge/civic_v2").path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("CIViC reviewed-2024-01-01 (v2)"))
        let rules = try runOnco(["kb", "rules", "--kb", copy.path])
        #expect(rules.stdout.contains("CIViC variants: 6"))
    }

    /// `kb diseases`: coverage and routes; `--unmapped` lists no disease with level A/B evidence (exit 0).
    @Test func diseasesAudit() throws {
        let r = try runOnco(["kb", "diseases", "--kb", kb])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("with level A/B evidence: 0"))
        #expect(r.stdout.contains("Transitional Cell Carcinoma (DOID:2671)  →  BLCA,UTUC,UCU [override]"))
        #expect(r.stdout.contains("Non-Small Cell Lung Cancer (NSCLC)  →  NSCLC [oncotree-code]"))
        let u = try runOnco(["kb", "diseases", "--kb", kb, "--unmapped"])
        #expect(u.status == 0, "\(u.stderr)")
        #expect(u.stdout.contains("Unmapped: 1, with level A/B evidence: 0") && u.stdout.contains("Thanatophoric Dysplasia"))
        let j = try runOnco(["kb", "diseases", "--kb", kb, "--unmapped", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(j.status == 0 && rows.allSatisfy { ($0["hasStrongEvidence"] as? Bool) == false })
    }

    /// `kb update --moalmanac`: a malformed release is refused naming the assertion and field, and the
    /// installed KB is unchanged; the shipped release re-imports to the same index.
    @Test func updateMOAlmanacIsTransactional() throws {
        let dir = try makeTemporaryDirectory("kb-cli-moa")
        let copy = dir.appendingPathComponent("KnowledgeBase")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: kb), to: copy)
        let index = copy.appendingPathComponent("index/knowledgebase.idx")
        let before = try Data(contentsOf: index)
        let shipped = copy.appendingPathComponent("moalmanac/molecular-oncology-almanac.json")
        var list = try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as! [[String: Any]]
        list[4]["feature_type"] = "Methylation"
        let bad = dir.appendingPathComponent("molecular-oncology-almanac.json")
        try JSONSerialization.data(withJSONObject: list).write(to: bad)
        let id = list[4]["assertion_id"] as! Int
        let r = try runOnco(["kb", "update", "--kb", copy.path, "--moalmanac", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("assertion \(id)") && r.stderr.contains("feature_type") && r.stderr.contains("Methylation"))
        #expect(try Data(contentsOf: index) == before)
        list[4].removeValue(forKey: "oncotree_code")
        list[4]["feature_type"] = "Somatic Variant"
        try JSONSerialization.data(withJSONObject: list).write(to: bad)
        let r2 = try runOnco(["kb", "update", "--kb", copy.path, "--moalmanac", bad.path])
        #expect(r2.status == 1 && r2.stderr.contains("assertion \(id)") && r2.stderr.contains("oncotree_code"))
        try "[{\"assertion_id\": 1,".write(to: bad, atomically: true, encoding: .utf8)
        let r3 = try runOnco(["kb", "update", "--kb", copy.path, "--moalmanac", bad.path])
        #expect(r3.status == 1 && r3.stderr.contains("not valid JSON"))
        #expect(try Data(contentsOf: index) == before)
        let ok = try runOnco(["kb", "update", "--kb", copy.path, "--moalmanac", RepoPaths.knowledgeBase("moalmanac/molecular-oncology-almanac.json").path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("MOAlmanac 2025-12-26"))
        #expect(try Data(contentsOf: index) == before)
    }
}

/// `onco kb match --vcf`: the real PCGR colorectal example (BRAF V600E) read through htslib, in both builds.
@Suite struct KBMatchVCFTests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path

    func matchJSON(_ fixture: String) throws -> [String: Any] {
        let f = RepoPaths.fixture(fixture).path
        let r = try runOnco(["kb", "match", "--kb", kb, "--vcf", f, "--tumor-type", "COAD", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// The PCGR examples carry no VEP/snpEff annotation. On GRCh37 BRAF V600E is found through CIViC's
    /// exact GRCh37 allele; on GRCh38 through that allele lifted with the shipped UCSC chain (the text says
    /// so), and both outputs warn that codon, exon and gene rules need annotation.
    @Test func bareVCFsMatchByExactAllelesOnBothBuildsAndSaySo() throws {
        let g37 = try matchJSON("genomics/pcgr/T001-COAD.grch37.vcf.gz")
        let g38 = try matchJSON("genomics/pcgr/T001-COAD.grch38.vcf.gz")
        let names37 = Set((g37["matches"] as? [[String: Any]] ?? []).compactMap { $0["profileName"] as? String })
        let names38 = Set((g38["matches"] as? [[String: Any]] ?? []).compactMap { $0["profileName"] as? String })
        #expect(names37.contains("BRAF V600E") && names38.contains("BRAF V600E"))
        #expect((g37["unannotated"] as? Int ?? 0) > 3000 && (g38["unannotated"] as? Int ?? 0) > 3000)
        #expect((g37["unmatchableUnannotated"] as? Int) == 0 && (g38["unmatchableUnannotated"] as? Int) == 0)
        let f = RepoPaths.fixture("genomics/pcgr/T001-COAD.grch38.vcf.gz").path
        let t = try runOnco(["kb", "match", "--kb", kb, "--vcf", f, "--tumor-type", "COAD"])
        #expect(t.status == 0)
        #expect(t.stdout.contains("WARNING:") && t.stdout.contains("lifted with the UCSC hg19ToHg38 chain"))
        #expect(t.stdout.contains("→ CIViC allele GRCh37:7:140453136:A>T, lifted to GRCh38:7:140753336:A>T (UCSC liftOver chain hg19ToHg38.over.chain) (exact)"))
    }

    /// Acceptance of issue #21: the bare GRCh38 melanoma (no CSQ; build from its ##reference/##contig lines)
    /// matches BRAF V600E exactly without annotation files, and `kb match` and `recommend` rank the same
    /// first therapy as its bare GRCh37 twin.
    @Test func bareGRCh38MelanomaRanksLikeItsGRCh37Twin() throws {
        func cases(_ build: String) -> String { RepoPaths.fixture("recommendation/cases/skcm_braf_v600e.\(build).bare.vcf").path }
        func firstTherapy(_ build: String) throws -> (kb: String, recommend: String, text: String) {
            let m = try runOnco(["kb", "match", "--kb", kb, "--vcf", cases(build), "--tumor-type", "SKCM", "--format", "json"])
            #expect(m.status == 0, "\(m.stderr)")
            let obj = try JSONSerialization.jsonObject(with: Data(m.stdout.utf8)) as? [String: Any] ?? [:]
            let t = (obj["therapies"] as? [[String: Any]] ?? []).first?["therapy"] as? [String: Any]
            let r = try runOnco(["recommend", "--kb", kb, "--vcf", cases(build), "--tumor-type", "SKCM", "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let rec = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
            let top = (rec["therapies"] as? [[String: Any]] ?? []).first
            return ((t?["drugs"] as? [String] ?? []).joined(separator: " + "), top?["therapy"] as? String ?? "", r.stdout)
        }
        let g37 = try firstTherapy("grch37"), g38 = try firstTherapy("grch38")
        #expect(!g38.kb.isEmpty && g38.kb == g37.kb)
        #expect(!g38.recommend.isEmpty && g38.recommend == g37.recommend)
        #expect(g38.text.contains("lifted to GRCh38:7:140753336:A>T (UCSC liftOver chain hg19ToHg38.over.chain)"))
        #expect(!g37.text.contains("lifted to"))
    }

    @Test func vcfAndVariantListAreExclusive() throws {
        let f = RepoPaths.fixture("genomics/pcgr/T001-COAD.grch37.vcf.gz").path
        let r = try runOnco(["kb", "match", "--kb", kb, "--vcf", f, "--variants", f, "--tumor-type", "COAD"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("either --vcf or --variants"))
    }

    @Test func missingVCFIsAClearError() throws {
        let r = try runOnco(["kb", "match", "--kb", kb, "--vcf", "/nonexistent/case.vcf.gz", "--tumor-type", "COAD"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("case.vcf.gz"))
        #expect(r.stdout.isEmpty)
    }
}
