import OncoCore

/// How specifically an alteration matched a rule, best first: exact allele or protein change, codon,
/// amino-acid range or exon, gene level.
public enum MatchResolution: Int, Sendable, Hashable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    case exact = 0, codon = 1, range = 2, exon = 3, gene = 4
    public static func < (a: MatchResolution, b: MatchResolution) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .exact: return "exact"
        case .codon: return "codon"
        case .range: return "range"
        case .exon: return "exon"
        case .gene: return "gene"
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(description)
    }
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let v = MatchResolution.allCases.first(where: { $0.description == s }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown resolution \(s)"))
        }
        self = v
    }
}

/// A gene-level event named by a CIViC variant (`MUTATION`, `LOSS-OF-FUNCTION`, `AMPLIFICATION`, ...).
public enum GeneEvent: String, Sendable, Hashable, Codable {
    /// Any non-synonymous coding or splice-site variant.
    case mutation
    /// Truncating variant (stop, frameshift, splice donor/acceptor, start lost) or a copy-number deletion.
    case lossOfFunction
    /// Stop-gained, frameshift or splice donor/acceptor variant.
    case truncating
    case frameshift
    case amplification
    /// Copy-number deletion (`DELETION`).
    case copyNumberLoss
    /// Amplification or deletion (`COPY NUMBER VARIATION`).
    case copyNumberChange
    /// In-frame insertion or duplication (`ITD`, `INTERNAL DUPLICATION`).
    case internalTandemDuplication
}

/// What an exon rule asks of a variant in the exon.
public enum ExonEvent: String, Sendable, Hashable, Codable {
    /// Any non-synonymous coding variant (`EXON 11 MUTATION`).
    case mutation
    /// Deletion (`EXON 19 DELETION`): in-frame deletion or deletion-insertion with net loss.
    case deletion
    /// Insertion (`EXON 20 INSERTION`): in-frame insertion or duplication.
    case insertion
    /// Exon skipping (`EXON 14 SKIPPING MUTATION`): splice-site variants or deletions at the exon's edges.
    case skipping
    /// Frameshift in the exon (`CALR EXON 9 FRAMESHIFT`).
    case frameshift
}

/// Genome-wide characteristics.
public enum Characteristic: String, Sendable, Hashable, Codable {
    /// Tumour mutational burden at least 10 mutations/Mb (the FDA pembrolizumab threshold).
    case tmbHigh = "TMB-high"
    case msiHigh = "MSI-high"
    public static let tmbHighThreshold = 10.0
}

/// A GRCh37 allele from CIViC coordinates, minimal (shared prefix/suffix trimmed; empty allele for
/// pure insertions/deletions, as CIViC writes them).
public struct GenomicAllele: Hashable, Sendable, CustomStringConvertible {
    public var build: GenomeBuild
    public var chrom: String
    public var position: Int
    public var ref: String
    public var alt: String
    public var description: String { "\(build):\(chrom):\(position):\(ref.isEmpty ? "-" : ref)>\(alt.isEmpty ? "-" : alt)" }

    /// Trims the shared prefix (advancing the position) then the shared suffix.
    public static func minimal(build: GenomeBuild, chrom: String, position: Int, ref: String, alt: String) -> GenomicAllele {
        var r = Array(ref.uppercased().utf8), a = Array(alt.uppercased().utf8)
        var pos = position
        var p = 0
        while p < r.count && p < a.count && r[p] == a[p] { p += 1 }
        r.removeFirst(p); a.removeFirst(p); pos += p
        while let x = r.last, let y = a.last, x == y { r.removeLast(); a.removeLast() }
        return GenomicAllele(build: build, chrom: Chromosome.normalise(chrom), position: pos,
                             ref: String(decoding: r, as: UTF8.self), alt: String(decoding: a, as: UTF8.self))
    }
}

/// The condition a biomarker rule tests. Leaves name their gene.
public indirect enum RuleCondition: Hashable, Sendable {
    case protein(gene: String, change: ProteinChange)
    /// Any non-synonymous change starting at or spanning the codon.
    case codon(gene: String, position: Int, ref: Character?)
    /// Any non-synonymous change within residues `start...end` (a named domain).
    case aminoAcidRange(gene: String, start: Int, end: Int, name: String)
    case exon(gene: String, first: Int, last: Int, event: ExonEvent)
    case gene(gene: String, event: GeneEvent)
    /// A fusion with `gene` on either side (`ALK FUSIONS`).
    case anyFusion(gene: String)
    /// A specific fusion, 5' partner first (`EML4-ALK`); `breakpoint` keeps exon qualifiers (`E6;A20`).
    case fusion(fivePrime: String, threePrime: String, breakpoint: String?)
    case characteristic(Characteristic)
    /// An exact cDNA change (`c.464-1G>A`) compared with the annotated HGVSc.
    case cdna(gene: String, hgvsc: String)
    /// Only the CIViC coordinates define it (rsIDs, promoter SNVs).
    case genomic(gene: String, allele: GenomicAllele)
    /// Not testable from DNA, copy-number or fusion inputs (expression, methylation, phosphorylation).
    case molecularMarker(gene: String, marker: String)
    /// No non-synonymous variant in the gene; evaluated only when asked to (absence needs coverage).
    case wildType(gene: String)
    case allOf([RuleCondition])
    case anyOf([RuleCondition])

    /// Genes the condition mentions.
    public var genes: [String] {
        switch self {
        case .protein(let g, _), .codon(let g, _, _), .aminoAcidRange(let g, _, _, _), .exon(let g, _, _, _),
             .gene(let g, _), .anyFusion(let g), .cdna(let g, _), .genomic(let g, _), .molecularMarker(let g, _),
             .wildType(let g):
            return [g]
        case .fusion(let a, let b, _): return [a, b]
        case .characteristic: return []
        case .allOf(let c), .anyOf(let c): return Array(Set(c.flatMap(\.genes))).sorted()
        }
    }

    public var kind: RuleKind {
        switch self {
        case .protein: return .proteinChange
        case .codon: return .codon
        case .aminoAcidRange: return .aminoAcidRange
        case .exon: return .exon
        case .gene(_, let e):
            switch e {
            case .amplification, .copyNumberLoss, .copyNumberChange: return .copyNumber
            case .lossOfFunction, .truncating, .frameshift: return .lossOfFunction
            case .mutation, .internalTandemDuplication: return .geneMutation
            }
        case .anyFusion: return .fusion
        case .fusion: return .fusionPair
        case .characteristic: return .characteristic
        case .cdna: return .cdna
        case .genomic: return .genomicExact
        case .molecularMarker: return .molecularMarker
        case .wildType: return .wildType
        case .allOf: return .combination
        case .anyOf(let c): return c.map(\.kind).allSatisfy { $0 == c.first?.kind } ? (c.first?.kind ?? .combination) : .combination
        }
    }
}

extension RuleCondition: CustomStringConvertible {
    public var description: String {
        switch self {
        case .protein(let g, let c): return "\(g) p.\(c)"
        case .codon(let g, let p, let r): return "\(g) codon \(r.map(String.init) ?? "")\(p)"
        case .aminoAcidRange(let g, let a, let b, let n): return "\(g) \(n) (residues \(a)-\(b))"
        case .exon(let g, let a, let b, let e): return "\(g) exon \(a == b ? "\(a)" : "\(a)-\(b)") \(e.rawValue)"
        case .gene(let g, let e): return "\(g) \(e.rawValue)"
        case .anyFusion(let g): return "\(g) fusion (any partner)"
        case .fusion(let a, let b, let bp): return "\(a)::\(b)" + (bp.map { " (\($0))" } ?? "")
        case .characteristic(let c): return c.rawValue
        case .cdna(let g, let c): return "\(g) \(c)"
        case .genomic(let g, let a): return "\(g) \(a)"
        case .molecularMarker(let g, let m): return "\(g) \(m)"
        case .wildType(let g): return "\(g) wild type"
        case .allOf(let c): return c.map(\.description).joined(separator: " AND ")
        case .anyOf(let c): return "(" + c.map(\.description).joined(separator: " OR ") + ")"
        }
    }
}

/// The explicit kinds onco sorts CIViC variants into (for coverage and display).
public enum RuleKind: String, Sendable, Hashable, Codable, CaseIterable {
    case genomicExact = "genomic-exact"
    case proteinChange = "protein-change"
    case codon
    case aminoAcidRange = "amino-acid-range"
    case exon
    case geneMutation = "gene-mutation"
    case lossOfFunction = "loss-of-function"
    case copyNumber = "copy-number"
    case fusion = "fusion-any-partner"
    case fusionPair = "fusion-pair"
    case characteristic
    case cdna = "cdna-exact"
    case combination
    case molecularMarker = "expression/epigenetic"
    case wildType = "wild-type"
    case unparsed

    /// Whether rules of this kind can match DNA variants, copy-number changes, fusions, TMB or MSI.
    public var isMatchable: Bool {
        switch self {
        case .molecularMarker, .wildType, .unparsed: return false
        default: return true
        }
    }
}

/// The rule derived from one CIViC variant: a condition from the name, plus the exact GRCh37 allele
/// from CIViC's coordinates when the variant is a single small variant.
public struct BiomarkerRule: Hashable, Sendable {
    public var variantID: Int
    public var gene: String
    public var name: String
    /// nil when the name could not be parsed (see `unparsedReason`).
    public var condition: RuleCondition?
    public var genomic: GenomicAllele?
    public var unparsedReason: String?

    public var kind: RuleKind {
        if let condition { return condition.kind }
        return genomic != nil ? .genomicExact : .unparsed
    }
    public var isMatchable: Bool { kind.isMatchable || genomic != nil }
}
