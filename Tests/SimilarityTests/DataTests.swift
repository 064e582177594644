import Foundation
import OncoCore
import Testing
import _TestSupport
@testable import Similarity
import Vocabulary

/// The embedded tables equal the files (the pathway table moved to Vocabulary: `PathwayTests` there) they were generated from (`Sources/Similarity/Data/`; the CIViC tables
/// are derived from `KnowledgeBase/`, checked by `EmbeddedDataGenerationTests`), and parse to the published counts.
@Suite struct EmbeddedDataTests {
    static func source(_ name: String) throws -> String {
        try String(contentsOf: RepoPaths.root.appendingPathComponent("Sources/Similarity/Data/\(name)"), encoding: .utf8)
    }

    @Test func embeddedTablesEqualTheirSources() throws {
        #expect(EmbeddedData.cancerHotspotResiduesTSV == (try Self.source("cancer_hotspot_residues.tsv")))
        #expect(GeneVocabulary.civicGenes2021.count == 439 && GeneVocabulary.civicGenes2021.contains("NPM1"))
        for g in ["NPM1", "BRCA1", "BRCA2", "KRAS", "APC"] { #expect(GeneVocabulary.default.id(of: g) != nil, "\(g)") }
    }

    @Test func hotspotTable() {
        let h = HotspotCatalog.cancerHotspotsV2
        #expect(h.genes.count == 223)
        #expect(h.residuesByGene.values.map(\.count).reduce(0, +) == 933)
        #expect(h.isHotspot(gene: "BRAF", residue: 600))
        #expect(h.isHotspot(gene: "KRAS", residue: 12))
        #expect(h.isHotspot(gene: "TP53", residue: 273))
        #expect(h.isHotspot(gene: "IDH1", residue: 132))
        #expect(!h.isHotspot(gene: "BRAF", residue: 601 + 100))
        #expect(h.overlapsHotspot(gene: "EGFR", residues: 747...753))  // exon 19 deletion region 746–750
        #expect(!h.overlapsHotspot(gene: "TTN", residues: 1...10))
    }

    @Test func proteinChangeResidues() {
        #expect(ProteinChange.residues("p.V600E") == 600...600)
        #expect(ProteinChange.residues("p.Val600Glu") == 600...600)
        #expect(ProteinChange.residues("ENSP00000288602.6:p.Val600Glu") == 600...600)
        #expect(ProteinChange.residues("p.E746_A750del") == 746...750)
        #expect(ProteinChange.residues("p.Glu746_Ala750del") == 746...750)
        #expect(ProteinChange.residues("p.L747_P753delinsS") == 747...753)
        #expect(ProteinChange.residues("p.A767_V769dup") == 767...769)
        #expect(ProteinChange.residues("p.R213*") == 213...213)
        #expect(ProteinChange.residues("p.G12fs") == 12...12)
        #expect(ProteinChange.residues("p.(R175H)") == 175...175)
        #expect(ProteinChange.residues("p.?") == nil)
        #expect(ProteinChange.residues("p.=") == nil)
    }

    @Test func malformedTablesNameTheLine() {
        // the pathway table's errors are VocabularyErrors now (PathwayTests.malformedTableIsNamed)
        do {
            _ = try HotspotCatalog(tsv: "h\nKRAS\t12\tx\tG\tresidue\n", source: "hot.tsv")
            Issue.record("expected an error")
        } catch let e as SimilarityError {
            #expect(e.code == .malformedData && e.description.contains("hot.tsv: line 2"))
        } catch { Issue.record("unexpected \(error)") }
    }
}

@Suite struct ProfileBuilderTests {
    static func variant(_ gene: String, _ term: String, _ hgvsp: String?, filters: [String] = ["PASS"]) -> SomaticVariant {
        SomaticVariant(key: VariantKey(build: .grch37, chrom: "1", position: 100, ref: "A", alt: "T"), filters: filters,
                       annotation: VariantAnnotation(symbol: gene, consequences: [term], hgvspShort: hgvsp))
    }

    @Test func classesVariants() {
        let b = ProfileBuilder()
        #expect(b.classify(Self.variant("BRAF", "missense_variant", "p.V600E"))! == ("BRAF", .hotspot))
        #expect(b.classify(Self.variant("BRAF", "missense_variant", "p.A100T"))! == ("BRAF", .other))
        #expect(b.classify(Self.variant("EGFR", "inframe_deletion", "p.E746_A750del"))! == ("EGFR", .hotspot))
        #expect(b.classify(Self.variant("TP53", "stop_gained", "p.R213*"))! == ("TP53", .truncating))
        #expect(b.classify(Self.variant("APC", "frameshift_variant", "p.T1556fs"))! == ("APC", .truncating))
        #expect(b.classify(Self.variant("MLH1", "splice_region_variant", nil))! == ("MLH1", .other))
        #expect(b.classify(Self.variant("KRAS", "synonymous_variant", "p.G12=")) == nil)
        #expect(b.classify(Self.variant("KRAS", "missense_variant", "p.G12D", filters: ["LowQual"])) == nil)
        #expect(ProfileBuilder(passOnly: false).classify(Self.variant("KRAS", "missense_variant", "p.G12D", filters: ["LowQual"]))! == ("KRAS", .hotspot))
    }

    @Test func buildsACaseProfile() {
        let vs = [Self.variant("KRAS", "missense_variant", "p.G12D"), Self.variant("TP53", "stop_gained", "p.R213*"),
                  Self.variant("TTN", "missense_variant", "p.A5T"), Self.variant("APC", "intron_variant", nil)]
        let ctx = ClinicalContext(tumourType: OncoTreeCode("coad"), age: 61, sex: .female, stage: "Stage IIIB", tmb: 7.5,
                                  copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification),
                                               CopyNumberAlteration(gene: "CDKN2A", kind: .deletion)],
                                  fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")])
        let p = ProfileBuilder().profile(key: PatientKey("case-1"), variants: vs, clinical: ctx, priorLines: 2)
        #expect(p.hotspotGenes == ["KRAS", "ERBB2", "ALK"])
        #expect(p.truncatingGenes == ["TP53", "CDKN2A"])
        #expect(p.otherGenes == ["TTN", "EML4"])
        #expect(p.pathways == PathwaySet([.rtkRas, .p53, .cellCycle]))
        #expect(p.tumourType == OncoTreeCode("COAD") && p.stage == 3 && p.age == 61 && p.sex == .female && p.tmb == 7.5 && p.priorLines == 2)
    }
}
