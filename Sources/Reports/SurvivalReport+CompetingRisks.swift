import Foundation
import Survival
import SurvivalInput

// `onco survival cif`: Aalen–Johansen curves and Gray's tests, text and JSON.

/// Text and JSON of Aalen–Johansen fits (one per group, or "all"): state 0 is event-free, state k the
/// cumulative incidence of cause k; with groups, Gray's test per cause.
public struct SurvivalCIFReport {
    public let file: String
    public let curves: [(String, CumulativeIncidence)]
    public let gray: [GrayTest]
    public let groupColumn: String?
    public let rows: SurvivalRows
    public let times: [Double]

    public init(file: String, curves: [(String, CumulativeIncidence)], gray: [GrayTest], groupColumn: String?, rows: SurvivalRows, times: [Double]) {
        self.file = file
        self.curves = curves
        self.gray = gray
        self.groupColumn = groupColumn
        self.rows = rows
        self.times = times
    }

    public func text() -> String {
        let first = curves[0].1
        let pct = SurvivalText.number(first.confidenceLevel.level * 100, 3)
        var s = "Cumulative incidence, Aalen-Johansen (R: survfit with a factor status), \(pct)% log bounds\n"
        s += SurvivalText.inputLine(file, rows)
        let causes = Array(first.states.dropFirst())
        for (label, cif) in curves {
            let events = causes.indices.map { k in cif.events.reduce(0) { $0 + $1[k + 1] } }
            s += groupColumn.map { "\n\($0)=\(label)\n" } ?? ""
            s += "  events by cause: " + zip(causes, events).map { "\($0)=\($1)" }.joined(separator: ", ") + "\n\n"
            let points = times.isEmpty ? cif.summary(at: cif.time.indices.filter { cif.events[$0].contains { $0 > 0 } }.map { cif.time[$0] })
                                       : cif.summary(at: times)
            var header = ["time"]
            for c in causes { header += ["cif \(c)", "se", "lower", "upper"] }
            let body = points.map { p in
                [SurvivalText.number(p.time, 6)] + causes.indices.flatMap { k in
                    [p.probability[k + 1], p.standardError[k + 1], p.lower[k + 1], p.upper[k + 1]].map { SurvivalText.number($0, 4) }
                }
            }
            s += SurvivalText.table(header, body, labels: false)
        }
        if !gray.isEmpty {
            s += "\nGray's test of equal cumulative incidence across \(groupColumn ?? "groups") (R: cmprsk::cuminc, rho = 0)\n"
            s += SurvivalText.table(["cause", "statistic", "df", "p"], gray.map {
                [String($0.cause), SurvivalText.number($0.test.statistic, 4), String($0.test.degreesOfFreedom), SurvivalText.pValue($0.test.pValue)]
            })
        }
        return s
    }

    public func json() -> String {
        func matrix(_ m: [[Double]]) -> SurvivalJSON { .array(m.map { .numbers($0) }) }
        let jsonCurves: [SurvivalJSON] = curves.map { label, cif in
            var curve: [(String, SurvivalJSON)] = [
                ("strata", .string(label)),
                ("states", .array(cif.states.map { .string($0) })),
                ("time", .numbers(cif.time)),
                ("n_risk", .ints(cif.atRisk.map { $0[0] })),
                ("n_event", .array(cif.events.map { .ints($0) })),
                ("n_censor", .ints(cif.censored)),
                ("pstate", matrix(cif.probability)),
                ("std_err", matrix(cif.standardError)),
                ("lower", matrix(cif.lower)),
                ("upper", matrix(cif.upper)),
            ]
            if !times.isEmpty {
                curve.append(("at_times", .array(cif.summary(at: times).map { p in
                    .object([("time", .number(p.time)), ("pstate", .numbers(p.probability)), ("std_err", .numbers(p.standardError)),
                             ("lower", .numbers(p.lower)), ("upper", .numbers(p.upper))])
                })))
            }
            return .object(curve)
        }
        var obj: [(String, SurvivalJSON)] = [
            ("analysis", .string("cif")),
            ("conf_level", .number(curves[0].1.confidenceLevel.level)),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
            ("curves", .array(jsonCurves)),
        ]
        if let groupColumn {
            obj.append(("group", .string(groupColumn)))
            obj.append(("gray_tests", .array(gray.map {
                .object([("cause", .int($0.cause)), ("statistic", .number($0.test.statistic)), ("df", .int($0.test.degreesOfFreedom)),
                         ("p", .number($0.test.pValue))])
            })))
        }
        return SurvivalJSON.object(obj).rendered() + "\n"
    }
}
