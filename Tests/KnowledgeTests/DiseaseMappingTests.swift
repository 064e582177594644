import Foundation
import Knowledge
import OncoCore
import Testing
import _TestSupport

/// Every KB disease resolves to OncoTree (issue #18): the audit, and the diseases a tumour board names.
@Suite struct DiseaseMappingTests {
    let kb = Shared.kb

    /// No disease with level A/B (CIViC) or FDA-Approved/Guideline/Clinical trial (MOAlmanac) evidence is unmapped.
    @Test func noStrongEvidenceOnAnUnmappedDisease() {
        let c = kb.diseaseCoverage()
        #expect(c.diseases > 250)
        #expect(c.unmappedStrong.isEmpty, "unmapped with level A/B evidence: \(c.unmappedStrong.map { "\($0.source):\($0.key) \($0.name)" })")
        #expect(c.rows.contains { $0.source == .moalmanac } && c.rows.contains { $0.source == .civic })
    }

    func codes(_ source: EvidenceSource, _ key: String) -> [String]? { kb.diseaseMap[DiseaseKey(source: source, key: key)]?.codes }

    /// Diseases checked by name: urothelial, NSCLC subtypes, colorectal, GIST, CML/AML/ALL, cholangiocarcinoma, thyroid.
    @Test func namedDiseasesResolve() {
        #expect(codes(.civic, "DOID:2671") == ["BLCA", "UTUC", "UCU"])       // Transitional Cell Carcinoma
        #expect(codes(.civic, "DOID:3908") == ["NSCLC"])                    // Lung Non-small Cell Carcinoma
        #expect(codes(.civic, "DOID:3910") == ["LUAD"])                     // Lung Adenocarcinoma
        #expect(codes(.civic, "DOID:3907") == ["LUSC"])                     // Lung Squamous Cell Carcinoma
        #expect(codes(.civic, "DOID:9256") == ["COADREAD"])                 // Colorectal Cancer
        #expect(codes(.civic, "DOID:0050861") == ["COADREAD"])              // Colorectal Adenocarcinoma
        #expect(codes(.civic, "DOID:9253") == ["GIST"])
        #expect(codes(.civic, "DOID:8552") == ["CML"])
        #expect(codes(.civic, "DOID:9119") == ["AML"])
        #expect(codes(.civic, "DOID:9952") == ["BLL", "TLL"])               // Acute Lymphoblastic Leukemia
        #expect(codes(.civic, "DOID:0080146") == ["BLL"])                   // Childhood B-ALL
        #expect(codes(.civic, "DOID:4947") == ["CHOL"])
        #expect(codes(.civic, "DOID:3969") == ["THPA"])                     // papillary thyroid
        #expect(codes(.civic, "DOID:3973") == ["THME"])                     // medullary thyroid
        #expect(codes(.civic, "Anaplastic Thyroid Carcinoma") == ["THAP"])
        #expect(codes(.civic, "DOID:1781") == ["THYROID"])                  // Thyroid Cancer
        #expect(codes(.moalmanac, "ALL") == ["BLL", "TLL"])
        #expect(codes(.moalmanac, "Any solid tumor") == ["*"])
        let apl = kb.diseaseMap[DiseaseKey(source: .civic, key: "DOID:0060318")]
        #expect(apl?.codes == ["AML"] && apl?.within == true && apl?.route == .doAncestor)
    }

    /// The relation a case sees through the mapping: CIViC 'Transitional Cell Carcinoma' is the same
    /// indication as BLCA (it was 'other' before the mapping); a MOAlmanac BRCA assertion is broader for IDC.
    @Test func relationsThroughOncoTree() throws {
        let blca = try kb.indication(for: OncoTreeCode("BLCA"))
        let tcc = try #require(kb.diseaseMap[DiseaseKey(source: .civic, key: "DOID:2671")])
        #expect(blca.relation(oncotree: tcc, disease: "Transitional Cell Carcinoma").0 == .exact)
        let bladder = try #require(kb.diseaseMap[DiseaseKey(source: .civic, key: "DOID:4007")])
        #expect(blca.relation(oncotree: bladder, disease: "Bladder Carcinoma").0 == .broader)
        let idc = try kb.indication(for: OncoTreeCode("IDC"))
        let brca = try #require(kb.diseaseMap[DiseaseKey(source: .moalmanac, key: "BRCA")])
        #expect(idc.relation(oncotree: brca, disease: "Invasive Breast Carcinoma").0 == .broader)
        let luad = try kb.indication(for: OncoTreeCode("LUAD"))
        #expect(luad.relation(oncotree: brca, disease: "Invasive Breast Carcinoma").0 == .other)
        let aml = try kb.indication(for: OncoTreeCode("AML"))
        let apl = try #require(kb.diseaseMap[DiseaseKey(source: .civic, key: "DOID:0060318")])
        #expect(aml.relation(oncotree: apl, disease: "Acute Promyelocytic Leukemia").0 == .narrower)
    }

    /// The override table: every code is an OncoTree code and every row has a reason (the loader refuses otherwise).
    @Test func overrideTableIsValid() throws {
        let o = try DiseaseOverrides.load(Shared.kbDirectory.appendingPathComponent(KnowledgeLayout.diseaseOverrides), oncotree: kb.oncotree)
        #expect(o.count > 80)
        #expect(o.values.allSatisfy { !$0.reason.isEmpty })
        let dir = try makeTemporaryDirectory("disease-overrides")
        let bad = dir.appendingPathComponent("o.tsv")
        try "source\tdisease_key\tdisease_name\toncotree_codes\treason\ncivic\tDOID:1\tx\tNOPE\tbecause\n".write(to: bad, atomically: true, encoding: .utf8)
        let e = #expect(throws: KnowledgeError.self) { _ = try DiseaseOverrides.load(bad, oncotree: kb.oncotree) }
        #expect(e?.description.contains("NOPE") == true && e?.line == 2 && e?.field == "oncotree_codes")
    }
}
