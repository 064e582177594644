import Vocabulary

/// CIViC records as onco keeps them, one shape for both CIViC TSV schemas (v1 2021: variant-centred;
/// v2: molecular-profile-centred). In v1 every evidence item is about one variant, so onco makes one
/// single-variant molecular profile per variant (profile id = variant id).

/// The kind of a CIViC evidence item.
public enum EvidenceType: String, Sendable, Hashable, Codable, CaseIterable {
    case predictive = "Predictive", diagnostic = "Diagnostic", prognostic = "Prognostic"
    case predisposing = "Predisposing", functional = "Functional", oncogenic = "Oncogenic"
}

/// Whether the evidence supports its clinical significance or argues against it.
public enum EvidenceDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case supports = "Supports", doesNotSupport = "Does Not Support", notApplicable = "N/A"
}

/// CIViC evidence level: A validated (standard of care), B clinical, C case study, D preclinical,
/// E inferential.
public enum EvidenceLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case a = "A", b = "B", c = "C", d = "D", e = "E"
    public static func < (x: EvidenceLevel, y: EvidenceLevel) -> Bool { x.rawValue < y.rawValue }
}

/// How the drugs of one evidence item relate (CIViC `drug_interaction_type` / `therapy_interaction_type`).
public enum TherapyInteraction: String, Sendable, Hashable, Codable {
    case combination = "Combination", substitutes = "Substitutes", sequential = "Sequential"
}

/// A therapy as one evidence item names it: the set of drugs given together, lower-case generic
/// names, sorted. A combination is kept whole (`dabrafenib + trametinib` is one therapy); the drugs of
/// a `Substitutes` item are separate therapies with the same evidence.
public struct Therapy: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let drugs: [String]
    /// Drug names in onco's spelling (`DrugName.spelling`: lower case, code names mapped, salt forms kept).
    public init(drugs: [String]) { self.drugs = Array(Set(drugs.map(DrugName.spelling))).sorted() }
    public var description: String { drugs.joined(separator: " + ") }
    public static func < (a: Therapy, b: Therapy) -> Bool { a.description < b.description }
}

/// The curated source of an evidence item.
public enum EvidenceSource: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case civic = "CIViC"
    case moalmanac = "MOAlmanac"
    public var description: String { rawValue }
    /// MOAlmanac assertion, feature and profile ids are stored as this offset + the MOAlmanac id, so they
    /// never collide with CIViC ids.
    public static let moalmanacIDOffset = 10_000_000
    /// The source of a stored evidence id.
    public init(evidenceID: Int) { self = evidenceID >= Self.moalmanacIDOffset ? .moalmanac : .civic }
    /// `EID1409` for CIViC ids, `MOA295` for MOAlmanac assertions.
    public static func label(evidenceID id: Int) -> String {
        id >= moalmanacIDOffset ? "MOA\(id - moalmanacIDOffset)" : "EID\(id)"
    }
}

/// A KB disease as its source names it: a CIViC DOID (or name), a MOAlmanac OncoTree code (or term).
public struct DiseaseKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var source: EvidenceSource
    public var key: String
    public init(source: EvidenceSource, key: String) { self.source = source; self.key = key }
    public var description: String { "\(source.rawValue.lowercased()):\(key)" }
    public static func < (a: DiseaseKey, b: DiseaseKey) -> Bool { (a.source.rawValue, a.key) < (b.source.rawValue, b.key) }
}

/// One curated evidence item (a CIViC evidence item or a MOAlmanac assertion).
public struct EvidenceItem: Hashable, Sendable {
    public var id: Int
    /// The molecular profile the item is about (v1: the variant id).
    public var profileID: Int
    public var disease: String
    /// `DOID:3908`, or nil when CIViC gives none.
    public var doid: String?
    /// Drug names as CIViC spells them (title case).
    public var drugNames: [String]
    public var interaction: TherapyInteraction?
    public var type: EvidenceType
    public var direction: EvidenceDirection
    public var level: EvidenceLevel
    /// CIViC clinical significance (`Sensitivity/Response`, `Resistance`, ...), verbatim.
    public var significance: String
    /// 1...5 stars; nil when not rated.
    public var rating: Int?
    /// `PubMed`, `ASCO`, `ASH`.
    public var sourceType: String
    /// PubMed id (or abstract id for conference sources).
    public var citationID: String
    public var citation: String
    public var nctIDs: [String]
    public var variantOrigin: String
    public var statement: String
    /// CIViC: last review; MOAlmanac: `last_updated`.
    public var lastReview: String
    /// Which curated source the item comes from.
    public var source: EvidenceSource = .civic
    /// The source's own level wording: CIViC `A`...`E`; MOAlmanac `FDA-Approved`, `Guideline`, ...
    public var sourceLevel: String = ""
    /// Publication date of the cited source (MOAlmanac `publication_date`); empty for CIViC v1.
    public var publicationDate: String = ""
    /// Label/guideline/article URL given by the source (MOAlmanac `url`), DOI, when present.
    public var sourceURL: String = ""
    public var doi: String = ""
    /// MOAlmanac: the OncoTree code as given (empty for tumour-agnostic assertions); nil for CIViC.
    public var oncotreeCode: String?

    /// PubMed id when the source is PubMed (CIViC) or the assertion cites one (MOAlmanac).
    public var pmid: String? {
        if source == .moalmanac { return citationID.isEmpty ? nil : citationID }
        return sourceType.lowercased() == "pubmed" && !citationID.isEmpty ? citationID : nil
    }
    /// The key the disease mapping is stored under: CIViC DOID (or name when there is none); MOAlmanac
    /// OncoTree code (or term when empty).
    public var diseaseKey: DiseaseKey {
        switch source {
        case .civic: return DiseaseKey(source: .civic, key: doid ?? disease)
        case .moalmanac: return DiseaseKey(source: .moalmanac, key: (oncotreeCode ?? "").isEmpty ? disease : oncotreeCode!)
        }
    }
    /// The item's identifier as the source writes it: `EID1409`, `MOA295`.
    public var label: String { EvidenceSource.label(evidenceID: id) }
    /// Where a reader checks the item.
    public var url: String {
        switch source {
        case .civic: return "https://civicdb.org/links/evidence_items/\(id)"
        case .moalmanac: return sourceURL.isEmpty ? "https://moalmanac.org" : sourceURL
        }
    }

    /// The therapies of the item: one per drug for `Substitutes`, one (all drugs) otherwise.
    public var therapies: [Therapy] {
        if drugNames.isEmpty { return [] }
        if interaction == .substitutes { return drugNames.map { Therapy(drugs: [$0]) }.sorted() }
        return [Therapy(drugs: drugNames)]
    }
}

/// A CIViC variant with its coordinates (GRCh37 in every CIViC export up to 2024).
public struct CIViCVariant: Hashable, Sendable {
    public var id: Int
    public var gene: String
    public var entrezID: String
    public var name: String
    public var chromosome: String
    public var start: Int?
    public var stop: Int?
    public var referenceBases: String
    public var variantBases: String
    public var representativeTranscript: String
    public var referenceBuild: String
    public var chromosome2: String
    public var start2: Int?
    public var stop2: Int?
    public var variantTypes: [String]
    public var hgvsExpressions: [String]
    public var aliases: [String]
    public var groups: [String]
}

/// How the variants of a molecular profile combine.
public enum ProfileOperator: String, Sendable, Hashable, Codable {
    /// One variant.
    case single
    /// All variants must be present (v2 `A AND B`; v1 names like `V600E and AMPLIFICATION` are parsed
    /// into rules instead).
    case all
    /// A v2 expression with OR or NOT, which onco does not evaluate (listed as unparsed).
    case unsupported
}

/// A molecular profile: what an evidence item is about.
public struct MolecularProfile: Hashable, Sendable {
    public var id: Int
    public var name: String
    public var variantIDs: [Int]
    public var op: ProfileOperator
}

/// A CIViC assertion (AMP/ASCO/CAP tier, FDA status), kept for display.
public struct CIViCAssertion: Hashable, Sendable {
    public var id: Int
    public var profileID: Int
    public var disease: String
    public var doid: String?
    public var drugNames: [String]
    public var type: String
    public var direction: String
    public var significance: String
    public var ampCategory: String
    public var regulatoryApproval: Bool
    public var evidenceIDs: [Int]
}

/// A CIViC variant group (v1: `Imatinib Resistance`, `KIT Exon 17`, ...).
public struct VariantGroup: Hashable, Sendable {
    public var id: Int
    public var name: String
}

/// Which CIViC TSV schema a dump uses.
public enum CIViCSchema: String, Sendable, Hashable, Codable {
    /// 2021 and earlier: `gene`, `variant`, `drugs`, `clinical_significance`.
    case v1
    /// 2022 onwards: `molecular_profile`, `therapies`, `significance`, `is_flagged`.
    case v2
}

/// A loaded CIViC release: records only, before rules are derived.
public struct CIViCRelease: Sendable {
    public var schema: CIViCSchema
    /// `01-Aug-2021`, from the file names, or the newest review date when the files carry no date.
    public var releaseName: String
    public var evidence: [EvidenceItem]
    public var variants: [CIViCVariant]
    public var profiles: [MolecularProfile]
    public var assertions: [CIViCAssertion]
    /// Rows whose extra trailing fields were folded into the last column, per file.
    public var foldedRows: [String: Int]
}
