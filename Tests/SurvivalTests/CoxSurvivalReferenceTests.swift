import Survival

/// Predicted survival from Cox fits against `reference/<ds>/coxsurv__<model>__<ties>.json`
/// (R `survfit(fit, newdata)`, `summary(sf, times)`, `basehaz(fit, centered = FALSE)`).
enum CoxSurvivalReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let parts = id.components(separatedBy: "__")
        let model = try SpecModel(dataset: name, id: parts[0])
        let fit = try model.fit(ties: CoxFit.Ties(rawValue: parts[1])!)
        c.equal("ctype", fit.defaultHazardEstimator.rawValue, ref["ctype"]!.int!)
        c.equal("terms", fit.columnNames.map(SpecModel.rName), ref["terms"]!.strings!)
        c.close("cox", "coef", fit.coefficients, ref.d("coef"), rel: Tolerance.cox)
        let times = model.entry["pred_times"]!.doubles!
        for (k, pred) in ref["predictions"]!.array!.enumerated() {
            let nd = pred["newdata"]!
            var values = [String: CoxDesign.Value]()
            for term in model.design.terms {
                let v = nd[SpecModel.variable(of: term.name)]!
                if let s = v.string { values[term.name] = .level(s) } else { values[term.name] = .number(v.double!) }
            }
            var stratum: String? = nil
            if let sv = model.strataVar {
                let v = nd[sv]!
                stratum = v.string ?? Factor.label(for: v.double!)
            }
            let f = "prediction[\(k)]"
            let curve = try fit.predictedSurvival(values: values, stratum: stratum)
            c.close("coxsurv", "\(f).lp_uncentered", curve.linearPredictor, pred.n("lp_uncentered"), rel: Tolerance.coxSurvival)
            let rc = pred["curve"]!
            c.equal("\(f).curve.time", curve.time, rc.d("time"))
            c.close("coxsurv", "\(f).curve.n_risk", curve.atRisk, rc.d("n_risk"), rel: 0)
            c.close("coxsurv", "\(f).curve.n_event", curve.events, rc.d("n_event"), rel: 0)
            c.close("coxsurv", "\(f).curve.surv", curve.survival, rc.d("surv"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).curve.cumhaz", curve.cumulativeHazard, rc.d("cumhaz"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).curve.std_err_cumhaz", curve.standardError, rc.d("std_err_cumhaz"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).curve.lower95", curve.lower, rc.d("lower95"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).curve.upper95", curve.upper, rc.d("upper95"), rel: Tolerance.coxSurvival)
            let ra = pred["at_times"]!
            let s = curve.summary(at: times)
            c.equal("\(f).at_times.time", s.map(\.time), ra.d("time"))
            c.close("coxsurv", "\(f).at_times.n_risk", s.map(\.atRisk), ra.d("n_risk"), rel: 0)
            c.close("coxsurv", "\(f).at_times.surv", s.map(\.survival), ra.d("surv"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).at_times.std_err_surv", s.map(\.standardError), ra.d("std_err_surv"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).at_times.lower95", s.map(\.lower), ra.d("lower95"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).at_times.upper95", s.map(\.upper), ra.d("upper95"), rel: Tolerance.coxSurvival)
            c.close("coxsurv", "\(f).at_times.cumhaz", s.map(\.cumulativeHazard), ra.d("cumhaz"), rel: Tolerance.coxSurvival)
            if let r1 = pred["at_times_ctype1"], !r1.isNull {
                let s1 = try fit.predictedSurvival(values: values, stratum: stratum, estimator: .breslow).summary(at: times)
                c.equal("\(f).at_times_ctype1.time", s1.map(\.time), r1.d("time"))
                c.close("coxsurv", "\(f).at_times_ctype1.surv", s1.map(\.survival), r1.d("surv"), rel: Tolerance.coxSurvival)
                c.close("coxsurv", "\(f).at_times_ctype1.std_err_surv", s1.map(\.standardError), r1.d("std_err_surv"), rel: Tolerance.coxSurvival)
                c.close("coxsurv", "\(f).at_times_ctype1.cumhaz", s1.map(\.cumulativeHazard), r1.d("cumhaz"), rel: Tolerance.coxSurvival)
            } else if fit.options.ties == .efron {
                c.fail("\(f): efron fit without at_times_ctype1")
            }
        }
        let rb = ref["baseline_cumhaz_at_zero"]!
        let base = fit.baselineCumulativeHazard()
        c.equal("baseline.time", base.flatMap(\.time), rb.d("time"))
        c.close("coxsurv", "baseline.cumhaz", base.flatMap(\.cumulativeHazard), rb.d("cumhaz"), rel: Tolerance.coxSurvival)
        if let rs = rb["strata"]?.strings, let sv = model.strataVar {
            // R labels a numeric strata variable "sex=1" and a factor one by its level alone
            c.equal("baseline.strata", base.flatMap { b in b.time.map { _ in b.stratum! } },
                    rs.map { $0.hasPrefix("\(sv)=") ? String($0.dropFirst(sv.count + 1)) : $0 })
        }
    }
}
