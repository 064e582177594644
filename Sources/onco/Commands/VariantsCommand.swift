import ArgumentParser
import Foundation
import Genomics
import OncoCore

/// `onco variants FILE`: prints a tumour's normalised variants, one per ALT allele.
struct VariantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants",
        abstract: "Print the normalised variants of a tumour VCF/BCF (one line per ALT allele).",
        discussion: """
        Columns: chrom, pos, ref, alt, filter, gene, consequence, hgvsp (1-letter, p.V600E), vaf, depth.
        Multi-allelic records are split; alleles are trimmed, and left-aligned with --reference.
        The consequence is the one VEP --pick would choose from INFO/CSQ (or snpEff INFO/ANN).
        VAF and depth come from the tumour sample's FORMAT fields, or from --bam (reads at each site
        counted as samtools mpileup -B -Q BQ -q MQ counts them). Missing values print as '.'.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case tsv, json }

    @Argument(help: "A VCF or BCF, plain, gzip or bgzip-compressed.")
    var file: String

    @Option(help: "Only this region, e.g. 7:140453000-140454000 (needs a .tbi/.csi for VCF.gz and BCF; chr prefixes optional).")
    var region: String?

    @Option(help: "The tumour sample column (default: ##tumor_sample=, the only sample, or the first that is not a normal).")
    var sample: String?

    @Option(help: "A tumour BAM/CRAM with its index: count REF/ALT reads at each variant.")
    var bam: String?

    @Option(help: "A reference FASTA with .fai: left-align indels (and decode CRAM).")
    var reference: String?

    @Option(name: .customLong("min-base-quality"), help: "With --bam: minimum base quality (samtools mpileup -Q).")
    var minBaseQuality: Int = 13

    @Option(name: .customLong("min-mapping-quality"), help: "With --bam: minimum mapping quality (samtools mpileup -q).")
    var minMappingQuality: Int = 0

    @Option(help: "Genome build when the header does not say (GRCh37, GRCh38).")
    var build: String?

    @Flag(name: .customLong("pass-only"), help: "Only variants that pass the caller's filters (FILTER PASS or '.').")
    var passOnly = false

    @Option(help: "Output format: tsv or json.")
    var format: Format = .tsv

    @OptionGroup var lenient: LenientOption

    func validate() throws {
        if minBaseQuality < 0 { throw ValidationError("--min-base-quality must be 0 or more") }
        if minMappingQuality < 0 { throw ValidationError("--min-mapping-quality must be 0 or more") }
        if let build, GenomeBuild(parsing: build) == .unknown {
            throw ValidationError("--build \(build): expected GRCh37 or GRCh38")
        }
    }

    func run() throws {
        let options = VariantReadOptions(path: file, region: region, sample: sample, bamPath: bam,
                                         referenceFasta: reference, minBaseQuality: minBaseQuality,
                                         minMappingQuality: minMappingQuality,
                                         build: build.map { GenomeBuild(parsing: $0) }, malformed: lenient.policy)
        var calls = try VariantFiles.read(options)
        noteSkipped(calls.skipped)
        if passOnly { calls.variants.removeAll { !$0.isPass } }
        let text: String
        switch format {
        case .tsv: text = Self.tsv(calls)
        case .json: text = try Self.json(calls)
        }
        try emit(text, to: nil)
    }

    static let columns = ["chrom", "pos", "ref", "alt", "filter", "gene", "consequence", "hgvsp", "vaf", "depth"]

    /// One line per variant, written as bytes into one buffer (no string per field; the VAF through
    /// C's `%.4f`, as `String(format:)` writes it, without Foundation's formatter).
    static func tsv(_ calls: TumourCallSet) -> String {
        var out = [UInt8]()
        out.reserveCapacity(calls.variants.count * 64 + 128)
        func put(_ s: String) { var s = s; s.withUTF8 { out.append(contentsOf: $0) } }
        func tab() { out.append(UInt8(ascii: "\t")) }
        func dot() { out.append(UInt8(ascii: ".")) }
        put(columns.joined(separator: "\t"))
        out.append(UInt8(ascii: "\n"))
        var number = [CChar](repeating: 0, count: 64)
        for v in calls.variants {
            put(v.key.chrom); tab()
            put(String(v.key.position)); tab()
            put(v.key.ref); tab()
            put(v.key.alt); tab()
            if v.filters.isEmpty { dot() } else {
                for (k, f) in v.filters.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ";")) }
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
            if let vaf = v.support?.vaf {
                let n = withVaList([vaf]) { vsnprintf(&number, number.count, "%.4f", $0) }
                number.withUnsafeBytes { out.append(contentsOf: $0.prefix(Int(max(0, min(n, 63))))) }
            } else { dot() }
            tab()
            if let d = v.support?.depth { put(String(d)) } else { dot() }
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct JSONVariant: Encodable {
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
    }

    struct JSONCallSet: Encodable {
        var onco_version = OncoVersion.current
        var build: String
        var sample: String?
        var normal_sample: String?
        var annotation: String?
        var records: Int
        var variants: [JSONVariant]
    }

    static func json(_ calls: TumourCallSet) throws -> String {
        let doc = JSONCallSet(
            build: calls.build.rawValue, sample: calls.sample, normal_sample: calls.normalSample,
            annotation: calls.annotator?.rawValue, records: calls.recordCount,
            variants: calls.variants.map { v in
                JSONVariant(chrom: v.key.chrom, pos: v.key.position, ref: v.key.ref, alt: v.key.alt, id: v.id,
                            qual: v.quality, filter: v.filters, gene: v.gene, consequence: v.annotation?.consequence,
                            transcript: v.annotation?.transcript, hgvsc: v.annotation?.hgvsc, hgvsp: v.annotation?.hgvsp,
                            hgvsp_short: v.annotation?.hgvspShort, exon: v.annotation?.exon, impact: v.annotation?.impact,
                            ref_reads: v.support?.refReads, alt_reads: v.support?.altReads, vaf: v.support?.vaf,
                            depth: v.support?.depth, support_source: v.support?.source.rawValue)
            })
        // PrettyJSON: the bytes of JSONEncoder [.prettyPrinted, .sortedKeys] (slashes escaped), faster
        return try PrettyJSON.string(doc, options: .init(escapesSlashes: true)) + "\n"
    }
}
