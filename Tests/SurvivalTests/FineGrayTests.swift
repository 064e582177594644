import Testing
import Survival
import _TestSupport

/// Fine–Gray subdistribution hazards and Gray's test against R (Tests/Fixtures/survival/rwe/finegray.json,
/// made by scripts/finegray_reference.R from survival::mgus2 and survival::pbc): R's `finegray` data
/// (size and sums of the expanded rows), `coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt,
/// cluster = id)` (coef, robust se, naive se, log-likelihoods, iterations) and `cmprsk::cuminc`'s tests.
@Suite struct FineGrayTests {
    static let ref = try! RWEFixtures.json("finegray.json")

    static func fineGray(_ key: String) throws -> (FineGray, JSONValue) {
        let r = ref["fits"]![key]!
        let data = try RWEFixtures.table(r["data"]!.string!)
        let design = try CoxDesign(r["terms"]!.strings!.map { .numeric($0, data[$0]!) })
        let fg = try FineGray(time: data[r["time"]!.string!]!, status: data[r["event"]!.string!]!.map { Int($0) },
                              eventOfInterest: r["event_of_interest"]!.int!, design: design)
        return (fg, r)
    }

    @Test(arguments: ["mgus2_pcm", "mgus2_death", "pbc_death", "pbc_transplant"])
    func matchesR(_ key: String) throws {
        let (fg, r) = try Self.fineGray(key)
        let d = fg.data
        // the expanded data, as R's finegray()
        #expect(d.count == r["n_expanded"]!.int!, "\(key) rows \(d.count) vs R \(r["n_expanded"]!.int!)")
        func sum(_ v: [Double]) -> Double { v.reduce(0, +) }
        #expect(isClose(sum(d.weight), r.n("sum_fgwt"), rel: 1e-12), "\(key) Σ fgwt \(sum(d.weight)) vs R \(r.n("sum_fgwt"))")
        #expect(sum(d.stop) == r.n("sum_fgstop"))
        #expect(sum(d.start) == r.n("sum_fgstart"))
        #expect(d.event.filter { $0 }.count == r["sum_fgstatus"]!.int!)
        #expect(isClose(sum(zip(d.weight, d.stop).map { $0 * $1 }), r.n("sum_wt_stop"), rel: 1e-12))
        // the weighted Cox fit, robust se clustered by subject
        let fit = fg.fit
        #expect(fg.n == r["n"]!.int!)
        #expect(fit.eventCount == r["nevent"]!.int!)
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(fit.problems.isEmpty)
        let rel = 1e-9
        for (a, b) in zip(fit.coefficients, r.d("coef")) { #expect(isClose(a, b, rel: rel), "\(key) coef \(a) vs R \(b)") }
        for (a, b) in zip(fit.standardErrors, r.d("se")) { #expect(isClose(a, b, rel: rel), "\(key) robust se \(a) vs R \(b)") }
        let naive = try #require(fit.naiveStandardErrors)
        for (a, b) in zip(naive, r.d("naive_se")) { #expect(isClose(a, b, rel: rel), "\(key) naive se \(a) vs R \(b)") }
        #expect(isClose(fit.logLikelihoodNull, r.d("loglik")[0], rel: 1e-12))
        #expect(isClose(fit.logLikelihood, r.d("loglik")[1], rel: 1e-12))
        let worst = [RWEFixtures.maxRelative(fit.coefficients, r.d("coef")), RWEFixtures.maxRelative(fit.standardErrors, r.d("se")),
                     RWEFixtures.maxRelative(naive, r.d("naive_se"))].max()!
        print("FineGrayTests \(key): max rel. diff coef/se/naive se \(worst)")
    }

    /// R's finegray on a small set worked by hand (and checked in R): times 0, 2, 2, 4, 5, 6, 6 with
    /// causes 1, 2, 0, 1, 2, 0, 1 and cause 1 of interest. Censoring KM: at 2 (events first) 1 − 1/5 = 0.8,
    /// at 6 1 − 1/1 = 0; a time is 0 so zero = −1; cut points 2, 6, 6. The competing event at 2 gets
    /// (−1, 2] weight 1 and (2, 6] weight 0.8 (an event of interest, at 4, lies in it); the one at 5
    /// gets (−1, 6] only (the interval after it holds no event of interest).
    @Test func expansionByHand() throws {
        let d = try FineGrayData(time: [0, 2, 2, 4, 5, 6, 6], status: [1, 2, 0, 1, 2, 0, 1], eventOfInterest: 1)
        #expect(d.subject == [0, 1, 1, 2, 3, 4, 5, 6])
        #expect(d.start == [-1, -1, 2, -1, -1, -1, -1, -1])
        #expect(d.stop == [0, 2, 6, 2, 4, 6, 6, 6])
        #expect(d.event == [true, false, false, false, true, false, false, true])
        #expect(d.weight == [1, 1, 0.8, 1, 1, 1, 1, 1])
        // the same shape without a zero time: zero = 0, and weights multiply by case weights. Censoring KM
        // at 3: 1 − 1/3 (3 at risk), at 5: 0; the competing event at 2 gets (0, 3] and (3, 5] with
        // G(3)/G(2−) = (1 − 1/3)/1, both times its case weight 2
        let w = try FineGrayData(time: [1, 2, 3, 4, 5], status: [1, 2, 0, 1, 0], eventOfInterest: 1, weights: [1, 2, 1, 1, 1])
        #expect(w.start == [0, 0, 3, 0, 0, 0])
        #expect(w.stop == [1, 3, 5, 3, 4, 5])
        let g3: Double = 1 - 1.0 / 3
        let expected: [Double] = [1, 2, g3 / 1 * 2, 1, 1, 1]
        #expect(w.weight == expected)
    }

    @Test func badInputThrows() {
        #expect(throws: SurvivalError.self) { try FineGrayData(time: [1, 2], status: [2, 0], eventOfInterest: 1) }  // no event of 1
        #expect(throws: SurvivalError.self) { try FineGrayData(time: [1, -2], status: [1, 0], eventOfInterest: 1) }
        #expect(throws: SurvivalError.self) { try FineGrayData(time: [1, 2], status: [1, -1], eventOfInterest: 1) }
        #expect(throws: SurvivalError.self) { try FineGrayData(time: [1, 2], status: [1, 0], eventOfInterest: 0) }
        #expect(throws: SurvivalError.self) { try FineGrayData(time: [1, 2], status: [1, 0], eventOfInterest: 1, weights: [1, .nan]) }
        #expect(throws: SurvivalError.self) {
            try FineGray(time: [1, 2, 3], status: [1, 2, 0], eventOfInterest: 1, design: CoxDesign([.numeric("x", [1, 2])]))
        }
    }

    @Test(arguments: ["mgus2_male", "pbc_trt", "pbc_edema"])
    func grayTestMatchesCmprsk(_ key: String) throws {
        let r = Self.ref["gray"]![key]!
        let data = try RWEFixtures.table(r["data"]!.string!)
        let time = data[r["time"]!.string!]!, status = data[r["event"]!.string!]!.map { Int($0) }
        let group = Factor(data[r["group"]!.string!]!)
        let causes = r.d("causes").map { Int($0) }
        #expect(causes == Array(1...status.max()!))
        var statistics = [Double]()
        for (k, cause) in causes.enumerated() {
            let g = try GrayTest(time: time, status: status, group: group, cause: cause)
            #expect(g.test.degreesOfFreedom == Int(r.d("df")[k]))
            #expect(isClose(g.test.statistic, r.d("statistic")[k], rel: 1e-10), "\(key) cause \(cause) statistic \(g.test.statistic) vs R \(r.d("statistic")[k])")
            #expect(isClose(g.test.pValue, r.d("p")[k], rel: 1e-8), "\(key) cause \(cause) p \(g.test.pValue) vs R \(r.d("p")[k])")
            statistics.append(g.test.statistic)
        }
        print("FineGrayTests Gray \(key): max rel. diff statistic \(RWEFixtures.maxRelative(statistics, r.d("statistic")))")
    }

    /// Strata sum the strata's scores and variances: a stratified test on two copies of a data set,
    /// one copy per stratum, has twice the score and twice the variance of one copy, so sᵀV⁻¹s doubles.
    @Test func strataSumScoresAndVariances() throws {
        let data = try RWEFixtures.table("pbc_cr.csv")
        let time = data["time"]!, status = data["status"]!.map { Int($0) }, trt = data["trt"]!
        let one = try GrayTest(time: time, status: status, group: Factor(trt), cause: 2)
        let two = try GrayTest(time: time + time, status: status + status, group: Factor(trt + trt), cause: 2,
                               strata: Factor(codes: [Int32](repeating: 0, count: time.count) + [Int32](repeating: 1, count: time.count),
                                              levels: ["a", "b"]))
        #expect(isClose(two.score[0], 2 * one.score[0], rel: 1e-12))
        #expect(isClose(two.variance[0], 2 * one.variance[0], rel: 1e-12))
        #expect(isClose(two.test.statistic, 2 * one.test.statistic, rel: 1e-12))
        #expect(throws: SurvivalError.self) { try GrayTest(time: time, status: status, group: Factor(time.map { _ in 1.0 }), cause: 2) }
    }
}
