import Foundation
import Knowledge
import Logging
import OncoCore
import TargetTrial
import Vocabulary
import Warehouse

/// Options of the recommender.
public struct RecommenderOptions: Sendable, Hashable {
    /// Minimum patients and deaths per arm before real-world evidence counts.
    public var gates: RealWorldGates
    /// Small-cell suppression of every count shown (default minimum 5).
    public var disclosure: DisclosureControl
    /// Also match variants whose FILTER is not PASS (default: ignore them, and say how many).
    public var includeFiltered: Bool
    /// Nearest neighbours to search for neighbour-based candidates.
    public var neighbours: Int
    /// At most this many therapies in the real-world-only section.
    public var realWorldOnlyLimit: Int
    /// Lines of patients whose biomarker timing is unknown enter the target trials at time zero (a
    /// stated sensitivity analysis, open to immortal-time bias); default: excluded and counted.
    public var includeUnknownTiming: Bool

    public init(gates: RealWorldGates = RealWorldGates(), disclosure: DisclosureControl = DisclosureControl(),
                includeFiltered: Bool = false, neighbours: Int = 200, realWorldOnlyLimit: Int = 10,
                includeUnknownTiming: Bool = false) {
        self.includeUnknownTiming = includeUnknownTiming
        self.gates = gates
        self.disclosure = disclosure
        self.includeFiltered = includeFiltered
        self.neighbours = neighbours
        self.realWorldOnlyLimit = realWorldOnlyLimit
    }
}

/// The tumour-board pipeline for one case: match the case against the KB, collect candidate
/// therapies (curated evidence plus what the nearest warehouse patients received), measure each
/// candidate's real-world outcomes in the warehouse, rank (`RankingPolicy`) and keep the trace.
///
/// ```swift
/// let kb = try KnowledgeBase.load(directory: kbURL)
/// let store = try await Warehouse.openSQLite(path: "warehouse.sqlite")
/// let recommender = Recommender(knowledgeBase: kb, warehouse: store)
/// let c = try RecommendationCase.read(vcf: "case.vcf.gz", clinical: ClinicalContext(tumorType: OncoTreeCode("SKCM")))
/// let r = try await recommender.recommend(c, logger: logger)
/// print(r.therapies.first?.name ?? "no actionable alteration")
/// ```
///
/// A value: build it once and call `recommend` concurrently for many cases (the KB is immutable; the
/// warehouse store is `Sendable` and serves concurrent reads).
public struct Recommender: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let warehouse: Warehouse?
    public let neighbourSource: (any NeighbourSource)?
    /// Why there is no neighbour source, when there is a warehouse but none was given.
    public let neighbourUnavailableReason: String
    public var options: RecommenderOptions
    /// Real-world work shared by the cases this recommender scores (a batch): biomarker cohorts'
    /// prepared lines, analyses and model fits, computed once. nil: nothing is shared between cases
    /// (within a case, a model is still fitted once per distinct split). Results are the same either way.
    public let realWorldCache: RealWorldCache?

    public init(knowledgeBase: KnowledgeBase, warehouse: Warehouse? = nil,
                neighbourSource: (any NeighbourSource)? = nil,
                neighbourUnavailableReason: String = "no similarity index was given",
                options: RecommenderOptions = RecommenderOptions(), realWorldCache: RealWorldCache? = nil) {
        self.knowledgeBase = knowledgeBase
        self.warehouse = warehouse
        self.neighbourSource = neighbourSource
        self.neighbourUnavailableReason = neighbourUnavailableReason
        self.options = options
        self.realWorldCache = realWorldCache
    }

    /// Ranks the candidate therapies of one case.
    /// - Throws: `KnowledgeError` for an unknown tumour type; warehouse errors (`WarehouseError`) as
    ///   they come. A case without any actionable alteration is not an error: the result says so.
    public func recommend(_ c: RecommendationCase, logger: Logger) async throws -> Recommendation {
        let clock = ContinuousClock()
        var timings: [StageTime] = []
        func lap<T>(_ stage: String, _ body: () async throws -> T) async rethrows -> T {
            let t0 = clock.now
            defer { let d = (clock.now - t0).components; timings.append(StageTime(stage: stage, seconds: Double(d.seconds) + Double(d.attoseconds) * 1e-18)) }
            return try await body()
        }
        let kb = knowledgeBase
        let interp = try await lap("match") {
            try kb.match(variants: c.variants, context: c.clinical, options: MatchOptions(includeFiltered: options.includeFiltered))
        }
        let candidates = Self.candidates(from: interp)
        var summary: WarehouseSummary?
        if let warehouse {
            summary = try await lap("warehouse") {
                let m = try await warehouse.metadata(logger: logger)
                return WarehouseSummary(backend: warehouse.backend.rawValue, schemaVersion: m.schemaVersion,
                                        warehouseVersion: m.warehouseVersion, synthetic: m.synthetic == true,
                                        patients: m.datasets.reduce(0) { $0 + $1.patients }, datasets: m.datasets.map(\.name))
            }
        }
        let family = BiomarkerCohort.family(of: c.clinical.tumorType, in: kb.oncotree)
        // Each candidate's biomarker cohort; the distinct cohorts are fetched from the warehouse in one
        // batch (their lines read once, over the union of their patients).
        typealias CohortSpec = (query: LineOutcomeQuery, text: String, biomarkers: [String])
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
        // This case's memo (a model is fitted once per distinct split), or the batch's shared one.
        let caseCache = RealWorldCache()
        let cohortCache = realWorldCache ?? caseCache
        var tables: [LineOutcomeQuery: RealWorldAnalysis.PreparedLines] = [:]
        if let warehouse {
            var queries: [LineOutcomeQuery] = []
            for r in ranked { if let q = r.cohort?.query, !queries.contains(q) { queries.append(q) } }
            if let shared = realWorldCache {
                for q in queries { if let p = shared.preparedLines(q) { tables[q] = p } }
                queries.removeAll { tables[$0] != nil }
            }
            if !queries.isEmpty {
                let fetched = try await lap("warehouse") { try await warehouse.lineOutcomes(queries, logger: logger) }
                let prepared = await lap("real-world") { fetched.map { RealWorldAnalysis.PreparedLines($0) } }
                for (q, lines) in zip(queries, prepared) {
                    tables[q] = lines
                    realWorldCache?.keep(q, lines)
                }
            }
        }
        let trialProtocol = RealWorldAnalysis.trialProtocol(gates: options.gates, includeUnknownTiming: options.includeUnknownTiming)
        var sens: [RankedTherapy] = [], res: [RankedTherapy] = []
        for (therapy, cohort) in ranked {
            var t = therapy
            if let cohort, let lines = tables[cohort.query] {
                let rwc = RealWorldCohort(kind: .biomarker, description: cohort.text, tumourTypes: family.codes,
                                          biomarkers: cohort.biomarkers, patients: lines.table.cohortSize, query: cohort.query)
                let ev = await lap("real-world") {
                    cohortCache.evidence(lines, drugs: t.drugs, cohort: rwc,
                                         expected: t.direction == .resistance ? .noBenefit : .benefit, gates: options.gates,
                                         trialProtocol: trialProtocol)
                }
                t.realWorld = ev
                t.sortKey.realWorld = ev.grade.rank
            }
            if t.direction == .resistance { res.append(t) } else { sens.append(t) }
        }
        sens.sort { $0.sortKey < $1.sortKey }
        res.sort { $0.sortKey < $1.sortKey }
        for i in sens.indices { sens[i].rank = i + 1 }
        for i in res.indices { res[i].rank = i + 1 }

        // Neighbour-based candidates.
        var neighbourStatus: NeighbourStatus = .noWarehouse
        var rwOnly: [RankedTherapy] = []
        if let warehouse {
            if let src = neighbourSource {
                let ns = try await lap("neighbours") { try await src.neighbours(of: c, k: options.neighbours, logger: logger) }
                neighbourStatus = .used(summary: src.summary, requested: options.neighbours, found: ns.count)
                if ns.count > 0 {
                    let q = LineOutcomeQuery(cohort: CohortCriteria(personIDs: ns.personIDs))
                    let table = try await lap("warehouse") { try await warehouse.lineOutcomes(q, logger: logger) }
                    let lines = RealWorldAnalysis.PreparedLines(table)
                    // fewer neighbours than asked for is a count of patients: shown as the report's disclosure control shows counts
                    let found = ns.count == options.neighbours ? String(ns.count) : options.disclosure.rounded(ns.count).description
                    let cohort = RealWorldCohort(kind: .neighbours, description: "the \(found) nearest warehouse patients (\(src.summary))",
                                                 tumourTypes: [], biomarkers: [], patients: table.cohortSize, query: q)
                    let curated = Set((sens + res).map(\.drugs)).union(candidates.map(\.drugs))
                    let counts = lines.regimenCounts()
                    for (drugs, n) in counts.sorted(by: { ($0.value, $1.key.joined()) > ($1.value, $0.key.joined()) })
                    where n >= options.gates.minimumPatients && !curated.contains(drugs) {
                        let ev = await lap("real-world") {
                            caseCache.evidence(lines, drugs: drugs, cohort: cohort, expected: .benefit, gates: options.gates,
                                               trialProtocol: trialProtocol)
                        }
                        guard ev.gatesPassed else { continue }
                        rwOnly.append(RankedTherapy(
                            rank: 0, drugs: drugs, direction: .realWorld, tier: nil, relation: nil, resolution: nil, biomarkers: [],
                            evidence: [], realWorld: ev, realWorldUnavailable: nil,
                            sortKey: TherapySortKey(resistanceHere: 0, tier: 9, relation: 9, resolution: 9, realWorld: ev.grade.rank,
                                                    itemsAtBestTier: 0, ratingAtBestTier: 0, itemsTotal: 0, name: drugs.joined(separator: " + ")),
                            previouslyReceived: drugs.filter { Set(c.clinical.priorTherapies.map(DrugName.canonical)).contains($0) },
                            neighboursTreated: n))
                    }
                    rwOnly.sort { a, b in
                        let ha = a.realWorld?.model?.hazardRatio ?? .infinity, hb = b.realWorld?.model?.hazardRatio ?? .infinity
                        return (a.sortKey.realWorld, ha, a.name) < (b.sortKey.realWorld, hb, b.name)
                    }
                    if rwOnly.count > options.realWorldOnlyLimit { rwOnly.removeLast(rwOnly.count - options.realWorldOnlyLimit) }
                    for i in rwOnly.indices { rwOnly[i].rank = i + 1 }
                }
            } else {
                neighbourStatus = .unavailable(reason: neighbourUnavailableReason)
            }
        }

        let actionable = sens.contains { RankingPolicy.isActionable($0) }
        var notes: [String] = []
        // First: skipped records may be why nothing below is actionable.
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
            if case .unavailable = neighbourStatus { notes.append("Similarity index unavailable: neighbour-based candidates are disabled (\(neighbourUnavailableReason)).") }
            if summary?.synthetic == true {
                notes.append("SYNTHETIC DATA: the warehouse holds synthetic patients only; its outcomes are simulated, not evidence.")
            }
        }
        return Recommendation(
            caseSummary: CaseSummary(source: c.source, tumourType: interp.tumourType, tumourTypeName: interp.tumourTypeName,
                                     clinical: c.clinical, variantsRead: c.variants.count, variantsConsidered: interp.variantsConsidered,
                                     ignoredFiltered: interp.ignoredFiltered, unannotated: interp.unannotated,
                                     annotationWarning: interp.annotationWarning),
            kbVersion: interp.kbVersion, warehouse: summary, neighbourStatus: neighbourStatus,
            therapies: sens, notRecommended: res, realWorldOnly: rwOnly, matches: interp.matches, notes: notes,
            hasActionableAlteration: actionable, options: options, timings: timings, oncoVersion: OncoVersion.current,
            implications: Self.implications(from: interp))
    }

    /// Diagnostic and prognostic items of the matched profiles, once each, best tier and relation first.
    static func implications(from interp: CaseInterpretation) -> [ImplicationItem] {
        var seen = Set<Int>()
        var out: [(Int, ImplicationItem)] = []
        for m in interp.matches {
            for e in m.evidence where (e.type == .diagnostic || e.type == .prognostic) && seen.insert(e.evidenceID).inserted {
                out.append((RankingPolicy.relationRank(e.relation), ImplicationItem(
                    type: e.type, source: e.source.rawValue, id: e.label, level: e.level.rawValue, sourceLevel: e.sourceLevel,
                    rating: e.rating, tier: e.tier, significance: e.significance, supports: !e.isCounterEvidence, disease: e.disease,
                    relation: e.relation, ontologyPath: e.ontologyPath, profile: m.profileName, pmids: e.pmid.map { [$0] } ?? [],
                    doi: e.doi, nctIDs: e.nctIDs, citation: e.citation, url: e.url, date: e.date, statement: e.statement)))
            }
        }
        return out.sorted { a, b in
            (a.1.tier, a.0, a.1.type.rawValue, a.1.id) < (b.1.tier, b.0, b.1.type.rawValue, b.1.id)
        }.map(\.1)
    }
}

// MARK: candidates

extension Recommender {
    /// One KB item attached to a candidate.
    struct Item {
        var role: EvidenceRole
        var evidence: MatchedEvidence
        var match: BiomarkerMatch
        var therapy: Therapy
    }

    /// A therapy (canonical drug set) with the KB items about it.
    struct Candidate {
        var drugs: [String]
        var items: [Item] = []
        var conflicts: [Item] = []
        var lead: Item?

        static func order(_ a: Item, _ b: Item) -> Bool {
            let ka = (a.evidence.tier.rawValue, RankingPolicy.relationRank(a.evidence.relation), a.match.resolution.rawValue,
                      -(a.evidence.rating ?? 0), a.evidence.evidenceID)
            let kb = (b.evidence.tier.rawValue, RankingPolicy.relationRank(b.evidence.relation), b.match.resolution.rawValue,
                      -(b.evidence.rating ?? 0), b.evidence.evidenceID)
            return ka < kb
        }

        /// The ranked entry, or nil when the therapy has neither sensitivity nor resistance here.
        func ranked(prior: [String], variants: [SomaticVariant]) -> RankedTherapy? {
            let sens = items.filter { $0.role == .sensitivity }.sorted(by: Self.order)
            let res = items.filter { $0.role == .resistance }.sorted(by: Self.order)
            let best = sens.first?.evidence.tier
            let disqualifying = res.filter {
                RankingPolicy.isDisqualifying(level: $0.evidence.level, tier: $0.evidence.tier, relation: $0.evidence.relation, bestSensitivity: best)
            }
            let direction: TherapyDirection
            let direct: [Item]
            if !disqualifying.isEmpty { direction = .resistance; direct = disqualifying }
            else if !sens.isEmpty { direction = .sensitivity; direct = sens }
            else { return nil }
            guard let lead = direct.first else { return nil }
            let atBest = direct.filter { $0.evidence.tier == lead.evidence.tier }
            var key = TherapySortKey(
                resistanceHere: direction == .resistance ? 1 : 0, tier: lead.evidence.tier.rawValue,
                relation: RankingPolicy.relationRank(lead.evidence.relation), resolution: lead.match.resolution.rawValue,
                realWorld: RealWorldGrade.inconclusive.rank, itemsAtBestTier: atBest.count,
                ratingAtBestTier: atBest.reduce(0) { $0 + ($1.evidence.rating ?? 0) }, itemsTotal: direct.count,
                name: drugs.joined(separator: " + "))
            key.guidelineOnly = atBest.allSatisfy { $0.evidence.source == .moalmanac && $0.evidence.sourceLevel == "Guideline" } ? 1 : 0
            // Direction items first, then the other role, counter-evidence and conflicts.
            let others = (direction == .resistance ? sens + res.filter { r in !direct.contains { $0.evidence.evidenceID == r.evidence.evidenceID } } : res)
            let counter = items.filter { $0.role == .counterEvidence }.sorted(by: Self.order)
            var seen = Set<Int>()
            var biomarkers: [String] = []
            for i in direct where !biomarkers.contains(i.match.profileName) { biomarkers.append(i.match.profileName) }
            let trace = (direct + others + counter + conflicts.sorted(by: Self.order)).filter { seen.insert($0.evidence.evidenceID * 4 + $0.roleCode).inserted }
                .map { Self.traceItem($0, variants: variants) }
            let priorSet = Set(prior.map(DrugName.canonical))
            return RankedTherapy(rank: 0, drugs: drugs, direction: direction, tier: lead.evidence.tier, relation: lead.evidence.relation,
                                 resolution: lead.match.resolution, biomarkers: biomarkers, evidence: trace, realWorld: nil, realWorldUnavailable: nil,
                                 sortKey: key, previouslyReceived: drugs.filter { priorSet.contains($0) }, neighboursTreated: nil)
        }

        static func traceItem(_ i: Item, variants: [SomaticVariant]) -> EvidenceTraceItem {
            let e = i.evidence
            return EvidenceTraceItem(
                role: i.role, source: e.source.rawValue, id: e.label, evidenceID: e.evidenceID, level: e.level.rawValue,
                sourceLevel: e.sourceLevel, date: e.date, doi: e.doi, nctIDs: e.nctIDs, rating: e.rating,
                tier: e.tier, significance: e.significance, supports: !e.isCounterEvidence, kbTherapy: i.therapy.description,
                disease: e.disease, doid: e.doid, relation: e.relation, ontologyPath: e.ontologyPath, pmids: e.pmid.map { [$0] } ?? [],
                citation: e.citation, url: e.url, profile: i.match.profileName, rule: i.match.rule, ruleKind: i.match.ruleKind.rawValue,
                resolution: i.match.resolution, matchedAlterations: Self.alterationText(i.match.alterations, variants: variants))
        }

        /// `BRAF p.V600E (GRCh37:7:140453136:A>T; VAF 0.39, depth 212, from FORMAT) → BRAF p.V600E; CIViC allele … (exact)`:
        /// one line per case alteration, the conditions it satisfied joined.
        static func alterationText(_ alts: [MatchedAlteration], variants: [SomaticVariant]) -> [String] {
            var order: [String] = []
            var conditions: [String: [String]] = [:]
            var label: [String: String] = [:]
            for a in alts {
                var d = a.description
                if let i = a.variantIndex, i < variants.count, let s = variants[i].support {
                    var extra: [String] = []
                    if let v = s.vaf { extra.append(String(format: "VAF %.2f", v)) }
                    if let dp = s.depth { extra.append("depth \(dp)") }
                    if !extra.isEmpty {
                        extra.append("from \(s.source.rawValue)")
                        if d.hasSuffix(")") { d = String(d.dropLast()) + "; " + extra.joined(separator: ", ") + ")" }
                        else { d += " (" + extra.joined(separator: ", ") + ")" }
                    }
                }
                if conditions[a.description] == nil { order.append(a.description); label[a.description] = d }
                let c = "\(a.condition) (\(a.resolution)\(a.exonSource.map { ", exon from \($0)" } ?? ""))"
                if !(conditions[a.description]?.contains(c) ?? false) { conditions[a.description, default: []].append(c) }
            }
            return order.map { "\(label[$0]!) → \(conditions[$0]!.joined(separator: "; "))" }
        }
    }

    /// Candidate therapies from the matched KB profiles: predictive items grouped by canonical drug
    /// set (salt forms folded), with drug-level conflicts.
    static func candidates(from interp: CaseInterpretation) -> [Candidate] {
        var byDrugs: [[String]: Candidate] = [:]
        var against: [Item] = []
        for m in interp.matches {
            for e in m.evidence where e.type == .predictive {
                for t in e.therapies {
                    let role: EvidenceRole
                    if e.isCounterEvidence { role = .counterEvidence }
                    else if e.effect == .sensitivity { role = .sensitivity }
                    else if e.effect == .resistance || e.effect == .reducedSensitivity { role = .resistance }
                    else { continue }
                    let drugs = DrugName.canonicalSet(t.drugs)
                    let item = Item(role: role, evidence: e, match: m, therapy: t)
                    if !(byDrugs[drugs]?.items.contains { $0.evidence.evidenceID == e.evidenceID && $0.role == role } ?? false) {
                        byDrugs[drugs, default: Candidate(drugs: drugs)].items.append(item)
                    }
                    if role == .resistance || (role == .counterEvidence && e.effect == .sensitivity) { against.append(item) }
                }
            }
        }
        for k in byDrugs.keys {
            let mine = Set(k)
            var c = byDrugs[k]!
            for a in against {
                let other = DrugName.canonicalSet(a.therapy.drugs)
                guard other != k, !mine.isDisjoint(with: other) else { continue }
                if !c.conflicts.contains(where: { $0.evidence.evidenceID == a.evidence.evidenceID }) {
                    var x = a
                    x.role = .conflict
                    c.conflicts.append(x)
                }
            }
            let sens = c.items.filter { $0.role == .sensitivity }.sorted(by: Candidate.order)
            let res = c.items.filter { $0.role == .resistance }.sorted(by: Candidate.order)
            let best = sens.first?.evidence.tier
            let dq = res.filter { RankingPolicy.isDisqualifying(level: $0.evidence.level, tier: $0.evidence.tier, relation: $0.evidence.relation, bestSensitivity: best) }
            c.lead = dq.first ?? sens.first
            byDrugs[k] = c
        }
        return byDrugs.keys.sorted { $0.joined(separator: "+") < $1.joined(separator: "+") }.map { byDrugs[$0]! }
    }
}

extension Recommender.Item {
    var roleCode: Int {
        switch role {
        case .sensitivity: return 0
        case .resistance: return 1
        case .counterEvidence: return 2
        case .conflict: return 3
        }
    }
}
