import Foundation
import OncoCore

/// The KB version stamped in every output: CIViC release, OncoTree and Disease Ontology versions, and
/// the checksum of the index that was loaded.
public struct KBVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    public var civicRelease: String
    public var civicSchema: CIViCSchema
    public var oncotree: String
    public var diseaseOntology: String
    /// First 16 hex digits of the SHA-256 of the index payload.
    public var indexChecksum: String
    /// First 12 hex digits of the SHA-256 over the CIViC source files' SHA-256s (sorted by path).
    public var civicChecksum: String?
    /// MOAlmanac's newest `last_updated` (`2025-12-26`), nil when the KB has no MOAlmanac file.
    public var moalmanacRelease: String?
    /// First 12 hex digits of the MOAlmanac file's SHA-256.
    public var moalmanacChecksum: String?

    public init(civicRelease: String, civicSchema: CIViCSchema, oncotree: String, diseaseOntology: String, indexChecksum: String,
                civicChecksum: String? = nil, moalmanacRelease: String? = nil, moalmanacChecksum: String? = nil) {
        self.civicRelease = civicRelease; self.civicSchema = civicSchema; self.oncotree = oncotree
        self.diseaseOntology = diseaseOntology; self.indexChecksum = indexChecksum; self.civicChecksum = civicChecksum
        self.moalmanacRelease = moalmanacRelease; self.moalmanacChecksum = moalmanacChecksum
    }

    /// `CIViC 01-Aug-2021 (v1) sha256:… · MOAlmanac 2025-12-26 sha256:…`: the curated sources.
    public var sources: String {
        var s = "CIViC \(civicRelease) (\(civicSchema.rawValue))" + (civicChecksum.map { " sha256:\($0)" } ?? "")
        if let m = moalmanacRelease { s += " · MOAlmanac \(m)" + (moalmanacChecksum.map { " sha256:\($0)" } ?? "") }
        return s
    }
    public var description: String {
        "\(sources) · OncoTree \(oncotree) · DO \(diseaseOntology) · index sha256:\(indexChecksum)"
    }
}

/// One exon of a canonical transcript on one build (`KnowledgeBase/genes/exons.tsv`).
public struct ExonInterval: Hashable, Sendable {
    public var gene: String
    public var transcript: String
    public var exon: Int
    public var build: GenomeBuild
    public var chrom: String
    public var start: Int
    public var end: Int
}

/// The shipped knowledge base: CIViC records, the rules derived from them, OncoTree, the Disease
/// Ontology slim, the crosswalk, and the exon/domain tables, with look-up indexes for matching.
///
/// Load it with `KnowledgeBase.load(directory:)` (the prebuilt index, milliseconds) or build it from
/// the source files with `KnowledgeBase.build(directory:)` (what `onco kb update` does).
public struct KnowledgeBase: Sendable {
    public internal(set) var version: KBVersion
    public let release: CIViCRelease
    public let oncotree: OncoTree
    public let ontology: DiseaseOntology
    public let crosswalk: OncoTreeDOCrosswalk
    public let exons: [ExonInterval]
    public let domains: [ProteinDomain]
    public let exonAliases: [String: [Int: Int]]
    /// Source file (path relative to the KB directory) → SHA-256 hex and size, as the index was built from.
    public let sources: [String: SourceFile]
    /// Every KB disease → its OncoTree resolution (`DiseaseResolution`), computed when the index is built.
    public let diseaseMap: [DiseaseKey: DiseaseResolution]
    /// Assertions MOAlmanac marks `_deprecated` (skipped), for `onco kb info`.
    public let moalmanacDeprecated: Int
    /// The rules' exact GRCh37 alleles lifted to GRCh38 (built with the shipped chain, stored in the index).
    public let liftover: AlleleLiftover

    /// Variant id → rule.
    public let rules: [Int: BiomarkerRule]
    public let profiles: [Int: MolecularProfile]
    let evidenceByProfile: [Int: [Int]]
    let variantsByID: [Int: CIViCVariant]
    let index: RuleIndex
    /// Variant id → ids of the profiles it takes part in.
    let profileIndex: [Int: [Int]]

    public struct SourceFile: Hashable, Sendable {
        public var sha256: String
        public var bytes: Int
    }

    init(version: KBVersion, release: CIViCRelease, oncotree: OncoTree, ontology: DiseaseOntology,
         crosswalk: OncoTreeDOCrosswalk, exons: [ExonInterval], domains: [ProteinDomain],
         exonAliases: [String: [Int: Int]], sources: [String: SourceFile], diseaseMap: [DiseaseKey: DiseaseResolution],
         moalmanacDeprecated: Int = 0, liftover: AlleleLiftover, rules prebuilt: [BiomarkerRule]) {
        self.liftover = liftover
        self.diseaseMap = diseaseMap
        self.moalmanacDeprecated = moalmanacDeprecated
        self.version = version
        self.release = release
        self.oncotree = oncotree
        self.ontology = ontology
        self.crosswalk = crosswalk
        self.exons = exons
        self.domains = domains
        self.exonAliases = exonAliases
        self.sources = sources
        var rules: [Int: BiomarkerRule] = [:]
        var byID: [Int: CIViCVariant] = [:]
        for r in prebuilt { rules[r.variantID] = r }
        for v in release.variants { byID[v.id] = v }
        self.rules = rules
        self.variantsByID = byID
        var profiles: [Int: MolecularProfile] = [:]
        for p in release.profiles { profiles[p.id] = p }
        self.profiles = profiles
        var pi: [Int: [Int]] = [:]
        for p in release.profiles { for v in p.variantIDs { pi[v, default: []].append(p.id) } }
        self.profileIndex = pi
        var ev: [Int: [Int]] = [:]
        for (i, e) in release.evidence.enumerated() { ev[e.profileID, default: []].append(i) }
        self.evidenceByProfile = ev
        self.index = RuleIndex(rules: rules, exons: exons, liftover: liftover)
    }

    /// The CIViC variant with this id.
    public func variant(_ id: Int) -> CIViCVariant? { variantsByID[id] }
    /// Evidence items about a molecular profile.
    public func evidence(forProfile id: Int) -> [EvidenceItem] { (evidenceByProfile[id] ?? []).map { release.evidence[$0] } }

    /// The case's tumour type resolved against OncoTree and the Disease Ontology.
    public func indication(for code: OncoTreeCode) throws -> Indication {
        try Indication.resolve(code: code, oncotree: oncotree, ontology: ontology, crosswalk: crosswalk)
    }
}

/// Look-up tables from case alterations to candidate rules.
struct RuleIndex: Sendable {
    /// Gene → variant ids whose rule has a leaf on that gene.
    var byGene: [String: [Int]] = [:]
    /// Minimal GRCh37/38 allele → variant ids.
    var byAllele: [GenomicAllele: [Int]] = [:]
    /// Minimal GRCh38 allele lifted from a rule's GRCh37 allele → variant ids.
    var byLiftedAllele: [GenomicAllele: [Int]] = [:]
    /// Variant ids whose rule tests TMB or MSI.
    var characteristic: [Int] = []
    /// (build, chrom) → exon intervals sorted by start.
    var exonsByChrom: [String: [ExonInterval]] = [:]

    init(rules: [Int: BiomarkerRule], exons: [ExonInterval], liftover: AlleleLiftover) {
        for id in rules.keys.sorted() {
            let r = rules[id]!
            if let c = r.condition {
                for g in c.genes { byGene[g, default: []].append(id) }
                if c.mentionsCharacteristic { characteristic.append(id) }
            }
            if let g = r.genomic {
                byAllele[g, default: []].append(id)
                if let l = liftover.lifted[g] { byLiftedAllele[l, default: []].append(id) }
            }
        }
        for e in exons { exonsByChrom["\(e.build.rawValue):\(e.chrom)", default: []].append(e) }
        for k in exonsByChrom.keys { exonsByChrom[k]!.sort { $0.start < $1.start } }
    }
}

extension RuleCondition {
    var mentionsCharacteristic: Bool {
        switch self {
        case .characteristic: return true
        case .allOf(let c), .anyOf(let c): return c.contains { $0.mentionsCharacteristic }
        default: return false
        }
    }
}
