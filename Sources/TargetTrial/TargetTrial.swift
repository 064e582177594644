import OncoCore
import Survival
import Vocabulary
import Warehouse

/// The real-world comparison of one therapy as an emulated target trial on a cohort's lines of
/// therapy (`LineOutcomeTable`). See `TargetTrialProtocol` for the settings and `table()` for the
/// design as printed; the steps are:
///
/// 1. **Entries** (`TargetTrial+Entries.swift`): each line of a patient that meets the eligibility at
///    its start (time zero) is one trial entry, in the arm of what was started (sequential trials).
/// 2. **Propensity** (`TargetTrial+Propensity.swift`): covariates at time zero, logistic regression,
///    weights and their truncation.
/// 3. **Diagnostics** (`TargetTrial+Diagnostics.swift`): balance (standardised mean differences) and
///    positivity.
/// 4. **Estimates** (`TargetTrial+Estimates.swift`): weighted Kaplan–Meier per arm, weighted Cox HR
///    with cluster-robust variance, naive HR, RMST difference, E-value.
///
/// Degenerate data never throw and never give a silent number: the result is `inconclusive` with
/// the reason. Only a protocol out of range throws.
public enum TargetTrial {
    /// The comparator strategy.
    public enum Comparator: Sendable, Hashable, Codable {
        /// Another line in the same setting without any of the therapy's drugs (active comparator).
        case otherLines
        /// A line in the same setting containing all of these drugs (canonical names) and none of the
        /// therapy's.
        case drugs([String])

        func describe(therapy: String) -> String {
            switch self {
            case .otherLines: return "start another line in the same setting without any of \(therapy)'s drugs (active comparator; lines without recorded drugs left out)"
            case .drugs(let d): return "start a line containing \(d.joined(separator: " + ")) without any of \(therapy)'s drugs (active comparator)"
            }
        }
    }

    /// A cohort's lines with each line's drugs as canonical sets (`DrugName.canonical`) and each
    /// patient's rows, computed once and shared by every therapy analysed on the cohort.
    public struct PreparedLines: Sendable {
        public let table: LineOutcomeTable
        /// Canonical drug set of each line (computed from the codes on each access).
        public var drugSets: [Set<String>] {
            (0..<table.count).map { i in Set(drugCodes(ofLine: i).map { drugNames[Int($0)] }) }
        }
        /// Row ranges of each person's lines (rows are ordered by person, then line).
        public let personRanges: [Range<Int>]
        /// The same drugs as integer codes, shared by every therapy's trial on these lines: the table's
        /// canonical drug names (sorted) and each line's codes (`lineDrugs[lineDrugStart[i]..<lineDrugStart[i + 1]]`).
        let drugNames: [String]
        let drugCode: [String: Int32]
        let lineDrugs: [Int32]
        let lineDrugStart: [Int]
        /// Each row's index in `personRanges`.
        let personOfRow: [Int]

        /// The time-zero columns (`sexes` ... `biomarkerKnownBy`) may be empty, meaning not recorded
        /// for any line (tables built before they existed).
        /// - Throws: `TargetTrialError.invalidInput` when a column's length differs from the lines'
        ///   (other than an empty time-zero column), or an OS time is negative or not finite.
        public init(_ table: LineOutcomeTable) throws {
            let n = table.count
            let lengths: [(String, Int)] = [
                ("lineNumbers", table.lineNumbers.count), ("startDays", table.startDays.count), ("osDays", table.osDays.count),
                ("osEvents", table.osEvents.count), ("ages", table.ages.count), ("stages", table.stages.count),
                ("drugStart", table.drugStart.count - 1), ("sexes", table.sexes.count), ("tumourTypes", table.tumourTypes.count),
                ("startYears", table.startYears.count), ("performanceStatus", table.performanceStatus.count),
                ("tmb", table.tmb.count), ("biomarkerKnownDays", table.biomarkerKnownDays.count),
                ("biomarkerKnownBy", table.biomarkerKnownBy.count)]
            // The time-zero columns may be empty: not recorded for any line (all nil).
            let optional: Set<String> = ["sexes", "tumourTypes", "startYears", "performanceStatus", "tmb", "biomarkerKnownDays",
                                         "biomarkerKnownBy"]
            for (name, c) in lengths where c != n && !(c == 0 && optional.contains(name)) {
                throw TargetTrialError(.invalidInput, field: "LineOutcomeTable.\(name)", value: "\(c) rows",
                                       requirement: "must have one value per line (\(n) lines)")
            }
            for i in 0..<n {
                guard table.osDays[i].isFinite, table.osDays[i] >= 0 else {
                    throw TargetTrialError(.invalidInput, field: "LineOutcomeTable.osDays[\(i)]", value: "\(table.osDays[i])",
                                           requirement: "must be finite and ≥ 0")
                }
            }
            var table = table
            func fill<T>(_ c: inout [T?]) { if c.isEmpty { c = [T?](repeating: nil, count: n) } }
            fill(&table.sexes); fill(&table.tumourTypes); fill(&table.startYears); fill(&table.performanceStatus)
            fill(&table.tmb); fill(&table.biomarkerKnownDays); fill(&table.biomarkerKnownBy)
            self.table = table
            // the drugs as codes of the sorted canonical names: each distinct stored name is made
            // canonical once, then each line's codes are sorted and made distinct
            var rawCode: [String: Int32] = [:]
            var rawNames: [String] = []
            var rawOfDrug = [Int32](repeating: 0, count: table.drugs.count)
            for (k, d) in table.drugs.enumerated() {
                if let c = rawCode[d] { rawOfDrug[k] = c; continue }
                let c = Int32(rawNames.count)
                rawCode[d] = c; rawNames.append(d); rawOfDrug[k] = c
            }
            let canonicalOfRaw = rawNames.map(DrugName.canonical)
            drugNames = Set(canonicalOfRaw).sorted()
            var code: [String: Int32] = [:]
            for (k, d) in drugNames.enumerated() { code[d] = Int32(k) }
            drugCode = code
            let codeOfRaw = canonicalOfRaw.map { code[$0]! }
            var flat: [Int32] = [], start = [0]
            flat.reserveCapacity(table.drugs.count)
            start.reserveCapacity(n + 1)
            var line: [Int32] = []
            for i in 0..<n {
                line.removeAll(keepingCapacity: true)
                for k in table.drugStart[i]..<table.drugStart[i + 1] { line.append(codeOfRaw[Int(rawOfDrug[k])]) }
                line.sort()
                for (j, c) in line.enumerated() where j == 0 || line[j - 1] != c { flat.append(c) }
                start.append(flat.count)
            }
            var ranges: [Range<Int>] = []
            var personOfRow = [Int](repeating: 0, count: n)
            var i = 0
            while i < n {
                var j = i + 1
                while j < n, table.personIDs[j] == table.personIDs[i] { j += 1 }
                for r in i..<j { personOfRow[r] = ranges.count }
                ranges.append(i..<j)
                i = j
            }
            personRanges = ranges
            self.personOfRow = personOfRow
            lineDrugs = flat
            lineDrugStart = start
        }

        /// The drug codes of line `i`, ascending.
        func drugCodes(ofLine i: Int) -> ArraySlice<Int32> { lineDrugs[lineDrugStart[i]..<lineDrugStart[i + 1]] }

        /// Regimens (sorted canonical drug sets) and the number of distinct patients who received each, in any line.
        public func regimenCounts() -> [[String]: Int] {
            var out: [[String]: Int] = [:]
            for r in personRanges {
                var seen = Set<ArraySlice<Int32>>()
                for i in r where lineDrugStart[i] < lineDrugStart[i + 1] { seen.insert(drugCodes(ofLine: i)) }
                for s in seen { out[s.map { drugNames[Int($0)] }, default: 0] += 1 }
            }
            return out
        }
    }

    /// The setting label of a line number: `1`, `2`, `3+`.
    public static func settingLabel(_ line: Int) -> String { line >= 3 ? "3+" : String(line) }

    /// Runs the target trial of `therapy` (canonical drug names) against `comparator` on a cohort's lines.
    /// - Throws: `TargetTrialError` for a protocol out of range, a therapy without drugs or a table
    ///   whose columns differ in length. Data that cannot support an estimate give an inconclusive result.
    public static func analyse(lines: LineOutcomeTable, therapy: [String], comparator: Comparator = .otherLines,
                               protocol trialProtocol: TargetTrialProtocol = TargetTrialProtocol()) throws -> TargetTrialResult {
        try analyse(prepared: PreparedLines(lines), therapy: therapy, comparator: comparator, protocol: trialProtocol)
    }

    /// `analyse(lines:...)` on lines prepared once for several therapies.
    public static func analyse(prepared: PreparedLines, therapy: [String], comparator: Comparator = .otherLines,
                               protocol p: TargetTrialProtocol = TargetTrialProtocol()) throws -> TargetTrialResult {
        try run(prepared: prepared, therapy: therapy, comparator: comparator, protocol: p).result
    }

    /// A trial's result with each arm's weighted Kaplan–Meier curve as a `Survival.KaplanMeier`, for
    /// plots (not encoded): the same S as `ArmEstimate`, its bands from the per-entry infinitesimal
    /// jackknife (R `survfit(..., weights = w)` without `id`); nil when the trial stopped before the curves.
    public struct Analysis: Sendable {
        public var result: TargetTrialResult
        public var treatedCurve: KaplanMeier?
        public var comparatorCurve: KaplanMeier?
        public init(result: TargetTrialResult, treatedCurve: KaplanMeier? = nil, comparatorCurve: KaplanMeier? = nil) {
            self.result = result; self.treatedCurve = treatedCurve; self.comparatorCurve = comparatorCurve
        }
    }

    /// `analyse(prepared:...)` with the arms' curves for plots.
    public static func run(prepared: PreparedLines, therapy: [String], comparator: Comparator = .otherLines,
                           protocol p: TargetTrialProtocol = TargetTrialProtocol()) throws -> Analysis {
        try p.validate()
        let drugs = Array(Set(therapy.map(DrugName.canonical))).sorted()
        guard !drugs.isEmpty, !drugs.contains("") else {
            throw TargetTrialError(.invalidInput, field: "therapy", value: "\(therapy)", requirement: "must name at least one drug")
        }
        if case .drugs(let c) = comparator {
            let cs = Set(c.map(DrugName.canonical))
            guard !cs.isEmpty, cs.isDisjoint(with: drugs) else {
                throw TargetTrialError(.invalidInput, field: "comparator", value: "\(c)",
                                       requirement: "must name at least one drug, none of the therapy's")
            }
        }
        let name = drugs.joined(separator: " + ")
        let built = buildEntries(prepared, therapy: Set(drugs), comparator: comparator, protocol: p)
        let comparatorText = comparator.describe(therapy: name)
        var result = TargetTrialResult(trialProtocol: p, table: p.table(therapy: name, comparator: comparatorText, settings: built.settings),
                                       therapy: drugs, comparator: comparatorText, settings: built.settings,
                                       status: .estimated, reasons: [], flow: built.flow)
        if built.settings.isEmpty {
            result.inconclusive("no eligible line of the cohort started \(name)")
            return Analysis(result: result)
        }
        let covariates = covariateColumns(prepared, entries: built.entries, protocol: p)
        let curves = estimate(entries: built.entries, covariates: covariates, protocol: p, into: &result)
        return Analysis(result: result, treatedCurve: curves?.treated, comparatorCurve: curves?.comparator)
    }
}
