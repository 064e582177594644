import Foundation
import OncoCore
import Reports
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Competing risks in a cohort study (Cohorts/studies/competing-cancer-death-by-type.yaml) on the real TCGA
/// subset: death with cancer (DSS_STATUS 1:DEAD WITH TUMOR) vs death without it, by cancer type, against R
/// survival and cmprsk computed from the source files (scripts/reference/tcga_competing_risks_reference.R;
/// Tests/Fixtures/cohort/tcga_competing_risks_reference.json): counts by cause, cumulative incidence at 12,
/// 36 and 60 months, Gray's tests and the Fine–Gray subdistribution HR; and the section in every report format.
@Suite struct CompetingRisksCohortTests {
    struct Reference: Decodable {
        struct Group: Decodable {
            let label: String, n: Int, interest: Int, competing: Int, times: [Double]
            let interest_cif: [Double], interest_lower: [Double], interest_upper: [Double], competing_cif: [Double]
        }
        struct Gray: Decodable { let statistic: [Double], p: [Double], df: [Double] }
        struct FG: Decodable { let n_expanded: Int, coef: [Double], se: [Double], naive_se: [Double] }
        let n: Int, unknown_cause: Int, groups: [Group], gray: Gray, finegray: FG
    }

    @Test(arguments: StoreKind.allCases) func deathWithCancerByTypeMatchesR(kind: StoreKind) async throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_competing_risks_reference.json")))
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let d = try CohortDefinition.load(path: RepoPaths.cohorts("studies/competing-cancer-death-by-type.yaml").path)
            let plan = try CohortPlan(d, source: "competing-cancer-death-by-type.yaml")
            #expect(plan.fields.contains("DSS_STATUS"))
            let run = try await CohortStudy.run(plan, store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            let cr = try #require(run.analysis.competingRisks)
            #expect(cr.unknownCause == ref.unknown_cause)
            #expect(cr.groups.map(\.label) == ref.groups.map(\.label))
            for (g, r) in zip(cr.groups, ref.groups) {
                #expect(g.n == r.n && g.interest == r.interest && g.competing == r.competing, "\(r.label) counts")
                let curve = try #require(g.curve)
                let at = curve.summary(at: r.times)
                #expect(at.count == r.times.count)
                for (k, p) in at.enumerated() {
                    #expect(isClose(p.probability[1], r.interest_cif[k], rel: 1e-12), "\(r.label) cif \(p.probability[1]) vs R \(r.interest_cif[k])")
                    #expect(isClose(p.lower[1], r.interest_lower[k], rel: 1e-12) && isClose(p.upper[1], r.interest_upper[k], rel: 1e-12))
                    #expect(isClose(p.probability[2], r.competing_cif[k], rel: 1e-12), "\(r.label) competing cif")
                }
            }
            let gi = try #require(cr.grayInterest), gc = try #require(cr.grayCompeting)
            for (k, g) in [gi, gc].enumerated() {
                #expect(isClose(g.test.statistic, ref.gray.statistic[k], rel: 1e-10), "Gray \(k) \(g.test.statistic) vs R \(ref.gray.statistic[k])")
                #expect(isClose(g.test.pValue, ref.gray.p[k], rel: 1e-8, abs: 1e-15), "Gray p \(k)")
                #expect(Double(g.test.degreesOfFreedom) == ref.gray.df[k])
            }
            let fg = try #require(cr.fineGray)
            #expect(fg.data.count == ref.finegray.n_expanded)
            for (a, b) in zip(fg.fit.coefficients, ref.finegray.coef) { #expect(isClose(a, b, rel: 1e-9), "FG coef \(a) vs R \(b)") }
            for (a, b) in zip(fg.fit.standardErrors, ref.finegray.se) { #expect(isClose(a, b, rel: 1e-9), "FG se \(a) vs R \(b)") }
            for (a, b) in zip(fg.fit.naiveStandardErrors ?? [], ref.finegray.naive_se) { #expect(isClose(a, b, rel: 1e-9), "FG naive se") }

            // every report format carries the section; counts there are disclosure-controlled
            let report = run.report
            let summary = try #require(report.competingRisks)
            #expect(summary.cause == "DSS_STATUS" && summary.grayTests.count == 2 && summary.fineGray.count == 2)
            for id in ["cr_groups", "cr_incidence", "cr_gray", "cr_finegray"] { #expect(report.tables().contains { $0.id == id }, "\(id)") }
            #expect(report.text().contains("Fine–Gray subdistribution hazard ratio"))
            #expect(report.markdown().contains("Gray's test"))
            #expect(report.html().contains("Cumulative incidence at set times"))
            #expect(report.csv().contains("cr_finegray,"))
            #expect(try report.json().contains("\"competingRisks\""))
            // notes carry no count (they are not disclosure-controlled): the exact number of unknown causes appears nowhere
            #expect(report.notes.contains("competing risks: patients with an event but no recorded DSS_STATUS are left out (cause unknown; their number is under the events-by-cause table)"))
        }
    }

    /// `--competing-cause` and YAML `competingRisks` give the same plan; a cause that is not an attribute is an
    /// error naming the field.
    @Test func flagsYAMLAndBadCause() throws {
        var f = CohortFlags()
        f.groupBy = "CANCER_TYPE_ACRONYM"; f.endpoint = "study"; f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
        f.competingCause = "DSS_STATUS"
        let fromFlags = try f.apply(to: nil)
        #expect(fromFlags.analysis.competingRisks?.cause == "DSS_STATUS")
        let yaml = try CohortDefinition.parse("name: x\ngroups: {by: variable, variable: CANCER_TYPE_ACRONYM}\nendpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}\nanalysis: {competingRisks: {cause: DSS_STATUS}}\n",
                                              source: "study.yaml", yaml: true)
        #expect(try CohortPlan(yaml, source: "study.yaml").competingCause == CohortPlan(fromFlags, source: "flags").competingCause)
        f.competingCause = " "
        #expect(throws: CohortStudyError.self) { try f.apply(to: nil) }
        var bad = yaml
        bad.analysis.competingRisks = .init(cause: "age")
        do { _ = try CohortPlan(bad, source: "study.yaml"); Issue.record("accepted") } catch {
            #expect("\(error)".contains("analysis.competingRisks.cause") && "\(error)".contains("age"), "\(error)")
        }
        #expect(throws: (any Error).self) {
            try CohortDefinition.parse("name: x\nanalysis: {competingRisks: {cause: DSS_STATUS, typo: 1}}\n", source: "study.yaml", yaml: true)
        }
    }

    /// Disclosure control: a group below the minimum keeps only its (suppressed) counts, Gray's tests and
    /// the Fine–Gray contrast that would describe it are withheld, and an incidence backed by fewer events
    /// of that cause than the minimum is withheld.
    @Test func smallGroupsAndFewEventsAreWithheld() throws {
        var t = CohortTable()
        // group a: 12 patients; group b: 3 patients (below k = 5). Cause column: 1 = with cancer.
        let n = 15
        t.personIDs = (1...n).map(Int64.init)
        t.time = (1...n).map { Double($0) }
        t.event = (1...n).map { $0 % 4 != 0 }
        t.cohortSize = n
        let group: [String?] = (1...n).map { $0 <= 12 ? "a" : "b" }
        let cause: [String?] = (1...n).map { $0 == 2 ? nil : ($0 % 3 == 0 ? "0:ALIVE OR DEAD TUMOR FREE" : "1:DEAD WITH TUMOR") }
        t.columns = [CohortTable.Column(column: .attribute("G"), texts: group, numbers: nil),
                     CohortTable.Column(column: .attribute("DSS_STATUS"), texts: cause, numbers: nil)]
        var d = CohortDefinition(name: "cr", groups: .variable(name: "G", values: nil), endpoint: EndpointSpec(kind: .os))
        d.analysis.competingRisks = .init(cause: "DSS_STATUS")
        d.analysis.km = .init(times: [3, 12])
        d.timeUnit = .days
        let plan = try CohortPlan(d, source: "test")
        let a = try CohortAnalysis.compute(plan: plan, table: t, lines: nil)
        let cr = try #require(a.competingRisks)
        #expect(cr.unknownCause == 1)                       // patient 2 died with no DSS_STATUS
        #expect(cr.groups.map(\.n) == [11, 3])
        let provenance = CohortReport.Provenance(oncoVersion: OncoVersion.current, warehouseBackend: "SQLite", warehouseVersion: 1, schemaVersion: 5,
                                                 datasets: ["test"], synthetic: true, generatedAt: "2026-01-01T00:00:00Z", project: nil,
                                                 definitionSHA256: String(repeating: "0", count: 64), minimumCellCount: 5, auditEntry: nil)
        let r = try #require(a.report(plan: plan, provenance: provenance, definitionJSON: "{}").competingRisks)
        #expect(r.unknownCause == .suppressed(below: 5))
        #expect(r.groups[1].withheld && r.groups[1].at.isEmpty && r.groups[1].n == .suppressed(below: 5))
        #expect(r.grayTests.allSatisfy { $0.withheld && $0.test == nil })
        #expect(r.fineGray.count == 2 && r.fineGray[1].withheld && r.fineGray[1].hazardRatio == nil)
        // group a at time 3: events of interest by then are patients 1 (1:…) only → 1 < 5: withheld; at 12 (7 of them): shown
        let at = r.groups[0].at
        #expect(at.map(\.time) == [3, 12])
        #expect(at[0].interest == nil && at[1].interest != nil)
    }
}
