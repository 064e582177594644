import OncoCore

// What matching a case gives: its options and results (matches, evidence, the case interpretation).

/// Options for matching a case.
public struct MatchOptions: Sendable, Hashable {
    /// Also match variants whose FILTER is not PASS (default: ignore them).
    public var includeFiltered: Bool
    /// Evaluate `WILD TYPE` rules as "no non-synonymous variant in the gene" (assumes the gene was covered).
    public var evaluateWildType: Bool
    /// Keep only these evidence types (default: all).
    public var evidenceTypes: Set<EvidenceType>
    public init(includeFiltered: Bool = false, evaluateWildType: Bool = false,
                evidenceTypes: Set<EvidenceType> = Set(EvidenceType.allCases)) {
        self.includeFiltered = includeFiltered
        self.evaluateWildType = evaluateWildType
        self.evidenceTypes = evidenceTypes
    }
}

/// An alteration of the case that satisfied (part of) a rule.
public struct MatchedAlteration: Hashable, Sendable, Codable {
    public enum Source: String, Sendable, Hashable, Codable { case variant, copyNumber = "copy-number", fusion, tmb, msi }
    public var source: Source
    /// `BRAF p.V600E (GRCh37:7:140453136:A>T)`, `ERBB2 amplification`, `EML4::ALK`, `TMB 14.2/Mb`.
    public var description: String
    /// Index of the variant in the input array, for `source == .variant`.
    public var variantIndex: Int?
    public var variantKey: VariantKey?
    /// The rule leaf it satisfied (`BRAF p.V600E`, `EGFR exon 19 deletion`).
    public var condition: String
    public var resolution: MatchResolution
    /// How the exon was known, for exon rules (`annotation` or `exon table`).
    public var exonSource: String?
}

/// An evidence item attached to a matched profile, with its tumour-type relation and tier.
public struct MatchedEvidence: Hashable, Sendable, Codable {
    public var evidenceID: Int
    public var type: EvidenceType
    public var level: EvidenceLevel
    public var direction: EvidenceDirection
    public var significance: String
    public var effect: EvidenceEffect
    public var rating: Int?
    public var disease: String
    public var doid: String?
    public var therapies: [Therapy]
    public var interaction: TherapyInteraction?
    public var pmid: String?
    public var citation: String
    public var relation: TumourTypeRelation
    /// Why the relation holds (OncoTree/DO steps).
    public var ontologyPath: [String]
    public var tier: Tier
    /// 'Does Not Support': evidence against the stated significance.
    public var isCounterEvidence: Bool
    /// CIViC or MOAlmanac.
    public var source: EvidenceSource = .civic
    /// The source's own level (`A`, `FDA-Approved`).
    public var sourceLevel: String = ""
    /// Where to check the item: CIViC evidence page; MOAlmanac label/guideline/article URL.
    public var url: String = ""
    /// The item's date: CIViC last review; MOAlmanac publication date (else last update).
    public var date: String = ""
    public var doi: String = ""
    public var nctIDs: [String] = []
    /// `EID1409`, `MOA295`.
    public var label: String = ""
    /// The source's statement (CIViC evidence statement; MOAlmanac description with its context).
    public var statement: String = ""
}

/// A molecular profile of the KB that the case satisfies.
public struct BiomarkerMatch: Hashable, Sendable, Codable {
    public var profileID: Int
    public var profileName: String
    public var ruleKind: RuleKind
    /// The rule as text (`EGFR exon 19 deletion`).
    public var rule: String
    /// The weakest resolution among the parts that had to match.
    public var resolution: MatchResolution
    public var alterations: [MatchedAlteration]
    public var evidence: [MatchedEvidence]
}

/// A reference to one evidence item in a therapy summary.
public struct EvidenceRef: Hashable, Sendable, Codable {
    public var evidenceID: Int
    public var profileName: String
    public var tier: Tier
    public var level: EvidenceLevel
    public var effect: EvidenceEffect
    public var isCounterEvidence: Bool
    public var relation: TumourTypeRelation
    public var therapy: Therapy
    public var pmid: String?
}

/// Predictive evidence for one therapy (a drug set kept whole), and what argues against it.
public struct TherapyAssessment: Hashable, Sendable, Codable {
    public var therapy: Therapy
    /// Best tier among supporting sensitivity/response items; nil when there are none.
    public var bestTier: Tier?
    public var sensitivity: [EvidenceRef]
    public var resistance: [EvidenceRef]
    /// 'Does Not Support' items about this therapy.
    public var counterEvidence: [EvidenceRef]
    /// Resistance or counter-evidence on this therapy or on any of its drugs given alone or in another
    /// combination (dabrafenib monotherapy resistance against dabrafenib + trametinib).
    public var conflicts: [EvidenceRef]
}

/// The interpretation of one case against the KB.
public struct CaseInterpretation: Sendable, Codable {
    public var kbVersion: KBVersion
    public var tumourType: String
    public var tumourTypeName: String
    public var matches: [BiomarkerMatch]
    public var therapies: [TherapyAssessment]
    /// Variants skipped because FILTER was not PASS.
    public var ignoredFiltered: Int
    public var variantsConsidered: Int
    /// Considered variants without a gene annotation (no VEP CSQ / snpEff ANN / MAF symbol). They can match
    /// only the KB's exact alleles: GRCh37 coordinates, or on GRCh38 those coordinates lifted with the
    /// shipped chain; on an unknown build they cannot match at all.
    public var unannotated: Int = 0
    /// Of `unannotated`, those on neither GRCh37 nor GRCh38: invisible to every rule. Reports must say so.
    public var unmatchableUnannotated: Int = 0
    /// How copy number, fusions, TMB and MSI were derived from case files (`ClinicalContext.inputMethods`), one
    /// line each; nil when none was read (and then left out of the JSON).
    public var inputMethods: [String]?

    /// A plain-language warning when annotation is missing, or nil.
    public var annotationWarning: String? {
        if unmatchableUnannotated > 0 {
            return "\(unmatchableUnannotated) of \(variantsConsidered) variants have no gene/protein annotation and are on neither GRCh37 "
                + "nor GRCh38: the KB's exact alleles are GRCh37 (lifted to GRCh38), so they cannot be matched. Annotate the VCF with "
                + "VEP (CSQ) or snpEff (ANN), or state its build in the header (##reference or ##contig lengths)."
        }
        if unannotated > 0 {
            return "\(unannotated) of \(variantsConsidered) variants have no gene/protein annotation: they were matched by the KB's "
                + "exact GRCh37 alleles only (on GRCh38, lifted with the UCSC hg19ToHg38 chain); codon, exon and gene-level rules "
                + "need an annotated VCF (VEP CSQ or snpEff ANN)."
        }
        return nil
    }
}
