import OncoCore

/// A molecular condition on a warehouse patient, for cohorts that `CohortCriteria` cannot express
/// (a codon, a consequence class, a copy-number or fusion event, TMB, MSI). Each is evaluated on
/// `onco_somatic_variant` (or `measurement` for TMB and MSI) of any of the patient's specimens.
public enum BiomarkerCriterion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Gene and 1-letter HGVSp (`BRAF p.V600E`); the same as `CohortCriteria.variants`.
    case proteinChange(gene: String, hgvsp: String)
    /// Any protein change starting at one residue: gene and the residue with its position (`KRAS`, `G12`),
    /// matching `p.G12` followed by anything but a digit (`p.G12C`, `p.G12D`; not `p.G123S`).
    case codon(gene: String, residue: String)
    /// A small variant of one of these consequence classes (`Consequence.Class` raw values) in the gene.
    case consequenceClass(gene: String, classes: [String])
    /// A gene-level alteration: `amplification`, `deletion` or `fusion`; for a fusion optionally the
    /// pair as stored (`EML4::ALK`).
    case alteration(gene: String, kind: String, partner: String?)
    /// Any fusion whose 5′ partner is the gene (`FGFR2::BICC1` for `FGFR2`). A fusion row's gene is its
    /// 3′ partner, so this one reads the pair (`hgvsp` starting `FGFR2::`); no index leads with the pair,
    /// so it reads the variant table (gene-level rules naming a 5′ partner are few).
    case fusionFivePrime(gene: String)
    /// Tumour mutational burden at least this many mutations/Mb (`measurement` TMB, any specimen).
    case tmbAtLeast(Double)
    /// MSI-high (`measurement` MSI = `MSI-H`).
    case microsatelliteInstabilityHigh

    public var description: String {
        switch self {
        case .proteinChange(let g, let p): return "\(g) \(AminoAcid.shortHGVSp(p))"
        case .codon(let g, let r): return "\(g) \(r) (any change)"
        case .consequenceClass(let g, let c): return "\(g) \(c.joined(separator: "/")) variant"
        case .alteration(let g, let k, let p): return p.map { "\($0) \(k)" } ?? "\(g) \(k)"
        case .fusionFivePrime(let g): return "\(g) fusion (5′ partner)"
        case .tmbAtLeast(let t): return "TMB ≥ \(t == t.rounded() ? String(Int(t)) : String(t))/Mb"
        case .microsatelliteInstabilityHigh: return "MSI-H"
        }
    }
}
