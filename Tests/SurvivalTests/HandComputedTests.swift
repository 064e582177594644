import Foundation
import Testing
import Survival
import _TestSupport

/// Small examples computed by hand, with the computation written out.
@Suite struct HandComputedTests {
    /// t=1: n=6 d=1 c=1 → S=5/6   t=3: n=4 d=1 → S=5/8   t=4: n=3 d=1 → S=5/12   t=6: censored   t=8: n=1 d=1 → S=0
    static let byHand: [(time: Double, event: Bool)] = [(4, true), (1, false), (8, true), (1, true), (6, false), (3, true)]

    @Test func kaplanMeierByHand() throws {
        let km = try KaplanMeier(time: Self.byHand.map(\.time), event: Self.byHand.map(\.event))
        #expect(km.time == [1, 3, 4, 6, 8])
        #expect(km.atRisk == [6, 4, 3, 2, 1])
        #expect(km.events == [1, 1, 1, 0, 1])
        #expect(km.censored == [1, 0, 0, 1, 0])
        let s: [Double] = [5.0 / 6, 5.0 / 8, 5.0 / 12, 5.0 / 12, 0]
        for k in 0..<5 { #expect(isClose(km.survival[k], s[k], rel: 1e-15)) }
        // Greenwood: Σ d/(n(n−d)) = 1/30, + 1/12, + 1/6
        #expect(isClose(km.standardError[2], (1.0 / 30 + 1.0 / 12 + 1.0 / 6).squareRoot(), rel: 1e-15))
        #expect(km.standardError[4] == .infinity)
        // Nelson–Aalen: 1/6 + 1/4 + 1/3 + 1
        #expect(isClose(km.cumulativeHazard[4], 1.0 / 6 + 1.0 / 4 + 1.0 / 3 + 1, rel: 1e-15))
        // median: first t with S ≤ 0.5 is 4
        #expect(km.median.estimate == 4)
        // RMST to 8: 1·1 + 2·5/6 + 1·5/8 + 2·5/12 + 2·5/12
        #expect(isClose(km.restrictedMean(upTo: 8).mean, 1 + 2 * 5.0 / 6 + 5.0 / 8 + 4 * 5.0 / 12, rel: 1e-15))
        #expect(km.survival(at: 3.5) == 5.0 / 8 && km.survival(at: 0.5) == 1)
    }

    /// Two groups of two, no ties. At t=1 (A dies): nA=2, nB=2, E_A = 1/2, V = 1·2·2·(4−1)/(16·3) = 1/4.
    /// At t=2 (B dies): nA=1, nB=2, E_A = 1/3, V = 1·2·1·2/(9·2) = 2/9. At t=3 (A): nA=1, nB=1, E_A = 1/2, V = 1/4.
    /// O_A = 2, E_A = 4/3, V = 13/18, χ² = (2/3)²/(13/18) = 8/13.
    @Test func logRankByHand() throws {
        let lr = try LogRank(time: [1, 3, 2, 4], event: [true, true, true, false],
                             group: try Factor(["A", "A", "B", "B"]))
        #expect(lr.observed == [2, 1])
        #expect(isClose(lr.expected[0], 4.0 / 3, rel: 1e-15))
        #expect(isClose(lr.variance[0], 13.0 / 18, rel: 1e-15))
        #expect(isClose(lr.chiSquare, 8.0 / 13, rel: 1e-14))
        #expect(lr.degreesOfFreedom == 1)
    }

    /// Cox with one binary covariate and two subjects: events at t=1 (x=1) and t=2 (x=0).
    /// ℓ(β) = β − log(e^β + 1) (the second event has only itself at risk) rises towards 0 as β → ∞,
    /// and each Newton step adds about 1 to β, so ℓ never meets the relative criterion: R stops at
    /// iter.max with "Ran out of iterations" (coef 21.20289, iter 21, loglik −6.190142e-10), and so do we.
    @Test func twoSubjectsRunOutOfIterations() throws {
        let fit = try CoxFit(time: [1, 2], event: [true, true], design: CoxDesign([.numeric("x", [1, 0])]))
        #expect(fit.problems.contains(.iterationLimit))
        #expect(fit.iterations == 21)
        #expect(isClose(fit.coefficients[0], 21.20289, rel: 1e-6))
        #expect(isClose(fit.logLikelihood, -6.190142e-10, rel: 1e-6))
        #expect(isClose(fit.logLikelihoodNull, -log(2.0), rel: 1e-15))
    }

    @Test func factorsSortLikeR() throws {
        #expect(try Factor(["10", "9", "2", "9"]).levels == ["2", "9", "10"])
        #expect(try Factor(["b", "a", "c"]).levels == ["a", "b", "c"])
        #expect(try Factor(["x", "y"], levels: ["y", "x"]).codes == [1, 0])
        #expect(throws: SurvivalError.self) { try Factor(["x", "z"], levels: ["y", "x"]) }
        #expect(Factor([2.0, 1, 2.5]).levels == ["1", "2", "2.5"])
        let d = try CoxDesign([.categorical("stage", try Factor(["I", "II", "III", "II"]))])
        #expect(d.columnNames == ["stage=II", "stage=III"])
        #expect(d.values == [0, 0, 1, 0, 0, 1, 1, 0])
        #expect(try d.row(["stage": .level("III")]) == [0, 1])
    }
}
