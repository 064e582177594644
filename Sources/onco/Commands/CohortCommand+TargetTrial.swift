import ArgumentParser
import CohortStudy

/// The target-trial flags of `onco cohort run|validate` (`TargetTrialFlags`; README "Emulated target trials").
struct TargetTrialOptions: ParsableArguments {
    @Option(help: "Study design: cohort (default: groups, endpoint, analyses) or target-trial (new users of --treatment vs --comparator; --line is then the setting).")
    var design: String?
    @Option(help: "Target trial: the treatment strategy, starting a line with all of these drugs (a regimen, comma-separated: dabrafenib,trametinib).")
    var treatment: String?
    @Option(help: "Target trial: the comparator, 'other' (another line in the same setting without the treatment's drugs; default) or a regimen's drugs (comma-separated).")
    var comparator: String?
    @Option(help: "Target trial: propensity weights, iptw (stabilised) or overlap (default \(TargetTrialPlan.defaultWeighting)).")
    var weights: String?
    @Option(name: .customLong("ps-covariates"), help: "Target trial: propensity-score covariates (comma-separated): age, sex, stage, setting, prior-therapy-classes, log-tmb, tumour-type, start-year, performance-status (default: all).")
    var psCovariates: [String] = []
    @Option(name: .customLong("grace-days"), help: "Target trial: days after the line's start the biomarker may still become known (default \(TargetTrialPlan.defaultGraceDays)).")
    var graceDays: Int?
    @Flag(name: .customLong("include-unknown-timing"), help: "Target trial: include patients whose biomarker timing is unknown as known at time zero (a sensitivity analysis, open to immortal-time bias).")
    var includeUnknownTiming = false
    @Option(help: "Target trial: truncate weights at the (100−P)th and Pth percentiles (default \(Int(TargetTrialPlan.defaultTruncatePercentile)); 100: none).")
    var truncate: Double?
    @Option(name: .customLong("rmst-horizon"), help: "Target trial: restricted mean survival horizon in months (default \(Int(TargetTrialPlan.defaultRMSTHorizonMonths))).")
    var rmstHorizon: Double?

    var flags: TargetTrialFlags {
        var f = TargetTrialFlags()
        f.design = design; f.treatment = treatment; f.comparator = comparator; f.weights = weights; f.psCovariates = psCovariates
        f.graceDays = graceDays; f.includeUnknownTiming = includeUnknownTiming; f.truncate = truncate; f.rmstHorizon = rmstHorizon
        return f
    }
}
