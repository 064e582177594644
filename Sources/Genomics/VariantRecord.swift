/// The fixed columns of one VCF/BCF record (CHROM … FILTER), as read, before splitting and
/// normalisation. Reused across reads: `VariantFileReader.read(into:)` overwrites it in place and keeps
/// the capacity of its arrays (htslib's reused `bcf1_t`, noodles' `read_record`).
public struct VariantRecord: Sendable, Hashable {
    /// CHROM as written in the file (`chr7` stays `chr7`).
    public var contig: String = ""
    /// POS, 1-based.
    public var position: Int = 0
    /// ID, `nil` when `.`; several IDs stay `;`-joined.
    public var id: String?
    public var ref: String = ""
    /// ALT alleles; empty when ALT is `.`.
    public var alts: [String] = []
    /// QUAL, `nil` when `.`.
    public var quality: Double?
    /// FILTER: `[]` when `.`, `["PASS"]` when PASS.
    public var filters: [String] = []
    /// 1-based number of this record in the stream (in the region, for region queries).
    public var recordNumber: Int = 0
    /// The length of the reference span (REF length, or from INFO/END for symbolic alleles).
    public var referenceLength: Int = 0

    public init() {}

    /// `CHROM:POS`, for messages.
    public var site: String { "\(contig):\(position)" }
}

/// A typed INFO value (htslib `bcf_get_info_values` with the header's Type).
public enum InfoValue: Hashable, Sendable {
    case flag
    /// Integers; `nil` for `.`.
    case integers([Int?])
    /// Floats; `nil` for `.`.
    case floats([Double?])
    case string(String)

    /// The first value as an integer (floats are not converted).
    public var int: Int? {
        if case .integers(let v) = self { return v.first ?? nil }
        return nil
    }
    /// The first value as a double (integers are converted).
    public var double: Double? {
        switch self {
        case .floats(let v): return v.first ?? nil
        case .integers(let v): return (v.first ?? nil).map(Double.init)
        default: return nil
        }
    }
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// A sample's genotype: allele indices (0 = REF, `nil` = missing) and whether it is phased.
public struct Genotype: Hashable, Sendable, CustomStringConvertible {
    public var alleles: [Int?]
    public var phased: Bool
    public init(alleles: [Int?], phased: Bool = false) {
        self.alleles = alleles
        self.phased = phased
    }
    /// `0/1`, `1|0`, `./.`.
    public var description: String {
        alleles.map { $0.map(String.init) ?? "." }.joined(separator: phased ? "|" : "/")
    }
    /// True when some allele is neither REF nor missing.
    public var carriesAlt: Bool { alleles.contains { ($0 ?? 0) > 0 } }
}

/// The FORMAT fields onco reads for a sample: GT, AD, DP and AF (missing values are `nil`).
public struct SampleCall: Hashable, Sendable {
    public var genotype: Genotype?
    /// AD: depth per allele, REF first (Number=R).
    public var alleleDepths: [Int?]
    /// DP.
    public var depth: Int?
    /// AF: allele fraction per ALT (Number=A).
    public var alleleFractions: [Double?]

    public init(genotype: Genotype? = nil, alleleDepths: [Int?] = [], depth: Int? = nil, alleleFractions: [Double?] = []) {
        self.genotype = genotype
        self.alleleDepths = alleleDepths
        self.depth = depth
        self.alleleFractions = alleleFractions
    }
}
