import Foundation
import Testing
import Survival
import _TestSupport

/// Seeded properties the estimators must satisfy whatever the data (replay a failure with its seed).
@Suite struct PropertyTests {
    /// Uniform in [0, 1) from the seeded generator.
    static func uniform(_ g: inout SeededGenerator) -> Double { Double(g.next() >> 11) * 0x1p-53 }

    /// Exponential times with a binary covariate; `ties` rounds times to whole units.
    static func data(seed: UInt64, n: Int, censoring: Bool, ties: Bool) -> (time: [Double], event: [Bool], x: [Double], z: [Double]) {
        var g = SeededGenerator(seed: seed)
        var t = [Double](), e = [Bool](), x = [Double](), z = [Double]()
        for _ in 0..<n {
            let xi: Double = uniform(&g) < 0.5 ? 1 : 0
            let zi = (uniform(&g) * 100).rounded() / 10
            let rate = 0.1 * (xi == 1 ? 2.0 : 1.0) * (1 + 0.05 * zi)
            var ti = -log(1 - uniform(&g)) / rate
            let ci = censoring ? uniform(&g) * 30 : .infinity
            let ev = ti <= ci
            ti = min(ti, ci)
            if ties { ti = ti.rounded(.up) }
            t.append(ti); e.append(ev); x.append(xi); z.append(zi)
        }
        return (t, e, x, z)
    }

    /// Without censoring the Kaplan–Meier estimate is the empirical survival function #{T > t}/n.
    @Test(arguments: 0..<20 as Range<UInt64>)
    func kaplanMeierWithoutCensoringIsEmpirical(seed: UInt64) throws {
        let d = Self.data(seed: seed, n: 40 + Int(seed) * 7, censoring: false, ties: seed % 2 == 0)
        let km = try KaplanMeier(time: d.time, event: d.event)
        let n = Double(d.time.count)
        for (k, t) in km.time.enumerated() {
            let empirical = Double(d.time.filter { $0 > t }.count) / n
            #expect(isClose(km.survival[k], empirical, rel: 1e-12, abs: 1e-15), "seed \(seed) t \(t)")
        }
        #expect(km.censored.allSatisfy { $0 == 0 })
    }

    /// One binary covariate and no tied times: the Cox score test at β = 0 is the log-rank statistic.
    @Test(arguments: 0..<20 as Range<UInt64>)
    func coxScoreTestIsLogRank(seed: UInt64) throws {
        let d = Self.data(seed: 100 + seed, n: 30 + Int(seed) * 11, censoring: true, ties: false)
        let group = Factor(codes: d.x.map { Int32($0) }, levels: ["0", "1"])
        let lr = try LogRank(time: d.time, event: d.event, group: group)
        for ties in [CoxFit.Ties.efron, .breslow, .exact] {
            let fit = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("x", d.x)]), options: .init(ties: ties))
            #expect(isClose(fit.scoreTest.statistic, lr.chiSquare, rel: 1e-10), "seed \(seed) \(ties)")
        }
    }

    /// Permuting the rows changes nothing (up to summation order).
    @Test(arguments: 0..<10 as Range<UInt64>)
    func rowOrderChangesNothing(seed: UInt64) throws {
        let d = Self.data(seed: 200 + seed, n: 80, censoring: true, ties: true)
        var g = SeededGenerator(seed: seed)
        let perm = Array(d.time.indices).shuffled(using: &g)
        let p = (time: perm.map { d.time[$0] }, event: perm.map { d.event[$0] }, x: perm.map { d.x[$0] }, z: perm.map { d.z[$0] })
        let km1 = try KaplanMeier(time: d.time, event: d.event), km2 = try KaplanMeier(time: p.time, event: p.event)
        #expect(km1.time == km2.time && km1.atRisk == km2.atRisk)
        #expect(zip(km1.survival, km2.survival).allSatisfy { isClose($0, $1, rel: 1e-14) })
        let g1 = Factor(codes: d.x.map { Int32($0) }, levels: ["0", "1"]), g2 = Factor(codes: p.x.map { Int32($0) }, levels: ["0", "1"])
        let l1 = try LogRank(time: d.time, event: d.event, group: g1), l2 = try LogRank(time: p.time, event: p.event, group: g2)
        #expect(isClose(l1.chiSquare, l2.chiSquare, rel: 1e-12))
        for ties in CoxFit.Ties.allCases {
            let f1 = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("x", d.x), .numeric("z", d.z)]), options: .init(ties: ties))
            let f2 = try CoxFit(time: p.time, event: p.event, design: CoxDesign([.numeric("x", p.x), .numeric("z", p.z)]), options: .init(ties: ties))
            for j in 0..<2 {
                #expect(isClose(f1.coefficients[j], f2.coefficients[j], rel: 1e-10), "seed \(seed) \(ties) coef \(j)")
                #expect(isClose(f1.standardErrors[j], f2.standardErrors[j], rel: 1e-10), "seed \(seed) \(ties) se \(j)")
            }
            #expect(isClose(f1.logLikelihood, f2.logLikelihood, rel: 1e-12))
            #expect(f1.iterations == f2.iterations)
            #expect(isClose(f1.concordance!.c, f2.concordance!.c, rel: 1e-12))
            #expect(isClose(f1.concordance!.standardError, f2.concordance!.standardError, rel: 1e-10))
            // linear predictors follow their rows
            for (k, i) in perm.enumerated() { #expect(isClose(f2.linearPredictors[k], f1.linearPredictors[i], rel: 1e-9, abs: 1e-12)) }
        }
    }

    /// Multiplying a covariate by c divides its coefficient (and se) by c; the fit is otherwise unchanged.
    @Test(arguments: [(0, 10.0), (1, 0.01), (2, -3.0), (3, 1000.0), (4, 0.5)] as [(UInt64, Double)])
    func scalingACovariateDividesItsCoefficient(seed: UInt64, c: Double) throws {
        let d = Self.data(seed: 300 + seed, n: 120, censoring: true, ties: true)
        for ties in CoxFit.Ties.allCases {
            let f1 = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("x", d.x), .numeric("z", d.z)]), options: .init(ties: ties))
            let f2 = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("x", d.x), .numeric("z", d.z.map { $0 * c })]), options: .init(ties: ties))
            #expect(isClose(f2.coefficients[1], f1.coefficients[1] / c, rel: 1e-9), "\(ties) c \(c)")
            #expect(isClose(f2.standardErrors[1], f1.standardErrors[1] / abs(c), rel: 1e-9), "\(ties) c \(c)")
            #expect(isClose(f2.coefficients[0], f1.coefficients[0], rel: 1e-9))
            #expect(isClose(f2.logLikelihood, f1.logLikelihood, rel: 1e-12))
        }
    }

    /// Stratifying on a variable that splits nothing (one stratum) equals no strata; the stratified
    /// log-rank with one stratum equals the plain one.
    @Test func singleStratumIsNoStrata() throws {
        let d = Self.data(seed: 400, n: 60, censoring: true, ties: true)
        let one = Factor(codes: [Int32](repeating: 0, count: 60), levels: ["all"])
        let f1 = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("z", d.z)]))
        let f2 = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("z", d.z)]), strata: one)
        #expect(f1.coefficients == f2.coefficients && f1.logLikelihood == f2.logLikelihood)
        let g = Factor(codes: d.x.map { Int32($0) }, levels: ["0", "1"])
        let l1 = try LogRank(time: d.time, event: d.event, group: g)
        let l2 = try LogRank(time: d.time, event: d.event, group: g, strata: one)
        #expect(l1.chiSquare == l2.chiSquare)
    }

    /// Breslow: case weights of 2 equal duplicated rows. (Not Efron: duplicating an event makes a
    /// tie that Efron's correction treats differently from one weighted event, as in R.)
    @Test(arguments: 0..<5 as Range<UInt64>)
    func integerWeightsEqualDuplicatedRows(seed: UInt64) throws {
        let d = Self.data(seed: 500 + seed, n: 50, censoring: true, ties: true)
        let w = d.time.indices.map { Double($0 % 2 + 1) }
        var t2 = [Double](), e2 = [Bool](), z2 = [Double]()
        for i in d.time.indices { for _ in 0..<Int(w[i]) { t2.append(d.time[i]); e2.append(d.event[i]); z2.append(d.z[i]) } }
        for ties in [CoxFit.Ties.breslow] {
            let fw = try CoxFit(time: d.time, event: d.event, design: CoxDesign([.numeric("z", d.z)]), weights: w, options: .init(ties: ties))
            let fd = try CoxFit(time: t2, event: e2, design: CoxDesign([.numeric("z", z2)]), options: .init(ties: ties))
            #expect(isClose(fw.coefficients[0], fd.coefficients[0], rel: 1e-9), "seed \(seed) \(ties)")
            #expect(isClose(fw.logLikelihood, fd.logLikelihood, rel: 1e-11))
            #expect(isClose(fw.standardErrors[0], fd.standardErrors[0], rel: 1e-9))
        }
    }
}
