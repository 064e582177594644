import OncoCore

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
public struct ProfileBuilder: Sendable {
    public var hotspots: HotspotCatalog
    public var pathways: PathwayCatalog
    /// Only variants passing filters (PASS or unfiltered) count; default true.
    public var passOnly: Bool

    public init(hotspots: HotspotCatalog = .cancerHotspotsV2, pathways: PathwayCatalog = .sanchezVega2018,
                passOnly: Bool = true) {
        self.hotspots = hotspots
        self.pathways = pathways
        self.passOnly = passOnly
    }

    /// The class of one variant, or nil when it does not alter the protein (or has no gene).
    public func classify(_ v: SomaticVariant) -> (gene: String, class: AlterationClass)? {
        if passOnly, !v.isPass { return nil }
        guard let ann = v.annotation, let gene = ann.symbol, !gene.isEmpty, let term = ann.consequence else { return nil }
        switch Consequence.classify(term) {
        case .truncating:
            return (gene, .truncating)
        case .missense, .inframeIndel:
            if let p = ann.hgvspShort ?? ann.hgvsp, let r = ProteinChange.residues(p),
               hotspots.overlapsHotspot(gene: gene, residues: r) {
                return (gene, .hotspot)
            }
            return (gene, .other)
        case .splice:
            return (gene, .other)
        case .synonymous, .noncoding:
            return nil
        }
    }

    /// A profile for a new case.
    public func profile(key: PatientKey, variants: [SomaticVariant], clinical: ClinicalContext,
                        priorLines: Int? = nil) -> PatientProfile {
        var p = PatientProfile(key: key, tumorType: clinical.tumorType)
        for v in variants {
            guard let (g, c) = classify(v) else { continue }
            add(g, c, to: &p)
        }
        for cna in clinical.copyNumber {
            add(cna.gene, cna.kind == .amplification ? .hotspot : .truncating, to: &p)
        }
        for f in clinical.fusions {
            add(f.threePrime, .hotspot, to: &p)
            add(f.fivePrime, .other, to: &p)
        }
        p.pathways = pathwaySet(hotspot: p.hotspotGenes, truncating: p.truncatingGenes)
        p.tmb = clinical.tmb
        p.stage = Stage.ordinal(clinical.stage)
        p.age = clinical.age
        p.sex = clinical.sex
        p.priorLines = priorLines
        return p
    }

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
