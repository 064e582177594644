import Foundation
import Knowledge
import OncoCore
import Recommendation
import Reports
import Testing
import _TestSupport

/// The acceptance cases of issue #18 on the synthetic, annotated case VCFs of
/// `Tests/Fixtures/recommendation/cases` (`make_cases.py`): the approved therapy ranks first.
@Suite struct BoardAcceptanceTests {
    func recommend(_ name: String, _ tumourType: String, tmb: Double? = nil, msi: MSIStatus? = nil,
                   fusions: [GeneFusion] = []) async throws -> Recommendation {
        let ctx = ClinicalContext(tumourType: OncoTreeCode(tumourType), tmb: tmb, msi: msi, fusions: fusions)
        let c = try RecommendationCase.read(vcf: Fixtures.casePath(name), clinical: ctx)
        return try await Recommender(knowledgeBase: Fixtures.kb, warehouse: nil).recommend(c, logger: Fixtures.logger)
    }

    /// BLCA + FGFR3 S249C: erdafitinib T1 first on both builds (CIViC EID7422 'Transitional Cell
    /// Carcinoma', now mapped to BLCA, and MOAlmanac's FDA label).
    @Test(arguments: ["blca_fgfr3_s249c.grch37.vep", "blca_fgfr3_s249c.grch38.vep"])
    func bladderErdafitinib(_ file: String) async throws {
        let r = try await recommend(file, "BLCA")
        let top = try #require(r.therapies.first)
        #expect(top.name == "erdafitinib" && top.tier == .t1, "first: \(top.name) \(String(describing: top.tier))")
        #expect(top.evidence.contains { $0.source == "CIViC" && $0.id == "EID7422" && $0.tier == .t1 })
        #expect(top.evidence.contains { $0.source == "MOAlmanac" && $0.sourceLevel == "FDA-Approved" && $0.url.hasPrefix("https://") })
    }

    @Test func idcAlpelisibFulvestrant() async throws {
        let r = try await recommend("idc_pik3ca_h1047r.grch37.vep", "IDC")
        let top = try #require(r.therapies.first)
        #expect(top.name == "alpelisib + fulvestrant" && top.tier == .t1, "first: \(top.name)")
    }

    @Test func amlIvosidenib() async throws {
        let r = try await recommend("aml_idh1_r132h.grch38.vep", "AML")
        let top = try #require(r.therapies.first)
        #expect(top.name == "ivosidenib" && top.tier == .t1, "first: \(top.name)")
    }

    @Test func luadEGFRL858R() async throws {
        let r = try await recommend("luad_egfr_l858r.grch37.vep", "LUAD")
        let top = try #require(r.therapies.first)
        #expect(top.tier == .t1 && ["erlotinib", "gefitinib", "afatinib", "osimertinib", "dacomitinib"].contains(top.name), "first: \(top.name)")
    }

    /// KRAS G12C: sotorasib and adagrasib come from MOAlmanac (approved after the 2021 CIViC release).
    @Test func luadKRASG12C() async throws {
        let r = try await recommend("luad_kras_g12c.grch37.vep", "LUAD")
        let top = try #require(r.therapies.first)
        #expect(["sotorasib", "adagrasib"].contains(top.name) && top.tier == .t1, "first: \(top.name)")
        let second = r.therapies.dropFirst().first
        #expect(["sotorasib", "adagrasib"].contains(second?.name ?? "") && second?.tier == .t1)
        #expect(top.evidence.allSatisfy { $0.source == "MOAlmanac" || $0.role == .conflict })
    }

    @Test func luadALKFusion() async throws {
        let r = try await recommend("luad_no_driver.grch37.vep", "LUAD", fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")])
        let top = try #require(r.therapies.first)
        #expect(top.tier == .t1 && ["alectinib", "crizotinib", "ceritinib", "brigatinib", "lorlatinib"].contains(top.name), "first: \(top.name)")
    }

    /// NTRK fusion: larotrectinib's tumour-agnostic approval (pan-cancer, T1).
    @Test func luadNTRKFusion() async throws {
        let r = try await recommend("luad_no_driver.grch37.vep", "LUAD", fusions: [GeneFusion(fivePrime: "ETV6", threePrime: "NTRK3")])
        let top = try #require(r.therapies.first)
        #expect(["larotrectinib", "entrectinib"].contains(top.name) && top.tier == .t1, "first: \(top.name)")
        #expect(r.therapies.contains { $0.name == "larotrectinib" && $0.tier == .t1 && $0.relation == .panCancer })
    }

    @Test func luadMSIHigh() async throws {
        let r = try await recommend("luad_no_driver.grch37.vep", "LUAD", msi: .high)
        let top = try #require(r.therapies.first)
        #expect(top.name == "pembrolizumab" && top.tier == .t1 && top.relation == .panCancer, "first: \(top.name)")
    }

    @Test func luadTMBHigh() async throws {
        let r = try await recommend("luad_no_driver.grch37.vep", "LUAD", tmb: 14)
        let top = try #require(r.therapies.first)
        #expect(top.name == "pembrolizumab" && top.tier == .t1, "first: \(top.name)")
        let low = try await recommend("luad_no_driver.grch37.vep", "LUAD", tmb: 6)
        #expect(!low.therapies.contains { $0.name == "pembrolizumab" && $0.tier == .t1 })
    }

    /// Diagnostic and prognostic evidence: its own list with levels and citations, never in the ranking.
    @Test func diagnosticAndPrognosticApart() async throws {
        let r = try await recommend("aml_idh2_r140q.grch37.vep", "AML")
        #expect(!r.implications.isEmpty)
        #expect(r.implications.allSatisfy { $0.type == .diagnostic || $0.type == .prognostic })
        #expect(r.implications.allSatisfy { !$0.level.isEmpty && !($0.pmids.isEmpty && $0.doi.isEmpty && $0.url.isEmpty) })
        let ranked = Set((r.therapies + r.notRecommended).flatMap { $0.evidence.map(\.id) })
        #expect(r.implications.allSatisfy { !ranked.contains($0.id) })
        let text = RecommendationReport(r).text()
        #expect(text.contains("Diagnostic and prognostic evidence (not part of the therapy ranking)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try RecommendationReport(r).json().utf8)) as? [String: Any])
        #expect((json["implications"] as? [[String: Any]])?.count == r.implications.count)
    }

    /// The concise board view: T1/T2 and resistance on the first screen, T3/T4 counted (text), in a
    /// details element (HTML, Markdown), complete in JSON and with `all`.
    @Test func conciseBoardReport() async throws {
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM")
        let collapsed = r.therapies.filter { ($0.tier ?? .t4) > .t2 }
        let shown = r.therapies.filter { ($0.tier ?? .t4) <= .t2 }
        #expect(!collapsed.isEmpty && !shown.isEmpty)
        let report = RecommendationReport(r)
        let text = report.text()
        #expect(text.contains("+ \(collapsed.count) more candidate therapies at T3/T4") && text.contains("run with --all"))
        let firstScreen = text.components(separatedBy: "Evidence trace").first ?? ""
        #expect(firstScreen.contains("Actionable alterations") && firstScreen.contains("BRAF V600E"))
        let rankedSection = firstScreen.components(separatedBy: "Ranked therapies").last?.components(separatedBy: "Not recommended").first ?? ""
        let distinct = collapsed.filter { c in !shown.contains { $0.name.contains(c.name) } }
        #expect(!distinct.isEmpty && distinct.allSatisfy { !rankedSection.contains($0.name) })
        #expect(shown.allSatisfy { rankedSection.contains(String($0.name.prefix(30))) })
        let all = report.text(all: true)
        #expect(!all.contains("run with --all") && collapsed.allSatisfy { all.contains($0.name) })
        #expect(report.markdown().contains("<details>\n<summary>\(collapsed.count) more candidate therapies at T3/T4"))
        #expect(!report.markdown(all: true).contains("<details>"))
        #expect(report.html().contains("<details class=\"collapsed\">"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect((json["therapies"] as? [[String: Any]])?.count == r.therapies.count)
    }
}
