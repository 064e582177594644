// RecommendationTests: see Tests/Fixtures/recommendation/SOURCE.md for the fixtures and their sources.
import Foundation
import Knowledge
import OncoCore
import Recommendation
import Testing
import _TestSupport

/// Seventeen synthetic cases (GRCh37 and GRCh38, VEP-annotated and bare; melanoma, lung, breast,
/// colorectal, AML, bladder, ovarian, head and neck) ranked on curated evidence alone (CIViC
/// 01-Aug-2021). Each expectation is argued from the CIViC items and `RankingPolicy`, not read off
/// the output.
@Suite("Curated ranking of the fixture cases")
struct CuratedRankingTests {
    /// BRAF V600E melanoma: vemurafenib has level A in skin melanoma on the exact protein change
    /// (EID1409, T1, exact relation, exact match); dabrafenib + trametinib also has level A in skin
    /// melanoma (EID1411) but through the codon rule BRAF V600, so it ranks second on match resolution.
    @Test(arguments: ["skcm_braf_v600e.grch37.vep", "skcm_braf_v600e.grch38.vep"])
    func melanomaBRAFV600E(name: String) async throws {
        let r = try await Fixtures.recommend(name, tumourType: "SKCM")
        #expect(r.hasActionableAlteration)
        let top = try #require(r.therapies.first)
        #expect(top.name == "vemurafenib")
        #expect(top.tier == .t1 && top.relation == .exact && top.resolution == .exact)
        #expect(top.evidence.contains { $0.id == "EID1409" && $0.role == .sensitivity && $0.level == "A" })
        let second = try #require(r.therapies.dropFirst().first)
        #expect(second.name == "dabrafenib + trametinib" && second.tier == .t1 && second.resolution == .codon)
        // Salt forms are folded: CIViC's "Trametinib Dimethyl Sulfoxide" is trametinib.
        #expect(!r.therapies.contains { $0.drugs.contains { $0.contains("sulfoxide") } })
        #expect(r.caseSummary.source.build == (name.contains("grch38") ? .grch38 : .grch37))
        #expect(r.notes.contains { $0.hasPrefix("No warehouse configured") })
    }

    /// The germline-filtered passenger of the GRCh37 melanoma is counted and said, not matched.
    @Test func filteredCallsAreCountedAndSaid() async throws {
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM")
        #expect(r.caseSummary.ignoredFiltered == 1)
        #expect(r.notes.contains { $0.contains("1 call(s) with a FILTER other than PASS were ignored") })
    }

    /// GRCh38 without CSQ/ANN (issue #21): BRAF V600E matches the KB's exact GRCh37 allele lifted to
    /// GRCh38 with the shipped UCSC chain, ranks the same therapies as its bare GRCh37 twin, and the
    /// evidence says the allele was lifted; the report still says annotation is missing.
    @Test func bareGRCh38MatchesLiftedAllelesLikeItsGRCh37Twin() async throws {
        let r38 = try await Fixtures.recommend("skcm_braf_v600e.grch38.bare", tumourType: "SKCM")
        let r37 = try await Fixtures.recommend("skcm_braf_v600e.grch37.bare", tumourType: "SKCM")
        #expect(r38.hasActionableAlteration)
        let top = try #require(r38.therapies.first)
        #expect(top.name == r37.therapies.first?.name && top.tier == r37.therapies.first?.tier && top.resolution == .exact)
        #expect(r38.therapies.map(\.name) == r37.therapies.map(\.name))
        #expect(r38.notRecommended.map(\.name) == r37.notRecommended.map(\.name))
        #expect(top.evidence.contains { $0.matchedAlterations.contains {
            $0.contains("CIViC allele GRCh37:7:140453136:A>T, lifted to GRCh38:7:140753336:A>T (UCSC liftOver chain hg19ToHg38.over.chain) (exact)")
        } })
        #expect(r38.notes.contains { $0.hasPrefix("Unannotated variants: 2 of 2 variants") && $0.contains("lifted with the UCSC hg19ToHg38 chain") })
        #expect(r38.caseSummary.annotationWarning != nil)
    }

    /// EGFR L858R lung adenocarcinoma: erlotinib (EID2994) and afatinib (EID2997) both have level A
    /// in NSCLC (broader, T1) on the exact change; MOAlmanac adds its FDA labels and guideline entries,
    /// and afatinib has more items at T1 (rule 6), so it leads. Crizotinib has only resistance here
    /// (EID4288, level C, NSCLC) and is not recommended.
    @Test func lungEGFRL858R() async throws {
        let r = try await Fixtures.recommend("luad_egfr_l858r.grch37.vep", tumourType: "LUAD")
        #expect(r.therapies.prefix(2).map(\.name) == ["afatinib", "erlotinib"])
        #expect(r.therapies.prefix(2).allSatisfy { $0.tier == .t1 && $0.relation == .broader && $0.resolution == .exact })
        #expect(r.therapies[0].sortKey.itemsAtBestTier > r.therapies[1].sortKey.itemsAtBestTier)
        #expect(r.therapies[0].evidence.contains { $0.source == "MOAlmanac" && $0.sourceLevel == "FDA-Approved" })
        let crizotinib = try #require(r.notRecommended.first { $0.name == "crizotinib" })
        #expect(crizotinib.direction == .resistance && crizotinib.evidence.contains { $0.id == "EID4288" })
    }

    /// L858R plus T790M (GRCh38): T790M carries level A resistance to erlotinib in NSCLC (EID238),
    /// level B to gefitinib, afatinib and dacomitinib, and level A sensitivity to osimertinib
    /// (EID1592, EID1867; MOAlmanac adds its FDA label and guideline entries). Osimertinib leads; the
    /// first-generation inhibitors move to 'not recommended' although L858R alone would make erlotinib T1.
    @Test func lungT790MResistance() async throws {
        let r = try await Fixtures.recommend("luad_egfr_l858r_t790m.grch38.vep", tumourType: "LUAD")
        let top = try #require(r.therapies.first)
        #expect(top.name == "osimertinib" && top.tier == .t1)
        let levelA = Set(top.evidence.filter { $0.role == .sensitivity && $0.level == "A" }.map(\.id))
        #expect(Set(levelA.filter { $0.hasPrefix("EID") }) == Set(["EID1592", "EID1867"]) && levelA.contains { $0.hasPrefix("MOA") }, "\(levelA.sorted())")
        let notRec = Set(r.notRecommended.map(\.name))
        for drug in ["erlotinib", "gefitinib", "afatinib", "dacomitinib"] {
            #expect(notRec.contains(drug), "\(drug) should be in 'not recommended'")
            #expect(!r.therapies.contains { $0.name == drug })
        }
        let erlotinib = try #require(r.notRecommended.first { $0.name == "erlotinib" })
        #expect(erlotinib.rank == 1 && erlotinib.tier == .t1 && erlotinib.evidence.contains { $0.id == "EID238" && $0.role == .resistance })
    }

    /// A bare GRCh37 exon-19 deletion still matches, through CIViC's exact GRCh37 allele of
    /// E746_A750del and the exon table (EGFR exon 19 deletion rule); the TP53 call has no gene, so the
    /// report warns that gene-level rules need annotation.
    @Test func bareExon19DeletionMatchesByAllele() async throws {
        let r = try await Fixtures.recommend("luad_egfr_ex19del.grch37.bare", tumourType: "LUAD")
        let top = try #require(r.therapies.first)
        #expect(["afatinib", "erlotinib", "osimertinib"].contains(top.name))
        #expect(top.tier == .t1 && top.resolution == .exon)
        #expect(top.biomarkers.contains("EGFR EXON 19 DELETION"))
        #expect(r.caseSummary.annotationWarning != nil)
        #expect(r.notes.contains { $0.hasPrefix("Unannotated variants: 1 of 2") })
    }

    /// KRAS G12C lung: CIViC (2021) has no level A sensitivity for G12C inhibitors; MOAlmanac's FDA
    /// approvals of sotorasib and adagrasib make them T1 (BoardAcceptanceTests). KRAS G12/G13 carries
    /// level B resistance to erlotinib and gefitinib in lung cancer (broader): both not recommended.
    @Test func lungKRASG12C() async throws {
        let r = try await Fixtures.recommend("luad_kras_g12c.grch37.vep", tumourType: "LUAD")
        #expect(r.therapies.filter { $0.tier == .t1 }.map(\.name).sorted() == ["adagrasib", "sotorasib"])
        #expect(Set(r.notRecommended.map(\.name)).isSuperset(of: ["erlotinib", "gefitinib"]))
        #expect(r.hasActionableAlteration)   // level B items in NSCLC (e.g. docetaxel + pemetrexed + trametinib)
    }

    /// The driver of this lung case failed a filter (weak_evidence): it is ignored, the report says
    /// so, and the remaining TP53 R273H gives no actionable alteration.
    @Test func filteredDriverIsIgnored() async throws {
        let r = try await Fixtures.recommend("luad_egfr_l858r_filtered.grch37.vep", tumourType: "LUAD")
        #expect(r.caseSummary.ignoredFiltered == 1)
        #expect(!r.hasActionableAlteration)
        #expect(!r.therapies.contains { $0.drugs.contains("erlotinib") || $0.drugs.contains("afatinib") || $0.drugs.contains("osimertinib") })
        #expect(!r.matches.contains { $0.profileName.hasPrefix("EGFR") })
        #expect(r.notes.contains { $0.hasPrefix("No actionable alteration") })
        #expect(r.notes.contains { $0.contains("FILTER other than PASS") })
    }

    /// PIK3CA H1047R breast (GRCh38, case BRCA): alpelisib + fulvestrant has level A for PIK3CA mutations
    /// in breast cancer (CIViC 'Breast Cancer', broader, T1). MOAlmanac's FDA labels are coded on OncoTree
    /// BRCA itself (exact), so they lead: alpelisib (the label is 'in combination with fulvestrant', but
    /// MOAlmanac names alpelisib alone), capivasertib + fulvestrant, inavolisib + palbociclib + fulvestrant.
    /// For an IDC case both are broader and alpelisib + fulvestrant leads (BoardAcceptanceTests).
    @Test func breastPIK3CA() async throws {
        let r = try await Fixtures.recommend("brca_pik3ca_h1047r.grch38.vep", tumourType: "BRCA")
        let top = try #require(r.therapies.first)
        #expect(top.name == "alpelisib" && top.tier == .t1 && top.relation == .exact)
        let combo = try #require(r.therapies.first { $0.name == "alpelisib + fulvestrant" })
        #expect(combo.tier == .t1 && combo.relation == .broader && combo.biomarkers == ["PIK3CA MUTATION"])
        #expect(r.therapies.prefix(4).allSatisfy { $0.tier == .t1 })
    }

    /// ERBB2 amplification from the CNA list: CIViC's trastuzumab level A items are for 'HER2 positive
    /// breast cancer', a narrower (biomarker-defined) type than BRCA, hence T2 (TIERS.md); MOAlmanac's
    /// FDA labels on OncoTree BRCA (exact) make trastuzumab and the other HER2 drugs T1.
    @Test func breastERBB2Amplification() async throws {
        let r = try await Fixtures.recommend("brca_erbb2amp.grch37.vep", tumourType: "BRCA", amplification: ["ERBB2"])
        #expect(r.therapies.first?.tier == .t1)
        let trastuzumab = try #require(r.therapies.first { $0.name == "trastuzumab" })
        #expect(trastuzumab.rank == 1 && trastuzumab.tier == .t1 && trastuzumab.relation == .exact)
        #expect(trastuzumab.evidence.contains { $0.source == "CIViC" && $0.level == "A" && $0.tier == .t2 && $0.relation == .narrower
            && $0.matchedAlterations.contains { $0.hasPrefix("ERBB2 amplification") } })
        #expect(r.therapies.contains { $0.name == "neratinib" && $0.tier == .t1 })
    }

    /// KRAS G12D colorectal: the only level B sensitivity item in colorectal cancer (irinotecan +
    /// selumetinib, EID1326) is rated 1, hence T3, and no therapy has level A anywhere, so the case is
    /// not actionable; KRAS mutations carry level A resistance to cetuximab and panitumumab in colorectal
    /// cancer, which lead 'not recommended'.
    @Test func colorectalKRASG12D() async throws {
        let r = try await Fixtures.recommend("coadread_kras_g12d.grch37.vep", tumourType: "COADREAD")
        #expect(!r.hasActionableAlteration)
        #expect(!r.therapies.contains { ($0.tier ?? .t4) <= .t2 })
        #expect(r.therapies.contains { $0.name == "irinotecan + selumetinib" && $0.tier == .t3 && $0.evidence.contains { $0.id == "EID1326" && $0.level == "B" && $0.rating == 1 } })
        #expect(r.notes.contains { $0.hasPrefix("No actionable alteration: no therapy reaches tier T1 or T2") })
        #expect(r.notRecommended.prefix(2).map(\.name).sorted() == ["cetuximab", "panitumumab"])
        #expect(r.notRecommended.prefix(2).allSatisfy { $0.tier == .t1 })
    }

    /// BRAF V600E colorectal (GRCh38): CIViC's targeted combinations are level B (T2); MOAlmanac's FDA
    /// approval of encorafenib + cetuximab (COADREAD, exact) makes it T1 and first; vemurafenib +
    /// irinotecan + cetuximab stays T2 on the exact change; vemurafenib alone, cetuximab and panitumumab
    /// alone carry level B resistance in colorectal cancer and are not recommended.
    @Test func colorectalBRAFV600E() async throws {
        let r = try await Fixtures.recommend("coadread_braf_v600e.grch38.vep", tumourType: "COADREAD")
        let top = try #require(r.therapies.first)
        #expect(top.name == "cetuximab + encorafenib" && top.tier == .t1 && top.relation == .exact)
        #expect(r.therapies.contains { $0.name == "cetuximab + irinotecan + vemurafenib" && $0.tier == .t2 && $0.resolution == .exact })
        #expect(Set(r.notRecommended.map(\.name)).isSuperset(of: ["vemurafenib", "cetuximab", "panitumumab"]))
    }

    /// IDH1 R132H AML (GRCh38): ivosidenib has level A for IDH1 mutations in AML (T1).
    @Test func amlIDH1() async throws {
        let r = try await Fixtures.recommend("aml_idh1_r132h.grch38.vep", tumourType: "AML")
        let top = try #require(r.therapies.first)
        #expect(top.name == "ivosidenib" && top.tier == .t1 && top.relation == .exact)
    }

    /// IDH2 R140Q with DNMT3A R882H: enasidenib has level B for IDH2 mutations in AML in CIViC (T2,
    /// gene-level rule) and MOAlmanac's FDA approval for IDH2 R140Q (T1, exact), so it leads; idarubicin's
    /// DNMT3A R882 item is T2 exact at codon level and follows.
    @Test func amlIDH2() async throws {
        let r = try await Fixtures.recommend("aml_idh2_r140q.grch37.vep", tumourType: "AML")
        let enasidenib = try #require(r.therapies.first)
        #expect(enasidenib.name == "enasidenib" && enasidenib.tier == .t1 && enasidenib.resolution == .exact)
        #expect(enasidenib.evidence.contains { $0.source == "CIViC" && $0.tier == .t2 && $0.resolution == .gene })
        #expect(r.therapies.dropFirst().first?.name == "idarubicin")
    }

    /// FGFR3 S249C bladder (GRCh38): erdafitinib T1 first (BoardAcceptanceTests); FGFR3 mutations also
    /// carry level B items in urothelial carcinoma (broader, T2), among them infigratinib.
    @Test func bladderFGFR3() async throws {
        let r = try await Fixtures.recommend("blca_fgfr3_s249c.grch38.vep", tumourType: "BLCA")
        #expect(r.hasActionableAlteration)
        #expect(r.therapies.first?.tier == .t1 && r.therapies.first?.name == "erdafitinib")
        #expect(r.therapies.contains { $0.name == "infigratinib" && $0.tier == .t2 && $0.biomarkers.contains("FGFR3 MUTATION") })
    }

    /// BRCA1 R1443* ovarian: olaparib has level A for BRCA1 mutations (T1).
    @Test func ovarianBRCA1() async throws {
        let r = try await Fixtures.recommend("hgsoc_brca1_r1443x.grch37.vep", tumourType: "HGSOC")
        let top = try #require(r.therapies.first)
        #expect(top.name == "olaparib" && top.tier == .t1)
    }

    /// Head and neck with TP53 only: the TP53 items are level B/C in other tumour types or
    /// preclinical, so the report says plainly that there is no actionable alteration.
    @Test func noActionableAlteration() async throws {
        let r = try await Fixtures.recommend("hnsc_no_actionable.grch37.vep", tumourType: "HNSC")
        #expect(!r.hasActionableAlteration)
        #expect(r.notes.first?.hasPrefix("No actionable alteration") == true)
        #expect(r.therapies.allSatisfy { $0.tier.map { $0 >= .t3 } ?? false })
    }

    /// Every fixture: sections are sorted by their keys, ranks are 1...n, 'not recommended' holds
    /// only resistance, and no therapy appears in two sections.
    @Test(arguments: [("skcm_braf_v600e.grch37.vep", "SKCM"), ("luad_egfr_l858r_t790m.grch38.vep", "LUAD"),
                      ("coadread_braf_v600e.grch38.vep", "COADREAD"), ("hgsoc_brca1_r1443x.grch37.vep", "HGSOC"),
                      ("brca_pik3ca_h1047r.grch38.vep", "BRCA")])
    func sectionsAreConsistent(name: String, tumourType: String) async throws {
        let r = try await Fixtures.recommend(name, tumourType: tumourType)
        for list in [r.therapies, r.notRecommended] {
            #expect(list.map(\.rank) == Array(1...max(list.count, 1)).prefix(list.count).map { $0 })
            #expect(zip(list, list.dropFirst()).allSatisfy { !($1.sortKey < $0.sortKey) })
            #expect(zip(list, list.dropFirst()).allSatisfy { ($0.tier ?? .t4) <= ($1.tier ?? .t4) })
        }
        #expect(r.therapies.allSatisfy { $0.direction == .sensitivity })
        #expect(r.notRecommended.allSatisfy { $0.direction == .resistance && $0.directEvidence.contains { $0.role == .resistance } })
        #expect(Set(r.therapies.map(\.drugs)).isDisjoint(with: Set(r.notRecommended.map(\.drugs))))
    }

    /// Prior therapies are flagged on every therapy that contains one of their drugs (brand names
    /// and salt forms folded), without changing the ranking.
    @Test func priorTherapyIsFlagged() async throws {
        let without = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM")
        let with = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", prior: ["Tafinlar"])
        #expect(with.therapies.map(\.name) == without.therapies.map(\.name))
        let dt = try #require(with.therapies.first { $0.name == "dabrafenib + trametinib" })
        #expect(dt.previouslyReceived == ["dabrafenib"])
        #expect(with.therapies.first { $0.name == "vemurafenib" }?.previouslyReceived == [])
    }
}
