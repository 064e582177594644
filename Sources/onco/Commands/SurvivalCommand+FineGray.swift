import ArgumentParser
import OncoCore
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
        guard !SurvivalText.list(covariates).isEmpty else { throw ValidationError("--covariates needs at least one column") }
        guard confLevel > 0 && confLevel < 1 else { throw ValidationError("--conf-level must lie between 0 and 1") }
        guard eventOfInterest >= 1 else { throw ValidationError("--event-of-interest must be a cause 1, 2, … (0 means censored)") }
        if ties == .exact { throw ValidationError("--ties exact is not supported for Fine–Gray (weighted (start, stop] data)") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let covs = SurvivalText.list(covariates)
        let cats = Set(SurvivalText.list(categorical))
        for c in cats where !covs.contains(c) { throw ValidationError("--categorical \(c) is not among --covariates") }
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

/// Text and JSON of a Fine–Gray fit; `terms[]` as `survival cox` writes them.
struct SurvivalFineGrayReport {
    let file: String
    let fineGray: FineGray
    let rows: SurvivalRows
    let categorical: [String]
    let strataColumn: String?

    var events: [Int: Int] { rows.status.reduce(into: [:]) { if $1 > 0 { $0[$1, default: 0] += 1 } } }

    func text() -> String {
        let fit = fineGray.fit
        var s = "Fine-Gray subdistribution hazards (R: finegray + coxph(weights = fgwt, cluster = id)), cause \(fineGray.data.eventOfInterest)"
            + (strataColumn.map { ", stratified by \($0)" } ?? "")
            + ", ties = \(fit.options.ties.rawValue), robust variance clustered by subject\n"
        s += SurvivalText.inputLine(file, rows)
        s += "  events by cause: " + events.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n"
        s += "  n= \(fineGray.n) subjects, \(fineGray.data.count) weighted (start, stop] rows, events of interest= \(fit.eventCount)\n\n"
        s += SurvivalCoxReport.coefficientText(fit)
        s += "\nexp(coef) is the subdistribution hazard ratio.\n"
        if !fit.problems.isEmpty { s += "\nWarning: " + fit.problems.map(\.description).joined(separator: "; ") + "\n" }
        return s
    }

    func json() -> String {
        let fit = fineGray.fit
        return SurvivalJSON.object([
            ("analysis", .string("finegray")),
            ("event_of_interest", .int(fineGray.data.eventOfInterest)),
            ("n", .int(fineGray.n)),
            ("n_expanded", .int(fineGray.data.count)),
            ("events", .int(fit.eventCount)),
            ("events_by_cause", .object(events.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) })),
            ("n_dropped_missing", .int(rows.dropped)),
            ("ties", .string(fit.options.ties.rawValue)),
            ("iterations", .int(fit.iterations)),
            ("converged", .bool(!fit.problems.contains(.iterationLimit))),
            ("loglik_null", .number(fit.logLikelihoodNull)),
            ("loglik", .number(fit.logLikelihood)),
            ("conf_level", .number(fit.options.confidenceLevel)),
            ("variance_type", .string("robust, cluster subject")),
            ("terms", SurvivalCoxReport.termsJSON(fit)),
            ("categorical", .array(categorical.map { .string($0) })),
            ("strata", strataColumn.map { _ in .array(fit.strata.map { .string($0) }) } ?? .null),
            ("problems", .array(fit.problems.map { .string($0.description) })),
        ]).rendered() + "\n"
    }
}
