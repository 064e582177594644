import Foundation
import OncoCore
import Reports
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Derived groups computed by hand: top X% within levels (ties at the cut-off included), cuts, landmark.
@Suite struct GroupingTests {
    /// Top 20% of 10 values, R type 7 (the default): quantile(x, 0.8) = x₍₈₎ + 0.2·(x₍₉₎ − x₍₈₎) = 8.2
    /// (R: sprintf("%.17g", quantile(x, 0.8)) = 8.1999999999999993), top {10, 9}. Top 30%: quantile(x, 0.7)
    /// = x₍₇₎ = x₍₈₎ = 8; the three 8s tie at the cut-off, so the top group has 5. Bottom 30%:
    /// quantile(x, 0.3) = x₍₃₎ + 0.7·(x₍₄₎ − x₍₃₎) = 2.7 → {0, 1, 2}.
    @Test func cutoffByHand() {
        let xs: [Double] = [8, 0, 10, 3, 8, 1, 9, 2, 8, 5]
        #expect(CohortAnalysis.cutoff(xs, percent: 20, bottom: false, type: .default) == 8.1999999999999993)
        #expect(CohortAnalysis.cutoff(xs, percent: 30, bottom: false, type: .default) == 8)
        #expect(xs.filter { $0 >= CohortAnalysis.cutoff(xs, percent: 30, bottom: false, type: .default) }.count == 5)
        let low = CohortAnalysis.cutoff(xs, percent: 30, bottom: true, type: .default)
        #expect(isClose(low, 2.7, rel: 1e-15) && xs.filter { $0 <= low }.count == 3)
        // type 1 (inverse of the empirical distribution): quantile(x, 0.8, type = 1) = x₍₈₎ = 8
        #expect(CohortAnalysis.cutoff(xs, percent: 20, bottom: false, type: QuantileType(1)!) == 8)
        // a tiny level still has a top patient
        #expect(CohortAnalysis.cutoff([4.2], percent: 20, bottom: false, type: .default) == 4.2)
    }

    /// A cohort table built by hand: two tumour types, TMB per patient.
    static func table() -> CohortTable {
        var t = CohortTable()
        // LUAD: TMB 1…10 (cut-off for top 20%, R type 7: 1 + 9·0.8 = 8.2 → 2 patients); SKCM: 5 values with ties at the top (20, 20, 20, 3, 1): cut-off 20 → 3 patients
        let tmb: [Double?] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 20, 20, 3, 1, nil]
        let type: [String?] = Array(repeating: "LUAD", count: 10) + Array(repeating: "SKCM", count: 5) + ["LUAD"]
        t.personIDs = (1...16).map(Int64.init)
        t.time = (1...16).map { Double($0 * 30) }
        t.event = (1...16).map { $0 % 3 != 0 }
        t.cohortSize = 17
        t.columns = [CohortTable.Column(column: .attribute("TMB_NONSYNONYMOUS"), texts: tmb.map { $0.map { String($0) } }, numbers: tmb),
                     CohortTable.Column(column: .tumourType, texts: type, numbers: nil)]
        return t
    }

    @Test func topPercentWithinLevels() throws {
        let plan = try CohortPlan(CohortDefinition(name: "top TMB", groups: .top(variable: "TMB_NONSYNONYMOUS", percent: 20, within: "tumour_type"),
                                                   endpoint: EndpointSpec(kind: .os), analysis: AnalysisSpec(cox: .init(strata: ["tumour_type"]))),
                                  source: "test")
        let a = try CohortAnalysis.compute(plan: plan, table: Self.table(), lines: nil)
        // R: quantile(1:10, 0.8) = 8.1999999999999993 (sprintf("%.17g"))
        #expect(a.cutoffs == [CohortAnalysis.Cutoff(level: "LUAD", n: 10, nAbove: 2, value: 8.1999999999999993),
                              CohortAnalysis.Cutoff(level: "SKCM", n: 5, nAbove: 3, value: 20)])
        #expect(a.groups.map(\.label) == ["rest", "top 20% TMB_NONSYNONYMOUS"])
        #expect(a.groups.map(\.n) == [10, 5])
        #expect(a.flow.map(\.count) == [17, 16, 15, 15])   // patient 16 has no TMB
        #expect(a.levelCounts?.counts == [[8, 2], [2, 3]])
        #expect(a.cox?.strata == ["LUAD", "SKCM"])
        // the report states the cut-offs (exact in CSV/JSON)
        let r = a.report(plan: plan, provenance: Self.provenance, definitionJSON: "{}")
        #expect(r.cutoffs.map(\.value) == [8.1999999999999993, 20])
        #expect(r.text().contains("Cut-offs"))
        #expect(r.csv().contains("cutoffs,2,cut-off,20"))
    }

    @Test func cutsAndLandmark() throws {
        var d = CohortDefinition(name: "cuts", groups: .cuts(variable: "TMB_NONSYNONYMOUS", at: [5, 10]), endpoint: EndpointSpec(kind: .os))
        d.endpoint.landmark = TimeSpan(90, .days)
        let plan = try CohortPlan(d, source: "test")
        let a = try CohortAnalysis.compute(plan: plan, table: Self.table(), lines: nil)
        // landmark 90 days keeps times ≥ 90 (patients 3…16), shifted by 90
        #expect(a.flow.map(\.label).contains("still followed at the landmark (90 days)"))
        #expect(a.groups.map(\.label) == ["< 5", "5 to < 10", "≥ 10"])
        // patients 3…15 with TMB: 3,4 | 5,6,7,8,9 | 10,20,20,20 and 3,1 (SKCM) → <5: 3,4,3,1 = 4; 5–10: 5; ≥10: 4
        #expect(a.groups.map(\.n) == [4, 5, 4])
        #expect(a.rows.time.min() == 0 && a.rows.time.max() == (450.0 - 90) / 30.4375)
    }

    @Test func numericAttributesAreCovariatesAndTextOnesFactors() throws {
        var t = Self.table()
        t.columns.append(CohortTable.Column(column: .sex, texts: (1...16).map { $0 % 2 == 0 ? "female" : "male" }, numbers: nil))
        let plan = try CohortPlan(CohortDefinition(name: "x", groups: .variable(name: "tumour_type", values: nil), endpoint: EndpointSpec(kind: .os),
                                                   analysis: AnalysisSpec(cox: .init(covariates: [CovariateSpec("TMB_NONSYNONYMOUS"), CovariateSpec("sex")]))),
                                  source: "test")
        let a = try CohortAnalysis.compute(plan: plan, table: t, lines: nil)
        #expect(a.cox?.columnNames == ["group=SKCM", "TMB_NONSYNONYMOUS", "sex=male"])
        #expect(a.cox?.n == 15)
        #expect(a.notes.contains { $0.contains("1 patient(s) with a missing covariate") })
    }

    static let provenance = CohortReport.Provenance(oncoVersion: OncoVersion.current, warehouseBackend: "SQLite", warehouseVersion: 1, schemaVersion: 5,
                                                    datasets: ["test"], synthetic: true, generatedAt: "2026-01-01T00:00:00Z", project: nil,
                                                    definitionSHA256: String(repeating: "0", count: 64), minimumCellCount: 1, auditEntry: nil)
}
