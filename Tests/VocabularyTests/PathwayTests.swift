import Foundation
import Testing
import _TestSupport
@testable import Vocabulary

/// The Sanchez-Vega pathway table (moved here from Similarity: the cohort studies' alteration sets use it too).
@Suite struct PathwayTests {
    @Test func embeddedTableEqualsItsSource() throws {
        let source = try String(contentsOf: RepoPaths.root.appendingPathComponent("Sources/Vocabulary/Data/oncogenic_sig_pathways.tsv"), encoding: .utf8)
        #expect(EmbeddedPathways.oncogenicPathwaysTSV == source)
    }

    /// Sanchez-Vega et al. 2018, Figure 1: 15, 38, 13, 71, 3, 29, 85, 7, 6 and 68 genes (335 rows; SCRIB twice).
    @Test func pathwayGeneCountsMatchThePaper() {
        let cat = PathwayCatalog.sanchezVega2018
        var counts: [OncogenicPathway: Int] = [:]
        for (_, s) in cat.pathwaysByGene { for p in s { counts[p, default: 0] += 1 } }
        let expected: [OncogenicPathway: Int] = [.cellCycle: 15, .hippo: 38, .myc: 13, .notch: 71, .nrf2: 3,
                                                 .pi3k: 29, .rtkRas: 85, .tgfBeta: 7, .p53: 6, .wnt: 68]
        #expect(counts == expected)
        #expect(cat.pathwaysByGene.count == 334)
        #expect(cat.pathways(of: "SCRIB") == PathwaySet([.hippo, .rtkRas]))
        #expect(cat.pathways(of: "KRAS") == PathwaySet([.rtkRas]))
        #expect(cat.pathways(of: "TTN").isEmpty)
        for p in OncogenicPathway.allCases { #expect(cat.genes(in: p).count == expected[p]) }
        #expect(cat.genes(in: .p53) == ["ATM", "CHEK2", "MDM2", "MDM4", "RPS6KA3", "TP53"])
    }

    @Test func pathwaysByName() {
        #expect(OncogenicPathway(named: "RTK-RAS") == .rtkRas && OncogenicPathway(named: "rtk/ras") == .rtkRas)
        #expect(OncogenicPathway(named: "TP53") == .p53 && OncogenicPathway(named: "Cell_Cycle") == .cellCycle)
        #expect(OncogenicPathway(named: "TGF-β") == .tgfBeta && OncogenicPathway(named: "nope") == nil)
        for p in OncogenicPathway.allCases { #expect(OncogenicPathway(named: p.tableName) == p) }
    }

    @Test func malformedTableIsNamed() {
        #expect(throws: VocabularyError.self) { try PathwayCatalog(tsv: "Pathway\tGene\nNOPE\tKRAS\n", source: "t.tsv") }
    }
}
