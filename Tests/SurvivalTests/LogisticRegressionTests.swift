import Testing
import Survival
import _TestSupport

/// Logistic regression (IRLS) against R's `glm(family = binomial)` (Tests/Fixtures/survival/rwe/logistic.json,
/// made by scripts/rwe_reference.R from survival::colon: treatment Lev+5FU against the other arms, a
/// propensity model), unweighted and with non-integer weights.
@Suite struct LogisticRegressionTests {
    static let ref = try! RWEFixtures.json("logistic.json")

    @Test(arguments: ["colon", "colon_weighted"])
    func matchesR(_ key: String) throws {
        let r = Self.ref["models"]![key]!
        let data = try RWEFixtures.table(Self.ref["data"]!.string!)
        let names = Array(r["terms"]!.strings!.dropFirst())
        let design = try CoxDesign(names.map { .numeric($0, data[$0]!) })
        let fit = try LogisticRegression(outcome: data["treated"]!.map { $0 == 1 }, design: design,
                                         weights: r["weights"]?.string.map { data[$0]! })
        #expect(fit.columnNames == r["terms"]!.strings!)
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(fit.problems.isEmpty)
        let rel = 1e-9
        for (a, b) in zip(fit.coefficients, r.d("coef")) { #expect(isClose(a, b, rel: rel), "\(key) coef \(a) vs R \(b)") }
        for (a, b) in zip(fit.standardErrors, r.d("se")) { #expect(isClose(a, b, rel: rel), "\(key) se \(a) vs R \(b)") }
        #expect(isClose(fit.deviance, r.n("deviance"), rel: 1e-12))
        #expect(isClose(fit.nullDeviance, r.n("null_deviance"), rel: 1e-12))
        for (a, b) in zip(fit.fitted.prefix(10), r.d("fitted_first10")) { #expect(isClose(a, b, rel: rel)) }
        let worst = [RWEFixtures.maxRelative(fit.coefficients, r.d("coef")), RWEFixtures.maxRelative(fit.standardErrors, r.d("se")),
                     RWEFixtures.maxRelative([fit.deviance, fit.nullDeviance], [r.n("deviance"), r.n("null_deviance")])].max()!
        print("LogisticRegressionTests \(key): max rel. diff coef/se/deviance \(worst)")
        let k = names.count
        let again = fit.probabilities(rowMajor: Array(design.values.prefix(10 * k)))
        for (a, b) in zip(again, fit.fitted.prefix(10)) { #expect(isClose(a, b, rel: 1e-12)) }
    }

    /// x > 0 exactly when y: complete separation; R warns "fitted probabilities numerically 0 or 1
    /// occurred" and stops at 25 iterations or at a huge coefficient. Reported, not silent.
    @Test func separationIsReported() throws {
        let x: [Double] = [-3, -2, -1, -0.5, 0.5, 1, 2, 3]
        let fit = try LogisticRegression(outcome: x.map { $0 > 0 }, design: try CoxDesign([.numeric("x", x)]))
        #expect(fit.problems.contains(.separation))
        #expect(fit.coefficients[1] > 10)
    }

    @Test func constantColumnIsAliased() throws {
        let x: [Double] = [1, 2, 3, 4, 5, 6]
        let fit = try LogisticRegression(outcome: [true, false, true, false, false, true],
                                         design: try CoxDesign([.numeric("x", x), .numeric("c", [Double](repeating: 2, count: 6))]))
        #expect(fit.problems.contains(.singular(columns: [2])))
        #expect(fit.coefficients[2].isNaN)
    }

    @Test func badWeightIsAnError() throws {
        let design = try CoxDesign([.numeric("x", [1, 2, 3])])
        #expect(throws: SurvivalError(.invalidWeight, "weight 1")) {
            try LogisticRegression(outcome: [true, false, true], design: design, weights: [1, -2, 1])
        }
        #expect(throws: SurvivalError(.invalidWeight, "weight 2")) {
            try LogisticRegression(outcome: [true, false, true], design: design, weights: [1, 2, .nan])
        }
    }
}
