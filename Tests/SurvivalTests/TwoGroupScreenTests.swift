import Foundation
import Testing
import _TestSupport
@testable import Survival

/// `TwoGroupScreen` (the per-gene kernel of cohort screens) equals the general estimators on the same data:
/// `LogRank` (survdiff) and `CoxFit` with one 0/1 covariate (coxph, Efron), with heavy ties and near-ties.
/// Its R agreement is tested through the cohort screen (`ScreenTests`, tcga_screen_reference.R).
@Suite struct TwoGroupScreenTests {
    @Test(arguments: [1, 2, 3]) func equalsLogRankAndCoxFit(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let n = 400
        var time: [Double] = [], event: [Bool] = [], group: [Int] = []
        for i in 0..<n {
            let g = Double.random(in: 0..<1, using: &rng) < 0.3
            // integer-valued times (many ties), a few near-ties within R's aeqSurv tolerance
            var t = (Double.random(in: 0..<1, using: &rng) * (g ? 40 : 60)).rounded()
            if i % 50 == 0 { t += 1e-10 }
            time.append(t); event.append(Double.random(in: 0..<1, using: &rng) < 0.7)
            if g { group.append(i) }
        }
        let screen = try TwoGroupScreen(time: time, event: event)
        var scratch = screen.makeScratch()
        let r = screen.compare(group: group, scratch: &scratch)
        let inGroup = Set(group)
        let codes = (0..<n).map { Int32(inGroup.contains($0) ? 1 : 0) }
        let lr = try LogRank(time: time, event: event, group: Factor(codes: codes, levels: ["rest", "group"]))
        #expect(isClose(r.chiSquare, lr.chiSquare, rel: 1e-10) && isClose(r.logRankP, lr.pValue, rel: 1e-9))
        let fit = try CoxFit(time: time, event: event, design: try CoxDesign([.numeric("g", codes.map(Double.init))]),
                             options: CoxFit.Options(ties: .efron))
        let c = fit.coefficientTable[0]
        #expect(isClose(r.coefficient!, c.coefficient, rel: 1e-9), "coef \(r.coefficient!) vs \(c.coefficient)")
        #expect(isClose(r.standardError!, c.standardError, rel: 1e-9))
        #expect(isClose(r.lower!, c.lower, rel: 1e-9) && isClose(r.upper!, c.upper, rel: 1e-9) && isClose(r.waldP!, c.pValue, rel: 1e-7))
        #expect(r.n == group.count && r.nOthers == n - group.count)
        // the scratch is clean for the next gene: the same call gives the same answer
        let again = screen.compare(group: group, scratch: &scratch)
        #expect(again == r)
    }

    @Test func noEventsInAGroupGivesNoHazardRatio() throws {
        let screen = try TwoGroupScreen(time: [1, 2, 3, 4, 5, 6], event: [true, true, false, false, true, true])
        var s = screen.makeScratch()
        let r = screen.compare(group: [2, 3], scratch: &s)
        #expect(r.events == 0 && r.coefficient == nil && r.hazardRatio == nil && !r.logRankP.isNaN)
    }

    /// R 4.2: sprintf("%.17g", p.adjust(c(0.01, 0.04, 0.03, 0.5, NA), "BH")) = 0.040000000000000001 0.05333333333333333
    /// 0.05333333333333333 0.5 NA; p.adjust(c(0.02, 0.02, 0.9), "BH") = 0.029999999999999999 (twice) 0.90000000000000002.
    @Test func benjaminiHochbergAsR() {
        let q = benjaminiHochberg([0.01, 0.04, 0.03, 0.5, .nan])
        #expect(isClose(q[0], 0.04, rel: 1e-15) && isClose(q[1], 0.05333333333333333, rel: 1e-15) && isClose(q[2], 0.05333333333333333, rel: 1e-15))
        #expect(q[3] == 0.5 && q[4].isNaN)
        let q2 = benjaminiHochberg([0.02, 0.02, 0.9])
        #expect(isClose(q2[0], 0.03, rel: 1e-15) && isClose(q2[1], 0.03, rel: 1e-15) && isClose(q2[2], 0.9, rel: 1e-15))
    }
}
