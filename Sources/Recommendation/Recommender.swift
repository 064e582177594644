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
/// let c = try RecommendationCase.read(vcf: "case.vcf.gz", clinical: ClinicalContext(tumourType: OncoTreeCode("SKCM")))
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
        let clock = StageClock()
        let kb = knowledgeBase
        // 1. the case against the KB, and the therapies it names
        let interp = try await clock.lap("match") {
            try kb.match(variants: c.variants, context: c.clinical, options: MatchOptions(includeFiltered: options.includeFiltered))
        }
        let candidates = Self.candidates(from: interp)
        var summary: WarehouseSummary?
        if let warehouse {
            summary = try await clock.lap("warehouse") { try await Self.summary(of: warehouse, logger: logger) }
        }
        // 2. each candidate ranked on curated evidence, with its biomarker cohort
        let family = BiomarkerCohort.family(of: c.clinical.tumourType, in: kb.oncotree)
        let ranked = rankedWithCohorts(candidates, case: c, family: family)
        // 3. the cohorts' lines (read in one batch) and each therapy's real-world evidence in them.
        // This case's memo (a model is fitted once per distinct split), or the batch's shared one.
        // 4. beside it, therapies the nearest warehouse patients received that the KB does not name: the
        // two lanes share nothing but this case's memo (thread-safe), so the neighbours' search, their
        // lines and trials run while the curated cohorts are read and analysed.
        let caseCache = RealWorldCache()
        let trialProtocol = RealWorldAnalysis.trialProtocol(gates: options.gates, includeUnknownTiming: options.includeUnknownTiming)
        let curated = Set(ranked.map(\.therapy.drugs)).union(candidates.map(\.drugs))
        async let neighbourLane = neighbourLane(c, curated: curated, cache: caseCache, trialProtocol: trialProtocol,
                                                clock: clock, logger: logger)
        let tables = try await cohortLines(ranked.compactMap(\.cohort?.query), clock: clock, logger: logger)
        let (sens, res) = await withRealWorldEvidence(ranked, tables: tables, family: family, cache: realWorldCache ?? caseCache,
                                                      trialProtocol: trialProtocol, clock: clock)
        let (neighbourStatus, rwOnly) = try await neighbourLane
        // 5. what the report says about the case as a whole
        let actionable = sens.contains { RankingPolicy.isActionable($0) }
        let notes = notes(c, interp: interp, sensitivity: sens, actionable: actionable, neighbourStatus: neighbourStatus,
                          summary: summary)
        return Recommendation(
            caseSummary: CaseSummary(source: c.source, tumourType: interp.tumourType, tumourTypeName: interp.tumourTypeName,
                                     clinical: c.clinical, variantsRead: c.variants.count, variantsConsidered: interp.variantsConsidered,
                                     ignoredFiltered: interp.ignoredFiltered, unannotated: interp.unannotated,
                                     annotationWarning: interp.annotationWarning),
            kbVersion: interp.kbVersion, warehouse: summary, neighbourStatus: neighbourStatus,
            therapies: sens, notRecommended: res, realWorldOnly: rwOnly, matches: interp.matches, notes: notes,
            hasActionableAlteration: actionable, options: options, timings: clock.timings, oncoVersion: OncoVersion.current,
            implications: Self.implications(from: interp))
    }

    /// Step 4 of `recommend`: the neighbours' status and real-world-only therapies (`curated`: the drug
    /// sets the KB names for this case, which the lane leaves out).
    func neighbourLane(_ c: RecommendationCase, curated: Set<[String]>, cache: RealWorldCache, trialProtocol: TargetTrialProtocol,
                       clock: StageClock, logger: Logger) async throws -> (NeighbourStatus, [RankedTherapy]) {
        guard let warehouse else { return (.noWarehouse, []) }
        guard let src = neighbourSource else { return (.unavailable(reason: neighbourUnavailableReason), []) }
        do {
            return try await neighbourTherapies(c, warehouse: warehouse, source: src, curated: curated, cache: cache,
                                                trialProtocol: trialProtocol, clock: clock, logger: logger)
        } catch let u as NeighbourSourceUnavailable {
            return (.unavailable(reason: u.reason), [])
        }
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
