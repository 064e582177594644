import Foundation
import CohortStudy
import OncoCore
import Reports
import TargetTrial
import Testing
import _TestSupport

/// `TargetTrialSection`: what the reports show of a target trial, under disclosure control. The
/// trial results here are built by hand so each rule can be checked on a known value.
@Suite struct TargetTrialReportTests {
    /// A trial result with the given arm sizes and a curve per arm: treated deaths at months 1, 2, 3, 5,
    /// 6, 7 (a censoring at 4), comparator deaths at 1…8.
    static func result(treated: Int = 40, comparator: Int = 60, delayed: Int = 3) -> TargetTrialResult {
        let p = TargetTrialProtocol(settings: ["1"])
        var flow = TargetTrialFlow()
        flow.lines = 230; flow.patients = 151; flow.linesWithoutDrugs = 2; flow.linesOutsideSettings = 96
        flow.linesTimingUnknown = 7; flow.linesDelayedEntry = delayed
        flow.treatedEntries = treated; flow.comparatorEntries = comparator
        flow.treatedPatients = treated; flow.comparatorPatients = comparator; flow.patientsInBothArms = 0
        flow.treatedEvents = 23; flow.comparatorEvents = 41
        var r = TargetTrialResult(trialProtocol: p, table: p.table(therapy: "erlotinib", comparator: "another line", settings: ["1"]),
                                  therapy: ["erlotinib"], comparator: "start another line in the same setting without any of erlotinib's drugs",
                                  settings: ["1"], status: .estimated, reasons: [], flow: flow)
        r.covariates = [CovariateUse(name: "age", kind: .numeric, kept: true, droppedBecause: nil, known: 98, missing: 2),
                        CovariateUse(name: "performance status", kind: .numeric, kept: false,
                                     droppedBecause: "known for 12 of 100 entries (< half)", known: 12, missing: 88)]
        r.propensity = PropensityModelSummary(formula: "glm(treated ~ age, family = binomial)", terms: [], entries: 100, iterations: 4, problems: [])
        r.weights = WeightSummary(scheme: .stabilisedIPTW, treatedShare: 0.4, truncationLower: 0.5, truncationUpper: 2.5, truncatedLow: 1,
                                  truncatedHigh: 1, minimum: 0.5, maximum: 2.5, treatedMean: 1.01, comparatorMean: 0.99)
        r.balance = BalanceTable(rows: [
            BalanceRow(covariate: "age", level: nil, treatedMeanBefore: 62, comparatorMeanBefore: 66, treatedMeanAfter: 64.8,
                       comparatorMeanAfter: 65, smdBefore: -0.42, smdAfter: -0.02, imbalanced: false),
            BalanceRow(covariate: "sex", level: "F", treatedMeanBefore: 0.6, comparatorMeanBefore: 0.45, treatedMeanAfter: 0.58,
                       comparatorMeanAfter: 0.46, smdBefore: 0.3, smdAfter: 0.24, imbalanced: true),
        ], threshold: 0.1, achieved: false)
        r.positivity = Positivity(treatedMinimum: 0.1, treatedMaximum: 0.8, comparatorMinimum: 0.05, comparatorMaximum: 0.7, supportLower: 0.1,
                                  supportUpper: 0.7, treatedOutsideShare: 0.025, comparatorOutsideShare: 0.0333, treatedEffectiveSampleSize: 36.2,
                                  comparatorEffectiveSampleSize: 55.9, maximumWeight: 2.5, held: true, rule: "≤ 5% outside, ESS ≥ 20", reasons: [])
        func arm(_ n: Int, deaths: [Double], censored: [Double]) -> ArmEstimate {
            let times = (deaths + censored).sorted()
            var s = 1.0, survival: [Double] = [], atRisk: [Double] = []
            var risk = Double(n)
            for t in times {
                atRisk.append(risk)
                if deaths.contains(t) { s *= 1 - 1 / risk }
                survival.append(s)
                risk -= 1
            }
            return ArmEstimate(entries: n, patients: n, events: deaths.count, weightSum: Double(n), time: times, survival: survival,
                               standardError: survival.map { _ in 0.05 }, lower: survival.map { $0 * 0.9 }, upper: survival.map { min(1, $0 * 1.1) },
                               atRisk: atRisk, medianMonths: 14.5, medianLowerMonths: 11.2, medianUpperMonths: 19.8, rmstMonths: 15.1,
                               rmstStandardError: 1.2)
        }
        r.treated = arm(treated, deaths: [1, 2, 3, 5, 6, 7], censored: [4])
        r.comparatorArm = arm(comparator, deaths: [1, 2, 3, 4, 5, 6, 7, 8], censored: [])
        r.hazardRatio = HazardRatioEstimate(model: "coxph(Surv(entry, stop, death) ~ treated, weights = w, cluster = patient)", hazardRatio: 0.71,
                                            lower: 0.52, upper: 0.97, coefficient: log(0.71), standardError: 0.16, modelStandardError: 0.14,
                                            variance: .clusterRobust, pValue: 0.031, entries: treated + comparator, events: 64)
        r.naiveHazardRatio = HazardRatioEstimate(model: "coxph(Surv(entry, stop, death) ~ treated)", hazardRatio: 0.58, lower: 0.43, upper: 0.79,
                                                 coefficient: log(0.58), standardError: 0.15, modelStandardError: 0.15, variance: .model,
                                                 pValue: 0.0005, entries: treated + comparator, events: 64)
        r.rmst = RMSTDifference(horizonMonths: 24, treatedMonths: 15.1, comparatorMonths: 12.0, differenceMonths: 3.1, standardError: 1.4,
                                lower: 0.36, upper: 5.84, variance: "patient-clustered infinitesimal jackknife")
        r.eValue = EValue(estimate: 1.85, boundNearestOne: 1.13, conversion: "common outcome (HR → RR by √ conversion)", eventShare: 0.64)
        return r
    }

    @Test func everyCountIsSuppressedOrRounded() throws {
        let s = TargetTrialSection(Self.result(), therapy: "erlotinib", comparator: "another line", minimumCellCount: 5)
        let flow = Dictionary(uniqueKeysWithValues: s.flow.map { ($0.label, $0.count.description) })
        #expect(flow["lines of the cohort"] == "230" && flow["patients of the cohort"] == "150")        // 151 rounded to a multiple of 5
        #expect(flow["lines without recorded drugs (left out)"] == "<5")
        #expect(flow["lines entering follow-up after time zero (biomarker known within the grace period)"] == "<5")
        #expect(flow["deaths, treated arm"] == "25" && flow["deaths, comparator arm"] == "40")
        #expect(s.arms.map(\.entries.description) == ["40", "60"] && s.arms.map(\.events.description) == ["25", "40"])
        #expect(s.covariates[1].known.description == "10" && s.covariates[1].droppedBecause == "known for 10 of 100 entries (< half)")
        #expect(s.weights?.truncatedLow.description == "<5")
        #expect(s.hazardRatio?.entries.description == "100" && s.naiveHazardRatio?.events.description == "65")
        // every count in every table of every format: no 1-4, and rendered tables carry the same strings
        let text = s.tables().map { $0.text() }.joined()
        #expect(text.contains("<5") && !text.contains("151"))
        // without disclosure control the counts are exact
        let exact = TargetTrialSection(Self.result(), therapy: "erlotinib", comparator: "another line", minimumCellCount: 1)
        #expect(exact.flow.first { $0.label == "patients of the cohort" }?.count == .exact(151))
    }

    /// An arm below the minimum keeps its counts only: estimates that would describe it are withheld.
    @Test func anArmBelowTheMinimumWithholdsItsEstimates() throws {
        let s = TargetTrialSection(Self.result(treated: 4), therapy: "erlotinib", comparator: "another line", minimumCellCount: 5)
        #expect(s.arms[0].withheld && s.arms[0].entries.description == "<5" && s.arms[0].medianMonths == nil && s.arms[0].rmstMonths == nil)
        #expect(!s.arms[1].withheld && s.arms[1].medianMonths == 14.5)
        #expect(s.hazardRatio == nil && s.naiveHazardRatio == nil && s.rmst == nil && s.eValue == nil)
        #expect(s.balance == nil && s.positivity == nil && s.weights == nil)
        #expect(s.plotSeries.map(\.label) == ["another line"])
        #expect(s.notes.contains { $0.contains("fewer than 5 entries") })
        let estimates = try #require(s.tables().first { $0.id == "tt-estimates" })
        #expect(estimates.rows[0][1] == "NA" && estimates.rows[1][1] == "NA")
    }

    /// The weighted curve is published at steps spanning at least k death times (so at least k deaths), and
    /// ends before a last run of fewer.
    @Test func weightedCurvesArePublishedAtStepsOfKDeaths() throws {
        let r = Self.result()
        let s = TargetTrialSection(r, therapy: "erlotinib", comparator: "another line", minimumCellCount: 3)
        let treated = try #require(s.plotSeries.first)
        let t = try #require(r.treated)
        // deaths at 1, 2, 3 → a step at 3; censoring at 4; deaths at 5, 6, 7 → a step at 7
        #expect(treated.time == [1, 2, 3, 4, 5, 6, 7])
        #expect(treated.survival == [1, 1, t.survival[2], t.survival[2], t.survival[2], t.survival[2], t.survival[6]])
        #expect(treated.censorTimes.isEmpty)
        // comparator: deaths at 1…8 → steps at 3 and 6; the last run (7, 8) of fewer than 3 is cut before 7
        let comparator = s.plotSeries[1]
        let c = try #require(r.comparatorArm)
        #expect(comparator.time == [1, 2, 3, 4, 5, 6])
        #expect(comparator.survival == [1, 1, c.survival[2], c.survival[2], c.survival[2], c.survival[5]])
        // k = 1: the whole curve
        let whole = TargetTrialSection(r, therapy: "erlotinib", comparator: "another line", minimumCellCount: 1)
        #expect(whole.plotSeries[1].survival == c.survival && whole.plotSeries[1].time == c.time)
    }

    /// The tables carry the target-trial table, balance (flagged > 0.1), positivity, adjusted beside naive HR,
    /// RMST difference and E-values; a cohort report with the section renders them in every format.
    @Test func tablesAndCohortReportFormats() throws {
        let s = TargetTrialSection(Self.result(), therapy: "erlotinib", comparator: "another line", minimumCellCount: 5,
                                   grade: ("supportive", "the interval lies on the side of benefit"))
        let tables = s.tables()
        #expect(tables.map(\.id) == ["tt-protocol", "tt-flow", "tt-arms", "tt-estimates", "tt-balance", "tt-positivity", "tt-covariates"])
        #expect(tables[0].rows.map { $0[0] } == ["eligibility", "treatment strategies", "assignment", "time zero", "outcome", "follow-up",
                                                 "causal contrast", "analysis"])
        let balance = tables[4]
        #expect(balance.rows[0][4] == "balanced by weighting" && balance.rows[1][4] == "imbalanced (|SMD| > 0.1)")
        #expect(balance.note?.contains("NOT achieved") == true)
        let est = tables[3]
        #expect(est.rows.map { $0[1] } == ["0.580", "0.710", "3.10", "1.850", "1.130", "supportive"])
        #expect(est.rows[1][2] == "0.520 – 0.970" && est.rows[1][4].hasPrefix("cluster-robust variance"))
        #expect(tables[5].rows.contains { $0 == ["positivity", "held"] })
        let lines = s.summaryLines()
        #expect(lines[1].hasPrefix("adjusted HR 0.710 (95% CI 0.520–0.970, cluster-robust); naive HR 0.580 (0.430–0.790)"))
        #expect(lines[2] == "balance NOT achieved (largest |SMD| after weighting 0.240); positivity held")

        let provenance = CohortReport.Provenance(oncoVersion: "0.1.0", warehouseBackend: "sqlite", warehouseVersion: 1, schemaVersion: 12,
                                                 datasets: ["demo"], synthetic: true, generatedAt: "2026-12-07T00:00:00Z", project: nil,
                                                 definitionSHA256: String(repeating: "a", count: 64), minimumCellCount: 5, auditEntry: 1)
        var report = CohortReport(title: "t", provenance: provenance, definition: "{}", definitionSummary: ["Population: x"], endpoint: "os",
                                  timeUnit: "months", flow: [.init(label: "matching", count: .exact(230))], grouping: "g", cutoffs: [], groups: [],
                                  levelCounts: nil, curves: [], logRank: nil, cox: nil, proportionalHazards: nil, notes: [], plotSeries: s.plotSeries)
        report.targetTrial = s
        let text = report.text(), md = report.markdown(), html = report.html(), csv = report.csv(), json = try report.json()
        for (name, out) in [("text", text), ("markdown", md), ("html", html), ("csv", csv), ("json", json)] {
            #expect(out.contains("SYNTHETIC DATA"), "\(name)")
            #expect(out.contains("causal contrast") && out.contains("cluster-robust"), "\(name)")
        }
        #expect(!text.contains("Groups: counts"))                     // no empty groups table
        #expect(html.contains("Overall survival (weighted)") && html.contains("<svg"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let tt = try #require((obj["report"] as? [String: Any])?["targetTrial"] as? [String: Any])
        #expect((tt["arms"] as? [[String: Any]])?.first?["entries"] as? Int == 40)
        #expect(((tt["flow"] as? [[String: Any]])?.first { $0["label"] as? String == "lines without recorded drugs (left out)" })?["count"] as? String == "<5")
        // the arms' covariate means are not carried (they could describe few patients)
        #expect(!json.contains("treatedMeanBefore"))
    }
}
