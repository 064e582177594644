import Foundation
import Logging
import OncoCore
import Survival
import Warehouse

/// `onco cohort screen` (issue #20, point 2): the same endpoint compared between the carriers of each gene (or
/// set) and the other genotyped patients of the population, for every gene altered in at least the minimum
/// number of patients: log-rank (R `survdiff`), Cox of the carrier indicator (R `coxph`, Efron), and
/// Benjamini–Hochberg q-values over the tests (R `p.adjust(method = "BH")`). Governed and audited like
/// `CohortStudy.run` (the fields read are the population's, the endpoint's and `mutations`); counts are under
/// the same disclosure control, and a unit is tested only when both its groups reach the small-cell threshold.
extension CohortStudy {
    /// What a screen produces.
    public struct ScreenRun: Sendable {
        public var report: CohortReport
        public var result: ScreenResult
        public var audit: AuditEntry
    }

    /// The screen before disclosure control.
    public struct ScreenResult: Sendable {
        public struct Unit: Sendable {
            public var name: String
            public var comparison: TwoGroupScreen.Result
            public var q: Double
            /// A set's member genes with at least one carrier among the analysed patients, and how many carry each
            /// (a patient may carry several); empty for a gene.
            public var members: [(gene: String, carriers: Int)] = []
        }
        public var flow: [(label: String, count: Int)] = []
        /// Tested units, by log-rank p (then name).
        public var units: [Unit] = []
        /// Units with an alteration but too few carriers (or too few non-carriers) to be tested.
        public var belowMinimum = 0
        public var minimumCarriers = 0
        public var analysed = 0
        public var events = 0
    }

    /// Runs a screen.
    /// - Throws: as `run`; `.invalidDefinition` when the definition is not a screen; `.noPatients`.
    public static func screen(_ plan: CohortPlan, store: Warehouse, options: Options = Options(),
                              logger: Logger = Logger(label: "onco.cohort")) async throws -> ScreenRun {
        guard let sp = plan.screen else { throw CohortStudyError(.invalidDefinition, plan.source, "not a screen (give screen settings)") }
        guard let endpoint = plan.tableEndpoint else {
            throw CohortStudyError(.invalidDefinition, "\(plan.source): endpoint", "a screen needs an endpoint from the diagnosis, a line, or the study's attributes")
        }
        let gate = try await authorise(plan, store: store, options: options, logger: logger)
        let minimum = gate.minimum

        // Read: the rows with the endpoint, and the carriers of every gene (or of the screened sets' genes).
        let table = try await store.cohortTable(CohortTableRequest(cohort: plan.criteria, endpoint: endpoint, columns: []), logger: logger)
        let setGenes = sp.sets.isEmpty ? nil : Array(Set(sp.sets.flatMap { $0.genes })).sorted()
        let carriers = try await store.alterationCarriers(CarrierRequest(cohort: plan.criteria, classes: sp.classes, passOnly: sp.passOnly,
                                                                         genes: sp.genes ?? setGenes, fusionFrame: sp.fusionFrame), logger: logger)
        let result: ScreenResult
        do {
            result = try computeScreen(plan: plan, screen: sp, table: table, carriers: carriers, minimum: minimum)
        } catch let e as CohortStudyError where e.code == .noPatients {
            try await auditNobodyAnalysed("cohort.screen", plan: plan, cohortSize: table.cohortSize, definitionHash: gate.definitionHash,
                                          minimum: minimum, store: store, options: options, logger: logger)
            throw e
        }
        let dc = CohortDisclosure(k: minimum)
        let audit = try await store.appendAudit(AuditRecord(action: "cohort.screen", projectID: options.project, definitionSHA256: gate.definitionHash,
            detail: ["study": .string(plan.definition.name), "cohortSize": dc.auditValue(table.cohortSize),
                     "analysed": dc.auditValue(result.analysed), "events": dc.auditValue(result.events),
                     "unitsTested": .int(result.units.count), "minimumCarriers": .int(result.minimumCarriers),
                     "minimumCellCount": .int(minimum), "rowLevelExport": .bool(false)]),
            keys: options.keys, logger: logger)
        let provenance = Self.provenance(store: store, meta: gate.meta, project: options.project, definitionHash: gate.definitionHash,
                                         minimum: minimum, audit: audit)
        var report = screenReport(result, plan: plan, screen: sp, provenance: provenance, definitionJSON: gate.definitionJSON)
        report.notes += gate.notes
        return ScreenRun(report: report, result: result, audit: audit)
    }

    /// The screen's statistics: analysed rows = the cohort table's rows (endpoint known) that are genotyped
    /// (and still followed at the landmark); then one `TwoGroupScreen` comparison per unit.
    static func computeScreen(plan: CohortPlan, screen sp: ScreenPlan, table: CohortTable, carriers: GeneCarriers, minimum: Int) throws -> ScreenResult {
        var r = ScreenResult()
        r.flow.append(("selected by the population criteria", table.cohortSize))
        r.flow.append(("with the endpoint recorded", table.count))
        // genotyped rows (both id lists ascending)
        var ids: [Int64] = [], time: [Double] = [], event: [Bool] = []
        var g = 0
        for i in 0..<table.count {
            let p = table.personIDs[i]
            while g < carriers.genotyped.count, carriers.genotyped[g] < p { g += 1 }
            guard g < carriers.genotyped.count, carriers.genotyped[g] == p else { continue }
            ids.append(p); time.append(table.time[i]); event.append(table.event[i])
        }
        r.flow.append(("genotyped (with a sequenced specimen)", ids.count))
        if let lm = plan.definition.endpoint.landmark {
            let cut = lm.days / plan.nativeUnit.days
            var keep: [Int] = []
            for i in ids.indices where time[i] >= cut { keep.append(i) }
            ids = keep.map { ids[$0] }; time = keep.map { time[$0] - cut }; event = keep.map { event[$0] }
            r.flow.append(("still followed at the landmark (\(lm))", ids.count))
        }
        r.flow.append(("analysed", ids.count))
        r.analysed = ids.count
        r.events = event.filter { $0 }.count
        guard !ids.isEmpty else {
            throw CohortStudyError(.noPatients, plan.source, "no patient is left to analyse (see the patient flow: \(r.flow.map { "\($0.label) \($0.count)" }.joined(separator: "; ")))")
        }
        let kernel = try CohortAnalysis.wrap { try TwoGroupScreen(time: time, event: event) }
        r.minimumCarriers = max(sp.minimumCarriers, minimum)

        // units: genes, or sets as the union of their genes' carriers (row indices, each once)
        let geneIndex = Dictionary(carriers.genes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func rows(ofGene k: Int) -> [Int] {
            var out: [Int] = []
            for p in carriers.carriers(k) {
                // binary search in the ascending analysed ids
                var lo = 0, hi = ids.count
                while lo < hi { let mid = (lo + hi) / 2; if ids[mid] < p { lo = mid + 1 } else { hi = mid } }
                if lo < ids.count, ids[lo] == p { out.append(lo) }
            }
            return out
        }
        var units: [(String, [Int])] = []
        var memberCounts: [String: [(gene: String, carriers: Int)]] = [:]
        if sp.sets.isEmpty {
            for k in carriers.genes.indices { units.append((carriers.genes[k], rows(ofGene: k))) }
        } else {
            var mark = [Bool](repeating: false, count: ids.count)
            for s in sp.sets {
                var members: [Int] = [], counts: [(gene: String, carriers: Int)] = []
                for gene in s.genes {
                    guard let k = geneIndex[gene] else { continue }
                    let r = rows(ofGene: k)
                    if !r.isEmpty, !counts.contains(where: { $0.gene == gene }) { counts.append((gene, r.count)) }
                    for i in r where !mark[i] { mark[i] = true; members.append(i) }
                }
                for i in members { mark[i] = false }
                if !members.isEmpty { units.append((s.name, members.sorted())); memberCounts[s.name] = counts }
            }
        }
        let testable = units.filter { $0.1.count >= r.minimumCarriers && ids.count - $0.1.count >= max(minimum, 1) }
        r.belowMinimum = units.filter { !$0.1.isEmpty }.count - testable.count
        // the units in interleaved chunks, one per core, each with its own scratch
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, testable.count))
        let results = ScreenResults(count: testable.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var scratch = kernel.makeScratch()
            for k in stride(from: c, to: testable.count, by: chunks) { results.set(k, kernel.compare(group: testable[k].1, scratch: &scratch)) }
        }
        let tested = zip(testable.map { $0.0 }, results.values).map { ($0, $1!) }
        let q = benjaminiHochberg(tested.map { $0.1.logRankP })
        r.units = zip(tested, q).map { ScreenResult.Unit(name: $0.0, comparison: $0.1, q: $1, members: memberCounts[$0.0] ?? []) }
            .sorted { ($0.comparison.logRankP.isNaN ? 2 : $0.comparison.logRankP, $0.name) < ($1.comparison.logRankP.isNaN ? 2 : $1.comparison.logRankP, $1.name) }
        return r
    }

    /// Results written by the screen's worker threads, each to its own indices.
    /// (One buffer allocated up front: threads write disjoint slots, no array copy-on-write check races.)
    final class ScreenResults: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<TwoGroupScreen.Result?>
        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }
        deinit { slots.deallocate() }
        func set(_ k: Int, _ r: TwoGroupScreen.Result) { slots[k] = r }
        var values: [TwoGroupScreen.Result?] { Array(slots) }
    }

    /// The report: the population and endpoint as `run` describes them, the flow, and the screen table; counts
    /// under disclosure control (events of a group smaller than k shown as `<k`).
    static func screenReport(_ r: ScreenResult, plan: CohortPlan, screen sp: ScreenPlan, provenance: CohortReport.Provenance,
                             definitionJSON: String) -> CohortReport {
        let dc = CohortDisclosure(k: provenance.minimumCellCount)
        let unit = sp.sets.isEmpty ? "gene" : "set"
        func opt(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
        let rows = r.units.map { u in
            let c = u.comparison
            return CohortReport.ScreenSection.Row(unit: u.name, carriers: dc.count(c.n), carrierEvents: dc.count(c.events), others: dc.count(c.nOthers),
                                                  otherEvents: dc.count(c.eventsOthers), hazardRatio: opt(c.hazardRatio), lower: opt(c.lower),
                                                  upper: opt(c.upper), coefficient: opt(c.coefficient), standardError: opt(c.standardError),
                                                  waldP: opt(c.waldP), chiSquare: c.chiSquare, logRankP: c.logRankP, q: u.q,
                                                  members: sp.sets.isEmpty ? nil : u.members.map { CohortReport.SetMember(member: $0.gene, carriers: dc.count($0.carriers)) })
        }
        var notes: [String] = []
        if provenance.synthetic { notes.append(CohortReport.syntheticBanner) }
        if r.minimumCarriers > sp.minimumCarriers {
            notes.append("the minimum number of carriers was raised to the small-cell threshold, \(r.minimumCarriers)")
        }
        if dc.active {
            notes.append("disclosure control: \(DisclosureControl(minimumCount: dc.k).roundingStatement!), so no suppressed count can be derived by subtraction; a \(unit) is tested only when its carriers and the other patients both number at least \(max(r.minimumCarriers, dc.k))")
        }
        var summary = CohortAnalysis.summary(plan)
        summary.removeAll { $0.hasPrefix("Groups:") || $0.hasPrefix("Analyses:") }
        summary.append("Screen: carriers of each \(unit) (\(sp.classes.joined(separator: ", "))\(sp.fusionFrame.map { "; fusions \($0.words) only" } ?? "")) vs the other genotyped patients, for every \(unit) altered in at least \(r.minimumCarriers) analysed patients; log-rank, Cox (Efron), Benjamini–Hochberg q")
        var report = CohortReport(title: plan.definition.name, provenance: provenance, definition: definitionJSON, definitionSummary: summary,
                                  endpoint: CohortAnalysis.endpointText(plan), timeUnit: plan.displayUnit.rawValue,
                                  flow: r.flow.map { .init(label: $0.label, count: dc.count($0.count)) },
                                  grouping: "carriers of each \(unit) vs the rest", cutoffs: [], groups: [], levelCounts: nil, curves: [],
                                  logRank: nil, cox: nil, proportionalHazards: nil, notes: notes, plotSeries: [])
        report.screen = CohortReport.ScreenSection(unit: unit, minimumCarriers: r.minimumCarriers, classes: sp.classes, tested: r.units.count,
                                                   belowMinimum: r.belowMinimum, rows: rows)
        return report
    }
}
