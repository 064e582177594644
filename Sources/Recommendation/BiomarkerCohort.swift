import Knowledge
import OncoCore
import Warehouse

/// The warehouse cohort behind a curated therapy's real-world evidence: patients of the case's
/// tumour-type family who carry the matched biomarker.
///
/// - **Family**: the OncoTree subtree of the case's parent when the case's code is at level 3 or
///   deeper (LUAD → NSCLC and its descendants; SKCM → MEL), else the case's own subtree
///   (COADREAD → COADREAD, COAD, READ).
/// - **Biomarker**, from each alteration of the case that satisfied the lead evidence item's rule:
///   a small variant matched at exact, range or exon resolution with a known protein change → the
///   same gene and protein change; at codon resolution → any change at that residue (`KRAS G12`);
///   otherwise → the same gene and consequence class (loss-of-function and truncating rules →
///   truncating). An amplification or deletion → the same gene-level event; a fusion → a fusion of
///   the 3′ gene (the same pair when the rule names the pair; fusions with the same 5′ gene when a
///   gene-level rule names the 5′ partner, as `FGFR2 fusion` does for FGFR2::BICC1); TMB-high → TMB ≥ 10/Mb; MSI-H → MSI-H.
///   All conditions must hold (an AND profile asks for all of its alterations).
public enum BiomarkerCohort {
    /// The OncoTree codes of the case's family and its label.
    public static func family(of code: OncoTreeCode, in oncotree: OncoTree) -> (root: String, codes: [String]) {
        guard let node = oncotree.node(code.rawValue) else { return (code.rawValue, [code.rawValue]) }
        var root = node.code
        if node.level >= 3, !node.parent.isEmpty, let p = oncotree.node(node.parent), p.level >= 2 { root = p.code }
        return (root, ([root] + oncotree.descendants(of: root)).sorted())
    }

    /// The molecular conditions of a match, or nil when an alteration cannot be expressed on the
    /// warehouse (an unannotated variant without a protein change, for instance).
    public static func criteria(for match: BiomarkerMatch, variants: [SomaticVariant]) -> [BiomarkerCriterion]? {
        var out: [BiomarkerCriterion] = []
        for a in match.alterations {
            guard let c = criterion(a, match: match, variants: variants) else { return nil }
            if !out.contains(c) { out.append(c) }
        }
        return out.isEmpty ? nil : out
    }

    static func criterion(_ a: MatchedAlteration, match: BiomarkerMatch, variants: [SomaticVariant]) -> BiomarkerCriterion? {
        switch a.source {
        case .variant:
            guard let i = a.variantIndex, i < variants.count else { return nil }
            let v = variants[i]
            let ann = v.annotation
            var gene = ann?.symbol.map(BiomarkerRuleParser.canonicalGene)
            var protein = (ann?.hgvspShort ?? ann?.hgvsp).map(AminoAcid.shortHGVSp)
            if gene == nil || protein == nil {
                // An unannotated call matched by CIViC's exact GRCh37 allele: the profile names it (`BRAF V600E`).
                let parts = match.profileName.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2, let p = ProteinChange.parse("p." + parts[1]) {
                    gene = gene ?? parts[0]
                    protein = protein ?? "p.\(p)"
                }
            }
            guard let g = gene else { return nil }
            let condition = a.condition.lowercased()
            switch a.resolution {
            case .exact, .range, .exon:
                if let protein, ProteinChange.parse(protein) != nil { return .proteinChange(gene: g, hgvsp: protein) }
            case .codon:
                if let protein, let p = ProteinChange.parse(protein), let aa = p.startAA {
                    return .codon(gene: g, residue: "\(aa)\(p.start)")
                }
            case .gene:
                break
            }
            if condition.contains("loss") || condition.contains("truncat") || condition.contains("frameshift") {
                return .consequenceClass(gene: g, classes: [Consequence.Class.truncating.rawValue])
            }
            guard let term = ann?.consequence else { return nil }
            let cls = Consequence.classify(term)
            guard cls != .synonymous && cls != .noncoding else { return nil }
            return .consequenceClass(gene: g, classes: [cls.rawValue])
        case .copyNumber:
            guard let gene = a.description.split(separator: " ").first.map(String.init) else { return nil }
            let kind = a.description.contains("deletion") ? "deletion" : "amplification"
            return .alteration(gene: gene, kind: kind, partner: nil)
        case .fusion:
            let genes = a.description.components(separatedBy: "::")
            guard genes.count == 2 else { return nil }
            // A gene-level rule names one partner (`FGFR2 fusion (any partner)`): the warehouse keeps a fusion
            // under its 3′ gene, so a rule on the 5′ partner (FGFR2::BICC1) asks for fusions starting with it.
            if a.resolution == .gene, let ruleGene = a.condition.split(separator: " ").first.map(String.init),
               ruleGene == genes[0], ruleGene != genes[1] {
                return .fusionFivePrime(gene: ruleGene)
            }
            return .alteration(gene: genes[1], kind: "fusion", partner: a.resolution == .exact ? a.description : nil)
        case .tmb:
            return .tmbAtLeast(Characteristic.tmbHighThreshold)
        case .msi:
            return .microsatelliteInstabilityHigh
        }
    }

    /// The query and a plain description of the cohort.
    public static func query(family: (root: String, codes: [String]), biomarkers: [BiomarkerCriterion]) -> (LineOutcomeQuery, String) {
        var criteria = CohortCriteria(tumourTypes: family.codes)
        var rest: [BiomarkerCriterion] = []
        for b in biomarkers {
            if case .proteinChange(let g, let p) = b { criteria.variants.append(GeneVariant(gene: g, hgvsp: p)) } else { rest.append(b) }
        }
        let codes = family.codes.count == 1 ? family.root : "\(family.root) family (\(family.codes.count) OncoTree codes)"
        let text = "\(codes) with \(biomarkers.map(\.description).joined(separator: " and "))"
        return (LineOutcomeQuery(cohort: criteria, biomarkers: rest), text)
    }
}
