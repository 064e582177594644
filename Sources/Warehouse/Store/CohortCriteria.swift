import Foundation
import OncoCore

/// Which patients. Every non-empty criterion must hold (AND); lists inside one criterion are ORs
/// except `alteredGenes`, `variants`, `alterations`, `alterationSets` and `therapies`, where each listed item
/// must hold (within one alteration set, any member).
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
    /// Alteration-set conditions (altered in any member, or genotyped and altered in none); all of.
    public var alterationSets: [AlterationSetFilter]

    public init(tumourTypes: [String] = [], alteredGenes: [String] = [], variants: [GeneVariant] = [],
                attributes: [AttributeFilter] = [], drugs: [String] = [], datasets: [String] = [],
                personIDs: [Int64]? = nil, patientKeys: [String]? = nil, stages: [Int] = [], age: NumericRange? = nil, sexes: [Sex] = [],
                tmb: NumericRange? = nil, diagnosed: DayRange? = nil, alterations: [AlterationFilter] = [],
                therapies: [TherapyFilter] = [], alterationSets: [AlterationSetFilter] = []) {
        self.tumourTypes = tumourTypes; self.alteredGenes = alteredGenes; self.variants = variants
        self.attributes = attributes; self.drugs = drugs; self.datasets = datasets; self.personIDs = personIDs
        self.patientKeys = patientKeys
        self.stages = stages; self.age = age; self.sexes = sexes; self.tmb = tmb; self.diagnosed = diagnosed
        self.alterations = alterations; self.therapies = therapies; self.alterationSets = alterationSets
    }

    enum CodingKeys: String, CodingKey {
        case tumourTypes, alteredGenes, variants, attributes, drugs, datasets, personIDs, patientKeys, stages, age, sexes, tmb, diagnosed,
             alterations, therapies, alterationSets
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
                  therapies: try c.decodeIfPresent([TherapyFilter].self, forKey: .therapies) ?? [],
                  alterationSets: try c.decodeIfPresent([AlterationSetFilter].self, forKey: .alterationSets) ?? [])
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
    /// Only fusions with this reading frame (`onco_somatic_variant.fusion_frame`); fusions of unknown frame
    /// never match a frame. nil: any frame, unknown included. Other rows are unaffected.
    public var fusionFrame: FusionFrame?

    /// Non-synonymous coding changes (truncating incl. splice donor/acceptor and start lost, missense
    /// incl. stop lost, in-frame indels) and gene-level alterations: the MAF `Variant_Classification`s
    /// Missense, Nonsense, Frame_Shift_Del/Ins, In_Frame_Del/Ins, Splice_Site, Nonstop and
    /// Translation_Start_Site, as cBioPortal counts a gene "mutated". Splice-region and synonymous
    /// changes do not count.
    public static let nonSynonymousClasses = ["truncating", "missense", "inframeIndel", "amplification", "deletion", "fusion"]

    public init(gene: String, hgvsp: String? = nil, classes: [String] = AlterationFilter.nonSynonymousClasses,
                passOnly: Bool = false, present: Bool = true, fusionFrame: FusionFrame? = nil) {
        self.gene = gene; self.hgvsp = hgvsp; self.classes = classes; self.passOnly = passOnly; self.present = present
        self.fusionFrame = fusionFrame
    }
}

/// A condition on a patient's alterations in any of several members (issue #20: "IDH1 or IDH2 mutated").
///
/// `present: true` matches patients with a qualifying row for at least one member (each member's `present` is
/// ignored); `present: false` genotyped patients (with a specimen) with none. No member: nobody, or every
/// genotyped patient.
public struct AlterationSetFilter: Sendable, Hashable, Codable {
    public var members: [AlterationFilter]
    public var present: Bool
    public init(members: [AlterationFilter], present: Bool = true) { self.members = members; self.present = present }
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
