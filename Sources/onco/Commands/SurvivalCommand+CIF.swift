import ArgumentParser
import OncoCore
import Reports
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
        try SurvivalArguments.checkConfidenceLevel(confLevel)
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: [group].compactMap { $0 }, competingRisks: true)
        try data.requireRows(2)
        let causes = data.status.max() ?? 0
        guard causes > 0 else {
            throw DelimitedTableError(file: io.input, line: nil, column: io.event, message: "no events of any cause among the complete rows")
        }
        let at = try SurvivalArguments.times(times, option: "--times")
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
