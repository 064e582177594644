import OncoCore

/// One case variant prepared once for matching.
final class ObservedVariant {
    let index: Int
    let variant: SomaticVariant
    let gene: String?
    let protein: ProteinChange?
    let consequences: [String]
    let classes: Set<Consequence.Class>
    let exon: Int?
    let exonSource: String?
    let minimal: GenomicAllele
    let hgvsc: String?

    init(index: Int, variant: SomaticVariant, gene: String?, protein: ProteinChange?, consequences: [String],
         classes: Set<Consequence.Class>, exon: Int?, exonSource: String?, minimal: GenomicAllele, hgvsc: String?) {
        self.index = index; self.variant = variant; self.gene = gene; self.protein = protein
        self.consequences = consequences; self.classes = classes; self.exon = exon; self.exonSource = exonSource
        self.minimal = minimal; self.hgvsc = hgvsc
    }

    var isNonSynonymousCoding: Bool {
        if let p = protein, p.isSynonymous { return false }
        if classes.contains(.truncating) || classes.contains(.missense) || classes.contains(.inframeIndel) { return true }
        if consequences.isEmpty, let p = protein { return !p.isSynonymous }
        return false
    }
    var isTruncating: Bool {
        if classes.contains(.truncating) { return true }
        if let p = protein {
            if case .frameshift = p.kind { return true }
            if case .substitution(let a) = p.kind, a == "*" { return true }
        }
        return false
    }
    var isDeletionLike: Bool {
        changesLength(by: -1, consequence: "inframe_deletion") { if case .deletion = $0 { return true }; return false }
    }
    var isInsertionLike: Bool {
        changesLength(by: +1, consequence: "inframe_insertion") {
            switch $0 { case .insertion, .duplication: return true; default: return false }
        }
    }
    /// Whether the variant removes (`sign` −1) or adds (+1) residues: by its consequence, else by its protein
    /// change (`kind`, or a delins longer or shorter than the span it replaces), else, unannotated, by whole
    /// codons of its minimal allele.
    private func changesLength(by sign: Int, consequence: String, _ kind: (ProteinChange.Kind) -> Bool) -> Bool {
        if consequences.contains(consequence) { return true }
        if let p = protein {
            if kind(p.kind) { return true }
            if case .delins(let s) = p.kind { return sign * ((s?.count ?? 0) - (p.lastPosition - p.start + 1)) > 0 }
        }
        if consequences.isEmpty && protein == nil {
            let d = sign * (minimal.alt.count - minimal.ref.count)
            return d > 0 && d % 3 == 0
        }
        return false
    }
    var isSpliceSite: Bool {
        consequences.contains { $0 == "splice_donor_variant" || $0 == "splice_acceptor_variant" || $0 == "splice_region_variant"
            || $0 == "splice_donor_5th_base_variant" || $0 == "splice_donor_region_variant" }
    }

    var label: String {
        var s = gene ?? "?"
        if let p = protein { s += " p.\(p)" } else if let c = hgvsc { s += " \(c)" }
        return s + " (\(variant.key))"
    }
}

/// A hit of one rule leaf or subtree.
struct Hit {
    var alterations: [MatchedAlteration]
    var resolution: MatchResolution
}
