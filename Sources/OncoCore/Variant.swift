/// The identity of a variant: build, chromosome (without `chr`), 1-based position, REF and ALT,
/// after normalisation (shared prefix/suffix trimmed, left-aligned when a reference was given).
public struct VariantKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var build: GenomeBuild
    public var chrom: String
    /// 1-based, as VCF POS.
    public var position: Int
    public var ref: String
    public var alt: String

    public init(build: GenomeBuild, chrom: String, position: Int, ref: String, alt: String) {
        self.build = build
        self.chrom = Chromosome.normalise(chrom)
        self.position = position
        self.ref = ref
        self.alt = alt
    }

    /// `GRCh37:7:140453136:A>T`
    public var description: String { "\(build.rawValue):\(chrom):\(position):\(ref)>\(alt)" }

    public static func < (a: VariantKey, b: VariantKey) -> Bool {
        let ra = Chromosome.rank(a.chrom), rb = Chromosome.rank(b.chrom)
        if ra != rb { return ra < rb }
        if a.chrom != b.chrom { return a.chrom < b.chrom }
        if a.position != b.position { return a.position < b.position }
        if a.ref != b.ref { return a.ref < b.ref }
        return a.alt < b.alt
    }
}

/// One somatic variant (one ALT allele) of a tumour, with its annotation and read support.
///
/// Produced by `Genomics` from VCF/BCF (multi-allelic records split into one value per ALT) or MAF,
/// consumed by `Knowledge` (matching), `Warehouse` (storage) and `Similarity` (profiles).
public struct SomaticVariant: Hashable, Sendable, Codable {
    public var key: VariantKey
    /// The VCF ID column, `nil` when `.`.
    public var id: String?
    public var quality: Double?
    /// FILTER values; empty when the column was `.` (unfiltered). `PASS` is stored as `["PASS"]`.
    public var filters: [String]
    /// The annotation chosen for this allele (VEP `--pick`-like), if any.
    public var annotation: VariantAnnotation?
    /// Tumour read support and allele fraction, from FORMAT AD/AF/DP or from a BAM.
    public var support: ReadSupport?

    public init(key: VariantKey, id: String? = nil, quality: Double? = nil, filters: [String] = [],
                annotation: VariantAnnotation? = nil, support: ReadSupport? = nil) {
        self.key = key
        self.id = id
        self.quality = quality
        self.filters = filters
        self.annotation = annotation
        self.support = support
    }

    /// PASS or unfiltered (`.`).
    public var isPass: Bool { filters.isEmpty || filters == ["PASS"] }
    public var gene: String? { annotation?.symbol }
}

/// A transcript consequence of one allele (from VEP CSQ, snpEff ANN, or MAF columns).
public struct VariantAnnotation: Hashable, Sendable, Codable {
    public var symbol: String?
    public var transcript: String?
    /// Sequence Ontology terms, most severe first (`missense_variant`, `frameshift_variant`, ...).
    public var consequences: [String]
    public var hgvsc: String?
    /// 3-letter protein change without the transcript prefix, e.g. `p.Val600Glu`.
    public var hgvsp: String?
    /// 1-letter protein change, e.g. `p.V600E`.
    public var hgvspShort: String?
    /// `19/27`-style exon number as annotated, if any.
    public var exon: String?
    public var impact: String?
    public var canonical: Bool
    public var mane: Bool
    public var biotype: String?

    public init(symbol: String? = nil, transcript: String? = nil, consequences: [String] = [],
                hgvsc: String? = nil, hgvsp: String? = nil, hgvspShort: String? = nil, exon: String? = nil,
                impact: String? = nil, canonical: Bool = false, mane: Bool = false, biotype: String? = nil) {
        self.symbol = symbol
        self.transcript = transcript
        self.consequences = consequences
        self.hgvsc = hgvsc
        self.hgvsp = hgvsp
        self.hgvspShort = hgvspShort
        self.exon = exon
        self.impact = impact
        self.canonical = canonical
        self.mane = mane
        self.biotype = biotype
    }

    /// The most severe SO term, if any.
    public var consequence: String? { consequences.first }
    /// Exon number (the part before `/`), if any.
    public var exonNumber: Int? {
        guard let exon else { return nil }
        return Int(exon.split(separator: "/").first ?? "")
    }
}

/// Tumour read support at a variant.
public struct ReadSupport: Hashable, Sendable, Codable {
    public var refReads: Int?
    public var altReads: Int?
    public var depth: Int?
    /// Variant allele fraction in [0, 1].
    public var vaf: Double?
    public enum Source: String, Sendable, Codable { case format, bam, maf }
    public var source: Source

    public init(refReads: Int? = nil, altReads: Int? = nil, depth: Int? = nil, vaf: Double? = nil, source: Source) {
        self.refReads = refReads
        self.altReads = altReads
        self.depth = depth
        self.vaf = vaf
        self.source = source
    }
}
