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
        discussion: "The --event column holds 0 for censored and 1, 2, … for the causes (cause k is state k)."
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "Report the cumulative incidences at these times, e.g. 12,60.")
    var times: String?

    @Option(help: "Confidence level.")
    var confLevel: Double = 0.95

    func validate() throws {
        guard confLevel > 0 && confLevel < 1 else { throw ValidationError("--conf-level must lie between 0 and 1") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: [], competingRisks: true)
        try data.requireRows(2)
        let causes = data.status.max() ?? 0
        guard causes > 0 else {
            throw DelimitedTableError(file: io.input, line: nil, column: io.event, message: "no events of any cause among the complete rows")
        }
        let at = try SurvivalText.times(times, option: "--times")
        let cif = try CumulativeIncidence(time: data.time, status: data.status, eventTypes: (1...causes).map(String.init),
                                          confidenceLevel: confLevel, timeFix: !io.noTimeFix)
        let report = SurvivalCIFReport(file: io.input, cif: cif, rows: data, times: at)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
    }
}

/// Text and JSON of an Aalen–Johansen fit: state 0 is event-free, state k the cumulative incidence of cause k.
struct SurvivalCIFReport {
    let file: String
    let cif: CumulativeIncidence
    let rows: SurvivalRows
    let times: [Double]

    func text() -> String {
        let pct = SurvivalText.number(cif.confidenceLevel.level * 100, 3)
        var s = "Cumulative incidence, Aalen-Johansen (R: survfit with a factor status), \(pct)% log bounds\n"
        s += SurvivalText.inputLine(file, rows)
        let causes = Array(cif.states.dropFirst())
        let events = causes.indices.map { k in cif.events.reduce(0) { $0 + $1[k + 1] } }
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
        return s
    }

    func json() -> String {
        func matrix(_ m: [[Double]]) -> SurvivalJSON { .array(m.map { .numbers($0) }) }
        var curve: [(String, SurvivalJSON)] = [
            ("strata", .string("all")),
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
        return SurvivalJSON.object([
            ("analysis", .string("cif")),
            ("conf_level", .number(cif.confidenceLevel.level)),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
            ("curves", .array([.object(curve)])),
        ]).rendered() + "\n"
    }
}
