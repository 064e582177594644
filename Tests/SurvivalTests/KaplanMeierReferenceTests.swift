import Survival

/// Kaplan–Meier against `reference/<ds>/km__<id>.json` (R `survfit`, `quantile`, `summary`).
enum KaplanMeierReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let ds = try SurvivalFixtures.dataset(name)
        let entry = SurvivalFixtures.datasetSpec(name)["km"]!.array!.first { $0["id"]?.string == id }!
        let group = entry["group"]?.string
        let rows = ds.completeRows(["time", "event"] + (group.map { [$0] } ?? []))
        c.equal("n_used", rows.count, ref["n_used"]!.int!)
        let time = ds.time(rows), event = ds.event(rows)
        let tau = SurvivalFixtures.datasetSpec(name)["rmst_tau"]!.double!
        let times = SurvivalFixtures.datasetSpec(name)["km_times"]!.doubles!
        var fits: [ConfidenceType: (labels: [String], curves: [KaplanMeier])] = [:]
        for type in ConfidenceType.allCases {
            if let group {
                let k = try KaplanMeierCurves(time: time, event: event, group: try ds.factor(group, rows), confidenceType: type)
                fits[type] = (k.groups, k.curves)
            } else {
                fits[type] = (["all"], [try KaplanMeier(time: time, event: event, confidenceType: type)])
            }
        }
        let curves = ref["curves"]!.array!
        c.equal("curve count", fits[.log]!.curves.count, curves.count)
        guard fits[.log]!.curves.count == curves.count else { return }
        for (ci, rc) in curves.enumerated() {
            let label = group.map { "\($0)=\(fits[.log]!.labels[ci])" } ?? "all"
            c.equal("curve \(ci) strata", label, rc["strata"]!.string!)
            let km = fits[.log]!.curves[ci]
            let f = "curve[\(label)]"
            c.equal("\(f).n", km.n, rc["n"]!.int!)
            c.equal("\(f).n_events_total", km.eventCount, rc["n_events_total"]!.int!)
            c.equal("\(f).time", km.time, rc.d("time"))
            c.equal("\(f).n_risk", km.atRisk, rc.d("n_risk").map { Int($0) })
            c.equal("\(f).n_event", km.events, rc.d("n_event").map { Int($0) })
            c.equal("\(f).n_censor", km.censored, rc.d("n_censor").map { Int($0) })
            c.close("km", "\(f).surv", km.survival, rc.d("surv"), rel: Tolerance.km)
            c.close("km", "\(f).std_err_logsurv", km.standardError, rc.d("std_err_logsurv"), rel: Tolerance.km)
            c.close("km", "\(f).std_err_surv", km.survivalStandardError, rc.d("std_err_surv"), rel: Tolerance.km)
            c.close("km", "\(f).nelson_aalen_cumhaz", km.cumulativeHazard, rc.d("nelson_aalen_cumhaz"), rel: Tolerance.km)
            c.close("km", "\(f).nelson_aalen_std_err", km.cumulativeHazardStandardError, rc.d("nelson_aalen_std_err"), rel: Tolerance.km)
            let rm = km.restrictedMean(upTo: tau)
            c.close("km", "\(f).rmst.tau", rm.tau, rc["rmst"]!.n("tau"), rel: 0)
            c.close("km", "\(f).rmst.rmean", rm.mean, rc["rmst"]!.n("rmean"), rel: Tolerance.km)
            c.close("km", "\(f).rmst.se_rmean", rm.standardError, rc["rmst"]!.n("se_rmean"), rel: Tolerance.km)
            for type in ConfidenceType.allCases {
                let k = fits[type]!.curves[ci]
                let g = "\(f).\(type.rawValue)"
                let rci = rc["ci95"]![type.rawValue]!
                c.close("km", "\(g).lower", k.lower, rci.d("lower"), rel: Tolerance.km)
                c.close("km", "\(g).upper", k.upper, rci.d("upper"), rel: Tolerance.km)
                let rq = rc["quantiles"]![type.rawValue]!
                let q = k.quantiles(rq.d("probs"))
                c.close("quantile", "\(g).quantile", q.map(\.estimate), rq.d("quantile"), rel: Tolerance.km)
                c.close("quantile", "\(g).quantile.lower", q.map(\.lower), rq.d("lower"), rel: Tolerance.km)
                c.close("quantile", "\(g).quantile.upper", q.map(\.upper), rq.d("upper"), rel: Tolerance.km)
                let ra = rc["at_times"]![type.rawValue]!
                let s = k.summary(at: times)
                c.equal("\(g).at_times.time", s.map(\.time), ra.d("time"))
                c.equal("\(g).at_times.n_risk", s.map(\.atRisk), ra.d("n_risk"))
                c.close("km", "\(g).at_times.surv", s.map(\.survival), ra.d("surv"), rel: Tolerance.km)
                c.close("km", "\(g).at_times.std_err_surv", s.map(\.standardError), ra.d("std_err_surv"), rel: Tolerance.km)
                c.close("km", "\(g).at_times.lower", s.map(\.lower), ra.d("lower"), rel: Tolerance.km)
                c.close("km", "\(g).at_times.upper", s.map(\.upper), ra.d("upper"), rel: Tolerance.km)
            }
        }
    }
}
