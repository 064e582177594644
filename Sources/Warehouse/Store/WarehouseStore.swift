import Foundation
import Logging
import OncoCore

/// The clinical data warehouse as the rest of onco sees it: one protocol, two real backends
/// (`SQLiteWarehouseStore`, one file or in memory; `PostgresWarehouseStore` in `WarehousePostgres`).
///
/// Every query answer is deterministic and identical on both backends: rows come ordered by
/// `person_id` (then line or gene), numbers are exact, and derived outcomes are computed by the
/// same code. Outcomes are derived by query, never stored (see `OutcomeEndpoint`). All SQL binds its
/// values; nothing from the caller is spliced into SQL text.
///
/// Open one with `WarehouseLocation(parsing:)` + `WarehouseFactory.open` (module `WarehousePostgres`,
/// which knows both backends), or directly with `SQLiteWarehouseStore(path:)`.
public protocol WarehouseStore: Sendable {
    /// Which backend this is.
    var backend: WarehouseBackend { get }

    /// Creates the schema, or brings it up to date (applies pending migrations). Idempotent.
    func migrate(logger: Logger) async throws

    /// Schema version, warehouse version (bumped by every import that changed something), the
    /// synthetic flag, and the datasets imported so far.
    func metadata(logger: Logger) async throws -> WarehouseMetadata

    /// Row counts, overall and per dataset.
    func stats(logger: Logger) async throws -> WarehouseStats

    /// Writes one dataset in a single transaction: either everything is written, or (on any error,
    /// thrown by the source or by the database) nothing is. A dataset whose name and content hash are
    /// already present is not read again (`ImportOutcome.action == .unchanged`); one with the same
    /// name and a different hash replaces the old rows in the same transaction.
    /// - Parameter progress: called after each batch with running totals (from the importing task).
    func importDataset(_ descriptor: DatasetDescriptor, from source: any WarehouseBatchSource,
                       progress: (@Sendable (ImportProgress) -> Void)?, logger: Logger) async throws -> ImportOutcome

    /// Per-patient (time, event) of an endpoint for a cohort, optionally in groups; see `OutcomeEndpoint`
    /// for the definitions. Arrays are ordered by person id and ready for `Survival`.
    func outcomes(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                  logger: Logger) async throws -> [OutcomeGroup]

    /// The same outcomes aggregated in the database to (time, events, censored) per distinct time and
    /// group: all Kaplan–Meier and log-rank need, without moving one row per patient.
    func outcomeCounts(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                       logger: Logger) async throws -> [OutcomeCountGroup]

    /// Patient profiles for similarity search, columnar (one entry per patient, alterations packed).
    func profiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable

    /// Lines of therapy with their drugs and outcomes, for the patients of a cohort.
    func treatmentLines(cohort: CohortCriteria, logger: Logger) async throws -> [TreatmentLine]

    /// The same profiles as `profiles(cohort:options:logger:)`, read for the similarity index: narrow
    /// per-table reads merged in memory, alterations also dictionary-coded (`ProfileTable.alterationKinds`,
    /// `alterationCodes`). A default implementation calls `profiles`; both onco stores override it.
    func similarityProfiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable

    /// Person ids and pseudonymous keys (`person_source_value`) of a cohort, ordered by person id: maps
    /// similarity-search neighbours (keys) back to persons, and lists who is in the warehouse. A default
    /// implementation reads them through `profiles(cohort:options:logger:)`.
    func personKeys(cohort: CohortCriteria, logger: Logger) async throws -> PersonKeys

    /// Every line of therapy of a cohort (criteria plus molecular conditions) with OS from the line's
    /// start, age, stage and drugs, for real-world-evidence analyses; see `LineOutcomeTable`. Written
    /// to stay fast on large warehouses: the cohort is built from its most selective indexed condition.
    func lineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable

    /// `lineOutcomes` of several cohorts at once (in order), reading the lines of their union once.
    func lineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable]

    /// Person ids matching the criteria, ascending.
    func selectCohort(_ cohort: CohortCriteria, logger: Logger) async throws -> [Int64]

    /// Values of the clinical attribute `name` for the cohort's patients (patient-level values, and
    /// the first specimen's value for sample attributes), ordered by person id.
    func attributeValues(_ name: String, cohort: CohortCriteria, logger: Logger) async throws -> [AttributeValue]

    /// Releases connections. The store must not be used afterwards.
    func close() async throws
}

public enum WarehouseBackend: String, Sendable, Hashable, CustomStringConvertible {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"
    public var description: String { rawValue }
}

/// Where a warehouse lives, parsed from a `--db` string: `postgres://` / `postgresql://` URLs are
/// PostgreSQL, `:memory:` is an in-memory SQLite database, anything else is a SQLite file path.
public enum WarehouseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqliteFile(String)
    case sqliteInMemory
    case postgres(url: String)

    /// The default file in the working directory.
    public static let defaultPath = "./onco-warehouse.sqlite"

    public init(parsing db: String?) {
        guard let db, !db.isEmpty else { self = .sqliteFile(Self.defaultPath); return }
        let lower = db.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(url: db)
        } else if db == ":memory:" {
            self = .sqliteInMemory
        } else {
            self = .sqliteFile(db)
        }
    }

    /// Safe to print: a PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqliteFile(let p): return p
        case .sqliteInMemory: return ":memory:"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }
}

/// What the warehouse says about itself.
public struct WarehouseMetadata: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    /// Increases by one with every import that changed the warehouse; caches key on it.
    public var warehouseVersion: Int
    /// nil while empty; true when the warehouse holds synthetic data only (real and synthetic data
    /// are never mixed in one warehouse).
    public var synthetic: Bool?
    public var datasets: [DatasetInfo]
    public var migrations: [String]
}

/// One imported dataset.
public struct DatasetInfo: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    public var sourceKind: String
    public var contentSHA256: String
    public var synthetic: Bool
    public var importedAt: String
    public var warehouseVersion: Int
    public var patients: Int
    public var samples: Int
    public var mutations: Int
    public var treatmentRows: Int
    /// For a synthetic dataset generated with traps, the planted truth (JSON); nil otherwise.
    public var plantedTruth: String? = nil
}

/// Row counts.
public struct WarehouseStats: Sendable, Hashable, Codable {
    public var patients: Int
    public var samples: Int
    public var mutations: Int
    /// `drug_exposure` rows (one per agent per treatment record).
    public var treatmentRows: Int
    public var linesOfTherapy: Int
    public var deaths: Int
    public var measurements: Int
    public var clinicalAttributes: Int
    /// Patients per tumour type (OncoTree code; `unknown` when none), sorted by code.
    public var patientsByTumourType: [TumourTypeCount]
    public var datasets: [DatasetInfo]
}

public struct TumourTypeCount: Sendable, Hashable, Codable {
    public var tumourType: String
    public var patients: Int
}

/// Running totals of an import.
public struct ImportProgress: Sendable, Hashable {
    public var batches: Int
    public var patients: Int
    public var rows: Int
}

/// What an import did.
public struct ImportOutcome: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// A new dataset was written.
        case imported
        /// The same dataset (name and content hash) was already there; nothing was written.
        case unchanged
        /// A dataset of this name with other content was replaced.
        case replaced
    }
    public var action: Action
    public var dataset: DatasetInfo
    public var warehouseVersion: Int
    public var rowsWritten: Int
}

/// The date an outcome is measured from.
public enum IndexEvent: Sendable, Hashable, Codable {
    /// The diagnosis (`condition_occurrence.condition_start_date`, the earliest one).
    case diagnosis
    /// The start of line of therapy `n` (`episode` with `episode_number = n`).
    case lineStart(Int)
}

/// Outcome definitions. Every endpoint is censored at the end of the person's observation
/// (`observation_period_end_date`, the latest one); patients without the index event, or whose
/// end falls before the index, are left out.
public enum OutcomeEndpoint: Sendable, Hashable, Codable {
    /// Index → death (event) or end of observation (censored).
    case overallSurvival(from: IndexEvent)
    /// Index → the first recorded progression after the index (on or after it for diagnosis,
    /// strictly after it for a line start) or death, whichever first (event); else censored.
    case progressionFreeSurvival(from: IndexEvent)
    /// Start of line `line` → start of the next line (`line + 1`) or death, whichever first (event);
    /// else censored at end of observation.
    case timeToNextTreatment(line: Int)
}

/// How outcome rows are grouped.
public enum OutcomeGrouping: Sendable, Hashable, Codable {
    case none
    /// By tumour type (OncoTree code of the diagnosis; `unknown` when absent).
    case tumourType
    /// By the value of a clinical attribute (patient level, else first specimen); `NA` when absent.
    case attribute(String)
}

/// Per-patient times and events of one group. `days` are whole days; `events[i]` is true for an event.
public struct OutcomeData: Sendable, Hashable, Codable {
    public var personIDs: [Int64]
    public var days: [Double]
    public var events: [Bool]
    public init(personIDs: [Int64] = [], days: [Double] = [], events: [Bool] = []) {
        self.personIDs = personIDs; self.days = days; self.events = events
    }
    public var count: Int { personIDs.count }
}

public struct OutcomeGroup: Sendable, Hashable, Codable {
    /// `all` when not grouped.
    public var label: String
    public var data: OutcomeData
}

/// Aggregated outcomes of one group: for each distinct time, how many events and censorings.
public struct OutcomeCountGroup: Sendable, Hashable, Codable {
    public var label: String
    public var days: [Double]
    public var events: [Int]
    public var censored: [Int]
    /// Number of patients (sum of events and censored).
    public var total: Int { events.reduce(0, +) + censored.reduce(0, +) }
}

/// Which patients. Every non-empty criterion must hold (AND); lists inside one criterion are ORs
/// except `alteredGenes`, `variants`, `alterations` and `therapies`, where each listed item must hold.
public struct CohortCriteria: Sendable, Hashable, Codable {
    /// Tumour types (OncoTree codes of the diagnosis), any of. Codes are matched exactly: expand an
    /// OncoTree code to its descendants before (CohortStudy does).
    public var tumourTypes: [String]
    /// Genes with at least one non-synonymous variant or gene-level alteration; all of.
    public var alteredGenes: [String]
    /// Specific protein changes (gene + 1-letter HGVSp, e.g. BRAF `p.V600E`); all of.
    public var variants: [GeneVariant]
    /// Clinical attribute conditions; all of.
    public var attributes: [AttributeFilter]
    /// Received any of these drugs (lower-case generic names) in any line.
    public var drugs: [String]
    /// Dataset names, any of.
    public var datasets: [String]
    /// Explicit person ids, any of.
    public var personIDs: [Int64]?
    /// Explicit pseudonymous patient keys (`person_source_value`), any of.
    public var patientKeys: [String]?
    /// Stage at diagnosis as its ordinal (0 for stage 0, 1–4 for I–IV), any of.
    public var stages: [Int]
    /// Age at diagnosis in whole years (diagnosis year − year of birth; unknown ages never match).
    public var age: NumericRange?
    /// Sex, any of.
    public var sexes: [Sex]
    /// Tumour mutational burden (mutations/Mb, the highest over the patient's specimens).
    public var tmb: NumericRange?
    /// Diagnosis date (the earliest diagnosis) within the range.
    public var diagnosed: DayRange?
    /// Alteration conditions (gene, optional HGVSp, classes; present or absent); all of.
    public var alterations: [AlterationFilter]
    /// Therapy conditions (any of some drugs, optionally in one line; received or not); all of.
    public var therapies: [TherapyFilter]

    public init(tumourTypes: [String] = [], alteredGenes: [String] = [], variants: [GeneVariant] = [],
                attributes: [AttributeFilter] = [], drugs: [String] = [], datasets: [String] = [],
                personIDs: [Int64]? = nil, patientKeys: [String]? = nil, stages: [Int] = [], age: NumericRange? = nil, sexes: [Sex] = [],
                tmb: NumericRange? = nil, diagnosed: DayRange? = nil, alterations: [AlterationFilter] = [],
                therapies: [TherapyFilter] = []) {
        self.tumourTypes = tumourTypes; self.alteredGenes = alteredGenes; self.variants = variants
        self.attributes = attributes; self.drugs = drugs; self.datasets = datasets; self.personIDs = personIDs
        self.patientKeys = patientKeys
        self.stages = stages; self.age = age; self.sexes = sexes; self.tmb = tmb; self.diagnosed = diagnosed
        self.alterations = alterations; self.therapies = therapies
    }

    enum CodingKeys: String, CodingKey {
        case tumourTypes, alteredGenes, variants, attributes, drugs, datasets, personIDs, patientKeys, stages, age, sexes, tmb, diagnosed,
             alterations, therapies
    }

    /// Decodes with every key optional (criteria written before a field existed still read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tumourTypes: try c.decodeIfPresent([String].self, forKey: .tumourTypes) ?? [],
                  alteredGenes: try c.decodeIfPresent([String].self, forKey: .alteredGenes) ?? [],
                  variants: try c.decodeIfPresent([GeneVariant].self, forKey: .variants) ?? [],
                  attributes: try c.decodeIfPresent([AttributeFilter].self, forKey: .attributes) ?? [],
                  drugs: try c.decodeIfPresent([String].self, forKey: .drugs) ?? [],
                  datasets: try c.decodeIfPresent([String].self, forKey: .datasets) ?? [],
                  personIDs: try c.decodeIfPresent([Int64].self, forKey: .personIDs),
                  patientKeys: try c.decodeIfPresent([String].self, forKey: .patientKeys),
                  stages: try c.decodeIfPresent([Int].self, forKey: .stages) ?? [],
                  age: try c.decodeIfPresent(NumericRange.self, forKey: .age),
                  sexes: try c.decodeIfPresent([Sex].self, forKey: .sexes) ?? [],
                  tmb: try c.decodeIfPresent(NumericRange.self, forKey: .tmb),
                  diagnosed: try c.decodeIfPresent(DayRange.self, forKey: .diagnosed),
                  alterations: try c.decodeIfPresent([AlterationFilter].self, forKey: .alterations) ?? [],
                  therapies: try c.decodeIfPresent([TherapyFilter].self, forKey: .therapies) ?? [])
    }

    /// Everyone.
    public static let all = CohortCriteria()
}

/// Inclusive numeric bounds, either optional.
public struct NumericRange: Sendable, Hashable, Codable {
    public var min: Double?
    public var max: Double?
    public init(min: Double? = nil, max: Double? = nil) { self.min = min; self.max = max }
    public func contains(_ x: Double) -> Bool { (min.map { x >= $0 } ?? true) && (max.map { x <= $0 } ?? true) }
}

/// Inclusive calendar-day bounds, either optional.
public struct DayRange: Sendable, Hashable, Codable {
    public var from: Day?
    public var to: Day?
    public init(from: Day? = nil, to: Day? = nil) { self.from = from; self.to = to }
}

/// A condition on a patient's somatic alterations in one gene.
///
/// A patient is *genotyped* when they have at least one specimen; `present: true` matches genotyped
/// patients with at least one qualifying row, `present: false` genotyped patients with none (wild-type).
public struct AlterationFilter: Sendable, Hashable, Codable {
    public var gene: String
    /// 1-letter (or 3-letter) HGVSp; nil for any change in the gene.
    public var hgvsp: String?
    /// The `consequence_class` values (`Consequence.Class`) and gene-level alteration kinds
    /// (`amplification`, `deletion`, `fusion`) that count.
    public var classes: [String]
    /// Only rows whose FILTER is PASS or empty.
    public var passOnly: Bool
    /// True: altered; false: wild-type.
    public var present: Bool

    /// Non-synonymous coding changes (truncating incl. splice donor/acceptor and start lost, missense
    /// incl. stop lost, in-frame indels) and gene-level alterations: the MAF `Variant_Classification`s
    /// Missense, Nonsense, Frame_Shift_Del/Ins, In_Frame_Del/Ins, Splice_Site, Nonstop and
    /// Translation_Start_Site, as cBioPortal counts a gene "mutated". Splice-region and synonymous
    /// changes do not count.
    public static let nonSynonymousClasses = ["truncating", "missense", "inframeIndel", "amplification", "deletion", "fusion"]

    public init(gene: String, hgvsp: String? = nil, classes: [String] = AlterationFilter.nonSynonymousClasses,
                passOnly: Bool = false, present: Bool = true) {
        self.gene = gene; self.hgvsp = hgvsp; self.classes = classes; self.passOnly = passOnly; self.present = present
    }
}

/// A condition on the drugs a patient received.
public struct TherapyFilter: Sendable, Hashable, Codable {
    /// Lower-case generic names; any of.
    public var drugs: [String]
    /// Only in this line of therapy (1-based); nil for any line or drug exposure.
    public var line: Int?
    /// True: received; false: never received (in that line).
    public var received: Bool
    public init(drugs: [String], line: Int? = nil, received: Bool = true) {
        self.drugs = drugs; self.line = line; self.received = received
    }
}

public struct GeneVariant: Sendable, Hashable, Codable {
    public var gene: String
    /// 1-letter (`p.V600E`) or 3-letter (`p.Val600Glu`); compared in 1-letter form.
    public var hgvsp: String
    public init(gene: String, hgvsp: String) { self.gene = gene; self.hgvsp = hgvsp }
}

/// A condition on a clinical attribute (patient- or sample-level).
public enum AttributeFilter: Sendable, Hashable, Codable {
    /// Text equal to one of the values (case-sensitive, as imported).
    case oneOf(String, [String])
    /// Numeric value within [min, max] (either bound optional).
    case range(String, min: Double?, max: Double?)
}

/// One attribute value of one patient.
public struct AttributeValue: Sendable, Hashable, Codable {
    public var personID: Int64
    public var value: String
    public var number: Double?
}

/// What goes into profiles.
public struct ProfileOptions: Sendable, Hashable, Codable {
    /// Only variants whose FILTER is PASS or empty.
    public var passOnly: Bool
    /// Consequence classes kept (`Consequence.Class` raw values); gene-level alterations are always kept.
    public var consequenceClasses: [String]
    public init(passOnly: Bool = false,
                consequenceClasses: [String] = ["truncating", "missense", "inframeIndel", "splice"]) {
        self.passOnly = passOnly; self.consequenceClasses = consequenceClasses
    }
}

/// One altered gene in a profile.
public struct ProfileAlteration: Sendable, Hashable, Codable {
    public var gene: String
    /// `Consequence.Class` raw value, or the alteration kind (`amplification`, `deletion`, `fusion`).
    public var consequenceClass: String
    /// 1-letter HGVSp, or the fusion partners; nil when unknown.
    public var hgvsp: String?
    public init(gene: String, consequenceClass: String, hgvsp: String?) {
        self.gene = gene; self.consequenceClass = consequenceClass; self.hgvsp = hgvsp
    }
}

/// One patient's profile.
public struct PatientProfile: Sendable, Hashable, Codable {
    public var personID: Int64
    public var key: PatientKey
    public var tumourType: String?
    /// `0`, `I`, `II`, `III`, `IV`, or nil.
    public var stage: String?
    /// Age at diagnosis in years.
    public var age: Int?
    public var sex: Sex
    /// Mutations per Mb (the highest over the patient's specimens).
    public var tmb: Double?
    public var lineCount: Int
    /// Sorted by gene, then HGVSp; distinct.
    public var alterations: [ProfileAlteration]
}

/// Person ids and pseudonymous keys, in columns (entry `i` of both is one person), ordered by person id.
public struct PersonKeys: Sendable, Hashable {
    public var personIDs: [Int64]
    public var keys: [String]
    public init(personIDs: [Int64] = [], keys: [String] = []) { self.personIDs = personIDs; self.keys = keys }
    public var count: Int { personIDs.count }
}

public extension WarehouseStore {
    /// Through `profiles` (alterations not dictionary-coded).
    func similarityProfiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        try await profiles(cohort: cohort, options: options, logger: logger)
    }

    /// Through `profiles`: correct for any store, but reads every alteration; both onco stores override it.
    func personKeys(cohort: CohortCriteria, logger: Logger) async throws -> PersonKeys {
        let t = try await profiles(cohort: cohort, options: ProfileOptions(consequenceClasses: []), logger: logger)
        return PersonKeys(personIDs: t.personIDs, keys: t.keys)
    }
}

/// Profiles in columns: entry `i` of every array is patient `i`; the alterations of patient `i` are
/// `alterationStart[i] ..< alterationStart[i + 1]` of the alteration arrays.
///
/// `similarityProfiles` also gives the alterations dictionary-coded: `alterationKinds` lists every distinct
/// (gene, class, HGVSp) of the table once, sorted like a patient's alterations, and `alterationCodes[j]`
/// is the kind of alteration `j` (so a consumer can classify each distinct alteration once); both are
/// empty when a read does not fill them.
public struct ProfileTable: Sendable, Hashable {
    public var personIDs: [Int64] = []
    public var keys: [String] = []
    public var tumourTypes: [String?] = []
    public var stages: [String?] = []
    public var ages: [Int?] = []
    public var sexes: [Sex] = []
    public var tmb: [Double?] = []
    public var lineCounts: [Int] = []
    public var alterationStart: [Int] = [0]
    public var genes: [String] = []
    public var classes: [String] = []
    public var hgvsp: [String?] = []
    /// Distinct alterations of the table, sorted by gene, HGVSp, class.
    public var alterationKinds: [ProfileAlteration] = []
    /// Per alteration, its index in `alterationKinds`.
    public var alterationCodes: [Int32] = []

    public init() {}
    public var count: Int { personIDs.count }

    public subscript(i: Int) -> PatientProfile {
        let r = alterationStart[i]..<alterationStart[i + 1]
        return PatientProfile(personID: personIDs[i], key: PatientKey(keys[i]), tumourType: tumourTypes[i],
                              stage: stages[i], age: ages[i], sex: sexes[i], tmb: tmb[i], lineCount: lineCounts[i],
                              alterations: r.map { ProfileAlteration(gene: genes[$0], consequenceClass: classes[$0], hgvsp: hgvsp[$0]) })
    }
}

/// A (time, event) pair in days.
public struct TimeToEvent: Sendable, Hashable, Codable {
    public var days: Double
    public var event: Bool
    public init(days: Double, event: Bool) { self.days = days; self.event = event }
}

/// A line of therapy of one patient, with its drugs and outcomes measured from its start.
public struct TreatmentLine: Sendable, Hashable, Codable {
    public var personID: Int64
    public var line: Int
    /// Days from diagnosis to the start / end of the line (end nil when not recorded).
    public var startDay: Int
    public var endDay: Int?
    /// Lower-case generic names, sorted, distinct.
    public var drugs: [String]
    /// `drugs` joined with `+`.
    public var regimen: String { drugs.joined(separator: "+") }
    /// Line start → death / end of observation.
    public var overallSurvival: TimeToEvent?
    /// Line start → next line or death / end of observation.
    public var timeToNextTreatment: TimeToEvent?
    /// Line start → progression after the start or death / end of observation.
    public var progressionFreeSurvival: TimeToEvent?
}

/// A warehouse failure, saying what and where; never carries patient identifiers.
public struct WarehouseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            case schemaTooNew, pseudonymKeyMismatch, syntheticMix, missingKey, badLocation, database, invalidData
        }
        fileprivate let base: Base
        public static let schemaTooNew = Code(base: .schemaTooNew)
        public static let pseudonymKeyMismatch = Code(base: .pseudonymKeyMismatch)
        public static let syntheticMix = Code(base: .syntheticMix)
        public static let missingKey = Code(base: .missingKey)
        public static let badLocation = Code(base: .badLocation)
        public static let database = Code(base: .database)
        public static let invalidData = Code(base: .invalidData)
        public var description: String { base.rawValue }
    }
    public let code: Code
    public let message: String
    let detail: String
    public init(_ code: Code, _ message: String, detail: String = "") {
        self.code = code; self.message = message; self.detail = detail
    }
    public var description: String { message }
    public var debugDescription: String { "WarehouseError(\(code), \(message), \(detail))" }
}
