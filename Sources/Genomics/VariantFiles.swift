import Foundation
import OncoCore

/// What to read: a VCF/BCF, optionally a region, the tumour sample, a tumour BAM/CRAM for read
/// counts and a reference FASTA for left-alignment (and CRAM decoding).
public struct VariantReadOptions: Sendable, Hashable {
    public var path: String
    /// `7:140453000-140454000`; needs a `.tbi`/`.csi` for BGZF VCF and BCF.
    public var region: String?
    /// The tumour sample's column name; by default chosen as `TumourSampleChoice` describes.
    public var sample: String?
    /// A tumour BAM/CRAM (+ index): when given, read support comes from its pileup, not from FORMAT.
    public var bamPath: String?
    /// A reference FASTA (+ `.fai`): indels are left-aligned against it.
    public var referenceFasta: String?
    /// Minimum base quality for BAM counts (samtools mpileup `-Q`, default 13).
    public var minBaseQuality: Int
    /// Minimum mapping quality for BAM counts (samtools mpileup `-q`, default 0).
    public var minMappingQuality: Int
    /// The genome build, when the caller knows it better than the header does (`nil`: detect).
    public var build: GenomeBuild?
    /// Malformed records: an error (default) or skipped and counted (`--lenient`).
    public var malformed: MalformedRecordPolicy
    /// A GFF3 + reference FASTA to annotate, in process, the ALTs the file leaves without CSQ/ANN
    /// (`ConsequenceAnnotator`, the rules of `bcftools csq`). `nil`: use the file's annotation only.
    public var consequenceSource: ConsequenceSource?
    /// How much of each chosen CSQ/ANN entry is kept (`.summary` for a listing that prints only gene,
    /// consequence and 1-letter HGVSp). Default `.full`.
    public var annotationDetail: ConsequencePicker.Detail = .full

    public init(path: String, region: String? = nil, sample: String? = nil, bamPath: String? = nil,
                referenceFasta: String? = nil, minBaseQuality: Int = 13, minMappingQuality: Int = 0,
                build: GenomeBuild? = nil, malformed: MalformedRecordPolicy = .fail, consequenceSource: ConsequenceSource? = nil) {
        self.path = path
        self.region = region
        self.sample = sample
        self.bamPath = bamPath
        self.referenceFasta = referenceFasta
        self.minBaseQuality = minBaseQuality
        self.minMappingQuality = minMappingQuality
        self.build = build
        self.malformed = malformed
        self.consequenceSource = consequenceSource
    }
}

/// The inputs of in-process consequence annotation: an Ensembl GFF3 and the reference FASTA (+ `.fai`),
/// or a gene pack (`onco kb transcripts build`, both paths the pack's), and optionally the transcripts to prefer.
public struct ConsequenceSource: Sendable, Hashable {
    public var gff: String
    public var reference: String
    public var transcripts: [String]
    /// `gff` (and `reference`) name a gene pack.
    public var isGenePack = false
    public init(gff: String, reference: String, transcripts: [String] = []) {
        self.gff = gff
        self.reference = reference
        self.transcripts = transcripts
    }

    /// A gene pack as the source.
    public static func genePack(_ path: String, transcripts: [String] = []) -> ConsequenceSource {
        var s = ConsequenceSource(gff: path, reference: path, transcripts: transcripts)
        s.isGenePack = true
        return s
    }
}

/// A tumour's variant calls: every record's ALT alleles as `SomaticVariant`s, filtered or not
/// (callers decide with `SomaticVariant.isPass`), in file order.
public struct TumourCallSet: Sendable, Hashable, Codable {
    public var build: GenomeBuild
    /// The tumour sample's column name (`nil` for a sites-only VCF).
    public var sample: String?
    /// The matched normal's column name, when one was identified.
    public var normalSample: String?
    public var variants: [SomaticVariant]
    /// Which annotation was parsed (`vep` CSQ or `snpEff` ANN), `nil` when the file has none.
    public var annotator: AnnotationLayout.Annotator?
    /// VCF records read (a record with several ALTs gives several variants).
    public var recordCount: Int
    /// Where read support came from: FORMAT fields or the BAM.
    public var supportSource: ReadSupport.Source?
    /// Malformed records skipped by a lenient read (`VariantReadOptions.malformed == .skip`).
    public var skipped: SkippedRecords

    public init(build: GenomeBuild, sample: String?, normalSample: String? = nil, variants: [SomaticVariant],
                annotator: AnnotationLayout.Annotator? = nil, recordCount: Int = 0, supportSource: ReadSupport.Source? = nil,
                skipped: SkippedRecords = SkippedRecords()) {
        self.build = build
        self.sample = sample
        self.normalSample = normalSample
        self.variants = variants
        self.annotator = annotator
        self.recordCount = recordCount
        self.supportSource = supportSource
        self.skipped = skipped
    }

    /// Tumour mutational burden of these calls over `targetMegabases` of sequenced territory.
    public func tumourMutationalBurden(targetMegabases: Double, rule: TumourMutationalBurden.Rule = .init()) -> TumourMutationalBurden {
        TumourMutationalBurden(variants: variants, targetMegabases: targetMegabases, rule: rule)
    }
}

/// The entry point: read a tumour's variant file into a `TumourCallSet`.
public enum VariantFiles {
    /// Reads every record (of the region, if one is given), splits multi-allelic records into one
    /// variant per ALT, normalises alleles (`AlleleNormalisation`), picks one consequence per ALT from
    /// CSQ/ANN (`ConsequencePicker`), and attaches tumour read support from FORMAT
    /// (`VariantFileReader.formatSupport`) or, with `bamPath`, from the BAM (`AlignmentReadCounter`).
    ///
    /// Transactional: either the whole file is read or an error is thrown; no partial result.
    /// - Throws: `VariantFileError` naming the file, the record and the problem.
    /// A MAF (`MAFCase.isMAF`) is read as one case's MAF rows (`MAFCase.read`).
    public static func read(_ options: VariantReadOptions) throws -> TumourCallSet {
        if MAFCase.isMAF(path: options.path) { return try MAFCase.read(options) }
        var all: [SomaticVariant] = []
        var contigs: [String] = []
        var calls = try stream(reading: options) { variant, contig in
            all.append(variant)
            if options.bamPath != nil { contigs.append(contig) }
        }
        if let bam = options.bamPath {
            let counter = try AlignmentReadCounter(path: bam, referenceFasta: options.referenceFasta)
            let sites = all.indices.map { i in
                VariantSite(contig: contigs[i], position: all[i].key.position, ref: all[i].key.ref, alt: all[i].key.alt)
            }
            let counts = try counter.count(sites, options: ReadCountOptions(minBaseQuality: options.minBaseQuality,
                                                                            minMappingQuality: options.minMappingQuality))
            for i in all.indices where counts[i] != nil { all[i].support = counts[i] }
            calls.supportSource = .bam
        }
        calls.variants = all
        return calls
    }

    /// Hands each variant to `body` as it is read (with its CHROM as spelled in the file), in file order,
    /// without keeping them: what `onco variants` uses to list a 300k-record file without holding 300k
    /// values. Returns the call set's description with `variants` empty. A MAF, or a read with
    /// `bamPath` (the pileup needs every site first), is read whole by `read` and then handed out.
    /// - Throws: as `read`; variants already handed to `body` stay with the caller, who decides
    ///   whether a half-read file's output is written (`onco variants` writes nothing then).
    public static func stream(_ options: VariantReadOptions, _ body: (SomaticVariant) throws -> Void) throws -> TumourCallSet {
        if MAFCase.isMAF(path: options.path) || options.bamPath != nil {
            var calls = try read(options)
            for v in calls.variants { try body(v) }
            calls.variants = []
            return calls
        }
        return try stream(reading: options) { variant, _ in try body(variant) }
    }

    /// The record loop of `read` and `stream` (VCF/BCF, FORMAT support only).
    private static func stream(reading options: VariantReadOptions,
                               _ body: (SomaticVariant, String) throws -> Void) throws -> TumourCallSet {
        let reader = try SomaticVariantReader(options)
        var batch: [SomaticVariant] = []
        while try reader.next(into: &batch) {
            for v in batch { try body(v, reader.currentContig) }
        }
        let tumourName = reader.tumour.tumour.map { reader.header.samples[$0] }
        let normalName = reader.tumour.normal.map { reader.header.samples[$0] }
        return TumourCallSet(build: reader.build, sample: tumourName, normalSample: normalName, variants: [],
                             annotator: reader.header.annotationLayout?.annotator, recordCount: reader.recordCount,
                             supportSource: reader.tumour.tumour != nil ? .format : nil, skipped: reader.skipped)
    }
}

/// Streams `SomaticVariant`s record by record, for bulk use (warehouse imports, cohort builds):
/// memory stays flat whatever the file size. BAM counting needs the whole site list and is done by
/// `VariantFiles.read`, not here.
///
/// ```swift
/// let reader = try SomaticVariantReader(VariantReadOptions(path: "cohort.vcf.gz"))
/// var variants: [SomaticVariant] = []
/// while try reader.next(into: &variants) { for v in variants { … } }
/// ```
public final class SomaticVariantReader {
    public let options: VariantReadOptions
    public let header: VariantHeader
    /// `options.build` when given, else the build detected from the header.
    public let build: GenomeBuild
    public let tumour: TumourSampleChoice
    private let reader: VariantFileReader
    private let picker: ConsequencePicker?
    private let annotationTag: String?
    private let reference: ReferenceGenome?
    private let annotator: ConsequenceAnnotator?
    private var record = VariantRecord()
    /// The CSQ/ANN key, once the header (or htslib, meeting the tag undeclared) defines it.
    private var annotationKey: FieldKey?

    public init(_ options: VariantReadOptions) throws {
        self.options = options
        let opened = try OpenedVariantFile(options)
        (reader, header, build, tumour, picker, annotationTag) =
            (opened.reader, opened.reader.header, opened.build, opened.tumour, opened.picker, opened.annotationTag)
        reference = try options.referenceFasta.map { try ReferenceGenome(path: $0) }
        annotator = try options.consequenceSource.map { try ConsequenceAnnotator(source: $0) }
    }

    /// Records read so far.
    public var recordCount: Int { reader.recordCount }
    /// Malformed records skipped so far (`options.malformed == .skip`).
    public var skipped: SkippedRecords { reader.skipped }
    /// CHROM of the last record, as spelled in the file.
    public var currentContig: String { record.contig }

    /// Reads the next record and replaces `variants` with its variants (one per ALT; none for a
    /// record without a usable ALT). Returns `false` at the end.
    public func next(into variants: inout [SomaticVariant]) throws -> Bool {
        variants.removeAll(keepingCapacity: true)
        guard try reader.read(into: &record) else { return false }
        let usable = record.alts.indices.filter { !Self.isPlaceholder(record.alts[$0]) }
        guard !usable.isEmpty else { return true }
        var annotations: [VariantAnnotation?] = []
        if annotationKey == nil, let tag = annotationTag { annotationKey = reader.infoKey(tag) }
        if let picker, let key = annotationKey {
            annotations = reader.withInfoBytes(key) { picker.pick($0, ref: record.ref, alts: record.alts) } ?? []
        }
        let quality = record.quality.map(Self.decimalQuality)
        for a in usable {
            let alt = record.alts[a]
            let n = try AlleleNormalisation.normalise(contig: record.contig, position: record.position, ref: record.ref,
                                                      alt: alt, reference: referenceIfKnown(record.contig))
            let key = VariantKey(build: build, chrom: record.contig, position: n.position, ref: n.ref, alt: n.alt)
            let support = reader.formatSupport(sample: tumour.tumour, altIndex: a, ref: record.ref, alt: alt)
            if let vaf = support?.vaf, !vaf.isFinite {
                // FORMAT AF/FA/FREQ (or INFO TVAF) given as NaN or Inf: no allele fraction, and never a silent one.
                try reader.reject(VariantFileError(.recordMalformed, path: options.path, location: reader.location(site: "\(record.contig):\(record.position)"),
                                                   problem: "the tumour sample's allele fraction (FORMAT AF/FA/FREQ or INFO TVAF) for ALT \(alt) is \"\(vaf.isNaN ? "nan" : vaf > 0 ? "inf" : "-inf")\", not a finite number"))
                variants.removeAll()
                return true
            }
            var annotation = a < annotations.count ? annotations[a] : nil
            if annotation == nil, let annotator {
                annotation = try annotator.annotation(contig: record.contig, position: record.position, ref: record.ref, alt: alt,
                                                      site: .init(file: options.path, line: reader.lineOrRecord))
            }
            variants.append(SomaticVariant(key: key, id: record.id, quality: quality, filters: record.filters,
                                           annotation: annotation, support: support))
        }
        return true
    }

    /// The reference when it has the contig; a reference without it is an error (wrong build).
    private func referenceIfKnown(_ contig: String) throws -> ReferenceGenome? {
        guard let reference else { return nil }
        guard reference.resolve(contig) != nil else {
            throw VariantFileError(.contigUnknown, path: reference.path, location: .site("\(contig):\(record.position)"),
                                   problem: "contig \"\(contig)\" of record \(record.recordNumber) is not in the reference FASTA; is it the same genome build?")
        }
        return reference
    }

    /// QUAL (a `Float` in htslib) as the `Double` of its shortest decimal spelling (`29.6`, not
    /// `29.600000381…`). A whole number below 2^24 is that number already: no text round trip.
    static func decimalQuality(_ q: Double) -> Double {
        if q == q.rounded(.towardZero), abs(q) < 16_777_216 { return q }
        return Double(Float(q).description) ?? q
    }

    /// ALTs that are not a variant allele: `*` (spanning deletion), `<*>` and `<NON_REF>` (gVCF), `<X>`
    /// and its samtools 0.1 spelling `X` (no ALT seen).
    static func isPlaceholder(_ alt: String) -> Bool {
        alt == "*" || alt == "<*>" || alt == "<NON_REF>" || alt == "." || alt == "<X>" || alt == "X"
    }
}

/// What every reader of a file's variants opens first, in this order (so the same errors come first):
/// the records, the build (`options.build` or the header's), the tumour sample, and the CSQ/ANN picker
/// with its tag when the header declares one.
struct OpenedVariantFile {
    let reader: VariantFileReader
    let build: GenomeBuild
    let tumour: TumourSampleChoice
    let picker: ConsequencePicker?
    let annotationTag: String?

    init(_ options: VariantReadOptions) throws {
        reader = try VariantFileReader(path: options.path, region: options.region, malformed: options.malformed)
        build = options.build ?? reader.header.build
        tumour = try TumourSampleChoice(header: reader.header, requested: options.sample, path: options.path)
        let layout = reader.header.annotationLayout
        picker = layout.map { ConsequencePicker(layout: $0, detail: options.annotationDetail) }
        annotationTag = layout?.tag
    }
}
