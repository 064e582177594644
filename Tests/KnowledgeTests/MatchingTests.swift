import Foundation
import Testing
@testable import Knowledge
import OncoCore
import _TestSupport

/// Constructed hotspot variants (public coordinates), GRCh37 and GRCh38 twins.
enum Hotspots {
    static func brafV600E(_ b: GenomeBuild, filters: [String] = ["PASS"]) -> SomaticVariant {
        variant(b, "7", b == .grch37 ? 140453136 : 140753336, "A", "T", gene: "BRAF", hgvsp: "p.V600E",
                consequence: "missense_variant", exon: "15/18", filters: filters)
    }
    /// The 15-bp EGFR exon 19 deletion c.2235_2249del p.E746_A750del, VCF-style with its anchor base.
    static func egfrDel19(_ b: GenomeBuild, annotated: Bool = true, exon: Bool = true) -> SomaticVariant {
        variant(b, "7", b == .grch37 ? 55242464 : 55174771, "AGGAATTAAGAGAAGC", "A",
                gene: annotated ? "EGFR" : nil, hgvsp: annotated ? "p.E746_A750del" : nil,
                consequence: annotated ? "inframe_deletion" : nil, exon: annotated && exon ? "19/28" : nil)
    }
    static func krasG12D(_ b: GenomeBuild) -> SomaticVariant {
        variant(b, "12", b == .grch37 ? 25398284 : 25245350, "C", "T", gene: "KRAS", hgvsp: "p.G12D",
                consequence: "missense_variant", exon: "2/6")
    }
}

@Suite struct MatchingTests {
    let kb = Shared.kb

    /// BRAF V600E in LUAD: dabrafenib + trametinib at T1 through CIViC's NSCLC level-A item (EID 3017,
    /// KB broader = same indication); the dabrafenib-monotherapy resistance item (EID 91, NSCLC, level C)
    /// is shown as a conflict.
    @Test func brafV600EInLUAD() throws {
        let r = try kb.match(variants: [Hotspots.brafV600E(.grch37)], context: ClinicalContext(tumourType: OncoTreeCode("LUAD")))
        let m = try #require(r.match(named: "BRAF V600E"))
        #expect(m.resolution == .exact)
        let dt = try #require(r.therapy("dabrafenib", "trametinib"))
        #expect(dt.bestTier == .t1)
        let top = try #require(dt.sensitivity.first)
        #expect(top.evidenceID == 3017 && top.level == .a && top.relation == .broader && top.tier == .t1)
        let e3017 = try #require(m.evidence.first { $0.evidenceID == 3017 })
        #expect(e3017.pmid == "27283860")
        #expect(e3017.ontologyPath.joined(separator: " ").contains("DOID:3908"))
        let conflict = try #require(dt.conflicts.first { $0.evidenceID == 91 })
        #expect(conflict.therapy == Therapy(drugs: ["dabrafenib"]) && conflict.effect == .resistance && conflict.tier == .t3)
        #expect(r.kbVersion == kb.version)
    }

    /// EGFR exon 19 deletion matches `EXON 19 DELETION` with the annotated exon, without it (exon table),
    /// and with no annotation at all (exon table + in-frame length), and the exact CIViC allele too.
    @Test(arguments: [(true, true, "annotation"), (true, false, "exon table"), (false, false, "exon table")])
    func egfrExon19Deletion(annotated: Bool, exon: Bool, source: String) throws {
        let v = Hotspots.egfrDel19(.grch37, annotated: annotated, exon: exon)
        let r = try kb.match(variants: [v], context: ClinicalContext(tumourType: OncoTreeCode("LUAD")))
        let m = try #require(r.match(named: "EGFR EXON 19 DELETION"))
        #expect(m.resolution == .exon)
        #expect(m.alterations.first?.exonSource?.hasPrefix(source) == true)
        #expect(m.evidence.contains { $0.evidenceID == 2995 && $0.tier == .t1 }) // erlotinib, NSCLC, level A
        let exact = try #require(r.match(named: "EGFR E746_A750del"))
        #expect(exact.resolution == .exact)
        #expect(r.therapy("erlotinib")?.bestTier == .t1)
    }

    /// A GRCh38 case gets the same evidence as its GRCh37 twin (protein/codon/exon/gene rules; GRCh37
    /// also through CIViC coordinates).
    @Test func grch38TwinGetsSameEvidence() throws {
        func run(_ b: GenomeBuild, annotated: Bool) throws -> CaseInterpretation {
            try kb.match(variants: [Hotspots.brafV600E(b), Hotspots.egfrDel19(b, annotated: annotated, exon: annotated), Hotspots.krasG12D(b)],
                         context: ClinicalContext(tumourType: OncoTreeCode("LUAD")))
        }
        let a = try run(.grch37, annotated: true), b = try run(.grch38, annotated: true)
        #expect(!a.evidenceIDs.isEmpty)
        #expect(a.evidenceIDs == b.evidenceIDs)
        #expect(Set(a.matches.map(\.profileID)) == Set(b.matches.map(\.profileID)))
        // Without annotation, GRCh38 still reaches exon 19 through the GRCh38 exon table.
        let c = try run(.grch38, annotated: false)
        #expect(c.match(named: "EGFR EXON 19 DELETION") != nil)
    }

    /// KRAS G12D colorectal: cetuximab and panitumumab resistance.
    @Test func krasG12DColorectal() throws {
        let r = try kb.match(variants: [Hotspots.krasG12D(.grch37)], context: ClinicalContext(tumourType: OncoTreeCode("COADREAD")))
        let cet = try #require(r.therapy("cetuximab")), pan = try #require(r.therapy("panitumumab"))
        #expect(cet.resistance.contains { $0.evidenceID == 5345 && $0.tier == .t1 })
        #expect(pan.resistance.contains { $0.evidenceID == 5345 && $0.tier == .t1 })
        #expect(pan.resistance.contains { $0.evidenceID == 2193 }) // KRAS G12D itself, level C
        #expect(cet.bestTier == nil) // no supporting sensitivity evidence
        #expect(r.match(named: "KRAS G12D")?.resolution == .exact)
        #expect(r.match(named: "KRAS MUTATION")?.resolution == .gene)
        #expect(r.match(named: "KRAS G12/G13")?.resolution == .codon)
    }

    /// A non-PASS actionable variant is ignored unless includeFiltered.
    @Test func filteredVariantsAreIgnored() throws {
        let v = Hotspots.brafV600E(.grch37, filters: ["LowQual"])
        let ctx = ClinicalContext(tumourType: OncoTreeCode("SKCM"))
        let r = try kb.match(variants: [v], context: ctx)
        #expect(r.matches.isEmpty && r.ignoredFiltered == 1)
        let r2 = try kb.match(variants: [v], context: ctx, options: MatchOptions(includeFiltered: true))
        #expect(r2.match(named: "BRAF V600E") != nil && r2.ignoredFiltered == 0)
    }

    @Test func tumourTypeRelations() throws {
        let luad = try kb.indication(for: OncoTreeCode("LUAD"))
        #expect(luad.relation(doid: "DOID:3910", disease: "Lung Adenocarcinoma").0 == .exact)
        #expect(luad.relation(doid: "DOID:3908", disease: "Lung Non-small Cell Carcinoma").0 == .broader)
        #expect(luad.relation(doid: "DOID:162", disease: "Cancer").0 == .panCancer)
        #expect(luad.relation(doid: nil, disease: "Solid Tumor").0 == .panCancer)
        #expect(luad.relation(doid: "DOID:1612", disease: "Breast Cancer").0 == .other)
        let nsclc = try kb.indication(for: OncoTreeCode("NSCLC"))
        #expect(nsclc.relation(doid: "DOID:3910", disease: "Lung Adenocarcinoma").0 == .narrower)
        // SKCM: the DO slim has no skin melanoma → melanoma edge; OncoTree's MEL parent supplies it.
        let skcm = try kb.indication(for: OncoTreeCode("SKCM"))
        #expect(skcm.relation(doid: "DOID:1909", disease: "Melanoma").0 == .broader)
        // Revoked OncoTree codes resolve to the current one.
        #expect(try kb.indication(for: OncoTreeCode("GBM")).code.rawValue == "GB")
        #expect(throws: KnowledgeError.self) { try kb.indication(for: OncoTreeCode("NOPE")) }
    }

    @Test(arguments: [(Tier.t1, EvidenceLevel.a, 3, TumourTypeRelation.broader), (.t2, .a, 3, .narrower), (.t3, .a, 5, .other),
                      (.t2, .b, 3, .exact), (.t3, .b, 2, .exact), (.t3, .b, 4, .other), (.t3, .c, 5, .exact), (.t4, .d, 5, .exact),
                      (.t4, .e, 3, .panCancer), (.t1, .a, 1, .panCancer)])
    func tiers(_ tier: Tier, _ level: EvidenceLevel, _ rating: Int, _ relation: TumourTypeRelation) {
        #expect(Tier(level: level, rating: rating, relation: relation) == tier)
    }

    /// Copy number, fusions: ERBB2 amplification in breast cancer; EML4::ALK in LUAD.
    @Test func copyNumberAndFusions() throws {
        let r = try kb.match(variants: [], context: ClinicalContext(
            tumourType: OncoTreeCode("LUAD"), copyNumber: [CopyNumberAlteration(gene: "MET", kind: .amplification, copyNumber: 12)],
            fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")]))
        #expect(r.match(named: "ALK EML4-ALK")?.resolution == .exact)
        #expect(r.match(named: "ALK ALK FUSIONS")?.resolution == .gene)
        #expect(r.match(named: "MET AMPLIFICATION")?.alterations.first?.source == .copyNumber)
        #expect(r.match(named: "ALK EML4-ALK C1156Y") == nil) // needs the kinase mutation too
        #expect(r.therapy("crizotinib")?.bestTier == .t1)
        let b = try kb.match(variants: [], context: ClinicalContext(tumourType: OncoTreeCode("BRCA"),
                                                                 copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)]))
        #expect(b.match(named: "ERBB2 AMPLIFICATION") != nil)
        // CIViC's ERBB2 items are on 'Her2-receptor Positive Breast Cancer' (DO: is_a breast cancer, not
        // breast carcinoma): a biomarker-defined subtype, so KB narrower and level A → T2; MOAlmanac's FDA
        // label (OncoTree BRCA, exact) makes trastuzumab T1.
        let tz = try #require(b.therapy("trastuzumab"))
        #expect(tz.bestTier == .t1)
        #expect(tz.sensitivity.contains { $0.relation == .narrower && $0.tier == .t2 && $0.evidenceID < EvidenceSource.moalmanacIDOffset })
        #expect(tz.sensitivity.first.map { EvidenceSource(evidenceID: $0.evidenceID) } == .moalmanac && tz.sensitivity.first?.relation == .exact)
    }

    /// v2 AND profiles: matched only when every variant is present. The KB is built from a copy of the
    /// shipped one with the synthetic v2 dump as its CIViC source (what `onco kb update` does).
    @Test func v2AndProfile() throws {
        let dir = try makeTemporaryDirectory("kb-v2")
        let copy = dir.appendingPathComponent("KnowledgeBase")
        try FileManager.default.copyItem(at: Shared.kbDirectory, to: copy)
        let civic = copy.appendingPathComponent("civic")
        try FileManager.default.removeItem(at: civic)
        try FileManager.default.copyItem(at: RepoPaths.fixture("knowledge/civic_v2"), to: civic)
        let kb2 = try KnowledgeBase.build(directory: copy)
        #expect(kb2.version.civicSchema == .v2)
        let l858r = variant(.grch37, "7", 55259515, "T", "G", gene: "EGFR", hgvsp: "p.L858R", consequence: "missense_variant")
        let t790m = variant(.grch37, "7", 55249071, "C", "T", gene: "EGFR", hgvsp: "p.T790M", consequence: "missense_variant")
        let ctx = ClinicalContext(tumourType: OncoTreeCode("LUAD"))
        let both = try kb2.match(variants: [l858r, t790m], context: ctx)
        let m = try #require(both.match(named: "EGFR L858R AND EGFR T790M"))
        #expect(m.ruleKind == .combination && m.evidence.map(\.evidenceID) == [900001])
        let one = try kb2.match(variants: [l858r], context: ctx)
        #expect(one.match(named: "EGFR L858R AND EGFR T790M") == nil)
        // Same facts as v1: BRAF V600E LUAD still gives dabrafenib + trametinib at T1.
        let braf = try kb2.match(variants: [Hotspots.brafV600E(.grch37)], context: ctx)
        #expect(braf.therapy("dabrafenib", "trametinib")?.bestTier == .t1)
    }
}
