import ArgumentParser
import Foundation
import Genomics
import OncoCore
import Reports

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
    var format: VariantListing.Format = .tsv

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
        let (listing, calls) = try VariantListing.list(options, format: format, passOnly: passOnly)
        noteSkipped(calls.skipped)
        // Written once the whole file has been read: an error half-way leaves no half listing. The parts
        // go out as they are (a JSON listing of a large file is hundreds of MB: no joined copy).
        for part in listing.parts(calls) where !part.isEmpty {
            part.withUnsafeBytes { raw in
                FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!),
                                                     count: raw.count, deallocator: .none))
            }
        }
    }
}

extension VariantListing.Format: ExpressibleByArgument {}
