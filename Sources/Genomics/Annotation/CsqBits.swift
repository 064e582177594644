/// The consequence bits of `bcftools csq` 1.16 (csq.c `CSQ_*`), with its names, printed in bit order.
enum CsqBit {
    static let synonymous = 1 << 1
    static let missense = 1 << 2
    static let stopLost = 1 << 3
    static let stopGained = 1 << 4
    static let inframeDeletion = 1 << 5
    static let inframeInsertion = 1 << 6
    static let frameshift = 1 << 7
    static let spliceAcceptor = 1 << 8
    static let spliceDonor = 1 << 9
    static let startLost = 1 << 10
    static let spliceRegion = 1 << 11
    static let stopRetained = 1 << 12
    static let utr5 = 1 << 13
    static let utr3 = 1 << 14
    static let nonCoding = 1 << 15
    static let intron = 1 << 16
    static let inframeAltering = 1 << 18
    static let upstreamStop = 1 << 19
    static let incompleteCDS = 1 << 20
    static let codingSequence = 1 << 21
    static let elongation = 1 << 22
    static let startRetained = 1 << 23

    static let compound = synonymous | missense | stopLost | stopGained | inframeDeletion | inframeInsertion | frameshift
        | startLost | stopRetained | inframeAltering | incompleteCDS | upstreamStop | startRetained
    static let startStop = stopLost | stopGained | stopRetained | startLost | startRetained
    static let printsTranscript = ~(intron | nonCoding)

    /// bcftools' names by bit (nil: not printed).
    static let names: [String?] = [nil, "synonymous", "missense", "stop_lost", "stop_gained", "inframe_deletion", "inframe_insertion",
                                   "frameshift", "splice_acceptor", "splice_donor", "start_lost", "splice_region", "stop_retained",
                                   "5_prime_utr", "3_prime_utr", "non_coding", "intron", "intergenic", "inframe_altering", nil, nil,
                                   "coding_sequence", "feature_elongation", "start_retained"]

    /// The Sequence Ontology term VEP writes for each bcftools name.
    static let soTerms: [String: String] = [
        "synonymous": "synonymous_variant", "missense": "missense_variant", "stop_lost": "stop_lost", "stop_gained": "stop_gained",
        "inframe_deletion": "inframe_deletion", "inframe_insertion": "inframe_insertion", "frameshift": "frameshift_variant",
        "splice_acceptor": "splice_acceptor_variant", "splice_donor": "splice_donor_variant", "start_lost": "start_lost",
        "splice_region": "splice_region_variant", "stop_retained": "stop_retained_variant", "5_prime_utr": "5_prime_UTR_variant",
        "3_prime_utr": "3_prime_UTR_variant", "non_coding": "non_coding_transcript_variant", "intron": "intron_variant",
        "intergenic": "intergenic_variant", "inframe_altering": "protein_altering_variant", "coding_sequence": "coding_sequence_variant",
        "feature_elongation": "feature_elongation", "start_retained": "start_retained_variant",
    ]
}

/// One consequence of one ALT on one transcript, as `bcftools csq` prints it in `BCSQ`
/// (`missense|IDH1|ENST00000345146|protein_coding|-|132R>132H|209113112C>T`).
public struct CsqEntry: Sendable, Hashable {
    /// csq.c `CSQ_*` bits.
    var bits: Int
    /// 1-based index of the ALT allele.
    public let altNumber: Int
    public let gene: String
    public let geneID: String
    public let transcript: String
    public let biotype: String
    public let forward: Bool
    /// `|132R>132H|209113112C>T` (bcftools' `vstr`) as bytes, empty when none.
    var variant: [UInt8]
    public let canonical: Bool
    public let mane: Bool
    public let codingTranscript: Bool
    /// The transcript's `TranscriptModel.index` (-1: not from an annotator).
    var transcriptIndex = -1

    /// `|132R>132H|209113112C>T` (bcftools' `vstr`), empty when none.
    var variantString: String { String(decoding: variant, as: UTF8.self) }

    init(bits: Int, altNumber: Int, gene: String, geneID: String, transcript: String, biotype: String, forward: Bool,
         variant: [UInt8], canonical: Bool, mane: Bool, codingTranscript: Bool, transcriptIndex: Int = -1) {
        self.bits = bits
        self.altNumber = altNumber
        self.gene = gene
        self.geneID = geneID
        self.transcript = transcript
        self.biotype = biotype
        self.forward = forward
        self.variant = variant
        self.canonical = canonical
        self.mane = mane
        self.codingTranscript = codingTranscript
        self.transcriptIndex = transcriptIndex
    }

    init(bits: Int, altNumber: Int, gene: String, geneID: String, transcript: String, biotype: String, forward: Bool,
         variantString: String, canonical: Bool, mane: Bool, codingTranscript: Bool, transcriptIndex: Int = -1) {
        self.init(bits: bits, altNumber: altNumber, gene: gene, geneID: geneID, transcript: transcript, biotype: biotype, forward: forward,
                  variant: Array(variantString.utf8), canonical: canonical, mane: mane, codingTranscript: codingTranscript,
                  transcriptIndex: transcriptIndex)
    }

    /// The bcftools consequence names, `&`-joined, after csq.c `kput_vcsq`'s clean-up.
    public var consequence: String { Self.names(of: printedBits).joined(separator: "&") }
    public var consequenceNames: [String] { Self.names(of: printedBits) }

    var printedBits: Int {
        var t = bits
        if t & CsqBit.incompleteCDS != 0 && t & ~(CsqBit.startStop | CsqBit.incompleteCDS | CsqBit.upstreamStop) != 0 {
            t &= ~(CsqBit.startStop | CsqBit.incompleteCDS)
        }
        if t & CsqBit.startStop != 0 && t & CsqBit.missense != 0 { t &= ~CsqBit.missense }
        return t
    }

    static func names(of t: Int) -> [String] {
        (1..<CsqBit.names.count).compactMap { i in t & (1 << i) != 0 ? CsqBit.names[i] : nil }
    }

    /// The amino-acid change field (`132R>132H`), `nil` when bcftools prints none.
    public var aminoAcidChange: String? { fieldRange(0).map { String(decoding: variant[$0], as: UTF8.self) } }
    /// The DNA change field (`209113112C>T`).
    public var dnaChange: String? { fieldRange(1).map { String(decoding: variant[$0], as: UTF8.self) } }

    /// `|f0|f1...`: the bytes after the (i+1)-th bar, up to the next.
    func fieldRange(_ i: Int) -> Range<Int>? {
        guard !variant.isEmpty else { return nil }
        var bars = 0
        var start = 0
        for j in variant.indices where variant[j] == UInt8(ascii: "|") {
            bars += 1
            if bars == i + 1 { start = j + 1 }
            if bars == i + 2 { return start..<j }
        }
        return bars == i + 1 ? start..<variant.count : nil
    }

    /// `bcsq` appended to `out` with every `|` written as `bar` (`names`: the `&`-joined consequence
    /// names of `printedBits`, as `consequence` spells them).
    func appendBCSQ(to out: inout [UInt8], bar: UInt8, names: [UInt8]) {
        @inline(__always) func put(_ s: String) {
            for b in s.utf8 { out.append(b == UInt8(ascii: "|") ? bar : b) }
        }
        let t = printedBits
        if t & CsqBit.upstreamStop != 0 { out.append(UInt8(ascii: "*")) }
        out += names
        out.append(bar)
        put(gene)
        out.append(bar)
        if t & CsqBit.printsTranscript != 0 { put(transcript) }
        out.append(bar)
        put(biotype)
        let strand = t & CsqBit.compound != 0 && t & (CsqBit.spliceAcceptor | CsqBit.spliceDonor | CsqBit.spliceRegion) == 0
        if strand || !variant.isEmpty {
            out.append(bar)
            out.append(forward ? UInt8(ascii: "+") : UInt8(ascii: "-"))
        }
        for b in variant { out.append(b == UInt8(ascii: "|") ? bar : b) }
    }

    /// The entry as `bcftools csq` writes it into `BCSQ` (csq.c `kput_vcsq`).
    public var bcsq: String {
        let t = printedBits
        var s = (t & CsqBit.upstreamStop != 0 ? "*" : "") + consequence
        s += "|" + gene + "|"
        if t & CsqBit.printsTranscript != 0 { s += transcript }
        s += "|" + biotype
        let strand = t & CsqBit.compound != 0 && t & (CsqBit.spliceAcceptor | CsqBit.spliceDonor | CsqBit.spliceRegion) == 0
        if strand || !variant.isEmpty { s += forward ? "|+" : "|-" }
        s += variantString
        return s
    }
}
