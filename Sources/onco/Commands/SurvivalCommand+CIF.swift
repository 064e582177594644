import ArgumentParser
import OncoCore
import Survival
import SurvivalInput

// MARK: - cif

/// `onco survival cif`: competing risks, Aalen–Johansen cumulative incidence of each cause.
struct SurvivalCIFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cif",
        abstract: "Competing risks: Aalen–Johansen cumulative incidence of each cause with jackknife se (R: survfit with a factor status).",
        discussion: """
        The --event column holds 0 for censored and 1, 2, … for the causes (cause k is state k). With --group, one curve \
        per group and Gray's test of equal cumulative incidence for every cause (R: cmprsk::cuminc(time, event, group)$Tests).
        """
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "Report the cumulative incidences at these times, e.g. 12,60.")
    var times: String?

    @Option(help: "Confidence level.")
    var confLevel: Double = 0.95

    @Option(help: "Column of groups: one curve per group, and Gray's test for each cause (rho = 0).")
    var group: String?

    func validate() throws {
        guard confLevel > 0 && confLevel < 1 else { throw ValidationError("--conf-level must lie between 0 and 1") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: [group].compactMap { $0 }, competingRisks: true)
        try data.requireRows(2)
        let causes = data.status.max() ?? 0
        guard causes > 0 else {
            throw DelimitedTableError(file: io.input, line: nil, column: io.event, message: "no events of any cause among the complete rows")
        }
        let at = try SurvivalText.times(times, option: "--times")
        let eventTypes = (1...causes).map(String.init)
        var curves = [(String, CumulativeIncidence)](), gray = [GrayTest]()
        if let group {
            let factor = try data.factor(group)
            guard Set(factor.codes).count >= 2 else {
                throw DelimitedTableError(file: io.input, line: nil, column: group, message: "Gray's test needs at least two groups among the complete rows")
            }
            let byGroup = try CumulativeIncidenceCurves(time: data.time, status: data.status, eventTypes: eventTypes, group: factor,
                                                        confidenceLevel: confLevel, timeFix: !io.noTimeFix)
            curves = Array(zip(byGroup.groups, byGroup.curves))
            gray = try (1...causes).map { try GrayTest(time: data.time, status: data.status, group: factor, cause: $0) }
        } else {
            curves = [("all", try CumulativeIncidence(time: data.time, status: data.status, eventTypes: eventTypes,
                                                      confidenceLevel: confLevel, timeFix: !io.noTimeFix))]
        }
        let report = SurvivalCIFReport(file: io.input, curves: curves, gray: gray, groupColumn: group, rows: data, times: at)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
    }
}

/// Text and JSON of Aalen–Johansen fits (one per group, or "all"): state 0 is event-free, state k the
/// cumulative incidence of cause k; with groups, Gray's test per cause.
struct SurvivalCIFReport {
    let file: String
    let curves: [(String, CumulativeIncidence)]
    let gray: [GrayTest]
    let groupColumn: String?
    let rows: SurvivalRows
    let times: [Double]

    func text() -> String {
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

    func json() -> String {
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
