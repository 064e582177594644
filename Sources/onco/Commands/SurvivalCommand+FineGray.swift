import ArgumentParser
import OncoCore
import Reports
import Survival
import SurvivalInput

// MARK: - finegray

/// `onco survival finegray`: Fine–Gray subdistribution hazards of one cause among competing causes.
struct SurvivalFineGrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finegray",
        abstract: "Competing risks: Fine–Gray subdistribution-hazards regression of one cause (R: finegray + weighted coxph).",
        discussion: """
        The --event column holds 0 for censored and 1, 2, … for the causes. The data are expanded as R's finegray() \
        does (subjects with a competing event stay at risk with the censoring distribution's weights) and fitted by \
        a weighted Cox model on (start, stop] rows. se is the robust variance clustered by subject (R: coxph(..., \
        weights = fgwt, cluster = id)); naive_se the model-based one.
        """
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "The cause (a value of --event, ≥ 1) whose subdistribution hazard is modelled (R: finegray(etype = )).")
    var eventOfInterest: Int

    @Option(help: "Covariate columns, comma-separated (numeric, or categorical by content as in `survival cox`).")
    var covariates: String

    @Option(help: "Covariates to treat as categorical even when numeric (treatment contrasts, first level = reference).")
    var categorical: String?

    @Option(help: "Column to stratify the baseline subdistribution hazard by (R: + strata(x) in the weighted coxph; the censoring distribution stays over all subjects, as finegray(Surv(time, status) ~ .)).")
    var strata: String?

    @Option(help: "Column of case weights (they multiply the Fine–Gray weights).")
    var weights: String?

    @Option(help: "Ties method: efron or breslow.")
    var ties: SurvivalTies = .efron

    @Option(help: "Confidence level of the subdistribution hazard-ratio intervals.")
    var confLevel: Double = 0.95

    func validate() throws {
        guard !SurvivalArguments.list(covariates).isEmpty else { throw ValidationError("--covariates needs at least one column") }
        try SurvivalArguments.checkConfidenceLevel(confLevel)
        guard eventOfInterest >= 1 else { throw ValidationError("--event-of-interest must be a cause 1, 2, … (0 means censored)") }
        if ties == .exact { throw ValidationError("--ties exact is not supported for Fine–Gray (weighted (start, stop] data)") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let (covs, cats) = try SurvivalArguments.covariates(covariates, categorical: categorical)
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: covs + [strata, weights].compactMap { $0 },
                                    weightColumn: weights, competingRisks: true)
        try data.requireRows(2)
        let present = Set(data.status.filter { $0 > 0 })
        guard present.contains(eventOfInterest) else {
            let causes = present.sorted().map(String.init).joined(separator: ", ")
            throw DelimitedTableError(file: io.input, line: nil, column: io.event,
                                      message: "--event-of-interest \(eventOfInterest) is not a cause present among the complete rows "
                                          + "(no row has \(io.event) = \(eventOfInterest); causes present: \(causes.isEmpty ? "none" : causes))")
        }
        let (design, categoricalUsed) = try data.coxCovariates(covs, categorical: cats)
        let fg = try FineGray(time: data.time, status: data.status, eventOfInterest: eventOfInterest, design: CoxDesign(design),
                              strata: try strata.map { try data.factor($0) }, weights: try weights.map { try data.weights($0) },
                              options: .init(ties: ties.value, timeFix: !io.noTimeFix, confidenceLevel: confLevel))
        let report = SurvivalFineGrayReport(file: io.input, fineGray: fg, rows: data, categorical: categoricalUsed, strataColumn: strata)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
    }
}
