import Foundation
import Genomics
import OncoCore
import Recommendation
import Testing
import _TestSupport

/// Issue #21 point 1, acceptance: bare GRCh37 VCFs (no CSQ) of IDH1 R132H (AML), PIK3CA H1047R (IDC) and
/// FGFR3 S249C (BLCA), annotated in process against the synthetic mini reference + GFF3 of
/// `Tests/Fixtures/annotate/cases` (`scripts/make-mini-cases.py`), rank the same first therapy as their
/// VEP-annotated twins in `Tests/Fixtures/recommendation/cases`.
@Suite struct BareVCFAnnotationTests {
    static func path(_ f: String) -> String { RepoPaths.fixture("annotate/cases/" + f).path }
    static let source = ConsequenceSource(gff: path("cases.gff3"), reference: path("cases.fa.gz"))

    func first(_ vcf: String, _ tumourType: String, annotate: Bool) async throws -> String? {
        let c = try RecommendationCase.read(vcf: vcf, consequenceSource: annotate ? Self.source : nil,
                                            clinical: ClinicalContext(tumourType: OncoTreeCode(tumourType)))
        return try await Recommender(knowledgeBase: Fixtures.kb, warehouse: nil).recommend(c, logger: Fixtures.logger).therapies.first?.name
    }

    @Test(arguments: [
        ("aml_idh1_r132h.grch37.bare.vcf", "AML", "aml_idh1_r132h.grch38.vep", "IDH1", "p.R132H"),
        ("idc_pik3ca_h1047r.grch37.bare.vcf", "IDC", "idc_pik3ca_h1047r.grch37.vep", "PIK3CA", "p.H1047R"),
        ("blca_fgfr3_s249c.grch37.bare.vcf", "BLCA", "blca_fgfr3_s249c.grch37.vep", "FGFR3", "p.S249C"),
    ])
    func bareRanksLikeTwin(_ bare: String, _ tumourType: String, _ twin: String, _ gene: String, _ change: String) async throws {
        let calls = try VariantFiles.read(VariantReadOptions(path: Self.path(bare), consequenceSource: Self.source))
        let a = try #require(calls.variants.first?.annotation)
        #expect(a.symbol == gene && a.hgvspShort == change && a.consequences == ["missense_variant"] && a.canonical)
        let annotated = try await first(Self.path(bare), tumourType, annotate: true)
        let expected = try await first(Fixtures.casePath(twin), tumourType, annotate: false)
        #expect(annotated != nil && annotated == expected, "bare+annotate: \(annotated ?? "-"), VEP twin: \(expected ?? "-")")
    }
}
