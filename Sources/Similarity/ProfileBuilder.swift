import OncoCore
import Vocabulary

/// Builds a `PatientProfile` from a case's somatic variants and clinical context, classing each
/// variant as hotspot, truncating or other.
///
/// Rules (in this order, per PASS variant with a gene symbol; unfiltered variants count as PASS):
/// 1. Consequence class (`Consequence.classify` of the most severe SO term) `truncating` → truncating.
/// 2. `missense` or `inframeIndel` whose protein residues (`ProteinChange.residues` of HGVSp) overlap a
///    hotspot of the gene (`HotspotCatalog`) → hotspot.
/// 3. `missense`, `inframeIndel` or `splice` → other. Synonymous and non-coding variants are ignored.
///
/// From `ClinicalContext`: an amplification → hotspot/activating, a deletion → truncating; a fusion makes
/// its 3′ partner activating and its 5′ partner other. A pathway is hit when one of its genes has a
/// hotspot/activating or truncating alteration (Sanchez-Vega et al. count only likely oncogenic events).
/// Stage is `Stage.ordinal` of the context's stage; the number of prior lines is taken as given (the
/// context lists prior drugs, not lines, so `priorLines` is a separate argument).
/// Exact alterations (`PatientProfile.hotspotAlleles`, compared beside the genes in their own, heavier
/// tier): a hotspot small variant with a protein change gives its allele, `GENE p.X` (1-letter HGVSp,
/// `alleleLabel(gene:hgvsp:)`), and so does a truncating one when it is a *recurrent truncating driver* —
/// its first residue is one at which CIViC names a truncating variant (`recurrentTruncating`, e.g. NPM1
/// W288FS, BRCA1 R1443*; other truncations are loss-of-function events of their gene, compared at the
/// gene level); an amplification or a deletion gives `GENE amplification`
/// / `GENE deletion`, a fusion `THREE fusion` of its 3′ partner (`eventLabel(gene:kind:)`). Other
/// (non-hotspot missense, splice) changes give no allele: they count at the gene level only.
public struct ProfileBuilder: Sendable {
    public var hotspots: HotspotCatalog
    public var pathways: PathwayCatalog
    /// Only variants passing filters (PASS or unfiltered) count; default true.
    public var passOnly: Bool
    /// Gene → residues where a truncating change is a recurrent driver with an allele of its own.
    public var recurrentTruncating: [String: Set<Int>]

    public init(hotspots: HotspotCatalog = .cancerHotspotsV2, pathways: PathwayCatalog = .sanchezVega2018,
                passOnly: Bool = true, recurrentTruncating: [String: Set<Int>] = ProfileBuilder.civicTruncatingResidues) {
        self.hotspots = hotspots
        self.pathways = pathways
        self.passOnly = passOnly
        self.recurrentTruncating = recurrentTruncating
    }

    /// Residues at which CIViC (release 01-Aug-2021, CC0) names a truncating variant: 47 (gene, residue)
    /// pairs, e.g. NPM1 288 (`W288FS`), BRCA1 1443 (`R1443*`).
    public static let civicTruncatingResidues: [String: Set<Int>] = {
        var out: [String: Set<Int>] = [:]
        for line in EmbeddedData.civicTruncatingAllelesTSV.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t")
            if f.count >= 2, let r = Int(f[1]) { out[String(f[0]), default: []].insert(r) }
        }
        return out
    }()

    /// The exact-alteration label of a small variant of class `c`: `GENE p.X` for a hotspot one, and for a
    /// truncating one at a recurrent residue (`recurrentTruncating`); nil otherwise.
    public func exactAllele(gene: String, class c: AlterationClass, hgvsp: String?) -> String? {
        guard let p = hgvsp else { return nil }
        switch c {
        case .hotspot: return Self.alleleLabel(gene: gene, hgvsp: p)
        case .truncating:
            guard let r = ProteinChange.residues(p), recurrentTruncating[gene]?.contains(r.lowerBound) == true else { return nil }
            return Self.alleleLabel(gene: gene, hgvsp: p)
        case .other: return nil
        }
    }

    /// The class of one variant, or nil when it does not alter the protein (or has no gene).
    public func classify(_ v: SomaticVariant) -> (gene: String, class: AlterationClass)? {
        if passOnly, !v.isPass { return nil }
        guard let ann = v.annotation, let gene = ann.symbol, !gene.isEmpty, let term = ann.consequence else { return nil }
        return classify(gene: gene, consequence: Consequence.classify(term), hgvsp: ann.hgvspShort ?? ann.hgvsp).map { (gene, $0) }
    }

    /// The class of a small variant of `gene` from its coarse consequence class and protein change
    /// (rules 1–3 above; the single place they are written, shared by new cases and warehouse patients).
    public func classify(gene: String, consequence: Consequence.Class, hgvsp: String?) -> AlterationClass? {
        switch consequence {
        case .truncating:
            return .truncating
        case .missense, .inframeIndel:
            if let p = hgvsp, let r = ProteinChange.residues(p), hotspots.overlapsHotspot(gene: gene, residues: r) {
                return .hotspot
            }
            return .other
        case .splice:
            return .other
        case .synonymous, .noncoding:
            return nil
        }
    }

    /// The class of a gene-level alteration: an amplification is activating, a deletion truncating
    /// (fusions have two partners with different classes; see `profile(key:variants:clinical:priorLines:)`).
    public func classify(copyNumber kind: CopyNumberAlteration.Kind) -> AlterationClass {
        kind == .amplification ? .hotspot : .truncating
    }

    /// A profile for a new case.
    public func profile(key: PatientKey, variants: [SomaticVariant], clinical: ClinicalContext,
                        priorLines: Int? = nil) -> PatientProfile {
        var p = PatientProfile(key: key, tumourType: clinical.tumourType)
        for v in variants {
            guard let (g, c) = classify(v) else { continue }
            add(g, c, to: &p)
            if let a = exactAllele(gene: g, class: c, hgvsp: v.annotation.flatMap({ $0.hgvspShort ?? $0.hgvsp })) {
                p.hotspotAlleles.insert(a)
            }
        }
        for cna in clinical.copyNumber {
            add(cna.gene, classify(copyNumber: cna.kind), to: &p)
            p.hotspotAlleles.insert(Self.eventLabel(gene: cna.gene, kind: cna.kind == .amplification ? "amplification" : "deletion"))
        }
        for f in clinical.fusions {
            add(f.threePrime, .hotspot, to: &p)
            add(f.fivePrime, .other, to: &p)
            p.hotspotAlleles.insert(Self.eventLabel(gene: f.threePrime, kind: "fusion"))
        }
        p.pathways = pathwaySet(hotspot: p.hotspotGenes, truncating: p.truncatingGenes)
        p.tmb = clinical.tmb
        p.stage = Stage.ordinal(clinical.stage)
        p.age = clinical.age
        p.sex = clinical.sex
        p.priorLines = priorLines
        return p
    }

    /// The allele label of a protein change: `GENE p.X` in 1-letter HGVSp without transcript prefix.
    public static func alleleLabel(gene: String, hgvsp: String) -> String {
        "\(gene) \(AminoAcid.shortHGVSp(hgvsp))"
    }

    /// The exact-alteration label of a gene-level event: `GENE amplification`, `GENE deletion`,
    /// `GENE fusion` (the 3′ partner of a fusion).
    public static func eventLabel(gene: String, kind: String) -> String { "\(gene) \(kind)" }

    /// The pathways hit by hotspot/activating or truncating alterations of these genes.
    public func pathwaySet<S: Sequence, T: Sequence>(hotspot: S, truncating: T) -> PathwaySet
    where S.Element == String, T.Element == String {
        var s = PathwaySet()
        for g in hotspot { s.formUnion(pathways.pathways(of: g)) }
        for g in truncating { s.formUnion(pathways.pathways(of: g)) }
        return s
    }

    private func add(_ gene: String, _ c: AlterationClass, to p: inout PatientProfile) {
        switch c {
        case .hotspot: p.hotspotGenes.insert(gene)
        case .truncating: p.truncatingGenes.insert(gene)
        case .other: p.otherGenes.insert(gene)
        }
    }
}
