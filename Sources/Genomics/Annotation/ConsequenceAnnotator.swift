import OncoCore

/// In-process consequence annotation from a GFF3 and a reference FASTA, equal to `bcftools csq -l`
/// (1.16): the same consequences and amino-acid changes for every transcript (`consequences`), one
/// transcript chosen per ALT (`annotation`), and a VEP-style `CSQ` value (`csqValue`) so the usual
/// CSQ reader (`ConsequencePicker`) reads the result.
///
/// The transcript chosen for an ALT: one of `transcripts` when given; else MANE Select, then
/// `Ensembl_canonical`, then coding, then the longest CDS, then the first in the GFF3.
/// Not `Sendable` (it holds an htslib FASTA handle): one per thread.
public final class ConsequenceAnnotator {
    public let gffPath: String
    /// The FASTA, or the gene pack's stored regions.
    let reference: any AnnotationReference
    /// The reference FASTA's path (the gene pack's for a pack).
    public var referencePath: String { reference.path }
    let caller: LocalCsqCaller
    let models: [String: TranscriptModel]
    /// Transcript ids (without version) to prefer, if given.
    public let preferred: Set<String>

    /// The CSQ layout written by `csqValue` (and declared by `csqHeaderDescription`).
    public static let csqFields = ["Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature", "BIOTYPE",
                                   "HGVSc", "HGVSp", "Amino_acids", "STRAND", "CANONICAL", "MANE_SELECT", "PICK", "BCSQ"]
    public static var csqHeaderDescription: String {
        "Consequence annotations from onco annotate (bcftools csq rules). Format: " + csqFields.joined(separator: "|")
    }

    /// Reads the GFF3 and opens the FASTA (`.fai` beside it; bgzipped with `.gzi` works too).
    /// - Throws: `AnnotationInputError` naming the file, line and field; `VariantFileError` for the FASTA.
    public convenience init(gff: String, reference fasta: String, transcripts: [String] = []) throws {
        try self.init(gff: gff, sequence: try ReferenceGenome(path: fasta), transcripts: transcripts)
    }

    /// Reads a gene pack (`onco kb transcripts build`): the same annotation as its GFF3 and FASTA for
    /// variants in its genes, none elsewhere.
    /// - Throws: `AnnotationInputError` naming the file and line.
    public convenience init(genePack path: String, transcripts: [String] = []) throws {
        try self.init(gff: path, sequence: try GenePack(path: path), transcripts: transcripts)
    }

    /// The annotator of a `ConsequenceSource` (a GFF3 + FASTA, or a gene pack).
    public convenience init(source: ConsequenceSource) throws {
        if source.isGenePack {
            try self.init(genePack: source.gff, transcripts: source.transcripts)
        } else {
            try self.init(gff: source.gff, reference: source.reference, transcripts: source.transcripts)
        }
    }

    init(gff: String, sequence: any AnnotationReference, transcripts: [String]) throws {
        gffPath = gff
        reference = sequence
        let list = try GFF3Reader.read(path: gff, reference: reference)
        var m: [String: TranscriptModel] = [:]
        for t in list { m[t.id] = t }
        models = m
        preferred = Set(transcripts.map { Self.unversioned($0) })
        caller = LocalCsqCaller(index: FeatureIndex(list), genome: reference)
    }

    /// `text` with every byte `b` replaced by `r` (Foundation's `replacingOccurrences` costs more than the
    /// whole consequence call on a 300k-record file).
    static func replacing(_ b: UInt8, with r: String, in text: String) -> String {
        guard text.utf8.contains(b) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for c in text.utf8 { if c == b { out += r.utf8 } else { out.append(c) } }
        return String(decoding: out, as: UTF8.self)
    }

    static func unversioned(_ id: String) -> String {
        id.split(separator: ".").first.map(String.init) ?? id
    }

    private var lastContig: (vcf: String, fasta: String?)?

    /// The FASTA's spelling of a VCF contig, remembered for the run of records on one contig.
    private func resolved(_ contig: String) -> String? {
        if let last = lastContig, last.vcf == contig { return last.fasta }
        let name = reference.resolve(contig)
        lastContig = (contig, name)
        return name
    }

    /// Where a record comes from, for error messages.
    public struct Site: Sendable {
        public var file: String
        public var line: Int
        public init(file: String, line: Int) { self.file = file; self.line = line }
    }

    /// All consequences of a record as `bcftools csq -l` stages them (one `BCSQ` entry each).
    /// - Throws: `AnnotationInputError` when the contig is not in the FASTA or REF differs from it.
    public func consequences(contig: String, position: Int, ref: String, alts: [String], site: Site) throws -> [CsqEntry] {
        guard let name = resolved(contig) else {
            throw AnnotationInputError(path: reference.path, line: nil, field: nil,
                                       problem: "contig \"\(contig)\" of \(site.file.split(separator: "/").last.map(String.init) ?? site.file) line \(site.line) (CHROM) is not in the reference FASTA; is it the same genome build?")
        }
        do {
            return try caller.call(contig: name, pos1: position, ref: Array(ref.utf8), alts: alts.map { Array($0.utf8) })
        } catch LocalCsqCaller.RecordProblem.refMismatch(let pos, let fasta, let vcf) {
            throw AnnotationInputError(path: site.file, line: site.line, field: "REF",
                                       problem: "base \(Character(UnicodeScalar(vcf))) at \(contig):\(pos) differs from the reference FASTA (\(Character(UnicodeScalar(fasta)))) of \(reference.path.split(separator: "/").last ?? ""); is it the same genome build?")
        } catch LocalCsqCaller.RecordProblem.referenceUnreadable(let tr) {
            throw AnnotationInputError(path: reference.path, field: "sequence",
                                       problem: "the FASTA does not cover transcript \(tr) on contig \(name) (a shorter contig than the GFF3 expects)")
        }
    }

    /// The entries of one ALT, computed on their own (bcftools merges non-coding entries across ALTs).
    public func consequences(contig: String, position: Int, ref: String, alt: String, site: Site) throws -> [CsqEntry] {
        try consequences(contig: contig, position: position, ref: ref, alts: [alt], site: site)
    }

    /// The chosen entry among one ALT's entries (see the type's documentation).
    public func choose(_ entries: [CsqEntry]) -> CsqEntry? {
        func key(_ e: CsqEntry) -> (Int, Int, Int, Int, Int) {
            let listed = preferred.contains(Self.unversioned(e.transcript)) ? 0 : 1
            let length = models[e.transcript]?.codingLength ?? 0
            return (listed, e.mane ? 0 : 1, e.canonical ? 0 : 1, e.codingTranscript ? 0 : 1, -length)
        }
        var best: CsqEntry?
        for e in entries where best == nil || key(e) < key(best!) { best = e }
        return best
    }

    /// The annotation onco uses for one ALT (gene, transcript, SO terms, HGVSc/HGVSp), `nil` when the
    /// ALT touches no transcript.
    public func annotation(contig: String, position: Int, ref: String, alt: String, site: Site) throws -> VariantAnnotation? {
        let entries = try consequences(contig: contig, position: position, ref: ref, alt: alt, site: site)
        guard let e = choose(entries) else { return nil }
        return annotation(of: e, position: position, ref: ref, alt: alt)
    }

    func annotation(of e: CsqEntry, position: Int, ref: String, alt: String) -> VariantAnnotation {
        let terms = e.consequenceNames.map { CsqBit.soTerms[$0] ?? $0 }
            .sorted { Consequence.rank($0) < Consequence.rank($1) }
        let model = models[e.transcript]
        let p = HGVSFromCsq.protein(e, residue: { k in model?.residue(k) })
        let c = models[e.transcript].flatMap { HGVSFromCsq.coding($0, pos1: position, ref: Array(ref.utf8), alt: Array(alt.utf8)) }
        return VariantAnnotation(symbol: e.gene, transcript: e.transcript, consequences: terms, hgvsc: c, hgvsp: p,
                                 hgvspShort: p.map(HGVS.oneLetter), exon: nil, impact: Self.impact(terms.first),
                                 canonical: e.canonical, mane: e.mane, biotype: e.biotype)
    }

    static func impact(_ term: String?) -> String {
        switch term {
        case "stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant", "start_lost", "stop_lost": return "HIGH"
        case "missense_variant", "inframe_insertion", "inframe_deletion", "protein_altering_variant": return "MODERATE"
        case "synonymous_variant", "splice_region_variant", "stop_retained_variant", "start_retained_variant", "coding_sequence_variant": return "LOW"
        default: return "MODIFIER"
        }
    }

    /// The VEP-style `CSQ` value of a record (every ALT, every transcript; `PICK=1` on the chosen one),
    /// `nil` when no ALT touches a transcript.
    public func csqValue(contig: String, position: Int, ref: String, alts: [String], site: Site) throws -> String? {
        var parts: [String] = []
        let vepAlleles = AlleleMatcher.vepAlleles(ref: ref, alts: alts)
        for (k, alt) in alts.enumerated() {
            if alt.hasPrefix("<") || alt == "*" || alt == "." { continue }
            let entries = try consequences(contig: contig, position: position, ref: ref, alt: alt, site: site)
            let chosen = choose(entries)
            for e in entries {
                let a = annotation(of: e, position: position, ref: ref, alt: alt)
                let fields: [String] = [
                    vepAlleles[k], a.consequences.joined(separator: "&"), a.impact ?? "", e.gene, e.geneID, "Transcript", e.transcript,
                    e.biotype, a.hgvsc ?? "", Self.replacing(UInt8(ascii: "="), with: "%3D", in: a.hgvsp ?? ""),
                    e.aminoAcidChange ?? "", e.forward ? "1" : "-1", e.canonical ? "YES" : "", e.mane ? "YES" : "",
                    e == chosen ? "1" : "", Self.replacing(UInt8(ascii: "|"), with: ":", in: e.bcsq),
                ]
                parts.append(fields.joined(separator: "|"))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
    }
}
