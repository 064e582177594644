import Foundation
import Knowledge
import Logging
import OncoCore
import TargetTrial
import Vocabulary
import Warehouse

/// The time each stage of one case took ("match", "warehouse", "real-world", "neighbours"), in the
/// order the stages ended; a stage that runs several times appears several times. Stages may run
/// concurrently (the neighbours' lane runs beside the curated cohorts'), so laps are kept under a lock.
final class StageClock: @unchecked Sendable {
    private let clock = ContinuousClock()
    private let lock = NSLock()
    private var laps: [StageTime] = []

    var timings: [StageTime] { lock.withLock { laps } }

    func lap<T>(_ stage: String, _ body: () async throws -> T) async rethrows -> T {
        let t0 = clock.now
        defer {
            let d = (clock.now - t0).components
            let t = StageTime(stage: stage, seconds: Double(d.seconds) + Double(d.attoseconds) * 1e-18)
            lock.withLock { laps.append(t) }
        }
        return try await body()
    }
}

// The steps of `Recommender.recommend`, in the order it takes them.
extension Recommender {
    /// A candidate's biomarker cohort: the warehouse query, its text and the biomarkers it names.
    typealias CohortSpec = (query: LineOutcomeQuery, text: String, biomarkers: [String])

    /// The report header's view of the warehouse.
    static func summary(of warehouse: Warehouse, logger: Logger) async throws -> WarehouseSummary {
        let m = try await warehouse.metadata(logger: logger)
        return WarehouseSummary(backend: warehouse.backend.rawValue, schemaVersion: m.schemaVersion,
                                warehouseVersion: m.warehouseVersion, synthetic: m.synthetic == true,
                                patients: m.datasets.reduce(0) { $0 + $1.patients }, datasets: m.datasets.map(\.name))
    }

    /// Each candidate ranked on its curated evidence (nil ones dropped), with its biomarker cohort when
    /// there is a warehouse and the real world is assessed for it, or the reason it is not.
    func rankedWithCohorts(_ candidates: [Candidate], case c: RecommendationCase,
                           family: (root: String, codes: [String])) -> [(therapy: RankedTherapy, cohort: CohortSpec?)] {
        var ranked: [(therapy: RankedTherapy, cohort: CohortSpec?)] = []
        for cand in candidates {
            guard var t = cand.ranked(prior: c.clinical.priorTherapies, variants: c.variants) else { continue }
            var cohort: CohortSpec?
            if warehouse != nil, let lead = cand.lead {
                if !RankingPolicy.assessesRealWorld(t) {
                    t.realWorldUnavailable = "its curated evidence comes from other tumour types only (\(t.tier.map { "\($0)" } ?? "no tier"))"
                } else if let crit = BiomarkerCohort.criteria(for: lead.match, variants: c.variants) {
                    let (q, text) = BiomarkerCohort.query(family: family, biomarkers: crit)
                    cohort = CohortSpec(query: q, text: text, biomarkers: crit.map(\.description))
                } else {
                    t.realWorldUnavailable = "the matched biomarker (\(lead.match.profileName)) cannot be expressed as a warehouse cohort"
                }
            }
            ranked.append((therapy: t, cohort: cohort))
        }
        return ranked
    }

    /// The prepared lines of the distinct cohort queries: those the batch's cache holds, the others read
    /// from the warehouse in one batch (their lines read once, over the union of their patients), prepared
    /// and offered to the batch's cache. Empty without a warehouse.
    func cohortLines(_ wanted: [LineOutcomeQuery], clock: StageClock,
                     logger: Logger) async throws -> [LineOutcomeQuery: RealWorldAnalysis.PreparedLines] {
        var tables: [LineOutcomeQuery: RealWorldAnalysis.PreparedLines] = [:]
        guard let warehouse else { return tables }
        var queries: [LineOutcomeQuery] = []
        for q in wanted where !queries.contains(q) { queries.append(q) }
        if let shared = realWorldCache {
            for q in queries { if let p = shared.preparedLines(q) { tables[q] = p } }
            queries.removeAll { tables[$0] != nil }
        }
        if !queries.isEmpty {
            let fetched = try await clock.lap("warehouse") { try await warehouse.lineOutcomes(queries, logger: logger) }
            let prepared = await clock.lap("real-world") { fetched.map { RealWorldAnalysis.PreparedLines($0) } }
            for (q, lines) in zip(queries, prepared) {
                tables[q] = lines
                realWorldCache?.keep(q, lines)
            }
        }
        return tables
    }

    /// Each curated therapy with its real-world evidence in its cohort (when read), split into
    /// sensitivity and resistance, each sorted and numbered.
    func withRealWorldEvidence(_ ranked: [(therapy: RankedTherapy, cohort: CohortSpec?)],
                               tables: [LineOutcomeQuery: RealWorldAnalysis.PreparedLines],
                               family: (root: String, codes: [String]), cache: RealWorldCache,
                               trialProtocol: TargetTrialProtocol,
                               clock: StageClock) async -> (sensitivity: [RankedTherapy], resistance: [RankedTherapy]) {
        var jobs: [EvidenceJob] = [], jobOf: [Int?] = []
        for (therapy, cohort) in ranked {
            guard let cohort, let lines = tables[cohort.query] else { jobOf.append(nil); continue }
            let rwc = RealWorldCohort(kind: .biomarker, description: cohort.text, tumourTypes: family.codes,
                                      biomarkers: cohort.biomarkers, patients: lines.table.cohortSize, query: cohort.query)
            jobOf.append(jobs.count)
            jobs.append(EvidenceJob(lines: lines, drugs: therapy.drugs, cohort: rwc,
                                    expected: therapy.direction == .resistance ? .noBenefit : .benefit))
        }
        let evidence = await clock.lap("real-world") { await evidenceConcurrently(jobs, cache: cache, trialProtocol: trialProtocol) }
        var sens: [RankedTherapy] = [], res: [RankedTherapy] = []
        for ((therapy, _), j) in zip(ranked, jobOf) {
            var t = therapy
            if let j {
                t.realWorld = evidence[j]
                t.sortKey.realWorld = evidence[j].grade.rank
            }
            if t.direction == .resistance { res.append(t) } else { sens.append(t) }
        }
        sens.sort { $0.sortKey < $1.sortKey }
        res.sort { $0.sortKey < $1.sortKey }
        for i in sens.indices { sens[i].rank = i + 1 }
        for i in res.indices { res[i].rank = i + 1 }
        return (sens, res)
    }

    /// Therapies the case's nearest warehouse patients received that no curated candidate names
    /// (`curated`), with at least the gates' patients and passing them, best real-world grade first,
    /// at most `realWorldOnlyLimit`. The neighbours' cohort has explicit person ids, so its work goes to
    /// this case's cache only.
    func neighbourTherapies(_ c: RecommendationCase, warehouse: Warehouse, source src: any NeighbourSource,
                            curated: Set<[String]>, cache: RealWorldCache, trialProtocol: TargetTrialProtocol,
                            clock: StageClock, logger: Logger) async throws -> (NeighbourStatus, [RankedTherapy]) {
        let ns = try await clock.lap("neighbours") { try await src.neighbours(of: c, k: options.neighbours, logger: logger) }
        let status = NeighbourStatus.used(summary: src.summary, requested: options.neighbours, found: ns.count)
        guard ns.count > 0 else { return (status, []) }
        let q = LineOutcomeQuery(cohort: CohortCriteria(personIDs: ns.personIDs))
        let table = try await clock.lap("warehouse") { try await warehouse.lineOutcomes(q, logger: logger) }
        let lines = RealWorldAnalysis.PreparedLines(table)
        // fewer neighbours than asked for is a count of patients: shown as the report's disclosure control shows counts
        let found = ns.count == options.neighbours ? String(ns.count) : options.disclosure.rounded(ns.count).description
        let cohort = RealWorldCohort(kind: .neighbours, description: "the \(found) nearest warehouse patients (\(src.summary))",
                                     tumourTypes: [], biomarkers: [], patients: table.cohortSize, query: q)
        let prior = Set(c.clinical.priorTherapies.map(DrugName.canonical))
        var rwOnly: [RankedTherapy] = []
        let regimens = lines.regimenCounts().sorted(by: { ($0.value, $1.key.joined()) > ($1.value, $0.key.joined()) })
            .filter { $0.value >= options.gates.minimumPatients && !curated.contains($0.key) }
        let evidence = await clock.lap("real-world") {
            await evidenceConcurrently(regimens.map { EvidenceJob(lines: lines, drugs: $0.key, cohort: cohort, expected: .benefit) },
                                       cache: cache, trialProtocol: trialProtocol)
        }
        for ((drugs, n), ev) in zip(regimens, evidence) {
            guard ev.gatesPassed else { continue }
            rwOnly.append(RankedTherapy(
                rank: 0, drugs: drugs, direction: .realWorld, tier: nil, relation: nil, resolution: nil, biomarkers: [],
                evidence: [], realWorld: ev, realWorldUnavailable: nil,
                sortKey: TherapySortKey(resistanceHere: 0, tier: 9, relation: 9, resolution: 9, realWorld: ev.grade.rank,
                                        itemsAtBestTier: 0, ratingAtBestTier: 0, itemsTotal: 0, name: drugs.joined(separator: " + ")),
                previouslyReceived: drugs.filter { prior.contains($0) },
                neighboursTreated: n))
        }
        rwOnly.sort { a, b in
            let ha = a.realWorld?.model?.hazardRatio ?? .infinity, hb = b.realWorld?.model?.hazardRatio ?? .infinity
            return (a.sortKey.realWorld, ha, a.name) < (b.sortKey.realWorld, hb, b.name)
        }
        if rwOnly.count > options.realWorldOnlyLimit { rwOnly.removeLast(rwOnly.count - options.realWorldOnlyLimit) }
        for i in rwOnly.indices { rwOnly[i].rank = i + 1 }
        return (status, rwOnly)
    }

    /// One therapy's real-world analysis in one cohort.
    struct EvidenceJob: Sendable {
        var lines: RealWorldAnalysis.PreparedLines
        var drugs: [String]
        var cohort: RealWorldCohort
        var expected: ExpectedEffect
    }

    /// The jobs' evidence, in their order. The analyses are independent and the cache gives what the
    /// computation gives, so they run concurrently (a one-shot case's target trials on both cores).
    func evidenceConcurrently(_ jobs: [EvidenceJob], cache: RealWorldCache,
                              trialProtocol: TargetTrialProtocol) async -> [RealWorldEvidence] {
        let gates = options.gates
        return await withTaskGroup(of: (Int, RealWorldEvidence).self) { g in
            for (k, j) in jobs.enumerated() {
                g.addTask {
                    (k, cache.evidence(j.lines, drugs: j.drugs, cohort: j.cohort, expected: j.expected, gates: gates, trialProtocol: trialProtocol))
                }
            }
            var out = [RealWorldEvidence?](repeating: nil, count: jobs.count)
            for await (k, e) in g { out[k] = e }
            return out.map { $0! }
        }
    }

    /// The report's notes on the case as a whole: skipped records first (they may be why nothing is
    /// actionable), why nothing is actionable, unannotated and filtered calls, what the warehouse lacks.
    func notes(_ c: RecommendationCase, interp: CaseInterpretation, sensitivity sens: [RankedTherapy], actionable: Bool,
               neighbourStatus: NeighbourStatus, summary: WarehouseSummary?) -> [String] {
        var notes: [String] = []
        if let skipped = c.source.skipped?.note { notes.append(skipped + ".") }
        if !actionable {
            let why: String
            if interp.matches.isEmpty { why = "none of its alterations matches a CIViC or MOAlmanac profile" }
            else if sens.isEmpty { why = "\(interp.matches.count) KB profile(s) matched, but none has supporting sensitivity evidence for a therapy" }
            else { why = "no therapy reaches tier T1 or T2 (level A, or level B rated ≥ 3, in this indication) nor has level A evidence in another tumour type; the \(sens.count) therapies listed rest on weaker evidence (level B rated < 3, case reports, preclinical data, other tumour types)" }
            notes.append("No actionable alteration: \(why) (\(interp.kbVersion.sources)).")
        }
        if let w = interp.annotationWarning { notes.append("Unannotated variants: \(w)") }
        if interp.ignoredFiltered > 0 {
            notes.append("\(interp.ignoredFiltered) call(s) with a FILTER other than PASS were ignored (not matched).")
        }
        if warehouse == nil {
            notes.append("No warehouse configured: therapies are ranked on curated evidence alone; no real-world evidence.")
        } else {
            if case .unavailable(let reason) = neighbourStatus { notes.append("Similarity index unavailable: neighbour-based candidates are disabled (\(reason)).") }
            if summary?.synthetic == true {
                notes.append("SYNTHETIC DATA: the warehouse holds synthetic patients only; its outcomes are simulated, not evidence.")
            }
        }
        return notes
    }
}
