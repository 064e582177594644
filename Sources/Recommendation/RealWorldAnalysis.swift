import Foundation
import OncoCore
import Vocabulary
import Survival
import Warehouse

/// The real-world comparison of one therapy within one cohort's lines of therapy.
///
/// Definitions (also printed in every report's methods section):
/// - **Treated arm**: for each patient, the first line whose drugs include every drug of the therapy
///   (canonical names, `DrugName`). Index date = the start of that line.
/// - **Setting**: the line numbers of the treated lines, with lines 3 and later pooled (`1`, `2`, `3+`).
/// - **Comparator arm**: for each patient, the first line in one of those settings whose drugs include
///   none of the therapy's drugs (lines without recorded drugs are left out). A patient may contribute
///   one line to each arm (e.g. chemotherapy first, the therapy second).
/// - **Outcome**: overall survival from the line's start (death; censored at the end of observation).
/// - **Arms**: n, deaths and the Kaplan–Meier median OS with its 95% interval (log bounds,
///   Brookmeyer–Crowley), in months of 30.4375 days.
/// - **Model**: Cox proportional hazards, Efron ties, `Surv(os_days, death) ~ treated + age10 + stage
///   + factor(line)` where `age10` = age at diagnosis / 10, `stage` the ordinal stage 0–4, `line` the
///   setting (only when both arms span more than one). A covariate known for fewer than half the
///   rows, or constant, is left out; rows missing an included covariate are dropped (complete cases).
///   HR = exp(β_treated) with its 95% Wald interval; lines are treated as independent (no robust
///   variance).
/// - **Proportional hazards**: `cox.zph(fit, transform = "km")`, the treatment term and the global test.
/// - **Gates**: both arms need `gates.minimumPatients` patients and `gates.minimumEvents` deaths
///   before any HR or median is reported.
/// - **Grade**: see `RealWorldGrade`.
public enum RealWorldAnalysis {
    /// Days per month used for every month figure.
    public static let daysPerMonth = 30.4375

    /// The model formula as reported.
    public static func formula(covariates: [String]) -> String {
        let rhs = (["treated"] + covariates.map { $0 == "line" ? "factor(line)" : $0 }).joined(separator: " + ")
        return "coxph(Surv(os_days, death) ~ \(rhs), ties = \"efron\")"
    }

    /// The lines of a cohort with each line's drugs as canonical sets, computed once per cohort.
    public struct PreparedLines: Sendable {
        public let table: LineOutcomeTable
        /// Canonical drug set of each line.
        public let drugSets: [Set<String>]
        /// Row ranges of each person's lines (rows are ordered by person, then line).
        let personRanges: [Range<Int>]

        public init(_ table: LineOutcomeTable) {
            self.table = table
            var sets: [Set<String>] = []
            sets.reserveCapacity(table.count)
            var cache: [String: String] = [:]
            for i in 0..<table.count {
                var s = Set<String>()
                for d in table.drugs(ofLine: i) {
                    if let c = cache[d] { s.insert(c) } else { let c = DrugName.canonical(d); cache[d] = c; s.insert(c) }
                }
                sets.append(s)
            }
            drugSets = sets
            var ranges: [Range<Int>] = []
            var i = 0
            while i < table.count {
                var j = i + 1
                while j < table.count, table.personIDs[j] == table.personIDs[i] { j += 1 }
                ranges.append(i..<j)
                i = j
            }
            personRanges = ranges
        }

        /// Regimens (canonical drug sets) and the number of distinct patients who received each, in any line.
        public func regimenCounts() -> [[String]: Int] {
            var out: [[String]: Int] = [:]
            for r in personRanges {
                var seen = Set<[String]>()
                for i in r where !drugSets[i].isEmpty { seen.insert(drugSets[i].sorted()) }
                for s in seen { out[s, default: 0] += 1 }
            }
            return out
        }
    }

    static func settingLabel(_ line: Int) -> String { line >= 3 ? "3+" : String(line) }

    /// Compares the therapy's lines with the other lines of the same settings in a cohort.
    /// - Parameters:
    ///   - drugs: the therapy's canonical drug names.
    ///   - expected: the direction the curated evidence claims (benefit for sensitivity).
    public static func analyse(_ lines: PreparedLines, drugs: [String], cohort: RealWorldCohort,
                               expected: ExpectedEffect, gates: RealWorldGates) -> RealWorldEvidence {
        analyse(lines, drugs: drugs, cohort: cohort, expected: expected, gates: gates, comparisons: nil)
    }

    /// `analyse`, taking the arms and the model of a split (treated rows, comparator rows) from
    /// `comparisons` when it has them, and keeping them there.
    static func analyse(_ lines: PreparedLines, drugs: [String], cohort: RealWorldCohort,
                        expected: ExpectedEffect, gates: RealWorldGates, comparisons: RealWorldCache?) -> RealWorldEvidence {
        let t = lines.table
        let therapy = Set(drugs)
        var treatedRows: [Int] = [], comparatorRows: [Int] = []
        var settings = Set<String>()
        for r in lines.personRanges {
            if let i = r.first(where: { !lines.drugSets[$0].isEmpty && therapy.isSubset(of: lines.drugSets[$0]) }) {
                treatedRows.append(i)
                settings.insert(settingLabel(t.lineNumbers[i]))
            }
        }
        if !settings.isEmpty {
            for r in lines.personRanges {
                if let i = r.first(where: { settings.contains(settingLabel(t.lineNumbers[$0])) && !lines.drugSets[$0].isEmpty
                                            && lines.drugSets[$0].isDisjoint(with: therapy) }) {
                    comparatorRows.append(i)
                }
            }
        }
        func arm(_ rows: [Int]) -> RealWorldArm {
            let time = rows.map { t.osDays[$0] / daysPerMonth }, event = rows.map { t.osEvents[$0] }
            let curve = rows.isEmpty ? nil : try? KaplanMeier(time: time, event: event)
            return RealWorldArm(patients: rows.count, events: event.filter { $0 }.count, curve: curve)
        }
        func passes(_ a: RealWorldArm) -> Bool { a.patients >= gates.minimumPatients && a.events >= gates.minimumEvents }
        // The arms and (when the gates pass) the model depend on the rows only: computed once per split.
        let split: RealWorldCache.Comparison
        let compute = { (arms: (RealWorldArm, RealWorldArm)?) -> RealWorldCache.Comparison in
            let (a, b) = arms ?? (arm(treatedRows), arm(comparatorRows))
            let model: FitOutcome? = passes(a) && passes(b) ? Self.fit(t, treated: treatedRows, comparator: comparatorRows) : nil
            return RealWorldCache.Comparison(treated: a, comparator: b, fit: model)
        }
        if let comparisons {
            // Whether the gates pass is known from the counts alone, before any curve is computed.
            let deaths = { (rows: [Int]) in rows.reduce(0) { $0 + (t.osEvents[$1] ? 1 : 0) } }
            let needsFit = treatedRows.count >= gates.minimumPatients && deaths(treatedRows) >= gates.minimumEvents
                && comparatorRows.count >= gates.minimumPatients && deaths(comparatorRows) >= gates.minimumEvents
            split = comparisons.comparison(query: cohort.query, treated: treatedRows, comparator: comparatorRows,
                                           needsFit: needsFit, compute: compute)
        } else {
            split = compute(nil)
        }
        let treated = split.treated, comparator = split.comparator
        let orderedSettings = settings.sorted()
        var ev = RealWorldEvidence(cohort: cohort, expected: expected, treated: treated, comparator: comparator,
                                   settings: orderedSettings, gates: gates, gatesPassed: false, model: nil,
                                   grade: .inconclusive, reason: "")
        guard passes(treated) && passes(comparator) else {
            ev.reason = treatedRows.isEmpty
                ? "no patient of the cohort received it"
                : "below the gates (each arm needs ≥ \(gates.minimumPatients) patients and ≥ \(gates.minimumEvents) deaths)"
            return ev
        }
        ev.gatesPassed = true
        switch split.fit ?? fit(t, treated: treatedRows, comparator: comparatorRows) {
        case .failure(let why):
            ev.reason = "the Cox model could not be estimated (\(why))"
        case .success(let model):
            ev.model = model
            (ev.grade, ev.reason) = grade(model, expected: expected)
        }
        return ev
    }

    enum FitOutcome { case success(RealWorldModel), failure(String) }

    static func fit(_ t: LineOutcomeTable, treated: [Int], comparator: [Int]) -> FitOutcome {
        let rows = treated + comparator
        let isTreated = [Bool](repeating: true, count: treated.count) + [Bool](repeating: false, count: comparator.count)
        let n = rows.count
        let ageKnown = rows.filter { t.ages[$0] != nil }.count, stageKnown = rows.filter { t.stages[$0] != nil }.count
        var useAge = 2 * ageKnown >= n, useStage = 2 * stageKnown >= n
        if useAge, Set(rows.compactMap { t.ages[$0] }).count < 2 { useAge = false }
        if useStage, Set(rows.compactMap { t.stages[$0] }).count < 2 { useStage = false }
        let keep = rows.indices.filter { k in (!useAge || t.ages[rows[k]] != nil) && (!useStage || t.stages[rows[k]] != nil) }
        let lineLevels = Set(keep.map { settingLabel(t.lineNumbers[rows[$0]]) })
        let useLine = lineLevels.count > 1
        var covs: [CoxDesign.Covariate] = [.numeric("treated", keep.map { isTreated[$0] ? 1 : 0 })]
        var names: [String] = []
        if useAge { covs.append(.numeric("age10", keep.map { Double(t.ages[rows[$0]]!) / 10 })); names.append("age10") }
        if useStage { covs.append(.numeric("stage", keep.map { Double(t.stages[rows[$0]]!) })); names.append("stage") }
        if useLine {
            guard let f = try? Factor(keep.map { settingLabel(t.lineNumbers[rows[$0]]) }, levels: lineLevels.sorted()) else {
                return .failure("line factor")
            }
            covs.append(.categorical("line", f)); names.append("line")
        }
        let time = keep.map { t.osDays[rows[$0]] }, event = keep.map { t.osEvents[rows[$0]] }
        guard Set(keep.map { isTreated[$0] }).count == 2 else { return .failure("one arm has no complete-case rows") }
        do {
            let design = try CoxDesign(covs)
            let cox = try CoxFit(time: time, event: event, design: design, options: CoxFit.Options(concordance: false))
            if !cox.problems.isEmpty { return .failure(cox.problems.map(\.description).joined(separator: "; ")) }
            guard let row = cox.coefficientTable.first(where: { $0.name == "treated" }), row.hazardRatio.isFinite else {
                return .failure("no estimate for the treatment term")
            }
            let ph = try cox.proportionalHazardsTest(transform: .km)
            let phTreated = ph.terms.first { $0.name == "treated" }?.pValue ?? .nan
            return .success(RealWorldModel(formula: formula(covariates: names), covariates: names, patients: keep.count,
                                           events: event.filter { $0 }.count, hazardRatio: row.hazardRatio,
                                           lower: row.lower, upper: row.upper, pValue: row.pValue,
                                           proportionalHazardsTreatedP: phTreated, proportionalHazardsGlobalP: ph.global.pValue))
        } catch {
            return .failure("\(error)")
        }
    }

    /// The smallest effect a non-significant estimate must show to count as supportive: HR ≤ 0.8 for
    /// a benefit, HR ≥ 1/0.8 = 1.25 for no benefit.
    public static let meaningfulHazardRatio = 0.8

    /// The grade of a fitted comparison (`RealWorldGrade`).
    public static func grade(_ m: RealWorldModel, expected: ExpectedEffect) -> (RealWorldGrade, String) {
        let hr = m.hazardRatio, lo = m.lower, hi = m.upper
        let phOK = !(m.proportionalHazardsTreatedP < 0.05)
        let agreesAll = expected == .benefit ? hi < 1 : lo > 1
        let meaningful = expected == .benefit ? hr <= meaningfulHazardRatio : hr >= 1 / meaningfulHazardRatio
        let contradictsAll = expected == .benefit ? lo > 1 : hi < 1
        let want = expected == .benefit ? "benefit (HR < 1)" : "no benefit (HR > 1)"
        if agreesAll && phOK { return (.strong, "the 95% interval lies entirely on the side of \(want) and proportional hazards hold") }
        if agreesAll { return (.supportive, "the 95% interval shows \(want), but the treatment effect varies over time (PH p < 0.05)") }
        if meaningful {
            let bound = expected == .benefit ? "≤ \(meaningfulHazardRatio)" : "≥ \(1 / meaningfulHazardRatio)"
            return (.supportive, "the estimate shows a meaningful \(want) (HR \(bound)), but the 95% interval includes 1")
        }
        if contradictsAll { return (.discordant, "the 95% interval lies entirely on the opposite side of \(want)") }
        return (.inconclusive, "the 95% interval includes 1 and the estimate shows no meaningful \(want)")
    }
}
