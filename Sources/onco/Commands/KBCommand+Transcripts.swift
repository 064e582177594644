import ArgumentParser
import Foundation
import Genomics
import Knowledge

extension KBCommand {
    /// `onco kb transcripts build`: the gene pack of the genes the KB's rules name.
    struct Transcripts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Gene packs: the transcripts and reference bases of the KB's genes, for fast in-process annotation.",
            subcommands: [Build.self])

        struct Build: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a gene pack (one BGZF file) from an Ensembl or RefSeq GFF3 and its reference FASTA.",
                discussion: """
                The pack holds the GFF3 lines of every transcript of the genes the knowledge base's rules name (or \
                --genes) and the reference bases those transcripts span (plus 10 bases either side), so that \
                --gene-pack FILE (or ONCO_GENE_PACK) annotates variants in those genes exactly as --gff/--reference \
                would, without reading the whole GFF3 and FASTA. Variants outside the pack's genes get no annotation.
                Exit status: 0 written, 1 bad input (file, line and field named), 64 bad arguments.
                """)

            @OptionGroup var kb: KBLocation
            @Option(help: "Ensembl or RefSeq GFF3 (plain or gzipped).") var gff: String
            @Option(help: "The reference FASTA (+ .fai) of the GFF3.") var reference: String
            @Option(help: "Genes to pack instead of the KB's (comma-separated GFF3 Name= values).") var genes: [String] = []
            @Option(name: .shortAndLong, help: "Output file (BGZF text; e.g. grch38.onco-genes.gz).") var output: String

            func run() throws {
                var list = Set(genes.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                if list.isEmpty { list = Set(try KnowledgeBase.load(directory: try kb.resolve()).ruleGenes) }
                let s = try GenePackBuilder.build(gff: gff, reference: reference, genes: list, output: output)
                var text = "onco kb transcripts build: \(s.genesFound.count) gene\(s.genesFound.count == 1 ? "" : "s"), \(s.transcripts) transcripts, "
                text += "\(s.bases) reference bases, \(s.bytes) bytes before compression -> \(output)\n"
                if !s.genesMissing.isEmpty {
                    text += "  \(s.genesMissing.count) gene(s) without a transcript in the GFF3: \(s.genesMissing.prefix(20).joined(separator: ", "))\(s.genesMissing.count > 20 ? ", ..." : "")\n"
                }
                StandardError.write(text)
            }
        }
    }
}
