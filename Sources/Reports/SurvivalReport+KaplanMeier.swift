import Foundation
import Survival
import SurvivalInput

// `onco survival km` and `onco survival logrank`: text as R prints survfit and survdiff, and JSON.

// MARK: - Kaplan–Meier

public struct SurvivalKMReport {
    public let file: String
    public let group: String?
    public let labels: [String]
    public let curves: [KaplanMeier]
    public let rows: SurvivalRows
    public let tau: Double
    public let times: [Double]

    public init(file: String, group: String?, labels: [String], curves: [KaplanMeier], rows: SurvivalRows, tau: Double, times: [Double]) {
        self.file = file
        self.group = group
        self.labels = labels
        self.curves = curves
        self.rows = rows
        self.tau = tau
        self.times = times
    }

    func name(_ k: Int) -> String { group.map { "\($0)=\(labels[k])" } ?? labels[k] }

    public func text() -> String {
        let c0 = curves[0]
        let pct = SurvivalText.number(c0.confidenceLevel.level * 100, 3)
        var s = "Kaplan-Meier estimate (R: survfit), \(pct)% pointwise bounds, conf.type \(c0.confidenceType.rawValue)" +
            (c0.weighted != nil ? ", case weights, \(c0.varianceMethod.rawValue) variance" : "") + "\n"
        s += SurvivalText.inputLine(file, rows) + "\n"
        let lev = SurvivalText.number(c0.confidenceLevel.level, 3)
        var body = [[String]]()
        for (k, c) in curves.enumerated() {
            let m = c.median
            let r = c.restrictedMean(upTo: tau)
            body.append([name(k), String(c.n), String(c.eventCount), SurvivalText.number(m.estimate), SurvivalText.number(m.lower), SurvivalText.number(m.upper),
                         SurvivalText.number(r.mean), SurvivalText.number(r.standardError)])
        }
        s += SurvivalText.table(["", "n", "events", "median", "\(lev)LCL", "\(lev)UCL", "rmean*", "se(rmean)"], body)
        s += "    * restricted mean with upper limit = \(SurvivalText.number(tau, 6))\n"
        for (k, c) in curves.enumerated() {
            s += "\n" + (curves.count > 1 || group != nil ? "\(name(k))\n" : "")
            var rows = [[String]]()
            if times.isEmpty {
                let se = c.survivalStandardError
                for j in c.time.indices where c.events[j] > 0 {
                    let risk = c.weighted.map { SurvivalText.number($0.atRisk[j]) } ?? String(c.atRisk[j])
                    let events = c.weighted.map { SurvivalText.number($0.events[j]) } ?? String(c.events[j])
                    rows.append([SurvivalText.number(c.time[j], 6), risk, events, SurvivalText.number(c.survival[j], 4),
                                 SurvivalText.number(se[j], 3), SurvivalText.number(c.lower[j], 4), SurvivalText.number(c.upper[j], 4)])
                }
                s += SurvivalText.table(["time", "n.risk", "n.event", "survival", "std.err", "lower \(pct)% CI", "upper \(pct)% CI"], rows, labels: false)
            } else {
                for p in c.summary(at: times) {
                    rows.append([SurvivalText.number(p.time, 6), SurvivalText.number(p.atRisk), SurvivalText.number(p.survival, 4), SurvivalText.number(p.standardError, 3),
                                 SurvivalText.number(p.lower, 4), SurvivalText.number(p.upper, 4)])
                }
                s += SurvivalText.table(["time", "n.risk", "survival", "std.err", "lower \(pct)% CI", "upper \(pct)% CI"], rows, labels: false)
            }
        }
        return s
    }

    public func json() -> String {
        var out = [SurvivalJSON]()
        for (k, c) in curves.enumerated() {
            let m = c.median
            let r = c.restrictedMean(upTo: tau)
            var obj: [(String, SurvivalJSON)] = [
                ("group", group == nil ? .null : .string(labels[k])),
                ("strata", .string(name(k))),
                ("n", .int(c.n)),
                ("events", .int(c.eventCount)),
                ("time", .numbers(c.time)),
                ("n_risk", c.weighted.map { .numbers($0.atRisk) } ?? .ints(c.atRisk)),
                ("n_event", c.weighted.map { .numbers($0.events) } ?? .ints(c.events)),
                ("n_censor", c.weighted.map { .numbers($0.censored) } ?? .ints(c.censored)),
                ("survival", .numbers(c.survival)),
                ("std_err", .numbers(c.standardError)),
                ("std_err_surv", .numbers(c.survivalStandardError)),
                ("lower", .numbers(c.lower)),
                ("upper", .numbers(c.upper)),
                ("cumhaz", .numbers(c.cumulativeHazard)),
                ("cumhaz_std_err", .numbers(c.cumulativeHazardStandardError)),
                ("median", .number(m.estimate)),
                ("median_lower", .number(m.lower)),
                ("median_upper", .number(m.upper)),
                ("quantiles", .array(c.quantiles().map { q in
                    .object([("probability", .number(q.probability)), ("time", .number(q.estimate)),
                             ("lower", .number(q.lower)), ("upper", .number(q.upper))])
                })),
                ("rmst", .number(r.mean)),
                ("rmst_se", .number(r.standardError)),
                ("rmst_tau", .number(tau)),
            ]
            if !times.isEmpty {
                obj.append(("at_times", .array(c.summary(at: times).map { p in
                    .object([("time", .number(p.time)), ("n_risk", .number(p.atRisk)), ("survival", .number(p.survival)),
                             ("std_err", .number(p.standardError)), ("lower", .number(p.lower)), ("upper", .number(p.upper))])
                })))
            }
            out.append(.object(obj))
        }
        return SurvivalJSON.object([
            ("analysis", .string("km")),
            ("conf_type", .string(curves[0].confidenceType.rawValue)),
            ("conf_level", .number(curves[0].confidenceLevel.level)),
            ("variance", .string(curves[0].varianceMethod.rawValue)),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
            ("curves", .array(out)),
        ]).rendered() + "\n"
    }
}

// MARK: - log-rank

public struct SurvivalLogRankReport {
    public let file: String
    public let group: String
    public let strataColumn: String?
    public let test: LogRank
    public let rows: SurvivalRows

    public init(file: String, group: String, strataColumn: String?, test: LogRank, rows: SurvivalRows) {
        self.file = file
        self.group = group
        self.strataColumn = strataColumn
        self.test = test
        self.rows = rows
    }

    public func text() -> String {
        let name = test.rho == 0 ? "Log-rank test" : "G-rho test (rho = \(SurvivalText.number(test.rho)), Peto & Peto for rho = 1)"
        var s = "\(name) (R: survdiff)" + (strataColumn.map { ", stratified by \($0)" } ?? "") + "\n"
        s += SurvivalText.inputLine(file, rows) + "\n"
        let k = test.groups.count
        var body = [[String]]()
        for g in 0..<k {
            let o = test.observed[g], e = test.expected[g]
            body.append(["\(group)=\(test.groups[g])", String(test.counts[g]), SurvivalText.number(o, 5), SurvivalText.number(e, 3),
                         SurvivalText.number((o - e) * (o - e) / e, 3), SurvivalText.number((o - e) * (o - e) / test.variance[g * k + g], 3)])
        }
        s += SurvivalText.table(["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"], body)
        s += "\n Chisq= \(SurvivalText.number(test.chiSquare, 3))  on \(test.degreesOfFreedom) degrees of freedom, p= \(SurvivalText.pValue(test.pValue))\n"
        return s
    }

    public func json() -> String {
        let k = test.groups.count
        var obj: [(String, SurvivalJSON)] = [
            ("analysis", .string("logrank")),
            ("rho", .number(test.rho)),
            ("chisq", .number(test.chiSquare)),
            ("df", .int(test.degreesOfFreedom)),
            ("p", .number(test.pValue)),
            ("groups", .array((0..<k).map { g in
                .object([("group", .string(test.groups[g])), ("n", .int(test.counts[g])),
                         ("observed", .number(test.observed[g])), ("expected", .number(test.expected[g]))])
            })),
            ("variance", .array((0..<k).map { a in .numbers(Array(test.variance[(a * k)..<((a + 1) * k)])) })),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
        ]
        if !test.strata.isEmpty {
            obj.append(("strata", .array(test.strata.enumerated().map { s, label in
                .object([("stratum", .string(label)), ("n", .int(test.strataCounts[s])),
                         ("observed", .numbers(test.observedByStratum.map { $0[s] })),
                         ("expected", .numbers(test.expectedByStratum.map { $0[s] }))])
            })))
        }
        return SurvivalJSON.object(obj).rendered() + "\n"
    }
}
