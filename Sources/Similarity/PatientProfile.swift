import OncoCore
import Vocabulary

/// How an altered gene counts in a profile.
public enum AlterationClass: Int, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A recurrent hotspot (cancerhotspots.org residue or in-frame indel region), an amplification, or the
    /// 3′ partner of a fusion: a likely activating event.
    case hotspot = 0
    /// Truncating (stop-gained, frameshift, splice donor/acceptor, start-lost, transcript ablation) or a
    /// deep deletion: a likely loss of function.
    case truncating = 1
    /// Any other protein-altering change (non-hotspot missense, in-frame indel, splice region), and the
    /// 5′ partner of a fusion.
    case other = 2

    public var description: String {
        switch self {
        case .hotspot: return "hotspot/activating"
        case .truncating: return "truncating"
        case .other: return "other"
        }
    }
}

/// What the similarity search knows of one patient: altered genes by class, the canonical oncogenic
/// pathways they hit, TMB, tumour type, stage, age, sex and number of prior therapy lines.
///
/// Built for a new case by `ProfileBuilder` from its variants and `ClinicalContext`, or for warehouse
/// patients from stored values. The key is pseudonymous; `description` of `PatientKey` is redacted.
public struct PatientProfile: Hashable, Sendable, Codable {
    public var key: PatientKey
    /// Genes with a hotspot/activating alteration.
    public var hotspotGenes: Set<String>
    /// Genes with a truncating alteration.
    public var truncatingGenes: Set<String>
    /// Genes with another protein-altering change.
    public var otherGenes: Set<String>
    /// The exact alterations, compared beside the genes as features of their own (the *exact-alteration*
    /// tier, weighted above genes, `SimilarityWeights.exactClass`):
    /// - hotspot small variants and recurrent truncating drivers at the protein level, `GENE p.X`
    ///   (1-letter HGVSp, e.g. `KRAS p.G12C`, `NPM1 p.W288Cfs*12`; `ProfileBuilder.exactAllele`), so that KRAS p.G12C and KRAS p.G12D patients share the gene
    ///   but not the allele;
    /// - gene-level events by kind, `GENE amplification`, `GENE deletion`, `GENE fusion` (3′ partner), so
    ///   that an ERBB2 amplification and an ERBB2 hotspot missense share the gene but not the event.
    ///
    /// (`ProfileBuilder.exactAlterations` writes them; `ProfileBuilder.eventLabel` names events.)
    public var hotspotAlleles: Set<String>

    /// The exact alterations (the stored property keeps its original name, `hotspotAlleles`).
    public var exactAlterations: Set<String> {
        get { hotspotAlleles }
        set { hotspotAlleles = newValue }
    }
    /// Canonical pathways hit by a hotspot or truncating alteration of one of their genes.
    public var pathways: PathwaySet
    /// Tumour mutational burden (mutations per megabase), if known.
    public var tmb: Double?
    public var tumourType: OncoTreeCode
    /// Stage ordinal 0...4 (`Stage.ordinal`), if known.
    public var stage: Int?
    /// Age in years at diagnosis (or at the index date), if known.
    public var age: Int?
    public var sex: Sex?
    /// Number of prior lines of systemic therapy, if known.
    public var priorLines: Int?

    /// The encoded keys: `tumorType` as written before the identifiers were spelled `tumour`.
    enum CodingKeys: String, CodingKey {
        case key, hotspotGenes, truncatingGenes, otherGenes, hotspotAlleles, pathways, tmb, tumourType = "tumorType", stage, age, sex, priorLines
    }

    public init(key: PatientKey, tumourType: OncoTreeCode, hotspotGenes: Set<String> = [],
                truncatingGenes: Set<String> = [], otherGenes: Set<String> = [], hotspotAlleles: Set<String> = [],
                pathways: PathwaySet = PathwaySet(),
                tmb: Double? = nil, stage: Int? = nil, age: Int? = nil, sex: Sex? = nil, priorLines: Int? = nil) {
        self.key = key
        self.tumourType = tumourType
        self.hotspotGenes = hotspotGenes
        self.truncatingGenes = truncatingGenes
        self.otherGenes = otherGenes
        self.hotspotAlleles = hotspotAlleles
        self.pathways = pathways
        self.tmb = tmb
        self.stage = stage
        self.age = age
        self.sex = sex
        self.priorLines = priorLines
    }

    /// The genes of one class.
    public func genes(_ c: AlterationClass) -> Set<String> {
        switch c {
        case .hotspot: return hotspotGenes
        case .truncating: return truncatingGenes
        case .other: return otherGenes
        }
    }

    /// Every altered gene, any class.
    public var alteredGenes: Set<String> { hotspotGenes.union(truncatingGenes).union(otherGenes) }
}
