import Foundation
import Logging
import OncoCore
import Survival
import TargetTrial
import Vocabulary
import Warehouse

/// Runs cohort outcome studies on the warehouse, under its governance.
///
/// `run` checks the project (see `GovernancePolicy`), reads the cohort table, computes the analyses
/// (`CohortAnalysis`), appends an entry to the audit log (refused queries too), and returns the
/// report with small cells suppressed (`CohortReport`).
public enum CohortStudy {
    public struct Options: Sendable {
        /// The research project the query runs under.
        public var project: String?
        /// Today, for project expiry (default: the current UTC date).
        public var today: Day
        /// Also return the analysed rows (pseudonymous keys) as CSV; needs a project that allows it
        /// when governance is on.
        public var exportRows: Bool
        /// Raise (or, for a synthetic warehouse without governance, lower) the small-cell threshold.
        public var minimumCellCount: Int?
        public var hierarchy: TumourTypeHierarchy
        /// The audit key (needed once the warehouse's keys are registered).
        public var keys: GovernanceKeys
        public init(project: String? = nil, today: Day = CohortStudy.today(), exportRows: Bool = false, minimumCellCount: Int? = nil,
                    hierarchy: TumourTypeHierarchy = .embedded, keys: GovernanceKeys = GovernanceKeys()) {
            self.project = project; self.today = today; self.exportRows = exportRows; self.minimumCellCount = minimumCellCount
            self.hierarchy = hierarchy; self.keys = keys
        }
    }

    /// What a run produces.
    public struct Run: Sendable {
        public var report: CohortReport
        /// For a target trial only the population flow (the trial is `targetTrial`).
        public var analysis: CohortAnalysis
        public var audit: AuditEntry
        /// The analysed rows as CSV (`patient_key,group,time,event`), when asked for and allowed.
        public var rowsCSV: String?
        /// The emulated target trial of a `design: target-trial` study, before disclosure control.
        public var targetTrial: TargetTrialResult?
    }

    /// The current UTC date.
    public static func today() -> Day {
        Day(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// Audits a run that left nobody to analyse (`analysed` 0; the cohort's size as shown) before its error is thrown.
    static func auditNobodyAnalysed(_ action: String, plan: CohortPlan, cohortSize: Int, definitionHash: String, minimum: Int,
                                    store: Warehouse, options: Options, logger: Logger) async throws {
        _ = try await store.appendAudit(AuditRecord(action: action, projectID: options.project, definitionSHA256: definitionHash,
                                                    detail: ["study": .string(plan.definition.name),
                                                             "cohortSize": CohortDisclosure(k: minimum).auditValue(cohortSize),
                                                             "analysed": .int(0), "minimumCellCount": .int(minimum)]),
                                        keys: options.keys, logger: logger)
    }

    /// Runs a study.
    /// - Throws: `CohortStudyError.refused` (logged) when governance refuses; `.noPatients`, `.analysis`;
    ///   warehouse errors.
    public static func run(_ plan: CohortPlan, store: Warehouse, options: Options = Options(),
                           logger: Logger = Logger(label: "onco.cohort")) async throws -> Run {
        if plan.screen != nil {
            throw CohortStudyError(.invalidDefinition, "\(plan.source): screen", "a screen runs with `onco cohort screen`")
        }
        let gate = try await authorise(plan, store: store, options: options, logger: logger)
        let (meta, minimum, definitionJSON, definitionHash) = (gate.meta, gate.minimum, gate.definitionJSON, gate.definitionHash)

        if let trial = plan.targetTrial {
            return try await runTargetTrial(plan, trial, store: store, options: options, minimum: minimum, meta: meta,
                                            definitionJSON: definitionJSON, definitionHash: definitionHash, logger: logger)
        }

        // Read.
        let request = try plan.tableRequest(exportRows: options.exportRows)
        let table = try await store.cohortTable(request, logger: logger)
        var lines: [TreatmentLine]?
        if case .therapy? = plan.definition.groups {
            lines = try await store.treatmentLines(cohort: plan.criteria, logger: logger)
        }

        // Analyse.
        var analysis: CohortAnalysis
        do {
            analysis = try CohortAnalysis.compute(plan: plan, table: table, lines: lines)
            analysis.notes += gate.notes
        } catch let e as CohortStudyError where e.code == .noPatients {
            try await auditNobodyAnalysed("cohort.run", plan: plan, cohortSize: table.cohortSize, definitionHash: definitionHash,
                                          minimum: minimum, store: store, options: options, logger: logger)
            throw e
        }

        // Log.
        // Counts in the log go through the same disclosure control as the report (`onco audit log` shows them).
        let dc = CohortDisclosure(k: minimum)
        func count(_ n: Int) -> AuditValue { dc.auditValue(n) }
        var groupCounts: [String: AuditValue] = [:]
        for g in analysis.groups { groupCounts[g.label] = count(g.n) }
        let audit = try await store.appendAudit(AuditRecord(action: "cohort.run", projectID: options.project, definitionSHA256: definitionHash,
            detail: ["study": .string(plan.definition.name), "cohortSize": count(table.cohortSize),
                     "analysed": count(analysis.rows.personIDs.count), "events": count(analysis.groups.reduce(0) { $0 + $1.events }),
                     "groups": .object(groupCounts), "minimumCellCount": .int(minimum), "rowLevelExport": .bool(options.exportRows)]),
            keys: options.keys, logger: logger)
        logger.info("cohort.run", metadata: ["cohort.size": "\(table.cohortSize)", "cohort.analysed": "\(analysis.rows.personIDs.count)"])

        // Report.
        let provenance = Self.provenance(store: store, meta: meta, project: options.project, definitionHash: definitionHash,
                                         minimum: minimum, audit: audit)
        let report = analysis.report(plan: plan, provenance: provenance, definitionJSON: definitionJSON)
        var csv: String?
        if options.exportRows {
            let keys = table.columns.first { $0.column == .patientKey }?.texts ?? []
            let rowOf = Dictionary(table.personIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var out = "patient_key,group,time_\(plan.displayUnit.rawValue),event\r\n"
            for i in analysis.rows.personIDs.indices {
                let key = rowOf[analysis.rows.personIDs[i]].flatMap { keys[$0] } ?? ""
                out += [key, analysis.rows.group[i], CohortAnalysis.numberText(analysis.rows.time[i]), analysis.rows.event[i] ? "1" : "0"]
                    .map(CohortReport.csvField).joined(separator: ",") + "\r\n"
            }
            csv = out
        }
        return Run(report: report, analysis: analysis, audit: audit, rowsCSV: csv)
    }
}

extension CohortStudy {
    /// What governance let through: the warehouse's metadata, the small-cell threshold and the definition's identity.
    struct Authorisation {
        var meta: WarehouseMetadata
        var minimum: Int
        var definitionJSON: String
        var definitionHash: String
        /// Values of attribute conditions that matched no patient beside values that did (report notes).
        var notes: [String] = []
    }

    /// The checks every study passes before it reads a patient: the project (refusals logged and thrown as
    /// `.refused`), the small-cell threshold, then the values of the population's attribute conditions
    /// (`checkAttributeValues`: a value held by nobody is an error, logged as `cohort.invalid`, naming only close
    /// matches held by at least `minimum` patients).
    static func authorise(_ plan: CohortPlan, store: Warehouse, options: Options, logger: Logger) async throws -> Authorisation {
        let meta = try await store.metadata(logger: logger)
        let settings = try await store.governanceSettings(logger: logger)
        let definitionJSON = try plan.definition.canonicalJSON()
        let definitionHash = AuditChain.sha256Hex(definitionJSON)
        let project = try await options.project.asyncMap { try await store.project(id: $0, logger: logger) } ?? nil

        var refusal = GovernancePolicy.refusal(plan: plan, projectID: options.project, project: project, settings: settings,
                                               today: options.today, exportRows: options.exportRows, hierarchy: options.hierarchy)
        // The small-cell threshold: the warehouse's, raised by the study or the caller; lowered only
        // for synthetic data without governance.
        var minimum = max(settings.minimumCellCount, plan.definition.minimumCellCount ?? 0)
        if let m = options.minimumCellCount {
            if m < minimum {
                if settings.enabled || meta.synthetic != true {
                    refusal = refusal ?? "the minimum cell count cannot be lowered below \(minimum) (only for a synthetic warehouse without governance)"
                } else {
                    minimum = m
                }
            } else {
                minimum = m
            }
        }
        if let refusal {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.refused", projectID: options.project, definitionSHA256: definitionHash,
                                                        detail: ["reason": .string(refusal), "study": .string(plan.definition.name)]),
                                            keys: options.keys, logger: logger)
            logger.info("cohort.refused", metadata: ["cohort.project": "\(options.project ?? "-")"])
            throw CohortStudyError(.refused, options.project.map { "project \($0)" } ?? "governance", refusal)
        }

        let notes: [String]
        do {
            notes = try await checkAttributeValues(plan, store: store, minimum: minimum, logger: logger)
        } catch let e as CohortStudyError {
            _ = try await store.appendAudit(AuditRecord(action: "cohort.invalid", projectID: options.project, definitionSHA256: definitionHash,
                                                        detail: ["reason": .string(e.location), "study": .string(plan.definition.name)]),
                                            keys: options.keys, logger: logger)
            throw e
        }
        return Authorisation(meta: meta, minimum: minimum, definitionJSON: definitionJSON, definitionHash: definitionHash, notes: notes)
    }
}

extension CohortStudy {
    /// The provenance every report of a run carries.
    static func provenance(store: Warehouse, meta: WarehouseMetadata, project: String?, definitionHash: String, minimum: Int,
                           audit: AuditEntry) -> CohortReport.Provenance {
        CohortReport.Provenance(
            oncoVersion: OncoVersion.current, warehouseBackend: store.backend.rawValue, warehouseVersion: meta.warehouseVersion,
            schemaVersion: meta.schemaVersion, datasets: meta.datasets.map(\.name), synthetic: meta.synthetic == true,
            generatedAt: audit.at, project: project, definitionSHA256: definitionHash, minimumCellCount: minimum,
            auditEntry: audit.seq)
    }
}

extension Optional {
    func asyncMap<U>(_ f: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let w): return try await f(w)
        case .none: return nil
        }
    }
}

extension CohortDefinition {
    /// The definition as canonical JSON (keys sorted, no white space); its SHA-256 identifies it in the audit log.
    public func canonicalJSON() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }
}
