import Foundation
import Logging
import OncoCore
import TargetTrial
import Warehouse

extension CohortStudy {
    /// Runs a `design: target-trial` study (after the governance checks of `run`): reads the population's
    /// lines of therapy with their time-zero facts (`lineOutcomes`), runs the trial (`TargetTrial.analyse`),
    /// logs it and returns the report, whose `targetTrial` section holds the protocol, flow, balance,
    /// positivity and estimates under the same disclosure control as every cohort report.
    /// - Throws: `CohortStudyError.invalidDefinition` for a row-level export (not available for a trial)
    ///   or a protocol the trial rejects; `.noPatients` when the population has no line of therapy.
    static func runTargetTrial(_ plan: CohortPlan, _ trial: TargetTrialPlan, store: Warehouse, options: Options,
                               minimum: Int, meta: WarehouseMetadata, definitionJSON: String, definitionHash: String,
                               logger: Logger) async throws -> Run {
        if options.exportRows {
            throw CohortStudyError(.invalidDefinition, "--export-rows", "row-level export is not available for a target-trial design (its entries are lines, weighted)")
        }
        let dc = CohortDisclosure(k: minimum)
        let lines = try await store.lineOutcomes(LineOutcomeQuery(cohort: plan.criteria, biomarkers: trial.biomarkers), logger: logger)
        let patientsWithLines = Set(lines.personIDs).count
        func auditRun(_ detail: [String: AuditValue]) async throws -> AuditEntry {
            var d: [String: AuditValue] = ["study": .string(plan.definition.name), "design": .string("target-trial"),
                                           "cohortSize": dc.auditValue(lines.cohortSize), "minimumCellCount": .int(minimum),
                                           "rowLevelExport": .bool(false)]
            d.merge(detail) { _, new in new }
            return try await store.appendAudit(AuditRecord(action: "cohort.run", projectID: options.project, definitionSHA256: definitionHash,
                                                           detail: d), keys: options.keys, logger: logger)
        }
        guard lines.count > 0 else {
            _ = try await auditRun(["analysed": .int(0)])
            throw CohortStudyError(.noPatients, plan.source, "no patient of the population has a line of therapy (population \(dc.count(lines.cohortSize)))")
        }
        let result: TargetTrialResult
        do {
            result = try TargetTrial.analyse(lines: lines, therapy: trial.treatmentDrugs, comparator: trial.comparator, protocol: trial.trialProtocol)
        } catch let e as TargetTrialError {
            throw CohortStudyError(.invalidDefinition, "\(plan.source): design", "\(e)")
        }
        let f = result.flow
        let audit = try await auditRun([
            "analysed": dc.auditValue(f.treatedEntries + f.comparatorEntries), "unit": .string("trial entries (lines of therapy)"),
            "groups": .object([trial.treatmentLabel: dc.auditValue(f.treatedEntries), trial.comparatorLabel: dc.auditValue(f.comparatorEntries)]),
            "events": dc.auditValue(f.treatedEvents + f.comparatorEvents), "status": .string(result.status.rawValue),
        ])
        logger.info("cohort.run", metadata: ["cohort.size": "\(lines.cohortSize)", "cohort.design": "target-trial"])

        let provenance = Self.provenance(store: store, meta: meta, project: options.project, definitionHash: definitionHash,
                                         minimum: minimum, audit: audit)
        let section = TargetTrialSection(result, therapy: trial.treatmentLabel, comparator: trial.comparatorLabel, minimumCellCount: minimum)
        var notes: [String] = []
        if provenance.synthetic { notes.append(CohortReport.syntheticBanner) }
        if dc.active {
            notes.append("disclosure control: \(DisclosureControl(minimumCount: dc.k).roundingStatement!), so no suppressed count can be derived by subtraction; weighted curves are shown only at steps of at least \(dc.k) deaths")
        }
        let summary = CohortAnalysis.summary(plan).filter { !$0.hasPrefix("Groups:") && !$0.hasPrefix("Analyses:") && !$0.hasPrefix("Endpoint:") }
            + ["Design: emulated target trial, new users of \(trial.treatmentLabel) vs \(trial.comparatorLabel)"
               + (trial.trialProtocol.settings.map { " (line \($0.joined(separator: ", ")))" } ?? ""),
               "Endpoint: overall survival from time zero (the line's start); times in months",
               "Analyses: propensity-score weights (\(trial.trialProtocol.weighting.rawValue)), balance and positivity checks, weighted Kaplan–Meier, weighted Cox with cluster-robust CI beside the naive HR, RMST difference at \(CohortAnalysis.numberText(trial.trialProtocol.horizonMonths)) months, E-values"]
        let report = CohortReport(
            title: plan.definition.name, provenance: provenance, definition: definitionJSON, definitionSummary: summary,
            endpoint: "overall survival from time zero (the line's start)", timeUnit: TimeUnit.months.rawValue,
            flow: [.init(label: "matching the population criteria", count: dc.count(lines.cohortSize)),
                   .init(label: "with a line of therapy", count: dc.count(patientsWithLines))],
            grouping: "\(trial.treatmentLabel) vs \(trial.comparatorLabel) (reference), emulated target trial", cutoffs: [], groups: [],
            levelCounts: nil, curves: [], logRank: nil, cox: nil, proportionalHazards: nil, notes: notes, plotSeries: section.plotSeries)
        var withTrial = report
        withTrial.targetTrial = section
        var analysis = CohortAnalysis()
        analysis.flow = [("matching the population criteria", lines.cohortSize), ("with a line of therapy", patientsWithLines)]
        analysis.grouping = report.grouping
        return Run(report: withTrial, analysis: analysis, audit: audit, rowsCSV: nil, targetTrial: result)
    }
}
