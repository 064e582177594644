import ArgumentParser
import Foundation
import Genomics

/// `--gff`/`--reference`/`--transcripts` (or `ONCO_GFF`/`ONCO_REFERENCE`): in-process consequence
/// annotation of a VCF's un-annotated ALTs, for the commands that read a case VCF.
struct ConsequenceOptions: ParsableArguments {
    @Option(help: "Ensembl or RefSeq GFF3 (plain or gzipped): annotate ALTs without CSQ/ANN in process, by the rules of `bcftools csq` (default: $ONCO_GFF). Needs --reference.")
    var gff: String?

    @Option(name: .customLong("gene-pack"), help: "Gene pack from `onco kb transcripts build`, instead of --gff/--reference (default: $ONCO_GENE_PACK).")
    var genePack: String?

    @Option(name: .customLong("transcripts"), help: "Transcript ids to prefer over MANE Select/canonical (comma-separated).")
    var transcripts: [String] = []

    /// The source, given the command's reference FASTA (`--reference`, else `$ONCO_REFERENCE`).
    func source(reference: String?) throws -> ConsequenceSource? {
        try Self.source(gff: gff, genePack: genePack, transcripts: transcripts, reference: reference)
    }

    /// `--gff` (with `--reference`) or `--gene-pack`; else `ONCO_GFF` (with `ONCO_REFERENCE`); else `ONCO_GENE_PACK`.
    static func source(gff: String?, genePack: String? = nil, transcripts: [String], reference: String?) throws -> ConsequenceSource? {
        let env = ProcessInfo.processInfo.environment
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        let list = transcripts.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if gff != nil && genePack != nil { throw ValidationError("give --gff/--reference or --gene-pack, not both") }
        if let genePack { return ConsequenceSource.genePack(genePack, transcripts: list) }
        guard let gff = gff ?? value("ONCO_GFF") else { return value("ONCO_GENE_PACK").map { ConsequenceSource.genePack($0, transcripts: list) } }
        guard let fasta = reference ?? value("ONCO_REFERENCE") else {
            throw ValidationError("--gff needs the reference FASTA the GFF3 belongs to: --reference FILE (or ONCO_REFERENCE)")
        }
        return ConsequenceSource(gff: gff, reference: fasta, transcripts: list)
    }
}

/// `onco annotate`: a VCF in, the same VCF with a VEP-style CSQ field out.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Add consequence annotation (gene, transcript, SO terms, HGVSc, HGVSp) to a VCF, in process, by the rules of `bcftools csq`.",
        discussion: """
        Reads an Ensembl GFF3 (Homo_sapiens.GRCh38.<release>.gff3.gz from https://ftp.ensembl.org/pub/current_gff3/homo_sapiens/, \
        or for GRCh37 https://ftp.ensembl.org/pub/grch37/current/gff3/homo_sapiens/; or NCBI's RefSeq GFF3, GCF_000001405.40 \
        for GRCh38 or GCF_000001405.25 for GRCh37, whose NC_ seqids are read as the FASTA's chromosomes) and the reference FASTA of the same build \
        (bgzipped or plain, with its .fai from `samtools faidx`). Every ALT gets the consequences `bcftools csq --local-csq` \
        computes on every transcript; they are written as a VEP-style CSQ INFO field (Allele|Consequence|IMPACT|SYMBOL|Gene|...|PICK), \
        the transcript onco uses flagged PICK=1 (--transcripts, else MANE Select, else Ensembl canonical or RefSeq Select, else the longest CDS), \
        so `onco recommend`, `kb match`, `variants` and `batch` read it like a VEP-annotated file.

        Output type from the name: .vcf.gz (BGZF), .bcf, else plain VCF. Nothing is written on error.
        Exit status: 0 written, 1 bad input (the error names the file, line and field), 64 bad arguments.
        """)

    @Argument(help: "The VCF/BCF to annotate (plain, gzip or bgzip).") var input: String
    @Option(help: "Ensembl or RefSeq GFF3 (default: $ONCO_GFF).") var gff: String?
    @Option(help: "Reference FASTA with .fai (default: $ONCO_REFERENCE).") var reference: String?
    @Option(name: .customLong("gene-pack"), help: "Gene pack (`onco kb transcripts build`) instead of --gff/--reference (default: $ONCO_GENE_PACK).") var genePack: String?
    @Option(name: .customLong("transcripts"), help: "Transcript ids to prefer (comma-separated).") var transcripts: [String] = []
    @Option(name: .shortAndLong, help: "Output file (.vcf.gz, .bcf or .vcf).") var output: String
    @OptionGroup var lenient: LenientOption

    func validate() throws {
        guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("\(input): no such file") }
    }

    func run() throws {
        guard let source = try ConsequenceOptions.source(gff: gff, genePack: genePack, transcripts: transcripts, reference: reference) else {
            throw ValidationError("give the GFF3: --gff FILE (or ONCO_GFF), or a gene pack: --gene-pack FILE (or ONCO_GENE_PACK)")
        }
        let annotator = try ConsequenceAnnotator(source: source)
        let s = try VCFAnnotationWriter.annotate(input: input, output: output, annotator: annotator, malformed: lenient.policy)
        StandardError.write("onco annotate: \(s.records) record\(s.records == 1 ? "" : "s"), \(s.annotated) with consequences\n")
    }
}
