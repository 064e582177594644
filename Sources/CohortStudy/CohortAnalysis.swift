import Foundation
import OncoCore
import Survival
import Warehouse

/// Everything a study computes, before disclosure control: the patient flow, the groups, cut-offs of
/// derived groups, Kaplan–Meier curves, log-rank, Cox and the proportional-hazards test.
///
/// R equivalents: `survfit(Surv(time, event) ~ group)` (KM, log CI by default), `survdiff(… ~ group +
/// strata(s))`, `coxph(Surv(time, event) ~ group + covariates + strata(s), ties = "efron")`, `cox.zph`.
/// All times here are in the endpoint's native unit (days, or the study attribute's unit);
/// `timeScale` converts them to the display unit.
public struct CohortAnalysis: Sendable {
    public struct Group: Sendable {
        public var label: String
        public var n: Int
        public var events: Int
        public var curve: KaplanMeier?
        public var censored: Int { n - events }
    }

    public struct Cutoff: Sendable, Hashable {
        public var level: String
        public var n: Int
        public var nAbove: Int
        public var value: Double?
    }

    /// A Cox term with the patients behind each of its rows.
    public struct CoxTerm: Sendable {
        public var name: String
        /// Levels (reference first) of a categorical term; nil for numeric.
        public var levels: [String]?
        /// Patients per level (categorical) or one count (numeric).
        public var counts: [Int]
    }

    /// Patients per level of a variable (rows) and group (columns).
    public struct LevelCounts: Sendable {
        public var variable: String
        public var levels: [String]
        public var counts: [[Int]]
    }

    /// The analysed patients, one per row (for a row-level export where the project allows it).
    public struct Rows: Sendable {
        public var personIDs: [Int64] = []
        public var group: [String] = []
        /// In the display unit.
        public var time: [Double] = []
        public var event: [Bool] = []
    }

    public var flow: [(label: String, count: Int)] = []
    public var grouping: String = "all patients"
    public var cutoffs: [Cutoff] = []
    public var groups: [Group] = []
    public var logRank: LogRank?
    public var logRankStrata: [String] = []
    public var cox: CoxFit?
    public var coxTerms: [CoxTerm] = []
    public var coxStrata: [String] = []
    public var proportionalHazards: ProportionalHazardsTest?
    public var levelCounts: LevelCounts?
    /// An alteration-set grouping: the altered group's carriers of each member (a patient may carry several).
    public var setMembers: [(label: String, carriers: Int)] = []
    /// Competing risks of the endpoint's events (`analysis.competingRisks`), nil when not asked.
    public var competingRisks: CompetingRisks?
    public var notes: [String] = []
    /// Native time × timeScale = display time.
    public var timeScale: Double = 1
    public var rows = Rows()

    /// A number as text the way R prints short numbers (`1`, `2.5`).
    static func numberText(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}

extension CohortAnalysis {
    /// One candidate patient before grouping.
    struct Candidate {
        var row: Int          // row of the cohort table
        var time: Double      // native unit
        var event: Bool
    }

    /// Runs the analyses of `plan` on a cohort table (and, for therapy groupings, the patients' lines), in
    /// named steps: the endpoint (`+Candidates`), the landmark, the groups (`+Groups`), the analysed rows,
    /// the curves, the level counts and the log-rank test (`+Models`), Cox (`+Cox`), competing risks.
    /// - Throws: `CohortStudyError.noPatients` when nobody is left; `.analysis` when a model cannot be fitted.
    public static func compute(plan: CohortPlan, table: CohortTable, lines: [TreatmentLine]?) throws -> CohortAnalysis {
        var a = CohortAnalysis()
        a.timeScale = plan.nativeUnit.days / plan.displayUnit.days
        a.flow.append(("matching the population criteria", table.cohortSize))
        let column: [CohortColumn: CohortTable.Column] = Dictionary(table.columns.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })

        // 1. Endpoint (and, for therapy groupings, the line that decides the group).
        let endpoint = a.endpointCandidates(plan: plan, table: table, lines: lines)
        // 2. Landmark.
        let candidates = a.landmarked(endpoint.candidates, plan: plan)
        // 3. Groups.
        let groups = try a.assignGroups(plan: plan, candidates: candidates, therapyGroup: endpoint.therapyGroup, column: column)
        // 4. The analysed rows.
        let data = try a.analysedRows(plan: plan, candidates: candidates, groups: groups, column: column)

        let counts = try a.fitCurves(plan: plan, data)
        a.countLevels(plan: plan, data)
        if plan.runLogRank { a.runLogRank(plan: plan, data, nonEmptyGroups: counts.filter { $0 > 0 }.count) }
        // Cox (R: coxph(Surv(time, event) ~ group + covariates + strata(s))).
        if plan.runCox { try fitCox(plan: plan, a: &a, data) }
        if let cause = plan.competingCause {
            a.competingRisks = Self.computeCompetingRisks(cause: cause, time: data.time, event: data.event, groupCodes: data.groupCodes,
                                                          labels: data.labels, tableRow: data.tableRow, column: column)
        }
        a.exportRows(plan: plan, table: table, data)
        return a
    }

    /// Rows for export, in the display unit.
    mutating func exportRows(plan: CohortPlan, table: CohortTable, _ data: AnalysedData) {
        rows.personIDs = data.tableRow.map { table.personIDs[$0] }
        rows.group = data.groupCodes.map { data.labels[Int($0)] }
        // (t × native days) / display days: days → months is then exactly t / 30.4375, as R's t / 30.4375.
        let nativeDays = plan.nativeUnit.days, displayDays = plan.displayUnit.days
        rows.time = data.time.map { $0 * nativeDays / displayDays }
        rows.event = data.event
    }

    /// The cut-off of the top `percent`%: R's `quantile(xs, 1 - percent/100, type = type)`; of the
    /// bottom `percent`%: `quantile(xs, percent/100, type = type)`. Members are at or above (at or
    /// below) it, ties included.
    static func cutoff(_ xs: [Double], percent: Double, bottom: Bool, type: QuantileType) -> Double {
        precondition(!xs.isEmpty)
        let p = percent / 100
        return type.quantile(sorted: xs.sorted(), probability: bottom ? p : 1 - p)
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SurvivalError {
            throw CohortStudyError(.analysis, "", "the survival analysis failed: \(e)")
        }
    }
}

extension Factor {
    /// Codes with their labels (no checks beyond `init(codes:levels:)`).
    init(codes: [Int32], labels: [String]) { self.init(codes: codes, levels: labels) }
}
