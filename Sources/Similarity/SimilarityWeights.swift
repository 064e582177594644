import Foundation
import Vocabulary

/// The weights and scales of onco's patient similarity, with documented defaults.
///
/// **The similarity** of a query patient *q* and a candidate *p* is a Gower-style weighted mean of
/// per-feature similarities in [0, 1] (Gower, *Biometrics* 1971), over the features known for both:
///
///     S(q, p) = Σ_f W_f · δ_f · s_f  /  Σ_f W_f · δ_f
///
/// evaluated in this order of *f* (the order fixes the floating-point result; the index and any
/// reference implementation must add in it):
///
/// 1. **genes** (`genes`): tier-weighted Jaccard over the alterations of the index vocabulary's genes,
///    I = w_h·|H_q∩H_p| + w_t·|T_q∩T_p| + w_o·|O_q∩O_p| + w_x·|X_q∩X_p|,
///    U = w_h·|H_q∪H_p| + w_t·|T_q∪T_p| + w_o·|O_q∪O_p| + w_x·|X_q∪X_p|, s = I / U; δ = 1 when U > 0.
///    H, T, O are the *gene-level* tiers (genes with a hotspot/activating, truncating or other alteration;
///    weights `hotspotClass`, `truncatingClass`, `otherClass`); X is the *exact-alteration* tier
///    (`PatientProfile.hotspotAlleles`, of vocabulary genes; weight `exactClass`): the allele `GENE p.X` of
///    each hotspot small variant and of each recurrent truncating driver (`ProfileBuilder.exactAllele`),
///    and the kind of each gene-level event (`GENE amplification`,
///    `GENE deletion`, `GENE fusion`). So two KRAS-hotspot patients share KRAS in H, and share
///    `KRAS p.G12C` in X only when both carry it; an ERBB2 amplification and an ERBB2 hotspot missense
///    share ERBB2 in H but not the event; NPM1 p.W288Cfs*12 carriers share the allele, not only NPM1 in T.
///    Each union is computed as |A| + |B| − |A∩B| in integers before weighting. An exact alteration of
///    the query that no indexed patient carries still counts in the union.
/// 2. **pathways** (`pathways`): Jaccard of the sets of canonical pathways hit; δ = 1 when the union is
///    not empty.
/// 3. **tumour type** (`tumourType`): Wu–Palmer similarity on OncoTree, 2·depth(lca)/(depth(a)+depth(b))
///    (1 same type, 0 different tissue); always known (δ = 1).
/// 4. **stage** (`stage`): max(0, 1 − |Δ|/`stageRange`) on stage ordinals 0…4.
/// 5. **age** (`age`): max(0, 1 − |Δ|/`ageRange`) on whole years (clamped to 0…254).
/// 6. **sex** (`sex`): 1 if equal, else 0; δ = 0 when either is unknown.
/// 7. **prior lines** (`priorLines`): max(0, 1 − |Δ|/`priorLinesRange`) (clamped to 0…254).
/// 8. **TMB** (`tmb`): max(0, 1 − |Δq| / (1000·`tmbLogRange`)) where q = round(1000·ln(1 + TMB)) is the
///    burden on a log scale at 0.001 resolution (clamped to 0…65534).
///
/// Each term is added as `W_f * s_f` (and `W_f` to the denominator); S = 0 when the denominator is 0.
/// Ties in S are broken by the patient key (UTF-8 byte order, ascending).
///
/// Defaults put the genome first (the question asked of a neighbour set is "do they share the driver?"),
/// the tumour type second, and clinical covariates last: genes 8, pathways 2, tumour type 3, stage 0.5,
/// age 0.5, sex 0.25, prior lines 0.5, TMB 0.5 (the genes weigh more than everything else together,
/// because a Jaccard over all altered genes is diluted by passengers: a carrier of the query's driver with
/// a dozen passengers of its own may score only 0.1–0.2 there). Within the genes a documented tiered
/// weighting, from the most to the least specific feature: exact alteration 3.0 > hotspot/activating
/// gene 1.0 > truncating gene 0.8 > other gene 0.1 (a non-hotspot missense change in a cancer gene is
/// mostly a passenger). The exact tier weighs
/// most because it is what a treatment decision turns on (KRAS p.G12C, not "a KRAS hotspot"; ERBB2
/// amplification, not "ERBB2 activating"): a neighbour carrying the query's exact driver then outranks one
/// with another allele of the gene and a closer clinical match. Ages 40 years apart, stages 4 apart,
/// 4 lines apart or TMB a factor e⁴ ≈ 55 apart count as fully dissimilar.
public struct SimilarityWeights: Hashable, Sendable, Codable {
    public var genes: Double = 8
    public var pathways: Double = 2
    public var tumourType: Double = 3
    public var stage: Double = 0.5
    public var age: Double = 0.5
    public var sex: Double = 0.25
    public var priorLines: Double = 0.5
    public var tmb: Double = 0.5

    public var hotspotClass: Double = 1.0
    public var truncatingClass: Double = 0.8
    public var otherClass: Double = 0.1
    /// Weight of an exact alteration (allele or gene-level event) in the gene Jaccard.
    public var exactClass: Double = 3.0

    public var stageRange: Double = 4
    public var ageRange: Double = 40
    public var priorLinesRange: Double = 4
    public var tmbLogRange: Double = 4

    /// The encoded keys (a weights file's fields): `tumorType` as written before the identifiers were spelled `tumour`.
    enum CodingKeys: String, CodingKey {
        case genes, pathways, tumourType = "tumorType", stage, age, sex, priorLines, tmb, hotspotClass, truncatingClass, otherClass,
             exactClass, stageRange, ageRange, priorLinesRange, tmbLogRange
    }

    public init() {}

    /// The default weights.
    public static let `default` = SimilarityWeights()

    /// Genomic features only (genes and pathways), for pure molecular matching.
    public static var molecularOnly: SimilarityWeights {
        var w = SimilarityWeights()
        w.tumourType = 0; w.stage = 0; w.age = 0; w.sex = 0; w.priorLines = 0; w.tmb = 0
        return w
    }

    /// Throws `invalidArgument` when a weight is negative or not finite, or a range is not positive.
    public func validate() throws {
        let ws = [genes, pathways, tumourType, stage, age, sex, priorLines, tmb, hotspotClass, truncatingClass, otherClass, exactClass]
        guard ws.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw SimilarityError(.invalidArgument, "similarity weights must be finite and non-negative")
        }
        let rs = [stageRange, ageRange, priorLinesRange, tmbLogRange]
        guard rs.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw SimilarityError(.invalidArgument, "similarity ranges must be finite and positive")
        }
    }

    /// The TMB on the index's log scale: round(1000·ln(1 + TMB)), clamped to 0…65534.
    public static func quantisedTMB(_ tmb: Double) -> Int {
        guard tmb.isFinite, tmb > 0 else { return 0 }
        return min(65534, Int((1000 * Foundation.log1p(tmb)).rounded()))
    }
}

/// The genes an index encodes as bits, one bit per gene and alteration class.
///
/// Genes outside the vocabulary are not compared (a panel, like any targeted sequencing assay).
/// The default is every gene of the canonical pathways, of the hotspot table and of CIViC (genes with
/// curated clinical evidence, release 01-Aug-2021), so that drivers outside the pathways and the hotspot
/// table (NPM1, BRCA1, ...) are compared.
public struct GeneVocabulary: Hashable, Sendable, Codable {
    public let genes: [String]
    private let idByGene: [String: Int]

    /// Deduplicates and sorts.
    public init<S: Sequence>(_ genes: S) where S.Element == String {
        let sorted = Array(Set(genes)).sorted()
        self.genes = sorted
        var d: [String: Int] = [:]
        for (i, g) in sorted.enumerated() { d[g] = i }
        idByGene = d
    }

    public static let `default` = GeneVocabulary(PathwayCatalog.sanchezVega2018.genes + HotspotCatalog.cancerHotspotsV2.genes + civicGenes2021)

    /// The 439 genes of the CIViC release of 01-Aug-2021 (genes with curated clinical evidence, CC0).
    public static let civicGenes2021: [String] = EmbeddedData.civicGenesTSV.split(separator: "\n").dropFirst().map(String.init)

    public var count: Int { genes.count }
    public func id(of gene: String) -> Int? { idByGene[gene] }

    public static func == (a: Self, b: Self) -> Bool { a.genes == b.genes }
    public func hash(into h: inout Hasher) { h.combine(genes) }
    enum CodingKeys: CodingKey { case genes }
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.container(keyedBy: CodingKeys.self).decode([String].self, forKey: .genes))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(genes, forKey: .genes)
    }
}
