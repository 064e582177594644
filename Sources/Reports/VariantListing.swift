import Foundation
import Genomics
import OncoCore

/// The listing `onco variants` prints: one line (TSV) or one object (JSON) per variant, written as
/// bytes while the file is read (`VariantFiles.stream`), so a 300k-record VCF is never held as 300k
/// values.
///
/// TSV columns: chrom, pos, ref, alt, filter, gene, consequence, hgvsp (1-letter), vaf (`%.4f`), depth;
/// missing values `.`. JSON: `{build, sample, normal_sample, annotation, records, onco_version,
/// variants: [...]}` in `PrettyJSON`'s layout (sorted keys, absent optionals left out, slashes
/// escaped), byte for byte what encoding `VariantListing.Document` gives (`VariantListingTests`).
///
/// ```swift
/// var listing = VariantListing(format: .tsv)
/// let calls = try VariantFiles.stream(options) { try listing.append($0) }
/// let bytes = listing.finish(calls)
/// ```
public struct VariantListing {
    public enum Format: String, Sendable, CaseIterable { case tsv, json }

    public let format: Format
    /// The CSQ/ANN detail this listing prints (`VariantReadOptions.annotationDetail`): the TSV columns
    /// need only gene, consequence and 1-letter HGVSp.
    public var annotationDetail: ConsequencePicker.Detail { format == .tsv ? .summary : .full }
    /// TSV: header and lines; JSON: the variant objects only (the document head needs the record count).
    var body: [UInt8] = []
    var count = 0
    var number = [CChar](repeating: 0, count: 64)
    static var jsonOptions: PrettyJSON.Options { PrettyJSON.Options(escapesSlashes: true) }

    public static let columns = ["chrom", "pos", "ref", "alt", "filter", "gene", "consequence", "hgvsp", "vaf", "depth"]

    public init(format: Format) {
        self.format = format
        body.reserveCapacity(1 << 20)
        if format == .tsv {
            put(Self.columns.joined(separator: "\t"))
            body.append(UInt8(ascii: "\n"))
        }
    }

    /// Adds one variant.
    /// - Throws: `EncodingError` for a non-finite QUAL or VAF in JSON (as `JSONEncoder` would).
    public mutating func append(_ v: SomaticVariant) throws {
        switch format {
        case .tsv: appendLine(v)
        case .json: try appendObject(v)
        }
        count += 1
    }

    /// The whole listing.
    public func finish(_ calls: TumourCallSet) -> [UInt8] {
        let p = parts(calls)
        return p.count == 1 ? p[0] : Array(p.joined())
    }

    /// The whole listing as consecutive parts (for JSON the document head, the variants, the tail), so a
    /// 165 MB document is written without being copied into one more buffer.
    public func parts(_ calls: TumourCallSet) -> [[UInt8]] {
        guard format == .json else { return [body] }
        var head: [UInt8] = []
        head.reserveCapacity(512)
        var doc = PrettyJSON.ObjectWriter(into: &head, indent: 0, options: Self.jsonOptions)
        doc.string("annotation", calls.annotator?.rawValue, into: &head)
        doc.string("build", calls.build.rawValue, into: &head)
        doc.string("normal_sample", calls.normalSample, into: &head)
        doc.string("onco_version", OncoVersion.current, into: &head)
        doc.integer("records", calls.recordCount, into: &head)
        doc.string("sample", calls.sample, into: &head)
        doc.rawMember("variants", into: &head) { out in
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
        }
        var tail: [UInt8] = Array("\n  ]".utf8)
        doc.finish(into: &tail)
        tail.append(UInt8(ascii: "\n"))
        return [head, body, tail]
    }

    // MARK: TSV

    mutating func put(_ s: String) { var s = s; s.withUTF8 { body.append(contentsOf: $0) } }
    mutating func tab() { body.append(UInt8(ascii: "\t")) }
    mutating func dot() { body.append(UInt8(ascii: ".")) }

    /// One TSV line, as bytes (the VAF through C's `%.4f`, as `String(format:)` writes it).
    private mutating func appendLine(_ v: SomaticVariant) {
        put(v.key.chrom); tab()
        PrettyJSON.ObjectWriter.appendDecimal(v.key.position, to: &body); tab()
        put(v.key.ref); tab()
        put(v.key.alt); tab()
        if v.filters.isEmpty { dot() } else {
            for (k, f) in v.filters.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ";")) }
                put(f)
            }
        }
        tab()
        if let g = v.gene { put(g) } else { dot() }
        tab()
        if let c = v.annotation?.consequence { put(c) } else { dot() }
        tab()
        if let h = v.annotation?.hgvspShort { put(h) } else { dot() }
        tab()
        putVAF(v.support?.vaf)
        tab()
        if let d = v.support?.depth { PrettyJSON.ObjectWriter.appendDecimal(d, to: &body) } else { dot() }
        body.append(UInt8(ascii: "\n"))
    }

    /// The VAF column: `%.4f` (as `String(format:)` writes it), `.` when unknown.
    mutating func putVAF(_ vaf: Double?) {
        guard let vaf else { dot(); return }
        if !Self.appendFixed4(vaf, to: &body) {
            let n = withVaList([vaf]) { vsnprintf(&number, number.count, "%.4f", $0) }
            number.withUnsafeBytes { body.append(contentsOf: $0.prefix(Int(max(0, min(n, 63))))) }
        }
    }

    /// Appends `x` with four decimals exactly as C's `%.4f` writes it (glibc: the exact binary value
    /// rounded half to even, `-` kept on a negative value that rounds to zero), without `vsnprintf`.
    /// Returns `false`, appending nothing, for values it leaves to `vsnprintf` (non-finite, |x| ≥ 1e6).
    static func appendFixed4(_ x: Double, to out: inout [UInt8]) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buf in
            var w = ByteCursor(buf.baseAddress!)
            guard w.fixed4(x) else { return false }
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress, count: w.count))
            return true
        }
    }

    // MARK: JSON

    /// One variant object at depth 2 (inside `variants`), members in sorted key order.
    private mutating func appendObject(_ v: SomaticVariant) throws {
        if count > 0 { body.append(UInt8(ascii: ",")); body.append(UInt8(ascii: "\n")) }
        body.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: " "), UInt8(ascii: " "), UInt8(ascii: " ")])
        let a = v.annotation, s = v.support
        var w = PrettyJSON.ObjectWriter(into: &body, indent: 2, options: Self.jsonOptions)
        w.string("alt", v.key.alt, into: &body)
        w.integer("alt_reads", s?.altReads, into: &body)
        w.string("chrom", v.key.chrom, into: &body)
        w.string("consequence", a?.consequence, into: &body)
        w.integer("depth", s?.depth, into: &body)
        w.string("exon", a?.exon, into: &body)
        w.strings("filter", v.filters, into: &body)
        w.string("gene", v.gene, into: &body)
        w.string("hgvsc", a?.hgvsc, into: &body)
        w.string("hgvsp", a?.hgvsp, into: &body)
        w.string("hgvsp_short", a?.hgvspShort, into: &body)
        w.string("id", v.id, into: &body)
        w.string("impact", a?.impact, into: &body)
        w.integer("pos", v.key.position, into: &body)
        try w.double("qual", v.quality, into: &body)
        w.string("ref", v.key.ref, into: &body)
        w.integer("ref_reads", s?.refReads, into: &body)
        w.string("support_source", s?.source.rawValue, into: &body)
        w.string("transcript", a?.transcript, into: &body)
        try w.double("vaf", s?.vaf, into: &body)
        w.finish(into: &body)
    }
}

extension VariantListing {
    /// The JSON document as a value (what `finish` writes for `.json`, through `PrettyJSON`): the
    /// reference the byte writer is tested against, and the layout's documentation.
    public struct Document: Encodable {
        public var onco_version = OncoVersion.current
        public var build: String
        public var sample: String?
        public var normal_sample: String?
        public var annotation: String?
        public var records: Int
        public var variants: [Variant]

        public init(_ calls: TumourCallSet) {
            build = calls.build.rawValue
            sample = calls.sample
            normal_sample = calls.normalSample
            annotation = calls.annotator?.rawValue
            records = calls.recordCount
            variants = calls.variants.map(Variant.init)
        }
    }

    public struct Variant: Encodable {
        var chrom: String
        var pos: Int
        var ref: String
        var alt: String
        var id: String?
        var qual: Double?
        var filter: [String]
        var gene: String?
        var consequence: String?
        var transcript: String?
        var hgvsc: String?
        var hgvsp: String?
        var hgvsp_short: String?
        var exon: String?
        var impact: String?
        var ref_reads: Int?
        var alt_reads: Int?
        var vaf: Double?
        var depth: Int?
        var support_source: String?

        init(_ v: SomaticVariant) {
            chrom = v.key.chrom; pos = v.key.position; ref = v.key.ref; alt = v.key.alt; id = v.id
            qual = v.quality; filter = v.filters; gene = v.gene; consequence = v.annotation?.consequence
            transcript = v.annotation?.transcript; hgvsc = v.annotation?.hgvsc; hgvsp = v.annotation?.hgvsp
            hgvsp_short = v.annotation?.hgvspShort; exon = v.annotation?.exon; impact = v.annotation?.impact
            ref_reads = v.support?.refReads; alt_reads = v.support?.altReads; vaf = v.support?.vaf
            depth = v.support?.depth; support_source = v.support?.source.rawValue
        }
    }
}
