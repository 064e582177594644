import Foundation
import CohortStudy
import OncoCore
import Recommendation
import TargetTrial

/// The emulated target trial of each candidate in the tumour-board report. The board view stays
/// concise: the candidate's real-world lines carry a few summary lines (`realWorldTrace`: adjusted HR
/// beside the naive one, RMST difference, E-value, balance, positivity); the full trial (protocol table, eligibility
/// flow, arms, estimates, balance, weights and positivity, propensity covariates) sits in a collapsed
/// `<details>` element (HTML, Markdown) or, in the text report, in the target-trial appendix (the first
/// candidate's trial; every candidate's with `--all`). The HTML card draws the weighted Kaplan–Meier curves.
extension RecommendationReport {
    /// The comparator arm's label in every format.
    static let trialComparatorLabel = "otherwise (same setting)"

    /// The target-trial section of a therapy's real-world evidence, counts under the report's disclosure
    /// control; nil when its evidence has no target trial or no line of the cohort started the therapy (the
    /// real-world lines already say so).
    func trialSection(_ t: RankedTherapy) -> TargetTrialSection? {
        guard let ev = t.realWorld, let result = ev.targetTrial, result.flow.treatedEntries > 0 else { return nil }
        return TargetTrialSection(result, therapy: t.name, comparator: Self.trialComparatorLabel, minimumCellCount: dc.minimumCount,
                                  grade: (ev.grade.rawValue, ev.reason))
    }

    /// HTML ids of one therapy's trial tables (unique on the page).
    static func trialIDPrefix(_ prefix: String, _ t: RankedTherapy) -> String { "tt-\(prefix)\(t.rank)" }

    /// The text report's appendix: the full trial (tables) of the first traced candidate with one, and of
    /// every other one with `all` (without it, one line says how many more there are). Empty when no
    /// candidate has a trial.
    func trialAppendixText(_ traced: [(String, RankedTherapy)], all: Bool, bold: (String) -> String) -> String {
        let trials = traced.compactMap { p, t in trialSection(t).map { (p, t, $0) } }
        guard let first = trials.first else { return "" }
        let shown = all ? trials : [first]
        var o = "\n" + bold("Target-trial appendix") + (all ? " (each candidate's emulated target trial in full)" : " (the first candidate's emulated target trial in full)") + "\n"
        for (p, t, s) in shown {
            o += "\n[\(p)\(t.rank)] \(bold(t.name))\n"
            for table in s.tables(idPrefix: Self.trialIDPrefix(p, t)) { o += "\n" + table.text(indent: "  ") }
        }
        if trials.count > shown.count {
            let more = trials.count - shown.count
            o += "\n  + the target trials of \(more) more candidate\(more == 1 ? "" : "s"): run with --all to print them\n"
        }
        return o
    }

    /// One therapy's trial in Markdown (its summary lines are in the real-world bullets): the tables in a
    /// collapsed `<details>` block after the therapy's bullets.
    func trialMarkdown(_ s: TargetTrialSection, prefix: String, _ t: RankedTherapy) -> String {
        var o = "<details>\n<summary>Target trial of \(Self.markdownCell(t.name)): protocol, eligibility flow, arms, estimates, balance, positivity</summary>\n"
        for table in s.tables(idPrefix: Self.trialIDPrefix(prefix, t)) { o += table.markdown(level: "####") }
        o += "\n</details>\n\n"
        return o
    }

    /// One therapy's trial in HTML (its summary lines are in the real-world list): the weighted curves, then
    /// the tables in a collapsed `<details>` element.
    func trialHTML(_ s: TargetTrialSection, prefix: String, _ t: RankedTherapy, plotIndex: inout Int) -> String {
        func esc(_ x: String) -> String { _xmlEscape(x) }
        var o = ""
        if s.plotSeries.count == 2 {
            plotIndex += 1
            var plot = KaplanMeierPlot(curves: s.plotSeries)
            plot.xLabel = "Months from time zero (the line's start)"
            plot.yLabel = "Overall survival (weighted)"
            plot.disclosure = dc
            plot.width = 700
            plot.plotHeight = 250
            plot.xMax = min(s.plotSeries.compactMap(\.time.last).max() ?? 0, 120)
            o += "<figure class=\"km\">\n" + plot.svg(embeddedAs: "\(_SVGWriter.defaultClipID)-\(plotIndex)")
            o += "<figcaption>Target trial: weighted Kaplan–Meier OS from time zero (\(esc(s.weights?.scheme ?? "weighted"))), 95% bands; weighted numbers at risk below (\(esc(dc.roundingStatement.map { $0 + "; steps of at least \(dc.minimumCount) deaths" } ?? "exact counts"))).</figcaption>\n</figure>\n"
        }
        o += "<details class=\"collapsed trial\">\n<summary>Target trial of \(esc(t.name)): protocol, eligibility flow, arms, estimates, balance, positivity</summary>\n"
        for table in s.tables(idPrefix: Self.trialIDPrefix(prefix, t)) { o += table.html(level: "h5", tableClass: "evidence trial", noteClass: "sub") }
        o += "</details>\n"
        return o
    }
}
