import Testing
import Survival
import _TestSupport

/// Cox fits with case weights against R (Tests/Fixtures/survival/extra/weighted.json, made by
/// scripts/extra_reference.R): lung with integer weights 1, 2, 3, Efron and Breslow, with and without strata.
/// (R keeps the model-based variance for integer weights; so do we, for all weights.)
@Suite struct WeightedCoxTests {
    static let ref = try! SurvivalFixtures.extra("weighted.json")

    @Test(arguments: ["efron", "efron_strata", "breslow", "breslow_strata"])
    func weightedFitMatchesR(_ key: String) throws {
        let rows = Self.ref["data"]!.array!
        let r = Self.ref["fits"]![key]!
        let stratified = key.hasSuffix("_strata")
        let names = stratified ? ["age", "ph.ecog"] : ["age", "sex", "ph.ecog"]
        let design = try CoxDesign(names.map { v in .numeric(v, rows.map { $0.n(v) }) })
        let strata = stratified ? Factor(rows.map { $0.n("sex") }) : nil
        let fit = try CoxFit(time: rows.map { $0.n("time") }, event: rows.map { $0.n("event") == 1 }, design: design,
                             strata: strata, weights: rows.map { $0.n("w") },
                             options: .init(ties: CoxFit.Ties(rawValue: r["ties"]!.string!)!))
        for (a, b) in zip(fit.coefficients, r.d("coef")) { #expect(isClose(a, b, rel: 1e-10), "coef \(a) vs R \(b)") }
        for (a, b) in zip(fit.standardErrors, r.d("se")) { #expect(isClose(a, b, rel: 1e-10), "se \(a) vs R \(b)") }
        #expect(isClose(fit.logLikelihoodNull, r.d("loglik")[0], rel: 1e-12))
        #expect(isClose(fit.logLikelihood, r.d("loglik")[1], rel: 1e-12))
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(isClose(fit.scoreTest.statistic, r.n("score"), rel: 1e-10))
        #expect(isClose(fit.waldTest.statistic, r.n("wald"), rel: 1e-10))
        #expect(isClose(fit.concordance!.c, r.n("concordance"), rel: 1e-12))
        #expect(isClose(fit.concordance!.standardError, r.n("concordance_se"), rel: 1e-10))
    }
}
