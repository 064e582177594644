import Foundation
import Testing
import Survival
import _TestSupport

/// Above 4,096 observations the estimators sort with a radix sort; these seeded cases check that
/// path against direct computations (sorting with the standard library, counting pairs).
@Suite struct LargeSampleTests {
    static func uniform(_ g: inout SeededGenerator) -> Double { Double(g.next() >> 11) * 0x1p-53 }

    /// Kaplan–Meier by a plain sort-and-count, for comparison.
    static func naiveKM(_ t: [Double], _ e: [Bool]) -> (time: [Double], surv: [Double], atRisk: [Int]) {
        let pairs = zip(t, e).sorted { $0.0 < $1.0 }
        var times = [Double](), surv = [Double](), risk = [Int]()
        var s = 1.0, n = pairs.count, i = 0
        while i < pairs.count {
            var j = i, d = 0
            while j < pairs.count && pairs[j].0 == pairs[i].0 { if pairs[j].1 { d += 1 }; j += 1 }
            times.append(pairs[i].0); risk.append(n)
            s *= Double(n - d) / Double(n)
            surv.append(s)
            n -= j - i
            i = j
        }
        return (times, surv, risk)
    }

    @Test(arguments: [(1 as UInt64, false), (2, true), (3, false), (4, true)])
    func kaplanMeierMatchesSortAndCount(seed: UInt64, integerTimes: Bool) throws {
        var g = SeededGenerator(seed: seed)
        let n = 60_000
        var t = [Double](), e = [Bool]()
        for _ in 0..<n {
            let x = -log(1 - Self.uniform(&g)) * 500     // all 64 bits vary for continuous times
            t.append(integerTimes ? x.rounded(.up) : x)
            e.append(Self.uniform(&g) < 0.7)
        }
        let km = try KaplanMeier(time: t, event: e, timeFix: false)
        let ref = Self.naiveKM(t, e)
        #expect(km.time == ref.time)
        #expect(km.atRisk == ref.atRisk)
        #expect(zip(km.survival, ref.surv).allSatisfy { isClose($0, $1, rel: 1e-12) })
        // grouped: each group alone
        let groups = Factor(codes: (0..<n).map { Int32($0 % 3) }, levels: ["a", "b", "c"])
        let byGroup = try KaplanMeierCurves(time: t, event: e, group: groups, timeFix: false)
        for k in 0..<3 {
            let rows = (0..<n).filter { $0 % 3 == k }
            let r = Self.naiveKM(rows.map { t[$0] }, rows.map { e[$0] })
            #expect(byGroup.curves[k].time == r.time)
            #expect(zip(byGroup.curves[k].survival, r.surv).allSatisfy { isClose($0, $1, rel: 1e-12) })
        }
    }

    /// Harrell's C and its counts by direct pair counting (O(n²)) on 5,000 observations with tied
    /// times and tied scores.
    @Test func concordanceMatchesPairCounting() throws {
        var g = SeededGenerator(seed: 77)
        let n = 5_000
        var t = [Double](), e = [Bool](), x = [Double]()
        for _ in 0..<n {
            t.append((Self.uniform(&g) * 300).rounded())
            e.append(Self.uniform(&g) < 0.6)
            x.append((Self.uniform(&g) * 50).rounded() / 10)
        }
        let c = try Concordance(time: t, event: e, score: x, reverse: true)
        var conc = 0.0, disc = 0.0, tx = 0.0, ty = 0.0
        for i in 0..<n where e[i] {
            for j in 0..<n where j != i {
                if t[j] > t[i] || (t[j] == t[i] && !e[j]) {
                    // i failed first: concordant (reverse) when its score is higher
                    if x[i] > x[j] { conc += 1 } else if x[i] < x[j] { disc += 1 } else { tx += 1 }
                } else if t[j] == t[i] && e[j] && j > i {
                    ty += 1
                }
            }
        }
        #expect(c.concordant == conc && c.discordant == disc && c.tiedX == tx)
        #expect(c.tiedY + c.tiedXY == ty)
        #expect(isClose(c.c, (conc + tx / 2) / (conc + disc + tx), rel: 1e-13))
        #expect(c.standardError > 0 && c.standardError < 0.02)
    }

    /// The Cox fit on 8,000 rows does not depend on the row order (radix-sorted path).
    @Test func coxRowOrderLarge() throws {
        var g = SeededGenerator(seed: 11)
        let n = 8_000
        var t = [Double](), e = [Bool](), x = [Double](), z = [Double]()
        for _ in 0..<n {
            let xi = Self.uniform(&g) < 0.4 ? 1.0 : 0.0, zi = Self.uniform(&g) * 10
            t.append((-log(1 - Self.uniform(&g)) / (0.01 * exp(0.5 * xi + 0.1 * zi))).rounded(.up))
            e.append(Self.uniform(&g) < 0.8)
            x.append(xi); z.append(zi)
        }
        let perm = Array(0..<n).shuffled(using: &g)
        for ties in CoxFit.Ties.allCases where ties != .exact {
            let a = try CoxFit(time: t, event: e, design: CoxDesign([.numeric("x", x), .numeric("z", z)]), options: .init(ties: ties))
            let b = try CoxFit(time: perm.map { t[$0] }, event: perm.map { e[$0] },
                               design: CoxDesign([.numeric("x", perm.map { x[$0] }), .numeric("z", perm.map { z[$0] })]),
                               options: .init(ties: ties))
            #expect(isClose(a.coefficients[0], b.coefficients[0], rel: 1e-10) && isClose(a.coefficients[1], b.coefficients[1], rel: 1e-10))
            #expect(isClose(a.logLikelihood, b.logLikelihood, rel: 1e-12))
            #expect(a.concordance!.c == b.concordance!.c)
            #expect(isClose(a.concordance!.standardError, b.concordance!.standardError, rel: 1e-10))
            let lr = try LogRank(time: t, event: e, group: Factor(codes: x.map { Int32($0) }, levels: ["0", "1"]))
            #expect(lr.chiSquare > 0)
        }
    }
}
