import Foundation
import OncoCore
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// The README worked example (Cohorts/studies/tmb-top20-by-cancer-type.yaml) on the real TCGA subset,
/// against R survival computed from the source files (scripts/reference/tcga_top20_tmb_reference.R;
/// Tests/Fixtures/cohort/tcga_top20_tmb_reference.json): the per-level cut-offs and group sizes, the
/// stratified log-rank and the stratified, age-adjusted Cox model. Relative 1e-6 on estimates, 1e-4 on p.
@Suite struct TopPercentReferenceTests {
    struct Reference: Decodable {
        struct Cut: Decodable { let level: String, n: Int, cutoff: Double, n_top: Int }
        struct LR: Decodable { let chisq: Double, p: Double }
        struct Cox: Decodable { let n: Int, events: Int, coef: [Double], se: [Double], hazard_ratio: [Double], lower: [Double], upper: [Double], p: [Double] }
        let n: Int, events: Int, n_top: Int, events_top: Int, cutoffs: [Cut], logrank: LR, cox: Cox
    }

    @Test(arguments: StoreKind.allCases) func topTwentyPercentTMBWithinCancerTypeMatchesR(kind: StoreKind) async throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_top20_tmb_reference.json")))
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let d = try CohortDefinition.load(path: RepoPaths.cohorts("studies/tmb-top20-by-cancer-type.yaml").path)
            let run = try await CohortStudy.run(try CohortPlan(d, source: "tmb-top20-by-cancer-type.yaml"), store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            let a = run.analysis
            #expect(a.rows.personIDs.count == ref.n)
            #expect(a.groups.map(\.n) == [ref.n - ref.n_top, ref.n_top])
            #expect(a.groups.map(\.events) == [ref.events - ref.events_top, ref.events_top])
            #expect(a.cutoffs.map(\.level) == ref.cutoffs.map(\.level))
            for (mine, r) in zip(a.cutoffs, ref.cutoffs) {
                #expect(mine.n == r.n && mine.nAbove == r.n_top, "\(r.level)")
                #expect(mine.value == r.cutoff, "\(r.level) cut-off \(String(describing: mine.value)) vs R \(r.cutoff)")
            }
            let lr = try #require(a.logRank)
            #expect(isClose(lr.chiSquare, ref.logrank.chisq, rel: 1e-6), "chisq \(lr.chiSquare) vs R \(ref.logrank.chisq)")
            #expect(isClose(lr.pValue, ref.logrank.p, rel: 1e-4))
            let fit = try #require(a.cox)
            #expect(fit.n == ref.cox.n && fit.eventCount == ref.cox.events)
            let t = fit.coefficientTable
            for j in 0..<2 {
                #expect(isClose(t[j].coefficient, ref.cox.coef[j], rel: 1e-6), "coef \(j): \(t[j].coefficient) vs R \(ref.cox.coef[j])")
                #expect(isClose(t[j].standardError, ref.cox.se[j], rel: 1e-6), "se \(j)")
                #expect(isClose(t[j].hazardRatio, ref.cox.hazard_ratio[j], rel: 1e-6), "HR \(j)")
                #expect(isClose(t[j].lower, ref.cox.lower[j], rel: 1e-6) && isClose(t[j].upper, ref.cox.upper[j], rel: 1e-6), "CI \(j)")
                #expect(isClose(t[j].pValue, ref.cox.p[j], rel: 1e-4), "p \(j)")
            }
            // the report states the cut-offs
            #expect(run.report.text().contains("1.8421") && run.report.text().contains("ties at the cut-off"))
        }
    }
}
