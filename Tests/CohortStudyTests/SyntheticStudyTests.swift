import Foundation
import OncoCore
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Studies on a synthetic warehouse (Cohorts/synthetic-oncology.json, 4,000 patients, seed 3) that
/// exercise the derived endpoints and the therapy grouping, each checked against the same analysis
/// computed independently from the warehouse's own public queries (`treatmentLines`, `outcomes`,
/// `profiles`) with module Survival (itself verified against R survival).
@Suite(.serialized) struct SyntheticStudyTests {
    static let params = RepoPaths.cohorts("synthetic-oncology.json").path

    static func withSynthetic(_ body: (Warehouse) async throws -> Void) async throws {
        try await withWarehouse(.sqlite) { store in
            let g = try SyntheticCohortGenerator(parametersPath: params, patients: 4_000, seed: 3)
            _ = try await store.importDataset(g.descriptor, from: g.makeSource(), progress: nil, logger: TestWarehouse.logger)
            try await body(store)
        }
    }

    @Test func derivedEndpointsAndTherapyGroupsMatchAnIndependentComputation() async throws {
        try await Self.withSynthetic { store in
            let log = TestWarehouse.logger
            // 1. Therapy A vs B in line 1 (pembrolizumab vs carboplatin; patients given both in line 1
            //    are left out), OS from the start of line 1, LUAD.
            let luadLines = try await store.treatmentLines(cohort: CohortCriteria(tumourTypes: ["LUAD"]), logger: log).filter { $0.line == 1 }
            var t: [Double] = [], e: [Bool] = [], g: [Int32] = []
            for l in luadLines.sorted(by: { $0.personID < $1.personID }) {
                let a = l.drugs.contains("pembrolizumab"), b = l.drugs.contains("carboplatin")
                guard a != b, let os = l.overallSurvival else { continue }
                t.append(os.days); e.append(os.event); g.append(a ? 1 : 0)
            }
            let therapy = CohortDefinition(name: "pembrolizumab vs carboplatin, line 1, LUAD",
                                           population: Population(tumourTypes: ["LUAD"], includeDescendants: false),
                                           groups: .therapy(a: TherapySpec(drugs: ["pembrolizumab"]), b: TherapySpec(drugs: ["carboplatin"]), line: 1),
                                           endpoint: EndpointSpec(kind: .os, from: .line), timeUnit: .days)
            let run = try await CohortStudy.run(try CohortPlan(therapy, source: "test"), store: store, options: .init(minimumCellCount: 0), logger: log)
            let a = run.analysis
            #expect(a.groups.map(\.label) == ["carboplatin", "pembrolizumab"])
            #expect(a.groups.map(\.n) == [g.filter { $0 == 0 }.count, g.filter { $0 == 1 }.count])
            #expect(a.groups[0].n > 20 && a.groups[1].n > 20, "\(a.groups.map(\.n))")
            #expect(a.groups.map(\.events) == [0, 1].map { k in zip(g, e).filter { $0.0 == k && $0.1 }.count })
            let lr = try LogRank(time: t, event: e, group: Factor(codes: g, levels: ["carboplatin", "pembrolizumab"]))
            #expect(isClose(try #require(a.logRank).chiSquare, lr.chiSquare, rel: 1e-12))
            let fit = try CoxFit(time: t, event: e, design: CoxDesign([.numeric("pembrolizumab", g.map { Double($0) })]))
            #expect(isClose(try #require(a.cox).coefficientTable[0].hazardRatio, fit.coefficientTable[0].hazardRatio, rel: 1e-9))
            let km = try KaplanMeierCurves(time: t, event: e, group: Factor(codes: g, levels: ["carboplatin", "pembrolizumab"]))
            #expect(isClose(a.groups[1].curve!.median.estimate, km.curves[1].median.estimate, rel: 1e-12))

            // 2. Time to next treatment and PFS from the start of line 1, everyone with a line 1.
            let lines1 = try await store.treatmentLines(cohort: .all, logger: log).filter { $0.line == 1 }
            for (kind, pick) in [(EndpointSpec.Kind.ttnt, { (l: TreatmentLine) in l.timeToNextTreatment }),
                                 (.pfs, { (l: TreatmentLine) in l.progressionFreeSurvival })] {
                let ref = lines1.compactMap(pick)
                let d = CohortDefinition(name: "\(kind) from line 1", endpoint: EndpointSpec(kind: kind, from: .line, line: 1), timeUnit: .days)
                let plan = try CohortPlan(d, source: "test")
                if ref.isEmpty {
                    // nothing recorded for this endpoint: the study says so instead of reporting an empty analysis
                    await #expect(throws: CohortStudyError.self) {
                        _ = try await CohortStudy.run(plan, store: store, options: .init(minimumCellCount: 0), logger: log)
                    }
                    continue
                }
                let r = try await CohortStudy.run(plan, store: store, options: .init(minimumCellCount: 0), logger: log)
                #expect(r.analysis.groups[0].n == ref.count, "\(kind)")
                #expect(r.analysis.groups[0].events == ref.filter(\.event).count, "\(kind)")
                let kmRef = try KaplanMeier(time: ref.map(\.days), event: ref.map(\.event))
                #expect(isClose(r.analysis.groups[0].curve!.median.estimate, kmRef.median.estimate, rel: 1e-12), "\(kind)")
            }

            // 3. TP53 mutated vs wild-type, OS from diagnosis with a 90-day landmark, Cox adjusted for
            //    age and stratified by tumour type; the planted TP53 hazard ratio (1.3) lies in the CI.
            let os = try #require(try await store.outcomes(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .none, logger: log).first).data
            let profiles = try await store.profiles(cohort: .all, options: ProfileOptions(), logger: log)
            var tp53: [Int64: Bool] = [:]
            for i in 0..<profiles.count { tp53[profiles[i].personID] = profiles[i].alterations.contains { $0.gene == "TP53" } }
            var lt: [Double] = [], le: [Bool] = [], lg: [Int32] = []
            for i in os.personIDs.indices where os.days[i] >= 90 {
                guard let m = tp53[os.personIDs[i]] else { continue }
                lt.append(Double(os.days[i] - 90)); le.append(os.events[i]); lg.append(m ? 1 : 0)
            }
            let d3 = CohortDefinition(name: "TP53, OS from diagnosis, landmark 90 days",
                                      groups: .mutation(AlterationSpec(gene: "TP53")),
                                      endpoint: EndpointSpec(kind: .os, from: .diagnosis, landmark: TimeSpan(90, .days)),
                                      analysis: AnalysisSpec(logRank: .init(strata: ["tumour_type"]),
                                                             cox: .init(covariates: [CovariateSpec("age")], strata: ["tumour_type"])))
            let r3 = try await CohortStudy.run(try CohortPlan(d3, source: "test"), store: store, logger: log)
            #expect(r3.analysis.groups.map(\.n) == [lg.filter { $0 == 0 }.count, lg.filter { $0 == 1 }.count])
            #expect(r3.analysis.groups.map(\.events) == [0, 1].map { k in zip(lg, le).filter { $0.0 == k && $0.1 }.count })
            let hr = try #require(r3.analysis.cox).coefficientTable[0]
            #expect(hr.lower <= 1.3 && 1.3 <= hr.upper, "TP53 HR \(hr.hazardRatio) [\(hr.lower), \(hr.upper)]")
            #expect(r3.analysis.proportionalHazards != nil)
        }
    }
}
