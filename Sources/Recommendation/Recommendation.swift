import Foundation
import Knowledge
import OncoCore
import Warehouse

/// The recommender's answer for one case: ranked candidate therapies with the evidence behind each
/// rank, the therapies not to give, and the local real-world signals that no curated evidence backs.
///
/// Renderers (module Reports) turn it into a terminal table, Markdown, HTML and JSON; every count they
/// show goes through `disclosure`.
public struct Recommendation: Sendable {
    public var caseSummary: CaseSummary
    public var kbVersion: KBVersion
    /// nil when no warehouse was configured.
    public var warehouse: WarehouseSummary?
    public var neighbourStatus: NeighbourStatus
    /// Candidates with curated sensitivity evidence and no resistance in this indication, best first.
    public var therapies: [RankedTherapy]
    /// Therapies with curated resistance in this indication (`RankingPolicy`).
    public var notRecommended: [RankedTherapy]
    /// Therapies given to the case's nearest neighbours with no curated evidence for this case: a local
    /// real-world signal, provisional.
    public var realWorldOnly: [RankedTherapy]
    /// The KB profiles the case matched, best tier first (for the trace).
    public var matches: [BiomarkerMatch]
    /// Plain statements the reader must see: no actionable alteration, unannotated variants, malformed
    /// VCF records skipped (`--lenient`), filtered calls ignored, no warehouse, similarity unavailable.
    public var notes: [String]
    /// True when at least one ranked therapy is actionable (`RankingPolicy.isActionable`).
    public var hasActionableAlteration: Bool
    public var options: RecommenderOptions
    /// Stage timings (read is the caller's; match, warehouse, real-world, rank).
    public var timings: [StageTime]
    public var oncoVersion: String
    /// Diagnostic and prognostic evidence about the case's alterations (CIViC and MOAlmanac), best tier
    /// first: a separate report section, never part of the therapy ranking.
    public var implications: [ImplicationItem] = []

    /// True when the warehouse holds synthetic patients only: every output must say so.
    public var isSynthetic: Bool { warehouse?.synthetic == true }
    public var disclosure: DisclosureControl { options.disclosure }
}

/// How long one stage took.
public struct StageTime: Sendable, Hashable {
    public var stage: String
    public var seconds: Double
    public init(stage: String, seconds: Double) { self.stage = stage; self.seconds = seconds }
}

/// The case as the report header shows it.
public struct CaseSummary: Sendable, Hashable {
    public var source: RecommendationCase.Source
    public var tumourType: String
    public var tumourTypeName: String
    public var clinical: ClinicalContext
    public var variantsRead: Int
    public var variantsConsidered: Int
    public var ignoredFiltered: Int
    public var unannotated: Int
    public var annotationWarning: String?
}

/// The warehouse the real-world evidence came from.
public struct WarehouseSummary: Sendable, Hashable {
    public var backend: String
    public var schemaVersion: Int
    public var warehouseVersion: Int
    public var synthetic: Bool
    /// Patients over all datasets.
    public var patients: Int
    public var datasets: [String]
}

/// What a ranked therapy is: curated sensitivity, curated resistance, or a real-world signal only.
public enum TherapyDirection: String, Sendable, Hashable, Codable {
    case sensitivity
    case resistance
    case realWorld = "real-world"
}

/// Why an evidence item is listed with a therapy.
public enum EvidenceRole: String, Sendable, Hashable, Codable {
    /// Supports sensitivity/response.
    case sensitivity
    /// Supports resistance or reduced sensitivity.
    case resistance
    /// 'Does Not Support' the stated significance.
    case counterEvidence = "counter-evidence"
    /// Resistance or counter-evidence about one of the therapy's drugs given otherwise (alone or in
    /// another combination).
    case conflict
}

/// A diagnostic or prognostic evidence item the case matched, with its level and citation.
public struct ImplicationItem: Sendable, Hashable {
    /// `.diagnostic` or `.prognostic`.
    public var type: EvidenceType
    /// `CIViC` or `MOAlmanac`; `EID1409` or `MOA810`.
    public var source: String
    public var id: String
    public var level: String
    public var sourceLevel: String
    public var rating: Int?
    public var tier: Tier
    /// `Poor Outcome`, `Better Outcome`, `Positive`, `Negative` (verbatim), and whether the item supports it.
    public var significance: String
    public var supports: Bool
    public var disease: String
    public var relation: TumourTypeRelation
    public var ontologyPath: [String]
    /// The matched KB profile (`IDH1 R132H`).
    public var profile: String
    public var pmids: [String]
    public var doi: String
    public var nctIDs: [String]
    public var citation: String
    public var url: String
    public var date: String
    public var statement: String
}

/// One KB evidence item behind a therapy, with everything needed to check it by hand.
public struct EvidenceTraceItem: Sendable, Hashable {
    public var role: EvidenceRole
    /// `CIViC` or `MOAlmanac`.
    public var source: String
    /// `EID1409`, `MOA295`.
    public var id: String
    public var evidenceID: Int
    /// onco's level letter (`A`...`E`; MOAlmanac levels mapped as in TIERS.md).
    public var level: String
    /// The source's own level wording: CIViC `A`; MOAlmanac `FDA-Approved`, `Guideline`, ...
    public var sourceLevel: String = ""
    /// CIViC last review date; MOAlmanac publication date.
    public var date: String = ""
    public var doi: String = ""
    public var nctIDs: [String] = []
    public var rating: Int?
    public var tier: Tier
    /// CIViC clinical significance, verbatim, and whether the item supports it.
    public var significance: String
    public var supports: Bool
    /// The therapy as the KB item names it (before folding salt forms).
    public var kbTherapy: String
    public var disease: String
    public var doid: String?
    public var relation: TumourTypeRelation
    /// OncoTree / Disease Ontology steps that justify the relation.
    public var ontologyPath: [String]
    public var pmids: [String]
    public var citation: String
    public var url: String
    /// The matched KB profile (`BRAF V600E`), its rule and how closely the case matched it.
    public var profile: String
    public var rule: String
    public var ruleKind: String
    public var resolution: MatchResolution
    /// The case's alterations that satisfied the rule (`BRAF p.V600E (GRCh37:7:140453136:A>T)`), with
    /// the condition each satisfied.
    public var matchedAlterations: [String]
}

/// The sort key of a ranked therapy, compared field by field in this order (see `RankingPolicy`).
public struct TherapySortKey: Sendable, Hashable, Comparable {
    /// 0 for candidates, 1 for 'not recommended'.
    public var resistanceHere: Int
    /// T1 = 1 ... T4 = 4 (the best curated tier); 9 for real-world-only therapies.
    public var tier: Int
    /// 1 when every item at the best tier is a guideline recommendation only (MOAlmanac `Guideline`),
    /// 0 when one is a validated association or approval (CIViC level A/B..., MOAlmanac `FDA-Approved`,
    /// trials, ...): within a tier, an approval outranks a guideline-only entry (as OncoKB's level 1 and 2).
    public var guidelineOnly: Int = 0
    /// exact 0, broader 1, pan-cancer 2, narrower 3, other 4 (of the lead evidence item).
    public var relation: Int
    /// exact 0, codon 1, range 2, exon 3, gene 4 (of the lead evidence item's match).
    public var resolution: Int
    /// strong 0, supportive 1, inconclusive or not assessed 2, discordant 3.
    public var realWorld: Int
    /// Evidence items at the best tier, their summed rating, and all items in the therapy's direction
    /// (each compared larger-first).
    public var itemsAtBestTier: Int
    public var ratingAtBestTier: Int
    public var itemsTotal: Int
    /// Tie-break: the therapy's name.
    public var name: String

    public static func < (a: TherapySortKey, b: TherapySortKey) -> Bool {
        if a.resistanceHere != b.resistanceHere { return a.resistanceHere < b.resistanceHere }
        if a.tier != b.tier { return a.tier < b.tier }
        if a.guidelineOnly != b.guidelineOnly { return a.guidelineOnly < b.guidelineOnly }
        if a.relation != b.relation { return a.relation < b.relation }
        if a.resolution != b.resolution { return a.resolution < b.resolution }
        if a.realWorld != b.realWorld { return a.realWorld < b.realWorld }
        if a.itemsAtBestTier != b.itemsAtBestTier { return a.itemsAtBestTier > b.itemsAtBestTier }
        if a.ratingAtBestTier != b.ratingAtBestTier { return a.ratingAtBestTier > b.ratingAtBestTier }
        if a.itemsTotal != b.itemsTotal { return a.itemsTotal > b.itemsTotal }
        return a.name < b.name
    }
}

/// One candidate therapy with its rank, curated tier, evidence trace and real-world evidence.
public struct RankedTherapy: Sendable {
    /// 1-based within its section.
    public var rank: Int
    /// Canonical drug names, sorted (`dabrafenib`, `trametinib`).
    public var drugs: [String]
    public var direction: TherapyDirection
    /// The best curated tier in this direction; nil for real-world-only therapies.
    public var tier: Tier?
    /// The lead evidence item's tumour-type relation and match resolution (sort keys 3 and 4).
    public var relation: TumourTypeRelation?
    public var resolution: MatchResolution?
    /// The matched KB profiles behind it (`BRAF V600E`).
    public var biomarkers: [String]
    /// KB items in the therapy's direction, best first, then counter-evidence and conflicts.
    public var evidence: [EvidenceTraceItem]
    public var realWorld: RealWorldEvidence?
    /// Why no real-world analysis was attempted although a warehouse was there.
    public var realWorldUnavailable: String?
    public var sortKey: TherapySortKey
    /// Drugs of the therapy the patient already received (from `ClinicalContext.priorTherapies`).
    public var previouslyReceived: [String]
    /// Neighbours who received it (real-world-only candidates).
    public var neighboursTreated: Int?

    /// `dabrafenib + trametinib`.
    public var name: String { drugs.joined(separator: " + ") }
    /// Items in the therapy's own direction.
    public var directEvidence: [EvidenceTraceItem] {
        evidence.filter { direction == .resistance ? $0.role == .resistance : $0.role == .sensitivity }
    }
}
