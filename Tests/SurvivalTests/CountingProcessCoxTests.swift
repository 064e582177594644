import Testing
import Survival
import _TestSupport

/// Cox fits on counting-process data (start, stop] and with the robust (sandwich) variance, against
/// R (Tests/Fixtures/survival/rwe/cox.json, made by scripts/rwe_reference.R): survival::heart
/// (Stanford heart transplant, 172 rows of 103 patients), survival::cgd (recurrent infections,
/// strata by hospital), survival::lung with non-integer weights; Efron and Breslow; unweighted and
/// weighted; robust = TRUE and cluster(id). R's default fit, so the same Newton–Raphson path.
@Suite struct CountingProcessCoxTests {
    static let ref = try! RWEFixtures.json("cox.json")

    static func fit(_ key: String) throws -> (CoxFit, JSONValue) {
        let r = ref["fits"]![key]!
        let args = r["args"]!
        let data = try RWEFixtures.table(r["data"]!.string!)
        let names = r["terms"]!.strings!
        let design = try CoxDesign(names.map { .numeric($0, data[$0]!) })
        let options = CoxFit.Options(ties: CoxFit.Ties(rawValue: args["ties"]!.string!)!,
                                     robust: { if case .bool(true) = args["robust"] { return true }; return false }())
        let fit = try CoxFit(entry: args["start"].map { data[$0.string!]! }, time: data[args["time"]!.string!]!,
                             event: data[args["event"]!.string!]!.map { $0 == 1 }, design: design,
                             strata: args["strata"].map { Factor(data[$0.string!]!) },
                             weights: args["weights"].map { data[$0.string!]! },
                             cluster: args["cluster"].map { Factor(data[$0.string!]!) }, options: options)
        return (fit, r)
    }

    static let keys = ["heart", "cgd", "lung"].flatMap { d in
        ["efron", "breslow"].flatMap { t in
            ref["fits"]!.keys.filter { $0.hasPrefix("\(d)_\(t)") }
        }
    }

    @Test(arguments: keys)
    func matchesR(_ key: String) throws {
        let (fit, r) = try Self.fit(key)
        #expect(fit.n == r["n"]!.int!)
        #expect(fit.eventCount == r["nevent"]!.int!)
        #expect(fit.iterations == r["iter"]!.int!)
        #expect(fit.problems.isEmpty)
        let rel = 1e-9
        for (a, b) in zip(fit.coefficients, r.d("coef")) { #expect(isClose(a, b, rel: rel), "\(key) coef \(a) vs R \(b)") }
        for (a, b) in zip(fit.standardErrors, r.d("se")) { #expect(isClose(a, b, rel: rel), "\(key) se \(a) vs R \(b)") }
        for (a, b) in zip(fit.variance, r["var"]!.matrix!.flatMap { $0 }) { #expect(isClose(a, b, rel: rel, abs: 1e-15), "\(key) var \(a) vs R \(b)") }
        #expect(isClose(fit.logLikelihoodNull, r.d("loglik")[0], rel: 1e-12))
        #expect(isClose(fit.logLikelihood, r.d("loglik")[1], rel: 1e-12))
        #expect(isClose(fit.scoreTest.statistic, r.n("score"), rel: rel))
        #expect(isClose(fit.waldTest.statistic, r.n("wald"), rel: rel), "\(key) wald \(fit.waldTest.statistic) vs R \(r.n("wald"))")
        if r["naive_se"] != nil {
            let naive = try #require(fit.naiveStandardErrors)
            for (a, b) in zip(naive, r.d("naive_se")) { #expect(isClose(a, b, rel: rel), "\(key) naive se \(a) vs R \(b)") }
        } else {
            #expect(fit.naiveVariance == nil)
        }
        let worst = [RWEFixtures.maxRelative(fit.coefficients, r.d("coef")), RWEFixtures.maxRelative(fit.standardErrors, r.d("se")),
                     RWEFixtures.maxRelative([fit.logLikelihood], [r.d("loglik")[1]])].max()!
        print("CountingProcessCoxTests \(key): max rel. diff coef/se/loglik \(worst)")
    }

    /// A (start, stop] fit where every row starts at 0 is the right-censored fit.
    @Test func zeroEntryIsRightCensored() throws {
        let d = try RWEFixtures.table("lung_w.csv")
        let design = try CoxDesign([.numeric("age", d["age"]!), .numeric("sex", d["sex"]!)])
        let event = d["event"]!.map { $0 == 1 }
        for ties in [CoxFit.Ties.efron, .breslow] {
            let a = try CoxFit(time: d["time"]!, event: event, design: design, options: .init(ties: ties, robust: true))
            let b = try CoxFit(entry: [Double](repeating: 0, count: event.count), time: d["time"]!, event: event, design: design,
                               options: .init(ties: ties, robust: true))
            for (x, y) in zip(a.coefficients + a.standardErrors, b.coefficients + b.standardErrors) { #expect(isClose(x, y, rel: 1e-11)) }
            #expect(a.iterations == b.iterations)
            // the PH test on (start, stop] rows (R zph2.c) is then the right-censored one (zph1.c), every transform
            for transform in ProportionalHazardsTest.Transform.allCases {
                let za = try a.proportionalHazardsTest(transform: transform), zb = try b.proportionalHazardsTest(transform: transform)
                #expect(za.terms.map(\.name) == zb.terms.map(\.name))
                for (x, y) in zip(za.terms + [za.global], zb.terms + [zb.global]) {
                    #expect(isClose(x.chiSquare, y.chiSquare, rel: 1e-9), "\(ties) \(transform) \(x.name): \(x.chiSquare) vs \(y.chiSquare)")
                }
            }
        }
    }

    @Test func entryNotBeforeStopIsAnError() throws {
        let design = try CoxDesign([.numeric("x", [1, 0, 1, 0])])
        #expect(throws: SurvivalError(.invalidTime, "entry 2")) {
            try CoxFit(entry: [0, 0, 5, 1], time: [3, 4, 5, 6], event: [true, false, true, true], design: design)
        }
        #expect(throws: SurvivalError(.invalidTime, "entry 1")) {
            try CoxFit(entry: [0, 7, 1, 1], time: [3, 4, 5, 6], event: [true, false, true, true], design: design)
        }
    }

    @Test func noEventsIsAProblemNotANumber() throws {
        let design = try CoxDesign([.numeric("x", [1, 0, 1, 0])])
        let fit = try CoxFit(entry: [0, 1, 0, 2], time: [3, 4, 5, 6], event: [false, false, false, false], design: design,
                             options: .init(robust: true))
        #expect(fit.problems == [.noEvents])
        #expect(fit.coefficients[0].isNaN)
    }
}
