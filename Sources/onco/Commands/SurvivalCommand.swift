import ArgumentParser
import Foundation
import OncoCore
import Reports
import Survival
import SurvivalInput

/// `onco survival km|logrank|cox|cif|finegray`: survival statistics on a CSV or TSV file with one row per
/// patient. Thin: reads the table, drops and counts rows with missing values, calls the Survival
/// module, renders text (like R's print) or JSON.
struct SurvivalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survival",
        abstract: "Kaplan–Meier, log-rank and Cox regression on a CSV/TSV file (results match R's survival package).",
        subcommands: [SurvivalKMCommand.self, SurvivalLogRankCommand.self, SurvivalCoxCommand.self, SurvivalCIFCommand.self,
                      SurvivalFineGrayCommand.self]
    )
}

/// How results are written.
enum SurvivalOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--conf-type` (the CLI's own type: no retroactive conformance of Survival's `ConfidenceType`).
enum SurvivalConfType: String, ExpressibleByArgument, CaseIterable {
    case log, logLog = "log-log", plain
    var value: ConfidenceType {
        switch self {
        case .log: return .log
        case .logLog: return .logLog
        case .plain: return .plain
        }
    }
}

/// `--ties`.
enum SurvivalTies: String, ExpressibleByArgument, CaseIterable {
    case efron, breslow, exact
    var value: CoxFit.Ties { CoxFit.Ties(rawValue: rawValue)! }
}

/// `--zph-transform`.
enum SurvivalZPHTransform: String, ExpressibleByArgument, CaseIterable {
    case km, identity, rank, log
    var value: ProportionalHazardsTest.Transform { ProportionalHazardsTest.Transform(rawValue: rawValue)! }
}

/// Options every survival subcommand takes.
struct SurvivalInputOptions: ParsableArguments {
    @Option(help: "CSV or TSV file with a header row (cBioPortal clinical files work as they are).")
    var input: String

    @Option(help: "Column with the follow-up time (≥ 0).")
    var time: String = "time"

    @Option(help: "Column with the event indicator: 1/0, TRUE/FALSE, or cBioPortal's 1:DECEASED / 0:LIVING style.")
    var event: String = "event"

    @Option(help: "Output format.")
    var format: SurvivalOutputFormat = .text

    @Option(help: "Write the result to this file instead of standard output.")
    var output: String?

    @Flag(name: .customLong("no-timefix"), help: "Do not merge times closer than sqrt(machine epsilon) (R: timefix = FALSE).")
    var noTimeFix = false
}

/// The list and number arguments of the survival commands.
enum SurvivalArguments {
    /// Splits `a,b,c` lists.
    static func list(_ s: String?) -> [String] {
        (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `--covariates` and `--categorical`, each categorical column one of the covariates.
    static func covariates(_ covariates: String, categorical: String?) throws -> (columns: [String], categorical: Set<String>) {
        let covs = list(covariates)
        let cats = Set(list(categorical))
        for c in cats where !covs.contains(c) { throw ValidationError("--categorical \(c) is not among --covariates") }
        return (covs, cats)
    }

    static func checkConfidenceLevel(_ level: Double) throws {
        guard level > 0 && level < 1 else { throw ValidationError("--conf-level must lie between 0 and 1") }
    }

    static func times(_ s: String?, option: String) throws -> [Double] {
        try SurvivalArguments.list(s).map {
            guard case .success(let v) = ExactNumber.double($0) else { throw ValidationError("\(option): '\($0)' is not a finite number") }
            return v
        }
    }
}

// MARK: - km

struct SurvivalKMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "km",
        abstract: "Kaplan–Meier curves with Greenwood se, confidence bounds, quantiles and restricted mean (R: survfit)."
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "Column to split the curves by.")
    var group: String?

    @Option(help: "Column with the entry time for delayed entry: rows are intervals (start, time], at risk when start < t ≤ time (R: Surv(start, stop, event)).")
    var start: String?

    @Option(help: "Column of case weights, positive and finite; n.risk and n.event are weighted; the variance as R's survfit(weights =): infinitesimal jackknife when a weight is not an integer, else Greenwood on the weighted counts.")
    var weights: String?

    @Option(help: "Confidence interval transform: log, log-log or plain.")
    var confType: SurvivalConfType = .log

    @Option(help: "Confidence level.")
    var confLevel: Double = 0.95

    @Option(help: "Horizon of the restricted mean survival time (default: the largest time of all curves, R's \"common\").")
    var rmst: Double?

    @Option(help: "Report S(t) at these times, e.g. 365,730.")
    var times: String?

    @Option(help: "Also draw the curves as an SVG file (steps, confidence band, censor ticks, numbers at risk).")
    var plot: String?

    @Option(help: "Numbers at risk below this are shown as <k in the plot (small-cell suppression; 0 = none).")
    var minCount: Int = 5

    @Option(help: "Title of the plot.")
    var title: String?

    func validate() throws {
        try SurvivalArguments.checkConfidenceLevel(confLevel)
        if let rmst, !(rmst.isFinite && rmst >= 0) { throw ValidationError("--rmst must be a non-negative number") }
        guard minCount >= 0 else { throw ValidationError("--min-count must be ≥ 0") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let used = [group, start, weights].compactMap { $0 }
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: used, weightColumn: weights)
        try data.requireRows(2)
        let at = try SurvivalArguments.times(times, option: "--times")
        let entry = try start.map { try data.entry($0) }
        let w = try weights.map { try data.weights($0) }
        let labels: [String], curves: [KaplanMeier]
        if entry != nil || w != nil {
            let k = try KaplanMeierCurves(entry: entry, time: data.time, event: data.event,
                                          group: try group.map { try data.factor($0) } ?? Factor(codes: [Int32](repeating: 0, count: data.count), levels: ["all"]),
                                          weights: w, confidenceType: confType.value, confidenceLevel: confLevel, timeFix: !io.noTimeFix)
            labels = k.groups; curves = k.curves
        } else if let group {
            let k = try KaplanMeierCurves(time: data.time, event: data.event, group: data.factor(group),
                                          confidenceType: confType.value, confidenceLevel: confLevel, timeFix: !io.noTimeFix)
            labels = k.groups; curves = k.curves
        } else {
            labels = ["all"]
            curves = [try KaplanMeier(time: data.time, event: data.event, confidenceType: confType.value,
                                      confidenceLevel: confLevel, timeFix: !io.noTimeFix)]
        }
        let tau = rmst ?? curves.compactMap(\.time.last).max() ?? 0
        let report = SurvivalKMReport(file: io.input, group: group, labels: labels, curves: curves, rows: data,
                                       tau: tau, times: at)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
        if let plot {
            var p = KaplanMeierPlot(curves: zip(labels, curves).map { KaplanMeierPlot.Series(label: group == nil ? $0 : "\(group!)=\($0)", curve: $1) })
            p.disclosure = DisclosureControl(minimumCount: minCount)
            p.xLabel = "Time (\(io.time))"
            p.title = title
            try emit(p.svg(), to: plot)
        }
    }
}

// MARK: - logrank

struct SurvivalLogRankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logrank",
        abstract: "Log-rank test of k groups, optionally stratified; --rho 1 for Peto & Peto (R: survdiff)."
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "Column with the groups to compare.")
    var group: String

    @Option(help: "Column to stratify by.")
    var strata: String?

    @Option(help: "Weight S(t-)^rho: 0 = log-rank, 1 = Peto & Peto.")
    var rho: Double = 0

    func validate() throws {
        guard rho.isFinite && rho >= 0 else { throw ValidationError("--rho must be ≥ 0") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: [group] + (strata.map { [$0] } ?? []))
        try data.requireRows(2)
        let g = try data.factor(group)
        guard g.levels.count >= 2 else {
            throw DelimitedTableError(file: io.input, line: nil, column: group, message: "only one group among the complete rows")
        }
        let lr = try LogRank(time: data.time, event: data.event, group: g, strata: try strata.map { try data.factor($0) },
                             rho: rho, timeFix: !io.noTimeFix)
        let report = SurvivalLogRankReport(file: io.input, group: group, strataColumn: strata, test: lr, rows: data)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
    }
}

// MARK: - cox

struct SurvivalCoxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cox",
        abstract: "Cox proportional-hazards regression with the PH test and concordance (R: coxph, cox.zph)."
    )

    @OptionGroup var io: SurvivalInputOptions

    @Option(help: "Covariate columns, comma-separated. A column of numbers is numeric, a column of mostly non-numbers categorical; a mostly numeric column with a non-number is an error (use --categorical or mark it NA).")
    var covariates: String

    @Option(help: "Covariates to treat as categorical even when numeric (treatment contrasts, first level = reference).")
    var categorical: String?

    @Option(help: "Column to stratify the baseline hazard by.")
    var strata: String?

    @Option(help: "Column of case weights (efron and breslow only).")
    var weights: String?

    @Option(help: "Column with the entry time: rows are intervals (start, time], at risk when start < t ≤ time (R: Surv(start, stop, event)); efron and breslow only.")
    var start: String?

    @Option(help: "Column identifying clusters (e.g. patient id) for the robust sandwich variance (R: cluster(id)); implies --robust.")
    var cluster: String?

    @Flag(inversion: .prefixedNo,
          help: "Robust sandwich variance (R: robust = TRUE): se and intervals use it, naive_se keeps the model-based one. Default as R's coxph: robust when --cluster is given or a case weight is not an integer; --no-robust keeps the model-based variance.")
    var robust: Bool?

    @Option(help: "Ties method: efron, breslow or exact.")
    var ties: SurvivalTies = .efron

    @Option(help: "Time transform of the proportional-hazards test: km, identity, rank or log.")
    var zphTransform: SurvivalZPHTransform = .km

    // Off by default, as R's summary(coxph) does not run cox.zph either (issue #23: commands compute what is asked;
    // on 1M rows the test is ~22% of the command).
    @Flag(inversion: .prefixedNo,
          help: "Also run the proportional-hazards test (R: cox.zph, which summary(coxph) does not run); off unless --zph (JSON zph: null).")
    var zph = false

    @Option(help: "Confidence level of the hazard-ratio intervals.")
    var confLevel: Double = 0.95

    func validate() throws {
        guard !SurvivalArguments.list(covariates).isEmpty else { throw ValidationError("--covariates needs at least one column") }
        try SurvivalArguments.checkConfidenceLevel(confLevel)
        if weights != nil && ties == .exact { throw ValidationError("case weights are not supported with --ties exact") }
        if start != nil && ties == .exact { throw ValidationError("--start is not supported with --ties exact") }
        if (robust == true || cluster != nil) && ties == .exact { throw ValidationError("--robust and --cluster are not supported with --ties exact") }
        if robust == false && cluster != nil { throw ValidationError("--cluster needs the robust variance: drop --no-robust") }
    }

    func run() throws {
        let table = try DelimitedTable(path: io.input)
        let (covs, cats) = try SurvivalArguments.covariates(covariates, categorical: categorical)
        let used = covs + [strata, weights, start, cluster].compactMap { $0 }
        let data = try SurvivalRows(table, time: io.time, event: io.event, columns: used, weightColumn: weights)
        try data.requireRows(2)
        let (design, categoricalUsed) = try data.coxCovariates(covs, categorical: cats)
        let w = try weights.map { try data.weights($0) }
        // R's coxph: robust by default when there is a cluster or a case weight that is not an integer.
        let useRobust = robust ?? (cluster != nil || (w?.contains { $0 != $0.rounded(.down) } ?? false))
        let fit = try CoxFit(entry: try start.map { try data.entry($0) }, time: data.time, event: data.event,
                             design: CoxDesign(design), strata: try strata.map { try data.factor($0) }, weights: w,
                             cluster: try cluster.map { try data.factor($0) },
                             options: .init(ties: ties.value, timeFix: !io.noTimeFix, confidenceLevel: confLevel, robust: useRobust))
        let test = zph ? try? fit.proportionalHazardsTest(transform: zphTransform.value) : nil
        let report = SurvivalCoxReport(file: io.input, fit: fit, zph: test, rows: data, categorical: categoricalUsed, strataColumn: strata,
                                       clusterColumn: cluster)
        try emit(io.format == .json ? report.json() : report.text(), to: io.output)
    }
}
