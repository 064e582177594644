import Testing
import Survival
import _TestSupport

/// Cox fits on degenerate data behave as R's coxph: values from Tests/Fixtures/survival/extra/degenerate.json
/// (scripts/extra_reference.R, R 4.2.2 / survival 3.5-3).
@Suite struct DegenerateCoxTests {
    static let ref = try! SurvivalFixtures.extra("degenerate.json")["cases"]!

    /// Rebuilds a case's data and fits it with numeric covariates `names`.
    static func fit(_ name: String, _ names: [String], ties: CoxFit.Ties = .efron, maxIterations: Int = 20,
                    initial: [Double]? = nil) throws -> (CoxFit, JSONValue) {
        let c = ref[name]!
        let rows = c["data"]!.array!
        let design = try CoxDesign(names.map { v in .numeric(v, rows.map { $0.n(v) }) })
        let fit = try CoxFit(time: rows.map { $0.n("time") }, event: rows.map { $0.n("event") == 1 }, design: design,
                             options: .init(ties: ties, maxIterations: maxIterations, initial: initial))
        return (fit, c)
    }

    static func expectClose(_ ours: [Double], _ r: [Double], rel: Double = 1e-10, _ what: String) {
        #expect(ours.count == r.count, "\(what) length")
        for (a, b) in zip(ours, r) {
            if b.isNaN { #expect(a.isNaN, "\(what): R NA, ours \(a)") } else { #expect(isClose(a, b, rel: rel, abs: 1e-12), "\(what): R \(b), ours \(a)") }
        }
    }

    @Test func noEvents() throws {
        let (fit, r) = try Self.fit("no_events", ["x", "z"])
        #expect(fit.problems == [.noEvents])
        #expect(fit.coefficients.allSatisfy { $0.isNaN })
        #expect(fit.variance.allSatisfy { $0 == 0 })
        #expect([fit.logLikelihoodNull, fit.logLikelihood] == r.d("loglik"))
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(fit.likelihoodRatioTest.degreesOfFreedom == 0 && fit.likelihoodRatioTest.pValue == 1)
        #expect(fit.concordance == nil)
        #expect(throws: SurvivalError.self) { try fit.proportionalHazardsTest() }
    }

    @Test(arguments: [("constant_column", ["x", "c", "z"]), ("aliased_column", ["x", "x2", "z"])])
    func singularColumn(_ name: String, _ columns: [String]) throws {
        let (fit, r) = try Self.fit(name, columns)
        #expect(fit.problems == [.singular(columns: [1])])
        Self.expectClose(fit.coefficients, r.d("coef"), "coef")
        Self.expectClose(fit.variance, r["var"]!.matrix!.flatMap { $0 }, "var")
        Self.expectClose([fit.logLikelihoodNull, fit.logLikelihood], r.d("loglik"), "loglik")
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(isClose(fit.scoreTest.statistic, r.n("score"), rel: 1e-10))
        #expect(isClose(fit.waldTest.statistic, r.n("wald"), rel: 1e-10))
        #expect(fit.likelihoodRatioTest.degreesOfFreedom == 2)
        #expect(fit.standardErrors[1].isNaN)
        // the PH test drops the aliased column, as cox.zph does
        let z = try fit.proportionalHazardsTest()
        #expect(z.terms.map(\.name) == [columns[0], columns[2]])
    }

    /// A covariate that separates early from late events: the coefficient diverges, R stops when
    /// the log-likelihood converges and warns; so do we, without hanging.
    @Test func monotoneLikelihood() throws {
        let (fit, r) = try Self.fit("monotone", ["x"])
        #expect(fit.problems == [.infiniteCoefficient(columns: [0])])
        #expect(r["warnings"]!.strings!.first!.contains("coefficient may be infinite"))
        Self.expectClose(fit.coefficients, r.d("coef"), rel: 1e-9, "coef")
        Self.expectClose(fit.variance, r["var"]!.matrix!.flatMap { $0 }, rel: 1e-7, "var")
        Self.expectClose([fit.logLikelihoodNull, fit.logLikelihood], r.d("loglik"), "loglik")
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(isClose(fit.scoreTest.statistic, r.n("score"), rel: 1e-10))
    }

    /// iter.max reached: coefficients, log-likelihood and R's iteration count (iter.max + 1 for
    /// Efron/Breslow) match. R 3.5-3 then returns diag(1/I_jj) as the variance; we return the inverse
    /// of the information at the final β, checked against a fit started there with no iterations.
    @Test(arguments: [("iteration_limit", CoxFit.Ties.efron), ("iteration_limit_exact", .exact)])
    func iterationLimit(_ name: String, _ ties: CoxFit.Ties) throws {
        let (fit, r) = try Self.fit(name, ["age", "sex", "ph.ecog"], ties: ties, maxIterations: 2)
        #expect(fit.problems.contains(.iterationLimit))
        #expect(r["warnings"]!.strings! == ["Ran out of iterations and did not converge"])
        Self.expectClose(fit.coefficients, r.d("coef"), "coef")
        Self.expectClose([fit.logLikelihoodNull, fit.logLikelihood], r.d("loglik"), "loglik")
        #expect(fit.iterations == r["iter"]!.int!)
        let (atEnd, _) = try Self.fit(name, ["age", "sex", "ph.ecog"], ties: ties, maxIterations: 0, initial: fit.coefficients)
        Self.expectClose(fit.variance, atEnd.variance, rel: 1e-8, "variance = inverse information at the final beta")
        // R's diagonal is 1/I_jj, never larger than the true variance
        let rv = r["var"]!.matrix!
        for j in 0..<3 { #expect(fit.variance[j * 3 + j] >= rv[j][j] * (1 - 1e-9)) }
    }

    @Test func invalidInputThrows() throws {
        let d = try CoxDesign([.numeric("x", [1, 2, 3])])
        #expect(throws: SurvivalError.self) { try CoxFit(time: [1, -2, 3], event: [true, true, false], design: d) }
        #expect(throws: SurvivalError.self) { try CoxFit(time: [1, .nan, 3], event: [true, true, false], design: d) }
        #expect(throws: SurvivalError.self) { try CoxFit(time: [1, 2], event: [true, true], design: d) }
        #expect(throws: SurvivalError.self) { try CoxFit(time: [1, 2, 3], event: [true, true, false], design: d, weights: [1, 0, 1]) }
        #expect(throws: SurvivalError.self) { try CoxDesign([.numeric("x", [1, .infinity])]) }
        #expect(throws: SurvivalError.self) {
            try CoxFit(time: [1, 2, 3], event: [true, true, false], design: d, weights: [1, 2, 1], options: .init(ties: .exact))
        }
    }
}
