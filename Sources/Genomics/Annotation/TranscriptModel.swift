/// Transcript models read from a GFF3, shaped as `bcftools csq` (1.16) holds them: CDS parts sorted by
/// position with the 5' phase and an incomplete 3' codon trimmed, exons, UTRs, and the reference
/// sequence of the transcript padded with 10 bases on both sides (`N_REF_PAD`), fetched on first use.
///
/// Coordinates are 0-based and inclusive, as in csq.c, so the port reads like the original.
final class TranscriptModel {
    struct CDS {
        /// First base on the reference strand (0-based).
        var beg: Int
        var len: Int
        /// Offset of the first base within the spliced coding sequence (reference-strand order).
        var pos: Int = 0
        /// 0, 1, 2, or 3 for `.` (unknown).
        var phase: Int
    }

    static let refPad = 10

    /// The transcript id without `transcript:` (e.g. `ENST00000345146`; RefSeq `NM_004333.6`).
    let id: String
    /// The GFF3's keys of the gene and the transcript (`ID=gene:X` → `X`, RefSeq `ID=gene-X` → `gene-X`),
    /// for copying their lines (`GenePack`).
    let gffKeys: (gene: String, transcript: String)
    let geneName: String
    let geneID: String
    let contig: String
    let biotype: Biotype
    let isForward: Bool
    let beg: Int
    let end: Int
    var cds: [CDS] = []
    var exons: [(beg: Int, end: Int)] = []
    var utrs: [(beg: Int, end: Int, prime5: Bool)] = []
    var trim5 = false
    var trim3 = false
    /// Position in the annotator's transcript list (`CsqEntry.transcriptIndex`), -1 before.
    var index = -1
    /// `tag=Ensembl_canonical` (or `Ensembl_canonical` among the tags); `tag=MANE_Select`. RefSeq:
    /// `tag=MANE Select` is both, `tag=RefSeq Select` canonical.
    let canonical: Bool
    let mane: Bool
    /// The reference from `beg - 10` to `end + 10` (upper case; `N` beyond the contig), and the spliced
    /// CDS with 10 bases of padding on each side (csq.c `tscript_splice_ref`). Filled by `loadReference`.
    var ref: [UInt8] = []
    var sref: [UInt8] = []
    /// `sref` translated (`CsqTranslate.protein`), filled on the first frameshift that needs it.
    var protein: [UInt8] = []

    init(id: String, geneName: String, geneID: String, contig: String, biotype: Biotype, isForward: Bool,
         beg: Int, end: Int, canonical: Bool, mane: Bool, gffKeys: (gene: String, transcript: String)? = nil) {
        self.id = id
        self.gffKeys = gffKeys ?? (geneID, id)
        self.geneName = geneName
        self.geneID = geneID
        self.contig = contig
        self.biotype = biotype
        self.isForward = isForward
        self.beg = beg
        self.end = end
        self.canonical = canonical
        self.mane = mane
    }

    var isCoding: Bool { biotype.isCoding }
    var codingLength: Int { cds.reduce(0) { $0 + $1.len } }
    var hasReference: Bool { !ref.isEmpty }

    /// The reference base at `pos` (0-based), from the padded window.
    @inline(__always) func refBase(_ pos: Int) -> UInt8 {
        let i = Self.refPad + pos - beg
        return i >= 0 && i < ref.count ? ref[i] : 0
    }

    /// The reference amino acid at protein position `k` (1-based), from the spliced reference.
    func residue(_ k: Int) -> UInt8? {
        let pad = Self.refPad, total = sref.count - 2 * pad
        guard k >= 1, k * 3 <= total else { return nil }
        if isForward {
            let o = pad + (k - 1) * 3
            return CsqTranslate.forward(sref[o], sref[o + 1], sref[o + 2])
        }
        let o = pad + total - k * 3
        return CsqTranslate.reverse(sref[o], sref[o + 1], sref[o + 2])
    }

    /// Fetches the padded reference (csq.c `tscript_init_ref`) and splices it (`tscript_splice_ref`,
    /// including its 3' padding, which repeats the first bases of the last CDS part).
    func loadReference(_ genome: any AnnotationReference) -> Bool {
        let pad = Self.refPad
        let padBeg = beg >= pad ? pad : beg
        guard var seq = genome.bases(contig: contig, start: beg - padBeg + 1, end: end + 1) else { return false }
        var tail = genome.bases(contig: contig, start: end + 2, end: end + 1 + pad) ?? []
        if tail.isEmpty {
            // Near the contig end: take what there is.
            for k in stride(from: pad, through: 1, by: -1) {
                if let t = genome.bases(contig: contig, start: end + 2, end: end + 1 + k) { tail = t; break }
            }
        }
        seq = Array(repeating: UInt8(ascii: "N"), count: pad - padBeg) + seq + tail
        seq += Array(repeating: UInt8(ascii: "N"), count: max(0, pad - tail.count))
        ref = seq
        guard !cds.isEmpty else { return true }
        var s: [UInt8] = []
        s.reserveCapacity(codingLength + 2 * pad)
        let first = cds[0].beg - beg
        s += ref[first..<(first + pad)]
        for c in cds { s += ref[(pad + c.beg - beg)..<(pad + c.beg - beg + c.len)] }
        let last = pad + cds[cds.count - 1].beg - beg
        s += ref[last..<(last + pad)]
        sref = s
        return true
    }
}

/// A transcript or gene biotype as `bcftools csq` classifies it (csq.c `gff_parse_biotype`): its code,
/// whether it is coding, and the name printed in the output.
struct Biotype: Hashable {
    let code: Int
    let name: String
    var isCoding: Bool { code & 64 != 0 }

    /// bcftools matches the attribute value by prefix, in this order; unlisted biotypes are ignored.
    private static let table: [(prefix: String, code: Int, name: String)] = {
        let noncoding = ["MT_rRNA", "MT_tRNA", "lincRNA", "miRNA", "misc_RNA", "rRNA", "snRNA", "snoRNA", "processed_transcript",
                         "antisense", "macro_lncRNA", "ribozyme", "sRNA", "scRNA", "scaRNA", "sense_intronic", "sense_overlapping",
                         "pseudogene", "processed_pseudogene", "artifact", "IG_pseudogene", "IG_C_pseudogene", "IG_J_pseudogene",
                         "IG_V_pseudogene", "TR_V_pseudogene", "TR_J_pseudogene", "MT_tRNA_pseudogene", "misc_RNA_pseudogene",
                         "miRNA_pseudogene", "ribozyme", "retained_intron", "retrotransposed", "Trna_pseudogene", "transcribed_processed_pseudogene",
                         "transcribed_unprocessed_pseudogene", "transcribed_unitary_pseudogene", "translated_unprocessed_pseudogene",
                         "translated_processed_pseudogene", "known_ncRNA", "unitary_pseudogene", "unprocessed_pseudogene",
                         "LRG_gene", "3_prime_overlapping_ncRNA", "disrupted_domain", "vaultRNA", "bidirectional_promoter_lncRNA", "ambiguous_orf"]
        let coding = ["protein_coding", "polymorphic_pseudogene", "IG_C", "IG_D", "IG_J", "IG_LV", "IG_V", "TR_C", "TR_D", "TR_J", "TR_V", "NMD", "non_stop_decay"]
        func nc(_ code: Int) -> (Int, String) { (code, noncoding[code - 1]) }
        func c(_ code: Int) -> (Int, String) { (code | 64, coding[code - 1]) }
        let rows: [(String, (Int, String))] = [
            ("protein_coding", c(1)), ("pseudogene", nc(18)), ("processed_transcript", nc(9)), ("processed_pseudogene", nc(19)),
            ("polymorphic_pseudogene", c(2)),
            ("artifact", nc(20)), ("antisense", nc(10)), ("ambiguous_orf", nc(47)),
            ("IG_C_gene", c(3)), ("IG_D_gene", c(4)), ("IG_J_gene", c(5)), ("IG_LV_gene", c(6)), ("IG_V_gene", c(7)),
            ("IG_pseudogene", nc(21)), ("IG_C_pseudogene", nc(22)), ("IG_J_pseudogene", nc(23)), ("IG_V_pseudogene", nc(24)),
            ("TR_C_gene", c(8)), ("TR_D_gene", c(9)), ("TR_J_gene", c(10)), ("TR_V_gene", c(11)), ("TR_V_pseudogene", nc(25)),
            ("TR_J_pseudogene", nc(26)),
            ("Mt_tRNA_pseudogene", nc(27)), ("Mt_tRNA", nc(2)), ("Mt_rRNA", nc(2)),
            ("lincRNA", nc(3)),
            ("macro_lncRNA", nc(11)), ("misc_RNA_pseudogene", nc(28)), ("miRNA_pseudogene", nc(29)), ("miRNA", nc(4)), ("misc_RNA", nc(5)),
            ("rRNA", nc(6)), ("ribozyme", nc(30)), ("retained_intron", nc(31)), ("retrotransposed", nc(32)),
            ("snRNA", nc(7)), ("sRNA", nc(13)), ("scRNA", nc(14)), ("scaRNA", nc(15)), ("snoRNA", nc(8)), ("sense_intronic", nc(16)),
            ("sense_overlapping", nc(17)),
            ("tRNA_pseudogene", nc(33)), ("transcribed_processed_pseudogene", nc(34)), ("transcribed_unprocessed_pseudogene", nc(35)),
            ("transcribed_unitary_pseudogene", nc(36)), ("translated_unprocessed_pseudogene", nc(37)), ("translated_processed_pseudogene", nc(38)),
            ("nonsense_mediated_decay", c(12)), ("non_stop_decay", c(13)),
            ("known_ncrna", nc(39)),
            ("unitary_pseudogene", nc(40)), ("unprocessed_pseudogene", nc(41)),
            ("LRG_gene", nc(42)), ("3prime_overlapping_ncRNA", nc(43)), ("disrupted_domain", nc(44)), ("vaultRNA", nc(45)),
            ("bidirectional_promoter_lncRNA", nc(46)),
        ]
        return rows.map { ($0.0, $0.1.0, $0.1.1) }
    }()

    /// The biotype of an attribute value, `nil` when bcftools would ignore it.
    init?(attribute value: Substring) {
        for row in Self.table where value.hasPrefix(row.prefix) {
            self.code = row.code
            self.name = row.name
            return
        }
        return nil
    }
}
