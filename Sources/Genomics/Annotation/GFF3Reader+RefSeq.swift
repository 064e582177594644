import Foundation

extension GFF3Reader {
    /// The forms of NCBI's RefSeq GFF3 (GRCh37/GRCh38 annotation releases), read into the same models as
    /// an Ensembl GFF3:
    ///
    /// - seqids are accessions (`NC_000001.11`): the FASTA's own name if it has it, else the chromosome of
    ///   the file's `region` line (`chromosome=1`), else `RefSeqAccessions`; an `NC_` accession with none of
    ///   these is an error naming it. Scaffolds and alternate loci (`NT_`, `NW_`) are kept as they are;
    /// - genes are `gene`/`pseudogene` lines (`ID=gene-BRAF`) with a `gene_biotype=` bcftools knows
    ///   (`lncRNA` read as `lincRNA`, `transcribed_pseudogene` as `pseudogene`); the name is `Name=` (else
    ///   `gene=`), the printed gene id the NCBI GeneID of `Dbxref=GeneID:673` (as VEP's `--refseq` prints it);
    /// - transcripts are lines of a transcript type (`mRNA` → protein_coding, `lnc_RNA` → lincRNA, `transcript`
    ///   of a coding gene → processed_transcript, else the gene's biotype) with `ID=rna-…` and `Parent=gene-…`;
    ///   the printed id is the `ID` without `rna-` (`NM_004333.6`; the second copy of a PAR transcript keeps
    ///   NCBI's `-2`, so every id names one model); `tag=MANE Select` is MANE and canonical, `tag=RefSeq
    ///   Select` canonical;
    /// - `CDS` and `exon` lines hang on `Parent=rna-…` (CDS lines whose parent is a gene, as for
    ///   mitochondrial genes, belong to no transcript and are dropped, as bcftools drops them);
    /// - there are no UTR lines: a coding transcript's UTRs are its exon parts before and after the CDS.
    enum RefSeqForm {
        enum Line: Equatable {
            case region, gene
            /// A transcript, with the biotype its type implies.
            case transcript(Biotype)

            init?(type: Substring) {
                switch type {
                case "region": self = .region
                case "gene", "pseudogene": self = .gene
                default:
                    guard let name = RefSeqForm.transcriptTypes[type], let b = Biotype(attribute: Substring(name)) else { return nil }
                    self = .transcript(b)
                }
            }
        }

        /// RefSeq transcript feature types and the bcftools biotype each is read as.
        static let transcriptTypes: [Substring: String] = [
            "mRNA": "protein_coding", "lnc_RNA": "lincRNA", "transcript": "processed_transcript",
            "primary_transcript": "processed_transcript", "misc_RNA": "misc_RNA", "snRNA": "snRNA", "snoRNA": "snoRNA",
            "miRNA": "miRNA", "rRNA": "rRNA", "scRNA": "scRNA", "antisense_RNA": "antisense", "ncRNA": "known_ncrna",
        ]

        /// RefSeq `gene_biotype` values bcftools would not know, spelled as it does.
        static let geneBiotypes: [Substring: String] = ["lncRNA": "lincRNA", "transcribed_pseudogene": "pseudogene", "ncRNA": "known_ncrna"]

        /// Whether a feature line shows the file is RefSeq's (when its header did not).
        static func showsRefSeq(seqid: Substring, type: Substring, attributes: Substring) -> Bool {
            if type == "region" { return RefSeqAccessions.isChromosomeAccession(seqid) }
            return GFF3Reader.after("ID=gene-", in: attributes) != nil || GFF3Reader.after("ID=rna-", in: attributes) != nil
        }

        /// The value of attribute `key` (exact key, `;`-separated pairs), undecoded.
        static func attribute(_ key: String, in attributes: Substring) -> Substring? {
            for pair in attributes.split(separator: ";") {
                let p = pair.drop { $0 == " " }
                guard let eq = p.firstIndex(of: "="), p[..<eq].elementsEqual(key) else { continue }
                return p[p.index(after: eq)...]
            }
            return nil
        }

        /// GFF3 percent-escapes (`%3B`, `%2C`, `%20`, …) decoded.
        static func decoded(_ value: Substring) -> String {
            guard value.contains("%") else { return String(value) }
            return value.removingPercentEncoding ?? String(value)
        }

        /// The FASTA's name for a seqid (see the type's documentation).
        static func contig(_ seqid: Substring, reference: any AnnotationReference, regions: [Substring: String],
                           fail: (String) -> AnnotationInputError) throws -> String {
            let name = String(seqid)
            if let c = reference.resolve(name) { return c }
            guard RefSeqAccessions.isChromosomeAccession(seqid) else { return name }
            guard let chromosome = regions[seqid] ?? RefSeqAccessions.table[name]?.chromosome else {
                throw fail("\"\(name)\" is a RefSeq accession of no GRCh37 or GRCh38 chromosome (NCBI assembly reports GCF_000001405.25/.40), no region line of the file names its chromosome (chromosome=), and the FASTA has no contig of that name")
            }
            return reference.resolve(chromosome) ?? chromosome
        }

        /// Adds a RefSeq gene or transcript line.
        static func add(_ line: Line, attributes: Substring, contig: String, forward: Bool, beg: Int, end: Int, line number: Int,
                        into p: inout Parsed, fail: (String, String) -> AnnotationInputError) throws {
            guard let idValue = attribute("ID", in: attributes) else {
                throw fail("column 9 (ID)", "a RefSeq gene or transcript line needs ID= (ID=gene-NAME, ID=rna-ACCESSION)")
            }
            let id = decoded(idValue)
            switch line {
            case .region: return
            case .gene:
                guard let raw = attribute("gene_biotype", in: attributes),
                      let biotype = Biotype(attribute: Substring(geneBiotypes[raw] ?? String(raw))) else { return }
                if p.genes[id] != nil { throw fail("column 9 (ID)", "\(id) is defined twice") }
                let name = (attribute("Name", in: attributes) ?? attribute("gene", in: attributes)).map(decoded) ?? id
                let geneID = attribute("Dbxref", in: attributes)?.split(separator: ",").first { $0.hasPrefix("GeneID:") }
                    .map { String($0.dropFirst(7)) } ?? (id.hasPrefix("gene-") ? String(id.dropFirst(5)) : id)
                p.genes[id] = Gene(name: name, id: geneID, contig: contig)
                p.geneBiotypes[id] = biotype
            case .transcript(let byType):
                guard let parent = attribute("Parent", in: attributes) else {
                    throw fail("column 9 (Parent)", "transcript \(id) needs Parent=gene-ID")
                }
                let gene = decoded(parent)
                let biotype = byType.isCoding ? byType : (p.geneBiotypes[gene].flatMap { $0.isCoding ? nil : $0 } ?? byType)
                let tags = attribute("tag", in: attributes).map { decoded($0).split(separator: ",") } ?? []
                let mane = tags.contains("MANE Select")
                let display = id.hasPrefix("rna-") ? String(id.dropFirst(4)) : attribute("transcript_id", in: attributes).map(decoded) ?? id
                if p.transcripts[id] == nil { p.order.append(id) }
                p.transcripts[id] = Transcript(gene: gene, id: display, biotype: biotype, forward: forward, beg: beg, end: end,
                                               canonical: mane || tags.contains("RefSeq Select"), mane: mane, line: number,
                                               utrsFromExons: true)
            }
        }

        /// The UTRs of a transcript without UTR lines: the exon parts before the first and after the last
        /// CDS base (as given, before phase trimming), 5' or 3' by the strand.
        static func deriveUTRs(_ tr: TranscriptModel) {
            guard let first = tr.cds.map(\.beg).min(), let last = tr.cds.map({ $0.beg + $0.len - 1 }).max() else { return }
            for e in tr.exons.sorted(by: { $0.beg < $1.beg }) {
                if e.beg < first { tr.utrs.append((e.beg, min(e.end, first - 1), tr.isForward)) }
                if e.end > last { tr.utrs.append((max(e.beg, last + 1), e.end, !tr.isForward)) }
            }
        }
    }
}
