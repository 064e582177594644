import Survival

/// Log-rank and Peto–Peto against `reference/<ds>/logrank__<id>.json` (R `survdiff`, rho = 0 and 1).
enum LogRankReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let ds = try SurvivalFixtures.dataset(name)
        let group = ref["group"]!.string!
        let strataVar = ref["strata_var"]?.string
        let rows = ds.completeRows(["time", "event", group] + (strataVar.map { [$0] } ?? []))
        let time = ds.time(rows), event = ds.event(rows)
        let g = try ds.factor(group, rows)
        let s = try strataVar.map { try ds.factor($0, rows) }
        for (key, rho) in [("rho0_logrank", 0.0), ("rho1_peto_peto", 1.0)] {
            let r = ref[key]!
            let lr = try LogRank(time: time, event: event, group: g, strata: s, rho: rho)
            let f = key
            c.equal("\(f).groups", lr.groups.map { "\(group)=\($0)" }, r["groups"]!.strings!)
            c.equal("\(f).n", lr.counts, r.d("n").map { Int($0) })
            c.close("logrank", "\(f).obs", lr.observed, r.d("obs"), rel: Tolerance.logRank)
            c.close("logrank", "\(f).exp", lr.expected, r.d("exp"), rel: Tolerance.logRank)
            let oe = zip(lr.observed, lr.expected).map { ($0 - $1) * ($0 - $1) / $1 }
            c.close("logrank", "\(f).o_minus_e_sq_over_e", oe, r.d("o_minus_e_sq_over_e"), rel: Tolerance.logRank)
            let k = lr.groups.count
            let rv = r["var"]!.matrix!
            for a in 0..<k {
                // the variance rows sum to zero, so off-diagonal terms carry cancellation error
                let scale = rv[a][a]
                c.close("logrank", "\(f).var[\(a)]", Array(lr.variance[(a * k)..<((a + 1) * k)]), rv[a],
                        rel: Tolerance.logRank, abs: scale * 1e-13)
            }
            c.close("logrank", "\(f).chisq", lr.chiSquare, r.n("chisq"), rel: Tolerance.logRank)
            c.equal("\(f).df", lr.degreesOfFreedom, r["df"]!.int!)
            c.close("p", "\(f).p", lr.pValue, r.n("p"), rel: Tolerance.pValue)
            c.equal("\(f).n_dropped_na", ds.rowCount - rows.count, r["n_dropped_na"]!.int!)
            if strataVar != nil {
                c.equal("\(f).strata", lr.strata, r["strata"]!.strings!.map { $0.replacingOccurrences(of: "\(strataVar!)=", with: "") })
                c.equal("\(f).strata_n", lr.strataCounts, r.d("strata_n").map { Int($0) })
                let ro = r["obs_by_stratum"]!.matrix!, re = r["exp_by_stratum"]!.matrix!
                for a in 0..<k {
                    c.close("logrank", "\(f).obs_by_stratum[\(a)]", lr.observedByStratum[a], ro[a], rel: Tolerance.logRank)
                    c.close("logrank", "\(f).exp_by_stratum[\(a)]", lr.expectedByStratum[a], re[a], rel: Tolerance.logRank)
                }
            }
        }
    }
}
