import Foundation
import Testing
@testable import Knowledge
import OncoCore

@Suite struct RuleTests {
    let parser = BiomarkerRuleParser(domains: Shared.kb.domains, exonAliases: Shared.kb.exonAliases)

    func rule(_ gene: String, _ name: String) -> BiomarkerRule {
        parser.rule(for: CIViCVariant(id: 1, gene: gene, entrezID: "", name: name, chromosome: "", start: nil, stop: nil,
                                      referenceBases: "", variantBases: "", representativeTranscript: "", referenceBuild: "",
                                      chromosome2: "", start2: nil, stop2: nil, variantTypes: [], hgvsExpressions: [], aliases: [], groups: []))
    }

    @Test(arguments: [
        ("BRAF", "V600E", RuleKind.proteinChange, "BRAF p.V600E"),
        ("BRAF", "V600", .codon, "BRAF codon V600"),
        ("KRAS", "G12/G13", .codon, "(KRAS codon G12 OR KRAS codon G13)"),
        ("U2AF1", "Q157P/R", .proteinChange, "(U2AF1 p.Q157P OR U2AF1 p.Q157R)"),
        ("EGFR", "EXON 19 DELETION", .exon, "EGFR exon 19 deletion"),
        ("EGFR", "EXON 20 INSERTION", .exon, "EGFR exon 20 insertion"),
        ("MET", "EXON 14 SKIPPING MUTATION", .exon, "MET exon 14 skipping"),
        ("NPM1", "EXON 12 MUTATION", .exon, "NPM1 exon 11 mutation"),
        ("TP53", "DNA BINDING DOMAIN MUTATION", .aminoAcidRange, "TP53 dna binding domain mutation (residues 102-292)"),
        ("KRAS", "MUTATION", .geneMutation, "KRAS mutation"),
        ("PTEN", "LOSS", .lossOfFunction, "PTEN lossOfFunction"),
        ("ERBB2", "AMPLIFICATION", .copyNumber, "ERBB2 amplification"),
        ("ERBB2", "OVEREXPRESSION", .molecularMarker, "ERBB2 overexpression"),
        ("ALK", "ALK FUSIONS", .fusion, "ALK fusion (any partner)"),
        ("ALK", "EML4-ALK", .fusionPair, "EML4::ALK"),
        ("ABL1", "BCR-ABL", .fusionPair, "BCR::ABL1"),
        ("ABL1", "BCR-ABL T315I", .combination, "BCR::ABL1 AND ABL1 p.T315I"),
        ("BRAF", "V600E and AMPLIFICATION", .combination, "BRAF p.V600E AND BRAF amplification"),
        ("EGFR", "Ex19 del L858R", .combination, "EGFR exon 19 deletion AND EGFR p.L858R"),
        ("PIK3CA", "EXON 10 and EXON 21 MUTATIONS", .combination, "PIK3CA exon 10 mutation AND PIK3CA exon 21 mutation"),
        ("ALK", "EML4-ALK T1151INST", .combination, "EML4::ALK AND ALK p.T1151insT"),
        ("KIT", "W557_K558DELWK", .proteinChange, "KIT p.W557_K558del"),
        ("BRAF", "V600_K601>E", .proteinChange, "BRAF p.V600_K601delinsE"),
        ("VHL", "P86A (c.256C>G)", .proteinChange, "VHL p.P86A"),
        ("VHL", "Splicing alteration (c.464-1G>A)", .cdna, "VHL c.464-1G>A"),
        ("FLT3", "ITD", .geneMutation, "FLT3 internalTandemDuplication"),
        ("X", "TMB-H", .characteristic, "TMB-high"),
        ("X", "MSI-H", .characteristic, "MSI-high"),
    ])
    func parsesNames(_ gene: String, _ name: String, _ kind: RuleKind, _ text: String) {
        let r = rule(gene, name)
        #expect(r.kind == kind, "\(name)")
        #expect(r.condition?.description == text, "\(name)")
    }

    @Test(arguments: ["Non-V600", "VIII", "RARE Exon 18-21 Mutation", "ALTERNATIVE TRANSCRIPT (ATI)", "c.128-?_250+?"])
    func unparsedNamesHaveReasons(_ name: String) {
        let r = rule("EGFR", name)
        #expect(r.kind == .unparsed)
        #expect(r.unparsedReason?.isEmpty == false)
    }

    @Test func proteinChangeParsesHGVSp() throws {
        #expect(ProteinChange.parse("p.Val600Glu")?.description == "V600E")
        #expect(ProteinChange.parse("ENSP00000275493.2:p.Glu746_Ala750del")?.description == "E746_A750del")
        #expect(ProteinChange.parse("p.(E746_A750del)")?.description == "E746_A750del")
        #expect(ProteinChange.parse("p.Trp288CysfsTer12")?.description == "W288fs")
        #expect(ProteinChange.parse("p.R213*")?.description == "R213*")
        #expect(ProteinChange.parse("p.Thr1151dup").map { ProteinChange.parse("T1151INST")!.matches($0) } == true)
        #expect(ProteinChange.parse("V600") == nil)
    }

    /// CIViC coordinates give exact GRCh37 alleles; CIViC's empty-allele indels are kept minimal.
    @Test func genomicAllelesFromCoordinates() throws {
        let kb = Shared.kb
        #expect(kb.rules[12]?.genomic == GenomicAllele(build: .grch37, chrom: "7", position: 140453136, ref: "A", alt: "T"))
        let del = try #require(kb.rules.values.first { $0.gene == "EGFR" && $0.name == "E746_A750del" })
        #expect(del.genomic == GenomicAllele(build: .grch37, chrom: "7", position: 55242465, ref: "GGAATTAAGAGAAGC", alt: ""))
        // A VCF-style deletion with its anchor base trims to the same allele.
        #expect(GenomicAllele.minimal(build: .grch37, chrom: "chr7", position: 55242464, ref: "AGGAATTAAGAGAAGC", alt: "A") == del.genomic)
        // Region variants (exon, codon ranges) get no allele.
        #expect(kb.rules[133]?.genomic == nil)
    }

    /// Coverage of the 2021 release (the figures the README states).
    @Test func coverageMeetsTarget() {
        let c = Shared.kb.coverage()
        #expect(c.variants == 1469)
        #expect(c.predictiveEvidence == 2333)
        #expect(c.predictiveMappedShare >= 0.90)
        #expect(c.parsed + c.unparsed.count == c.variants)
        #expect(c.unparsed.allSatisfy { !$0.reason.isEmpty })
        #expect(c.byKind.values.reduce(0, +) == c.variants)
    }
}
