import OncoCore

/// The fusion-caller outputs onco reads.
public enum FusionFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Arriba `fusions.tsv` (header `#gene1 gene2 strand1(gene/fusion) strand2(gene/fusion) breakpoint1 …`).
    case arriba
    /// STAR-Fusion `star-fusion.fusion_predictions(.abridged)(.coding_effect).tsv` (header `#FusionName …`).
    case starFusion = "star-fusion"
    /// VCF breakends (`SVTYPE=BND`, `MATEID`): Manta, GRIDSS, SvABA; partners from the gene spans.
    case vcf
}

/// One gene fusion call.
public struct FusionCall: Sendable, Hashable {
    /// 5' partner first when `orientationKnown`.
    public var fusion: GeneFusion
    /// Whether 5' and 3' are known: Arriba with the fusion transcript's strand predicted, STAR-Fusion always
    /// (its `LeftGene` is 5'), a breakend joining one gene's 5' part to another's 3' part. When false the
    /// partners are in file order (Arriba gene1, gene2; the breakend's own gene first).
    public var orientationKnown: Bool
    /// Arriba `reading_frame` (`in-frame` true; `out-of-frame`, `stop-codon` false) or STAR-Fusion
    /// `PROT_FUSION_TYPE` (`INFRAME` true, `FRAMESHIFT` false); nil when the caller does not say.
    public var inFrame: Bool?
    /// Arriba `confidence` (`high`, `medium`, `low`), nil for other callers.
    public var confidence: String?
    public var line: Int
}

/// The fusion calls of one file, with what was read and what was set aside.
public struct FusionCalls: Sendable, Hashable {
    public var format: FusionFormat
    /// One per partner pair and orientation (the first line kept), in file order.
    public var calls: [FusionCall]
    /// Data rows (or BND records) read.
    public var records: Int
    /// Rows set aside, by reason (an intergenic partner, several candidate genes at a breakpoint, a breakend
    /// outside every gene span, both ends in one gene, a non-PASS breakend, a single breakend).
    public var setAside: [String: Int]
    public var method: String
}

/// Reads fusion-caller output. No CLI logic: the caller gives the format (nil: from the header) and, for
/// VCF breakends, the gene spans of the case's build.
public enum FusionFile {
    /// The format of a fusion file, from its header.
    /// - Throws: `CaseInputError.unknownFormat` naming the header line and its first field.
    public static func detect(path: String) throws(CaseInputError) -> FusionFormat {
        if VariantFileReader.isVariantFile(path: path) { return .vcf }
        return try detect(NumberedLines(path: path))
    }

    static func detect(_ lines: NumberedLines) throws(CaseInputError) -> FusionFormat {
        guard let first = lines.lines.first(where: { !$0.text.allSatisfy(\.isWhitespace) }) else {
            throw lines.fail(.empty, line: nil, field: nil, "empty file")
        }
        if first.text.hasPrefix("##fileformat=VCF") { return .vcf }
        let field = first.text.split(separator: "\t", omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch field {
        case "#gene1": return .arriba
        case "#FusionName": return .starFusion
        default:
            throw lines.fail(.unknownFormat, line: first.number, field: field,
                             "unknown columns: not an Arriba (#gene1 …), STAR-Fusion (#FusionName …) or VCF fusion file")
        }
    }

    /// Reads a fusion file.
    /// - Parameter genes: the gene spans of the case's build, called only for VCF breakends.
    /// - Throws: `CaseInputError` naming file, line and field.
    public static func read(path: String, format: FusionFormat?, genes: () throws(CaseInputError) -> GeneSpans) throws(CaseInputError) -> FusionCalls {
        let resolved: FusionFormat
        if let format { resolved = format } else { resolved = try detect(path: path) }
        let format = resolved
        switch format {
        case .arriba: return try arriba(NumberedLines(path: path))
        case .starFusion: return try starFusion(NumberedLines(path: path))
        case .vcf: return try breakends(path: path, spans: genes())
        }
    }

    /// Keeps the first call of each partner pair.
    static func unique(_ calls: [FusionCall]) -> [FusionCall] {
        var seen = Set<GeneFusion>()
        return calls.filter { seen.insert($0.fusion).inserted }
    }

    static func arriba(_ lines: NumberedLines) throws(CaseInputError) -> FusionCalls {
        let t = try TabTable(lines, isHeader: { $0.hasPrefix("#gene1") })
        let g1 = try t.require("#gene1"), g2 = try t.require("gene2")
        let s1 = try t.require("strand1(gene/fusion)"), s2 = try t.require("strand2(gene/fusion)")
        _ = try t.require("breakpoint1"); _ = try t.require("breakpoint2")
        let frame = t.column("reading_frame"), confidence = t.column("confidence")
        var calls: [FusionCall] = [], aside: [String: Int] = [:]
        for row in t.rows {
            let a = row.cells[g1], b = row.cells[g2]
            if a.contains("(") || b.contains("(") { aside["intergenic partner", default: 0] += 1; continue }
            if a.contains(",") || b.contains(",") { aside["several candidate genes at a breakpoint", default: 0] += 1; continue }
            guard !a.isEmpty, !b.isEmpty, a != "." && b != "." else {
                throw t.fail(.badValue, line: row.line, field: a.isEmpty || a == "." ? "#gene1" : "gene2", "no gene name")
            }
            let strand1 = try fusionStrand(t, row, s1), strand2 = try fusionStrand(t, row, s2)
            let known = strand1 && strand2
            var inFrame: Bool?
            if let frame {
                switch row.cells[frame] {
                case "in-frame": inFrame = true
                case "out-of-frame", "stop-codon": inFrame = false
                case ".", "": inFrame = nil
                default: throw t.fail(.badValue, line: row.line, field: "reading_frame", "expected in-frame, out-of-frame, stop-codon or .")
                }
            }
            calls.append(FusionCall(fusion: GeneFusion(fivePrime: a, threePrime: b), orientationKnown: known, inFrame: inFrame,
                                    confidence: confidence.map { row.cells[$0] }, line: row.line))
        }
        return FusionCalls(format: .arriba, calls: unique(calls), records: t.rows.count, setAside: aside,
                           method: "Arriba: gene1::gene2, 5'::3' where Arriba predicted the fusion transcript's strand; reading_frame as the in-frame flag")
    }

    /// Arriba's `strandN(gene/fusion)`: `+/-`, `-/.`; the part after `/` is the fusion transcript's strand (`.`: not predicted).
    static func fusionStrand(_ t: TabTable, _ row: (line: Int, cells: [String]), _ column: Int) throws(CaseInputError) -> Bool {
        let parts = row.cells[column].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0 == "+" || $0 == "-" || $0 == "." }) else {
            throw t.fail(.badValue, line: row.line, field: t.header[column], "expected STRAND/STRAND with +, - or .")
        }
        return parts[1] != "."
    }

    static func starFusion(_ lines: NumberedLines) throws(CaseInputError) -> FusionCalls {
        let t = try TabTable(lines, isHeader: { $0.hasPrefix("#FusionName") })
        _ = try t.require("#FusionName")
        let left = try t.require("LeftGene"), right = try t.require("RightGene")
        let effect = t.column("PROT_FUSION_TYPE")
        var calls: [FusionCall] = []
        for row in t.rows {
            // `EML4^ENSG00000143924.19`: the symbol before `^`.
            let a = String(row.cells[left].prefix { $0 != "^" }), b = String(row.cells[right].prefix { $0 != "^" })
            guard !a.isEmpty, !b.isEmpty else {
                throw t.fail(.badValue, line: row.line, field: a.isEmpty ? "LeftGene" : "RightGene", "no gene name")
            }
            var inFrame: Bool?
            if let effect {
                switch row.cells[effect] {
                case "INFRAME": inFrame = true
                case "FRAMESHIFT": inFrame = false
                case ".", "": inFrame = nil
                default: throw t.fail(.badValue, line: row.line, field: "PROT_FUSION_TYPE", "expected INFRAME, FRAMESHIFT or .")
                }
            }
            calls.append(FusionCall(fusion: GeneFusion(fivePrime: a, threePrime: b), orientationKnown: true, inFrame: inFrame, confidence: nil, line: row.line))
        }
        return FusionCalls(format: .starFusion, calls: unique(calls), records: t.rows.count, setAside: [:],
                           method: "STAR-Fusion: LeftGene::RightGene (5'::3'); PROT_FUSION_TYPE as the in-frame flag")
    }

    /// A breakend's mate and which sides of the two positions are joined (VCF 4.3 §5.4):
    /// `t[p[` and `t]p]` keep the sequence left of POS; `]p]t` and `[p[t` the sequence right of it;
    /// `[p[` joins the sequence right of p, `]p]` the sequence left of it.
    struct Join: Equatable {
        var mateChromosome: String
        var matePosition: Int
        var keepsLeft: Bool
        var mateKeepsLeft: Bool
    }

    static func join(_ alt: String) -> Join? {
        guard let open = alt.firstIndex(where: { $0 == "[" || $0 == "]" }) else { return nil }
        let bracket = alt[open]
        let rest = alt[alt.index(after: open)...]
        guard let close = rest.firstIndex(of: bracket) else { return nil }
        let mate = rest[..<close]
        guard let colon = mate.lastIndex(of: ":"), let pos = Int(mate[mate.index(after: colon)...]), pos > 0 else { return nil }
        let chrom = String(mate[..<colon])
        let recordFirst = open != alt.startIndex
        return Join(mateChromosome: chrom, matePosition: pos, keepsLeft: recordFirst, mateKeepsLeft: bracket == "]")
    }

    static func breakends(path: String, spans: GeneSpans) throws(CaseInputError) -> FusionCalls {
        let vcf = try StructuralVCF(path: path, infoKeys: ["SVTYPE", "MATEID", "MATE_ID"], sample: nil, readsFormat: false)
        var calls: [FusionCall] = [], aside: [String: Int] = [:], records = 0
        var seenIDs = Set<String>()
        for r in vcf.records {
            let isBND = r.info["SVTYPE"] == "BND" || (r.info["SVTYPE"] == nil && r.alt.contains(where: { $0 == "[" || $0 == "]" }))
            guard isBND else { continue }
            records += 1
            if r.id != "." { seenIDs.insert(r.id) }
            if let mate = r.info["MATEID"] ?? r.info["MATE_ID"], seenIDs.contains(mate) { continue }
            guard r.isPass else { aside["FILTER not PASS", default: 0] += 1; continue }
            guard let j = join(r.alt) else {
                if r.alt.hasPrefix(".") || r.alt.hasSuffix(".") { aside["single breakend", default: 0] += 1; continue }
                throw vcf.fail(r, field: "ALT", "not a breakend (t[p[, t]p], ]p]t or [p[t)")
            }
            let here = spans.containing(r.chromosome, r.position), there = spans.containing(j.mateChromosome, j.matePosition)
            if here.isEmpty || there.isEmpty { aside["breakend outside the gene spans", default: 0] += 1; continue }
            if here.count > 1 || there.count > 1 { aside["several candidate genes at a breakpoint", default: 0] += 1; continue }
            let a = here[0], b = there[0]
            if a.gene == b.gene { aside["both ends in one gene", default: 0] += 1; continue }
            // Transcription runs into the junction (the gene is 5') when the kept side is left of the
            // breakpoint on a + strand gene, or right of it on a − strand gene.
            let aFive = j.keepsLeft == a.plusStrand, bFive = j.mateKeepsLeft == b.plusStrand
            let fusion: GeneFusion, known: Bool
            switch (aFive, bFive) {
            case (true, false): fusion = GeneFusion(fivePrime: a.gene, threePrime: b.gene); known = true
            case (false, true): fusion = GeneFusion(fivePrime: b.gene, threePrime: a.gene); known = true
            default: fusion = GeneFusion(fivePrime: a.gene, threePrime: b.gene); known = false
            }
            calls.append(FusionCall(fusion: fusion, orientationKnown: known, inFrame: nil, confidence: nil, line: r.line))
        }
        return FusionCalls(format: .vcf, calls: unique(calls), records: records, setAside: aside,
                           method: "VCF breakends (PASS, one per MATEID pair) placed on \(spans.build) gene spans; 5'::3' from the joined sides and the genes' strands")
    }
}
