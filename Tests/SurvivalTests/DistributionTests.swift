import Testing
import Survival
import _TestSupport

/// Tail areas and quantiles against R's own algorithms (Tests/Fixtures/survival/extra/distributions.json,
/// made by scripts/extra_reference.R).
@Suite struct DistributionTests {
    static let ref = try! SurvivalFixtures.extra("distributions.json")

    @Test func chiSquareUpperTailMatchesPchisq() {
        var worst = 0.0
        for row in Self.ref["pchisq_upper"]!.array! {
            let x = row.n("x"), df = row.n("df"), r = row.n("p")
            let ours = ChiSquared.upperTail(x, degreesOfFreedom: df)
            let rel = abs(ours - r) / r
            worst = max(worst, rel)
            #expect(isClose(ours, r, rel: 1e-12, abs: 1e-300), "pchisq(\(x), \(df), lower = F): R \(r), ours \(ours)")
        }
        print("pchisq upper tail: worst relative difference \(worst) over \(Self.ref["pchisq_upper"]!.array!.count) points")
    }

    @Test func incompleteGammaMatchesPgamma() {
        for row in Self.ref["pgamma"]!.array! {
            let x = row.n("x"), a = row.n("a")
            #expect(isClose(IncompleteGamma.regularizedLower(a, x), row.n("lower"), rel: 1e-12, abs: 1e-300), "pgamma(\(x), \(a))")
            #expect(isClose(IncompleteGamma.regularizedUpper(a, x), row.n("upper"), rel: 1e-12, abs: 1e-300), "pgamma(\(x), \(a), lower = F)")
        }
    }

    @Test func normalQuantileMatchesQnorm() {
        for row in Self.ref["qnorm"]!.array! {
            #expect(isClose(Normal.quantile(row.n("p")), row.n("q"), rel: 1e-14), "qnorm(\(row.n("p")))")
        }
        #expect(Normal.quantile(0.975) == 1.9599639845400536)   // R: sprintf("%.17g", qnorm(0.975))
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity && Normal.quantile(1.5).isNaN)
    }

    @Test func normalTailsMatchPnorm() {
        for row in Self.ref["pnorm"]!.array! {
            let z = row.n("z")
            #expect(isClose(Normal.cdf(z), row.n("lower"), rel: 1e-13, abs: 1e-300), "pnorm(\(z))")
            #expect(isClose(Normal.upperTail(z), row.n("upper"), rel: 1e-13, abs: 1e-300), "pnorm(\(z), lower = F)")
        }
    }

    /// Edge cases as R: df = 0 is a point mass at 0; x = 0 has upper tail 1.
    @Test func chiSquareEdges() {
        #expect(ChiSquared.upperTail(0, degreesOfFreedom: 0) == 1)
        #expect(ChiSquared.upperTail(1, degreesOfFreedom: 0) == 0)
        #expect(ChiSquared.upperTail(0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquared.upperTail(.infinity, degreesOfFreedom: 3) == 0)
        #expect(ChiSquared.upperTail(.nan, degreesOfFreedom: 3).isNaN)
        // df = 1: Q(1/2, x/2) = erfc(sqrt(x/2)) = 2 P(Z > sqrt(x))
        #expect(isClose(ChiSquared.upperTail(3.84, degreesOfFreedom: 1), 2 * Normal.upperTail(3.84.squareRoot()), rel: 1e-13))
    }
}
