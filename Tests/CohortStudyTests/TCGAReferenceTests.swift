import Foundation
import OncoCore
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// KM, log-rank and Cox on the real TCGA subset, against values computed independently with R
/// survival 3.5-3 from the source files (scripts/reference/tcga_cohort_reference.R; definitions there:
/// cohort = patients with a sample of the OncoTree code and a recorded OS; mutated = a non-synonymous
/// MAF row in the gene; endpoint = the study's OS_MONTHS / OS_STATUS; Cox mutated + age, Efron).
/// Tolerances (issue 3): relative 1e-6 on estimates, 1e-4 on p-values; the largest deviations seen
/// are far smaller (see the test output).
@Suite struct TCGAReferenceTests {
    static func definition(code: String, gene: String) -> CohortDefinition {
        CohortDefinition(name: "\(gene) in \(code)",
                         population: Population(tumourTypes: [code]),
                         groups: .mutation(AlterationSpec(gene: gene)),
                         endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS", unit: .months),
                         analysis: AnalysisSpec(cox: .init(covariates: [CovariateSpec("age")])))
    }

    @Test(arguments: StoreKind.allCases) func matchesR(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in try await Self.check(store, kind: kind) }
    }

    static func check(_ store: Warehouse, kind: StoreKind) async throws {
        try await TCGAFixture.importStudy(store)
        let reference = try TCGAReference.load()
        #expect(reference.analyses.count == 2)
        for ref in reference.analyses {
            let plan = try CohortPlan(definition(code: ref.oncotree_code, gene: ref.gene), source: "test")
            let run = try await CohortStudy.run(plan, store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            let a = run.analysis
            var worst = 0.0, worstP = 0.0
            func close(_ x: Double?, _ r: Double?, _ what: String) {
                guard let r else { #expect(x == nil || x!.isNaN, "\(ref.gene) \(what): R has NA, onco \(String(describing: x))"); return }
                guard let x else { Issue.record("\(ref.gene) \(what): onco has no value, R \(r)"); return }
                worst = max(worst, relativeDifference(x, r))
                #expect(isClose(x, r, rel: 1e-6), "\(ref.gene) \(what): onco \(x), R \(r)")
            }
            func closeP(_ x: Double, _ r: Double, _ what: String) {
                worstP = max(worstP, relativeDifference(x, r))
                #expect(isClose(x, r, rel: 1e-4), "\(ref.gene) \(what) p: onco \(x), R \(r)")
            }
            // cohort and groups
            #expect(a.rows.personIDs.count == ref.n)
            #expect(a.groups.map(\.events).reduce(0, +) == ref.events)
            #expect(a.groups.map(\.label) == ["\(ref.gene) wild-type", "\(ref.gene) mutated"])
            for g in ref.groups {
                let mine = a.groups[g.mutated]
                #expect(mine.n == g.n, "\(ref.gene) group \(g.mutated) n")
                #expect(mine.events == g.events, "\(ref.gene) group \(g.mutated) events")
                let m = mine.curve!.median
                close(m.estimate.isNaN ? nil : m.estimate, g.median, "median[\(g.mutated)]")
                close(m.lower.isNaN ? nil : m.lower, g.median_lower, "median lower[\(g.mutated)]")
                close(m.upper.isNaN ? nil : m.upper, g.median_upper, "median upper[\(g.mutated)]")
            }
            // log-rank
            let lr = try #require(a.logRank)
            close(lr.chiSquare, ref.logrank.chisq, "log-rank chi-square")
            #expect(lr.degreesOfFreedom == ref.logrank.df)
            closeP(lr.pValue, ref.logrank.p, "log-rank")
            // Cox mutated + age
            let fit = try #require(a.cox)
            #expect(fit.n == ref.cox.n && fit.eventCount == ref.cox.events)
            #expect(fit.columnNames == ["group=\(ref.gene) mutated", "age"])
            let table = fit.coefficientTable
            for j in 0..<2 {
                close(table[j].coefficient, ref.cox.coef[j], "coef \(ref.cox.terms[j])")
                close(table[j].standardError, ref.cox.se[j], "se \(ref.cox.terms[j])")
                close(table[j].hazardRatio, ref.cox.hazard_ratio[j], "HR \(ref.cox.terms[j])")
                close(table[j].lower, ref.cox.lower[j], "HR lower \(ref.cox.terms[j])")
                close(table[j].upper, ref.cox.upper[j], "HR upper \(ref.cox.terms[j])")
                closeP(table[j].pValue, ref.cox.p[j], "Cox \(ref.cox.terms[j])")
            }
            close(fit.logLikelihood, ref.cox.loglik, "log-likelihood")
            print("[\(kind)] \(ref.gene) in \(ref.oncotree_code): largest relative difference to R \(worst) (estimates), \(worstP) (p-values)")
            // The report carries the same numbers (rounded in text; exact in JSON).
            let json = try run.report.json()
            #expect(json.contains("\"definitionSHA256\""))
            // … counts as disclosure control shows them: below 5 as <5, others rounded to a multiple of 5
            #expect(run.report.groups.map(\.n) == ref.groups.map { $0.n < 5 ? .suppressed(below: 5) : .exact(Int((Double($0.n) / 5).rounded()) * 5) })
        }
    }
}
