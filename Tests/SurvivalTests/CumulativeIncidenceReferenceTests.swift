import Survival

/// Aalen–Johansen against `reference/mgus2/cif__<id>.json` (R `survfit` with a factor status).
enum CumulativeIncidenceReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let ds = try SurvivalFixtures.dataset(name)
        let entry = SurvivalFixtures.datasetSpec(name)["cif"]!.array!.first { $0["id"]?.string == id }!
        let timeVar = entry["time"]!.string!, statusVar = entry["status"]!.string!
        let stateNames = entry["states"]!.strings!
        let group = entry["group"]?.string
        let rows = ds.completeRows([timeVar, statusVar] + (group.map { [$0] } ?? []))
        let time = ds.time(rows, column: timeVar)
        let status = rows.map { Int(ds.columns[statusVar]![$0]!)! }
        let events = Array(stateNames.dropFirst())
        let curves: [(String, CumulativeIncidence)]
        if let group {
            let k = try CumulativeIncidenceCurves(time: time, status: status, eventTypes: events, group: try ds.factor(group, rows))
            curves = zip(k.groups.map { "\(group)=\($0)" }, k.curves).map { ($0, $1) }
        } else {
            curves = [("all", try CumulativeIncidence(time: time, status: status, eventTypes: events))]
        }
        let rcurves = ref["curves"]!.array!
        c.equal("curve count", curves.count, rcurves.count)
        let times = entry["times"]!.doubles!
        for ((label, cif), rc) in zip(curves, rcurves) {
            let f = "curve[\(label)]"
            c.equal("\(f).strata", label, rc["strata"]!.string!)
            c.equal("\(f).states", cif.states, rc["states"]!.strings!)
            c.equal("\(f).time", cif.time, rc.d("time"))
            c.equal("\(f).n_risk", cif.atRisk.map { $0.map(Double.init) }, rc["n_risk"]!.matrix!)
            c.equal("\(f).n_event", cif.events.map { $0.map(Double.init) }, rc["n_event"]!.matrix!)
            c.equal("\(f).n_censor", cif.censored, rc.d("n_censor").map { Int($0) })
            for (key, ours) in [("pstate", cif.probability), ("std_err", cif.standardError), ("lower95", cif.lower), ("upper95", cif.upper)] {
                let r = rc[key]!.matrix!
                c.equal("\(f).\(key) rows", ours.count, r.count)
                for k in 0..<min(ours.count, r.count) {
                    c.close("cif", "\(f).\(key)[\(k)]", ours[k], r[k], rel: Tolerance.cif)
                }
            }
            let ra = rc["at_times"]!
            let s = cif.summary(at: times)
            c.equal("\(f).at_times.time", s.map(\.time), ra.d("time"))
            for (key, path) in [("pstate", \CumulativeIncidence.Point.probability), ("std_err", \.standardError),
                                ("lower95", \.lower), ("upper95", \.upper)] {
                let r = ra[key]!.matrix!
                for k in 0..<min(s.count, r.count) { c.close("cif", "\(f).at_times.\(key)[\(k)]", s[k][keyPath: path], r[k], rel: Tolerance.cif) }
            }
        }
    }
}
