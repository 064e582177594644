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
    /// The transcripts by `TranscriptModel.index`, with what `choose` ranks them by.
    let transcripts: [TranscriptModel]
    let isPreferred: [Bool]
    let codingLengths: [Int]
    /// Per consequence bits: the SO terms, IMPACT and bcftools names as `csqValue` writes them.
    var termsByBits: [Int: Terms] = [:]
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
        for (i, t) in list.enumerated() {
            t.index = i
            m[t.id] = t
        }
        models = m
        let preferred = Set(transcripts.map { Self.unversioned($0) })
        self.preferred = preferred
        self.transcripts = list
        isPreferred = list.map { preferred.contains(Self.unversioned($0.id)) }
        codingLengths = list.map(\.codingLength)
        caller = LocalCsqCaller(index: FeatureIndex(list), genome: reference)
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
        try consequences(contig: contig, position: position, ref: Array(ref.utf8), alts: alts.map { Array($0.utf8) }, site: site)
    }

    /// `consequences` of REF and ALTs given as bytes.
    func consequences(contig: String, position: Int, ref: [UInt8], alts: [[UInt8]], site: Site) throws -> [CsqEntry] {
        guard let name = resolved(contig) else {
            throw AnnotationInputError(path: reference.path, line: nil, field: nil,
                                       problem: "contig \"\(contig)\" of \(site.file.split(separator: "/").last.map(String.init) ?? site.file) line \(site.line) (CHROM) is not in the reference FASTA; is it the same genome build?")
        }
        do {
            return try caller.call(contig: name, pos1: position, ref: ref, alts: alts)
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
        chosenIndex(entries).map { entries[$0] }
    }

    /// The index of `choose`'s entry (the first of equal rank).
    func chosenIndex(_ entries: [CsqEntry]) -> Int? {
        func key(_ e: CsqEntry) -> (Int, Int, Int, Int, Int) {
            let i = e.transcriptIndex
            let listed = (i >= 0 ? isPreferred[i] : preferred.contains(Self.unversioned(e.transcript))) ? 0 : 1
            let length = i >= 0 ? codingLengths[i] : models[e.transcript]?.codingLength ?? 0
            return (listed, e.mane ? 0 : 1, e.canonical ? 0 : 1, e.codingTranscript ? 0 : 1, -length)
        }
        var best: Int?
        var bestKey = (0, 0, 0, 0, 0)
        for (n, e) in entries.enumerated() {
            let k = key(e)
            if best == nil || k < bestKey { best = n; bestKey = k }
        }
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
    /// `nil` when no ALT touches a transcript. Written by `appendCSQ`.
    public func csqValue(contig: String, position: Int, ref: String, alts: [String], site: Site) throws -> String? {
        var bytes: [UInt8] = []
        guard try appendCSQ(to: &bytes, contig: contig, position: position, ref: ref, alts: alts, site: site) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
