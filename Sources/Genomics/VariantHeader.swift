import CHTSlib
import OncoCore

/// What a VCF/BCF header declares: samples, contigs, INFO/FORMAT definitions, generic `##key=value`
/// lines, the tumour/normal sample lines of somatic callers, the CSQ/ANN layout and the genome build.
///
/// A value type copied out of htslib's `bcf_hdr_t` once per file (htslib: `bcf_hdr_read`).
public struct VariantHeader: Sendable, Hashable {
    public struct Contig: Sendable, Hashable {
        public var name: String
        public var length: Int?
        /// The `assembly=` attribute, if any.
        public var assembly: String?
    }

    /// An INFO or FORMAT definition.
    public struct Field: Sendable, Hashable {
        public enum ValueType: String, Sendable, Hashable { case flag, integer, float, string }
        /// `Number=`: a fixed count, or one per ALT (`A`), per allele (`R`), per genotype (`G`), or any (`.`).
        public enum Count: Sendable, Hashable { case fixed(Int), perAlt, perAllele, perGenotype, variable }
        public var id: String
        public var type: ValueType
        public var count: Count
        public var description: String
    }

    /// A generic header line `##key=value` (not INFO/FORMAT/FILTER/contig).
    public struct MetaLine: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    public var samples: [String]
    public var contigs: [Contig]
    public var info: [String: Field]
    public var format: [String: Field]
    public var filters: [String]
    public var meta: [MetaLine]
    /// `##tumor_sample=` (Mutect2) or `##SAMPLE=<ID=TUMOR,SampleName=…>`.
    public var declaredTumourSample: String?
    /// `##normal_sample=` (Mutect2) or `##SAMPLE=<ID=NORMAL,SampleName=…>`.
    public var declaredNormalSample: String?
    /// The layout of VEP `CSQ` or snpEff `ANN` (or older `EFF`-less `BCSQ` is not parsed), if declared.
    public var annotationLayout: AnnotationLayout?
    /// The build detected from the header (see `GenomeBuild.detect(header:)`).
    public var build: GenomeBuild

    /// Reads the header out of htslib's structure.
    init(_ hdr: UnsafeMutablePointer<bcf_hdr_t>) {
        let h = hdr.pointee
        var samples: [String] = []
        let ns = Int(chts_nsamples(hdr))
        samples.reserveCapacity(ns)
        for i in 0..<ns { samples.append(String(cString: chts_sample_name(hdr, Int32(i)))) }

        var contigs: [Contig] = []
        var info: [String: Field] = [:]
        var format: [String: Field] = [:]
        var filters: [String] = []
        var meta: [MetaLine] = []
        var tumour: String?
        var normal: String?

        for r in 0..<Int(h.nhrec) {
            guard let rec = h.hrec[r]?.pointee else { continue }
            let key = rec.key.map { String(cString: $0) } ?? ""
            var attributes: [String: String] = [:]
            for k in 0..<Int(rec.nkeys) {
                if let kk = rec.keys[k], let vv = rec.vals[k] {
                    attributes[String(cString: kk)] = String(cString: vv)
                }
            }
            switch rec.type {
            case BCF_HL_CTG:
                guard let id = attributes["ID"] else { continue }
                contigs.append(Contig(name: id, length: attributes["length"].flatMap { Int($0) },
                                      assembly: attributes["assembly"]))
            case BCF_HL_FLT:
                if let id = attributes["ID"] { filters.append(id) }
            case BCF_HL_INFO, BCF_HL_FMT:
                guard let id = attributes["ID"] else { continue }
                let field = Field(id: id, type: Field.ValueType(vcf: attributes["Type"]),
                                  count: Field.Count(vcf: attributes["Number"]),
                                  description: Self.unquote(attributes["Description"] ?? ""))
                if rec.type == BCF_HL_INFO { info[id] = field } else { format[id] = field }
            case BCF_HL_GEN:
                let value = rec.value.map { String(cString: $0) } ?? ""
                meta.append(MetaLine(key: key, value: value))
                if key == "tumor_sample" { tumour = value }
                if key == "normal_sample" { normal = value }
            case BCF_HL_STR:
                if key == "SAMPLE", let id = attributes["ID"], let name = attributes["SampleName"] {
                    if id.uppercased() == "TUMOR" || id.uppercased() == "TUMOUR" { tumour = tumour ?? name }
                    if id.uppercased() == "NORMAL" { normal = normal ?? name }
                }
            default:
                continue
            }
        }
        self.samples = samples
        self.contigs = contigs
        self.info = info
        self.format = format
        self.filters = filters
        self.meta = meta
        self.declaredTumourSample = tumour
        self.declaredNormalSample = normal
        self.annotationLayout = AnnotationLayout(info: info)
        self.build = .unknown
        self.build = GenomeBuild.detect(header: self)
    }

    static func unquote(_ s: String) -> String {
        var t = Substring(s)
        if t.hasPrefix("\""), t.hasSuffix("\""), t.count >= 2 { t = t.dropFirst().dropLast() }
        return String(t)
    }
}

extension VariantHeader.Field.ValueType {
    init(vcf: String?) {
        switch vcf {
        case "Flag": self = .flag
        case "Integer": self = .integer
        case "Float": self = .float
        default: self = .string
        }
    }
}

extension VariantHeader.Field.Count {
    init(vcf: String?) {
        switch vcf {
        case "A": self = .perAlt
        case "R": self = .perAllele
        case "G": self = .perGenotype
        case .some(let s): self = Int(s).map { .fixed($0) } ?? .variable
        case .none: self = .variable
        }
    }
}
