import Testing
import Survival
import _TestSupport

/// Kaplan–Meier with delayed entry (start, stop] and with case weights against R
/// (Tests/Fixtures/survival/rwe/km.json, made by scripts/rwe_reference.R from survival::heart,
/// survival::cgd and survival::lung): every time, count, S, Greenwood se, Nelson–Aalen and its se,
/// log bounds, and `summary(fit, times =)`.
@Suite struct KaplanMeierEntryTests {
    static let ref = try! RWEFixtures.json("km.json")

    static func curve(_ key: String) throws -> (KaplanMeier, JSONValue) {
        let r = ref["curves"]![key]!
        let args = r["args"]!
        var data = try RWEFixtures.table(args["data"]!.string!)
        if args["subset"]?.string == "transplant == 1" {
            let keep = data["transplant"]!.indices.filter { data["transplant"]![$0] == 1 }
            data = data.mapValues { col in keep.map { col[$0] } }
        }
        let km = try KaplanMeier(entry: args["start"].map { data[$0.string!]! }, time: data[args["time"]!.string!]!,
                                 event: data[args["event"]!.string!]!.map { $0 == 1 },
                                 weights: args["weights"].map { data[$0.string!]! },
                                 variance: { if case .bool(false) = args["robust"] { return .greenwood }; return nil }())
        return (km, r)
    }

    /// `lung_weighted` is R's default for non-integer weights, the infinitesimal-jackknife variance
    /// (R then reports se(S) as `std.err`, `logse = FALSE`); the others use Greenwood.
    @Test(arguments: ["heart_entry", "heart_entry_transplant1", "cgd_entry", "lung_weighted_greenwood", "heart_entry_weighted", "lung_weighted", "heart_entry_jackknife"])
    func matchesR(_ key: String) throws {
        let (km, r) = try Self.curve(key)
        let rel = 1e-11
        #expect(km.time == r.d("time"))
        let jackknife = key == "lung_weighted" || key == "heart_entry_jackknife"
        #expect(km.varianceMethod == (jackknife ? .infinitesimalJackknife : .greenwood))
        let weighted = km.weighted
        let nRisk = weighted?.atRisk ?? km.atRisk.map(Double.init)
        let nEvent = weighted?.events ?? km.events.map(Double.init)
        let nCensor = weighted?.censored ?? km.censored.map(Double.init)
        for (a, b) in zip(nRisk + nEvent + nCensor, r.d("n_risk") + r.d("n_event") + r.d("n_censor")) {
            #expect(isClose(a, b, rel: 1e-13), "\(key) count \(a) vs R \(b)")
        }
        let se = jackknife ? km.survivalStandardError : km.standardError
        let ours = km.survival + km.cumulativeHazard + se + km.cumulativeHazardStandardError + km.lower + km.upper
        let theirs = r.d("surv") + r.d("cumhaz") + r.d("std_err") + r.d("std_chaz") + r.d("lower") + r.d("upper")
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) where !(b.isNaN && (a.isNaN || a.isInfinite)) {
            #expect(isClose(a, b, rel: rel), "\(key) \(a) vs R \(b)")
        }
        let finite = zip(ours, theirs).filter { $0.0.isFinite && $0.1.isFinite }
        let worst = RWEFixtures.maxRelative(finite.map(\.0), finite.map(\.1))
        let at = r["at_times"]!
        let pts = km.summary(at: at.d("time"))
        #expect(pts.map(\.time) == at.d("time"))
        for (p, k) in zip(pts, at.d("time").indices) {
            #expect(isClose(p.survival, at.d("surv")[k], rel: rel))
            #expect(isClose(p.standardError, at.d("std_err")[k], rel: rel), "\(key) summary se \(p.standardError) vs R \(at.d("std_err")[k])")
            #expect(isClose(p.atRisk, at.d("n_risk")[k], rel: 1e-13))
            #expect(isClose(p.lower, at.d("lower")[k], rel: rel) && isClose(p.upper, at.d("upper")[k], rel: rel))
        }
        let rmst = km.restrictedMean(upTo: r.n("rmean_tau"))
        #expect(isClose(rmst.mean, r.n("rmean"), rel: rel), "\(key) rmean \(rmst.mean) vs R \(r.n("rmean"))")
        #expect(isClose(rmst.standardError, r.n("se_rmean"), rel: rel), "\(key) se(rmean) \(rmst.standardError) vs R \(r.n("se_rmean"))")
        #expect(km.median.estimate == r.n("median"))
        print("KaplanMeierEntryTests \(key): max rel. diff \(worst)")
    }

    /// t=2: at risk (0,2],(0,5] and (1,3] → 3, one event: S = 2/3; t=3: censored; t=4: at risk (0,5],(2,4],(3,6]
    /// → 3, one event: S = 4/9; t=5 censored; t=6: (3,6] alone: S = 0.
    @Test func delayedEntryByHand() throws {
        let km = try KaplanMeier(entry: [0, 0, 2, 3, 1], time: [2, 5, 4, 6, 3], event: [true, false, true, true, false])
        #expect(km.time == [2, 3, 4, 5, 6])
        #expect(km.atRisk == [3, 3, 3, 2, 1])
        #expect(isClose(km.survival[0], 2.0 / 3) && isClose(km.survival[2], 4.0 / 9) && km.survival[4] == 0)
        #expect(isClose(km.standardError[2], (1.0 / 6 + 1.0 / 6).squareRoot()))
    }

    @Test func badInputIsAnError() {
        #expect(throws: SurvivalError(.invalidTime, "entry 1")) {
            try KaplanMeier(entry: [0, 4], time: [3, 4], event: [true, true])
        }
        #expect(throws: SurvivalError(.invalidWeight, "weight 1")) {
            try KaplanMeier(time: [3, 4], event: [true, true], weights: [1, -1])
        }
        #expect(throws: SurvivalError(.invalidWeight, "weight 0")) {
            try KaplanMeier(time: [3, 4], event: [true, true], weights: [.nan, 1])
        }
    }
}
