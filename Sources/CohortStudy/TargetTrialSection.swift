import Foundation
import OncoCore
import Survival
import TargetTrial

/// The evidence of one emulated target trial, ready to render in every format of the tumour-board
/// report and of a cohort report: the target-trial table, the eligibility flow, the arms, the
/// propensity covariates, the weights, the balance table, the positivity check and the estimates
/// (adjusted HR with its cluster-robust interval beside the naive HR, RMST difference, E-values), with
/// the grade when the trial grades a candidate.
///
/// Built from a `TargetTrialResult` with disclosure control applied once, here (k = the minimum cell
/// count): every count of lines, patients or events is a `SuppressedCount` (`<k`, others rounded to a
/// multiple of k); an arm with fewer than k entries keeps only its counts, and every estimate that
/// would describe it (its curve, median and RMST, the hazard ratios, the RMST difference, the E-value)
/// is withheld; the weighted curves are published only at steps of at least k deaths (as cohort
/// reports publish curves; `publishedSeries`).
/// Renderers only format what is here.
public struct TargetTrialSection: Sendable, Codable {
    /// One arm, counts suppressed.
    public struct Arm: Sendable, Codable, Hashable {
        public var label: String
        public var entries: SuppressedCount
        public var patients: SuppressedCount
        public var events: SuppressedCount
        /// True when the arm has fewer entries than the minimum: its estimates are withheld.
        public var withheld: Bool
        /// Weighted median OS and its 95% interval, months (nil: not reached, not estimated or withheld).
        public var medianMonths: Double?
        public var medianLowerMonths: Double?
        public var medianUpperMonths: Double?
        /// Weighted RMST to the horizon, months, and its standard error (nil: not estimated or withheld).
        public var rmstMonths: Double?
        public var rmstStandardError: Double?
    }

    /// A hazard ratio as shown: its entries and events suppressed.
    public struct HazardRatio: Sendable, Codable, Hashable {
        public var model: String
        public var hazardRatio: Double
        public var lower: Double
        public var upper: Double
        public var standardError: Double
        public var modelStandardError: Double
        /// `model` or `cluster-robust`.
        public var variance: String
        public var pValue: Double
        public var entries: SuppressedCount
        public var events: SuppressedCount
    }

    /// One propensity covariate: kept or dropped and why, with its known/missing entries suppressed.
    public struct Covariate: Sendable, Codable, Hashable {
        public var name: String
        public var kept: Bool
        public var droppedBecause: String?
        public var known: SuppressedCount
        public var missing: SuppressedCount
    }

    /// Standardised mean differences (the arms' covariate means are not carried: they could describe few patients).
    public struct Balance: Sendable, Codable, Hashable {
        public struct Row: Sendable, Codable, Hashable {
            public var covariate: String
            public var level: String?
            /// nil when undefined (the column varies in neither arm but the means differ).
            public var smdBefore: Double?
            public var smdAfter: Double?
            /// |SMD after| > threshold.
            public var imbalanced: Bool
        }
        public var rows: [Row]
        public var threshold: Double
        /// Every |SMD after| ≤ threshold.
        public var achieved: Bool
    }

    /// The weights as used (their extreme values and the counts truncation moved, suppressed).
    public struct Weights: Sendable, Codable, Hashable {
        public var scheme: String
        public var truncation: String
        public var truncatedLow: SuppressedCount
        public var truncatedHigh: SuppressedCount
        public var minimum: Double
        public var maximum: Double
        public var treatedMean: Double
        public var comparatorMean: Double
    }

    /// The arms' labels (`erlotinib`; `another line in the same setting`, `carboplatin + pemetrexed`) and the
    /// comparator strategy in full, as the trial describes it.
    public var therapy: String
    public var comparator: String
    public var comparatorStrategy: String
    public var settings: [String]
    /// The target-trial table (eligibility, treatment strategies, assignment, time zero, outcome,
    /// follow-up, causal contrast, analysis), as the protocol wrote it.
    public var protocolTable: [TargetTrialProtocol.Row]
    /// `estimated` or `inconclusive`, and why not estimated.
    public var status: String
    public var reasons: [String]
    public var flow: [CohortReport.FlowStep]
    public var arms: [Arm]
    public var covariates: [Covariate]
    public var propensityFormula: String?
    public var propensityProblems: [String]
    public var weights: Weights?
    public var balance: Balance?
    public var positivity: Positivity?
    /// Weighted Cox with the cluster-robust interval (adjusted), and the unweighted one beside it (naive).
    public var hazardRatio: HazardRatio?
    public var naiveHazardRatio: HazardRatio?
    public var rmst: RMSTDifference?
    public var eValue: EValue?
    /// The grade of the candidate (`strong`, `supportive`, `inconclusive`, `discordant`) and why; nil in a
    /// cohort report (no curated claim to grade against).
    public var grade: String?
    public var gradeReason: String?
    /// Notes on what disclosure control withheld.
    public var notes: [String]

    /// The weighted curves to draw (months), published steps only; not encoded (the plot suppresses its own counts).
    public var plotSeries: [KaplanMeierSeries] = []

    enum CodingKeys: String, CodingKey {
        case therapy, comparator, comparatorStrategy, settings, protocolTable, status, reasons, flow, arms, covariates, propensityFormula,
             propensityProblems, weights, balance, positivity, hazardRatio, naiveHazardRatio, rmst, eValue, grade, gradeReason, notes
    }

    /// The section of `result` under minimum cell count `k` (k ≤ 1: exact counts).
    /// - Parameters:
    ///   - therapy: the treatment as named in the report (`erlotinib`).
    ///   - comparator: the comparator arm's short label (`another line in the same setting`).
    ///   - grade: the candidate's grade and its reason, when the trial grades one.
    public init(_ result: TargetTrialResult, therapy: String, comparator: String, minimumCellCount k: Int, grade: (String, String)? = nil) {
        let dc = DisclosureControl(minimumCount: k)
        func count(_ n: Int) -> SuppressedCount { dc.rounded(n) }
        func small(_ n: Int) -> Bool { k > 1 && n > 0 && n < k }
        self.therapy = therapy
        self.comparator = comparator
        comparatorStrategy = result.comparator
        settings = result.settings
        protocolTable = result.table
        status = result.status.rawValue
        reasons = result.reasons
        let f = result.flow
        var steps: [(String, Int)] = [("lines of the cohort", f.lines), ("patients of the cohort", f.patients)]
        // in the order the trial applies them (a line is counted at the first criterion it fails)
        let exclusions: [(String, Int)] = [
            ("lines without recorded drugs (left out)", f.linesWithoutDrugs),
            ("lines with some but not all of the therapy's drugs (neither arm)", f.linesPartialTherapy),
            ("lines without the therapy that are not the comparator strategy (neither arm)", f.linesOtherTreatments),
            ("lines after an earlier line with the therapy's drugs (not new users)", f.linesNotNewUsers),
            (result.trialProtocol.includeUnknownTiming ? "lines whose biomarker timing is unknown (included at time zero)"
                                                       : "lines whose biomarker timing is unknown (excluded)",
             result.trialProtocol.includeUnknownTiming ? f.linesTimingUnknownIncluded : f.linesTimingUnknown),
            ("lines whose biomarker became known after the grace period (excluded)", f.linesKnownAfterGrace),
            ("lines outside the compared settings (left out)", f.linesOutsideSettings),
            ("lines whose follow-up ended before the biomarker was known (excluded)", f.linesEndedBeforeKnown),
            ("lines entering follow-up after time zero (biomarker known within the grace period)", f.linesDelayedEntry),
            ("entries without a covariate (complete cases; excluded)", f.entriesMissingCovariates),
        ]
        // exclusions that did not happen are not listed (a zero is a fact, but the flow stays readable)
        steps += exclusions.filter { $0.1 > 0 }
        steps += [("trial entries, treated arm", f.treatedEntries), ("trial entries, comparator arm", f.comparatorEntries),
                  ("patients, treated arm", f.treatedPatients), ("patients, comparator arm", f.comparatorPatients),
                  ("patients in both arms (one cluster each)", f.patientsInBothArms)]
        if f.patientsWithRepeatedEntries > 0 { steps.append(("patients with more than one entry in an arm", f.patientsWithRepeatedEntries)) }
        steps += [("deaths, treated arm", f.treatedEvents), ("deaths, comparator arm", f.comparatorEvents)]
        flow = steps.map { CohortReport.FlowStep(label: $0.0, count: count($0.1)) }

        var notes: [String] = []
        let smallArm = small(f.treatedEntries) || small(f.comparatorEntries)
        func arm(_ label: String, entries: Int, patients: Int, events: Int, _ e: ArmEstimate?) -> Arm {
            let withheld = small(entries)
            return Arm(label: label, entries: count(entries), patients: count(patients), events: count(events), withheld: withheld,
                       medianMonths: withheld ? nil : e?.medianMonths, medianLowerMonths: withheld ? nil : e?.medianLowerMonths,
                       medianUpperMonths: withheld ? nil : e?.medianUpperMonths, rmstMonths: withheld ? nil : e?.rmstMonths,
                       rmstStandardError: withheld ? nil : e?.rmstStandardError)
        }
        arms = [arm(therapy, entries: f.treatedEntries, patients: f.treatedPatients, events: f.treatedEvents, result.treated),
                arm(comparator, entries: f.comparatorEntries, patients: f.comparatorPatients, events: f.comparatorEvents, result.comparatorArm)]
        covariates = result.covariates.map {
            Covariate(name: $0.name, kept: $0.kept, droppedBecause: $0.droppedBecause.map { Self.suppressNumbers($0, dc: dc) },
                      known: count($0.known), missing: count($0.missing))
        }
        propensityFormula = result.propensity?.formula
        propensityProblems = result.propensity?.problems ?? []
        weights = smallArm ? nil : result.weights.map { w in
            let trunc = result.trialProtocol.truncation.map {
                "at the \(TargetTrialSection.percent($0.lower)) and \(TargetTrialSection.percent($0.upper)) percentiles"
                    + (w.truncationLower.map { lo in w.truncationUpper.map { hi in " (\(Self.number(lo)) and \(Self.number(hi)))" } ?? "" } ?? "")
            } ?? "none"
            return Weights(scheme: w.scheme.rawValue, truncation: trunc, truncatedLow: count(w.truncatedLow), truncatedHigh: count(w.truncatedHigh),
                           minimum: w.minimum, maximum: w.maximum, treatedMean: w.treatedMean, comparatorMean: w.comparatorMean)
        }
        // an arm below the minimum: its covariate balance and propensity overlap would describe it too
        balance = smallArm ? nil : result.balance.map { b in
            Balance(rows: b.rows.map { .init(covariate: $0.covariate, level: $0.level, smdBefore: $0.smdBefore, smdAfter: $0.smdAfter,
                                             imbalanced: $0.imbalanced) },
                    threshold: b.threshold, achieved: b.achieved)
        }
        positivity = smallArm ? nil : result.positivity
        func hr(_ h: HazardRatioEstimate?) -> HazardRatio? {
            guard let h, !smallArm else { return nil }
            return HazardRatio(model: h.model, hazardRatio: h.hazardRatio, lower: h.lower, upper: h.upper, standardError: h.standardError,
                               modelStandardError: h.modelStandardError, variance: h.variance.rawValue, pValue: h.pValue,
                               entries: count(h.entries), events: count(h.events))
        }
        hazardRatio = hr(result.hazardRatio)
        naiveHazardRatio = hr(result.naiveHazardRatio)
        rmst = smallArm ? nil : result.rmst
        eValue = smallArm ? nil : result.eValue
        if smallArm {
            notes.append("an arm has fewer than \(k) entries: its curve, median and RMST, the hazard ratios, the RMST difference, the E-value, the weights, balance and positivity are withheld (they would describe it)")
        }
        self.grade = grade?.0
        gradeReason = grade?.1

        // Weighted curves: published steps only.
        var series: [KaplanMeierSeries] = []
        for (a, e) in zip(arms, [result.treated, result.comparatorArm]) where !a.withheld {
            guard let e, !e.time.isEmpty else { continue }
            series.append(Self.publishedSeries(label: a.label, e, k: k))
        }
        plotSeries = series
        self.notes = notes
    }

    /// The weighted curve as it may be published under k: only at steps spanning at least k distinct
    /// death times, merging consecutive ones (`KaplanMeierDisclosure`'s rule; a weighted curve drops at
    /// each time with a death and nowhere else, so such a step holds at least k deaths whatever the
    /// weights), ending before a last run of fewer; weighted numbers at risk rounded for the plot.
    /// The whole curve when k ≤ 1.
    static func publishedSeries(label: String, _ e: ArmEstimate, k: Int) -> KaplanMeierSeries {
        let dc = DisclosureControl(minimumCount: k)
        let risk = e.atRisk.map { dc.roundedForPlot(Int($0.rounded())) }
        guard k > 1 else {
            return KaplanMeierSeries(label: label, time: e.time, survival: e.survival, lower: e.lower, upper: e.upper,
                                          atRisk: risk, censorTimes: [], n: dc.roundedForPlot(e.entries))
        }
        // a death time: the curve drops there
        let death = e.time.indices.map { j in e.survival[j] < (j == 0 ? 1 : e.survival[j - 1]) }
        var published = [Bool](repeating: false, count: e.time.count)
        var pending = 0, firstPending: Int?
        for j in e.time.indices where death[j] {
            if firstPending == nil { firstPending = j }
            pending += 1
            if pending >= k { published[j] = true; pending = 0; firstPending = nil }
        }
        let end = (firstPending ?? e.time.count) - 1
        var time: [Double] = [], surv: [Double] = [], lo: [Double] = [], hi: [Double] = [], atRisk: [Int] = []
        var current = (1.0, Double.nan, Double.nan)
        for j in 0...max(end, 0) where j < e.time.count {
            if published[j] { current = (e.survival[j], e.lower[j], e.upper[j]) }
            time.append(e.time[j]); surv.append(current.0); lo.append(current.1); hi.append(current.2); atRisk.append(risk[j])
        }
        return KaplanMeierSeries(label: label, time: time, survival: surv, lower: lo, upper: hi, atRisk: atRisk, censorTimes: [],
                                      n: dc.roundedForPlot(e.entries))
    }

    /// Whole numbers in a sentence from the trial (`known for 12 of 80 entries`) as disclosure control shows counts.
    static func suppressNumbers(_ s: String, dc: DisclosureControl) -> String {
        guard dc.minimumCount > 1 else { return s }
        var out = "", digits = ""
        func flush(_ next: Character?) {
            if !digits.isEmpty {
                // a number followed by '%' or '.' + digit is a share or decimal, not a count
                if let n = Int(digits), next != "%", next != "." { out += dc.rounded(n).description } else { out += digits }
                digits = ""
            }
        }
        for ch in s {
            if ch.isASCII && ch.isNumber { digits.append(ch); continue }
            flush(ch)
            out.append(ch)
        }
        flush(nil)
        return out
    }

    public static func number(_ x: Double) -> String { NumberText.significant(x, 4) }
    /// A fraction as an ordinal percentile: 0.01 → `1st`, 0.99 → `99th`, 0.025 → `2.5th`.
    public static func percent(_ x: Double) -> String {
        let p = x * 100
        let text = NumberText.significant(p, 4)
        guard p == p.rounded(), let n = Int(exactly: p) else { return text + "th" }
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return text + suffix
    }
}
