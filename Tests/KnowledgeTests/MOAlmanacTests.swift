import Foundation
import Knowledge
import OncoCore
import Testing
import _TestSupport

/// MOAlmanac as the second curated source: loading, levels, rules, and malformed files.
@Suite struct MOAlmanacTests {
    let kb = Shared.kb
    var file: URL { Shared.kbDirectory.appendingPathComponent("moalmanac/molecular-oncology-almanac.json") }

    @Test func shippedReleaseIsLoadedAndStamped() {
        #expect(kb.version.moalmanacRelease == "2025-12-26")
        #expect(kb.version.moalmanacChecksum?.count == 12 && kb.version.civicChecksum?.count == 12)
        #expect(kb.version.description.contains("CIViC 01-Aug-2021 (v1) sha256:") && kb.version.description.contains("MOAlmanac 2025-12-26 sha256:"))
        let moa = kb.release.evidence.filter { $0.source == .moalmanac }
        #expect(moa.count == 1018 - kb.moalmanacDeprecated && kb.moalmanacDeprecated == 3)
        #expect(Set(moa.map(\.sourceLevel)) == ["FDA-Approved", "Guideline", "Clinical trial", "Clinical evidence", "Inferential", "Preclinical"])
        #expect(moa.contains { $0.type == .prognostic } && moa.contains { $0.type == .diagnostic })
        // Sotorasib's FDA approval for KRAS G12C NSCLC: level A, label URL, OncoTree-coded.
        let soto = moa.first { $0.id == EvidenceSource.moalmanacIDOffset + 372 }
        #expect(soto?.level == .a && soto?.drugNames == ["Sotorasib"] && soto?.oncotreeCode == "NSCLC" && soto?.sourceURL.hasPrefix("https://") == true)
        #expect(soto?.label == "MOA372")
    }

    @Test func featuresBecomeRules() {
        func rule(_ aid: Int) -> BiomarkerRule? { kb.rules[EvidenceSource.moalmanacIDOffset + aid] }
        #expect(rule(372)?.condition?.description.contains("G12C") == true)        // somatic variant
        #expect(rule(36)?.kind == .fusion || rule(36)?.condition?.genes == ["NTRK1"]) // NTRK1 rearrangement
        #expect(rule(768)?.condition == .characteristic(.msiHigh))
        #expect(rule(799)?.condition == .characteristic(.tmbHigh))
        #expect(rule(684)?.condition == .gene(gene: "AR", event: .amplification))
        let c = kb.coverage()
        #expect(c.moalmanacFeatures == 1015 && c.moalmanacMatchable > 800)
    }

    /// The tiers: FDA-Approved in the same indication is T1; MOAlmanac's Clinical trial level reaches T2.
    @Test func tiers() {
        #expect(Tier(level: .a, rating: nil, relation: .broader, source: .moalmanac) == .t1)
        #expect(Tier(level: .b, rating: nil, relation: .exact, source: .moalmanac) == .t2)
        #expect(Tier(level: .b, rating: nil, relation: .exact, source: .civic) == .t3)
        #expect(Tier(level: .b, rating: nil, relation: .other, source: .moalmanac) == .t3)
    }

    func load(_ json: String) throws -> MOAlmanacRelease {
        let dir = try makeTemporaryDirectory("moalmanac")
        let f = dir.appendingPathComponent("molecular-oncology-almanac.json")
        try json.write(to: f, atomically: true, encoding: .utf8)
        return try MOAlmanacLoader.load(file: f, oncotree: kb.oncotree, knownDiseaseKeys: ["Any solid tumor"])
    }

    /// One valid assertion as MOAlmanac writes it, with `patch` applied to its fields.
    func assertion(_ patch: [String: Any?] = [:]) throws -> String {
        var a: [String: Any] = [
            "assertion_id": 295, "feature_id": 295, "feature_type": "Somatic Variant", "gene": "FGFR3", "chromosome": "4",
            "start_position": 1803568, "end_position": 1803568, "reference_allele": "C", "alternate_allele": "G",
            "cdna_change": "c.746C>G", "protein_change": "p.S249C", "variant_annotation": "Missense", "exon": 6, "rsid": "",
            "disease": "Bladder Cancer", "context": "", "oncotree_term": "Bladder Urothelial Carcinoma", "oncotree_code": "BLCA",
            "therapy_name": "Erdafitinib", "therapy_strategy": "", "therapy_type": "Targeted therapy", "therapy_sensitivity": 1,
            "therapy_resistance": "", "favorable_prognosis": "", "predictive_implication": "FDA-Approved", "description": "x",
            "source_type": "FDA", "citation": "label", "url": "https://www.accessdata.fda.gov/x.pdf", "doi": "", "pmid": "",
            "nct": "", "publication_date": "2024-01-19", "last_updated": "2024-02-01", "_deprecated": false,
        ]
        for (k, v) in patch { if let v { a[k] = v } else { a.removeValue(forKey: k) } }
        return String(decoding: try JSONSerialization.data(withJSONObject: [a]), as: UTF8.self)
    }

    @Test func validAssertionLoads() throws {
        let r = try load(try assertion())
        #expect(r.evidence.count == 1 && r.releaseDate == "2024-02-01")
        #expect(r.variants[0].name == "S249C" && r.variants[0].referenceBuild == "GRCh37")
    }

    /// Malformed files: the error names the assertion id and the field.
    @Test func malformedFilesNameAssertionAndField() throws {
        let badJSON = #expect(throws: KnowledgeError.self) { _ = try load("[{\"assertion_id\": 1,") }
        #expect(badJSON?.description.contains("not valid JSON") == true && badJSON?.file == "molecular-oncology-almanac.json")
        let feature = #expect(throws: KnowledgeError.self) { _ = try load(try assertion(["feature_type": "Methylation"])) }
        #expect(feature?.description.contains("assertion 295") == true && feature?.field == "feature_type")
        #expect(feature?.description.contains("Methylation") == true)
        let missing = #expect(throws: KnowledgeError.self) { _ = try load(try assertion(["oncotree_code": nil])) }
        #expect(missing?.description.contains("assertion 295") == true && missing?.field == "oncotree_code")
        let unknown = #expect(throws: KnowledgeError.self) { _ = try load(try assertion(["oncotree_code": "NOTACODE"])) }
        #expect(unknown?.field == "oncotree_code" && unknown?.description.contains("NOTACODE") == true)
        let level = #expect(throws: KnowledgeError.self) { _ = try load(try assertion(["predictive_implication": "Approved"])) }
        #expect(level?.field == "predictive_implication" && level?.description.contains("assertion 295") == true)
    }
}
