import OncoCore

/// A named protein region (domain) that CIViC variant names refer to (`DNA BINDING DOMAIN MUTATION`),
/// from `KnowledgeBase/genes/domains.tsv` (UniProt canonical isoform residues).
public struct ProteinDomain: Hashable, Sendable {
    public var gene: String
    /// The CIViC variant name, upper-cased (`KINASE DOMAIN MUTATION`).
    public var civicName: String
    public var start: Int
    public var end: Int
    public var source: String
}

/// Derives biomarker rules from CIViC variant names and coordinates.
///
/// Mirrors what PCGR's CIViC pre-processing and MetaKB's CIViC harvester do by hand-written patterns,
/// but keeps every name it cannot read in an explicit unparsed bucket with a reason.
public struct BiomarkerRuleParser: Sendable {
    public let domains: [String: ProteinDomain]
    /// CIViC exon number → canonical transcript exon number, where CIViC uses legacy numbering.
    public let exonAliases: [String: [Int: Int]]

    public init(domains: [ProteinDomain], exonAliases: [String: [Int: Int]] = [:]) {
        var d: [String: ProteinDomain] = [:]
        for x in domains { d[x.gene.uppercased() + "|" + x.civicName.uppercased()] = x }
        self.domains = d
        self.exonAliases = exonAliases
    }

    /// Old or informal gene names used as fusion partners in CIViC names → HGNC symbols.
    public static let geneAliases: [String: String] = [
        "ABL": "ABL1", "NPM": "NPM1", "MLL": "KMT2A", "RCSD": "RCSD1", "H3F3A": "H3-3A", "H3F3B": "H3-3B",
    ]
    public static func canonicalGene(_ g: String) -> String {
        let u = g.uppercased()
        return geneAliases[u] ?? u
    }

    /// The rule for one CIViC variant.
    public func rule(for v: CIViCVariant) -> BiomarkerRule {
        let gene = Self.canonicalGene(v.gene)
        let name = v.name.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        var reason: String?
        var condition: RuleCondition?
        do { condition = try parseName(name, gene: gene) } catch let e as Unparsed { reason = e.reason } catch {}
        var genomic: GenomicAllele?
        if let g = genomicAllele(v), condition == nil || condition!.isSingleSmallVariantLeaf {
            genomic = g
            if condition == nil, reason?.hasPrefix("rsID") == true { reason = nil }
        }
        if condition == nil && genomic == nil && reason == nil { reason = "no pattern matches this name" }
        if condition == nil && genomic != nil { reason = nil }
        return BiomarkerRule(variantID: v.id, gene: gene, name: v.name, condition: condition, genomic: genomic,
                             unparsedReason: condition == nil && genomic == nil ? reason : nil)
    }

    /// The exact GRCh37 allele when CIViC gives full coordinates for a small variant.
    func genomicAllele(_ v: CIViCVariant) -> GenomicAllele? {
        guard let start = v.start, !v.chromosome.isEmpty, v.chromosome2.isEmpty,
              !(v.referenceBases.isEmpty && v.variantBases.isEmpty),
              v.referenceBases.allSatisfy({ "ACGTN".contains($0) }), v.variantBases.allSatisfy({ "ACGTN".contains($0) })
        else { return nil }
        let build = v.referenceBuild.isEmpty ? GenomeBuild.grch37 : GenomeBuild(parsing: v.referenceBuild)
        guard build == .grch37 || build == .grch38 else { return nil }
        // CIViC writes an insertion between `start` and `stop` with an empty reference.
        let pos = v.referenceBases.isEmpty ? start + 1 : start
        return GenomicAllele.minimal(build: build, chrom: v.chromosome, position: pos, ref: v.referenceBases, alt: v.variantBases)
    }

    struct Unparsed: Error { let reason: String }

    /// Parses a whole name: `A and B` combinations first, then each part.
    func parseName(_ name: String, gene: String) throws -> RuleCondition {
        var parts = splitOnAnd(name)
        // `EXON 10 and EXON 21 MUTATIONS`: the event named last applies to every exon.
        if parts.count > 1, let lastWords = parts.last?.uppercased().split(separator: " "), lastWords.first == "EXON",
           lastWords.count >= 3 {
            let event = lastWords.dropFirst(2).joined(separator: " ")
            parts = parts.map { p in
                let w = p.uppercased().split(separator: " ")
                return w.count == 2 && w[0] == "EXON" ? p + " " + event : p
            }
        }
        if parts.count > 1 {
            return .allOf(try parts.flatMap { p -> [RuleCondition] in
                let c = try parsePart(p, gene: gene)
                if case .allOf(let inner) = c { return inner }
                return [c]
            })
        }
        return try parsePart(name, gene: gene)
    }

    func splitOnAnd(_ s: String) -> [String] {
        var out: [String] = []
        var cur: [Substring] = []
        for tok in s.split(separator: " ") {
            if tok.lowercased() == "and" { out.append(cur.joined(separator: " ")); cur = [] } else { cur.append(tok) }
        }
        out.append(cur.joined(separator: " "))
        return out.filter { !$0.isEmpty }
    }

    static let markerWords = ["EXPRESSION", "METHYLATION", "PHOSPHORYLATION", "SERUM LEVELS", "MISLOCALIZATION",
                              "NUCLEAR TRANSLOCATION"]

    func parsePart(_ raw: String, gene: String) throws -> RuleCondition {
        var text = raw.trimmingCharacters(in: .whitespaces)
        var upper = text.uppercased()
        // A leading gene symbol repeats the variant's gene (`NTRK1 FUSIONS`, `JAK2 F694L`).
        if let first = upper.split(separator: " ").first, Self.canonicalGene(String(first)) == gene,
           upper.split(separator: " ").count > 1 {
            text = String(text.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
            upper = text.uppercased()
        }
        if upper == "VIII" {
            throw Unparsed(reason: "EGFRvIII (exon 2-7 deletion) needs structural-variant or RNA input")
        }
        if upper.hasPrefix("NON-") || upper.hasPrefix("NOT ") {
            throw Unparsed(reason: "negation (\(text)) is not evaluated")
        }
        for w in Self.markerWords where upper.contains(w) {
            return .molecularMarker(gene: gene, marker: text.lowercased())
        }
        switch upper {
        case "MUTATION", "MUTATIONS", "ACTIVATING MUTATION", "ALTERATION", "ALTERATIONS", "MUT":
            return .gene(gene: gene, event: .mutation)
        case "FUSION", "FUSIONS", "REARRANGEMENT", "TRANSLOCATION":
            return .anyFusion(gene: gene)
        case "AMPLIFICATION":
            return .gene(gene: gene, event: .amplification)
        case "DELETION", "NULL (COMPLETE DELETION)":
            return .gene(gene: gene, event: .copyNumberLoss)
        case "COPY NUMBER VARIATION":
            return .gene(gene: gene, event: .copyNumberChange)
        case "LOSS", "LOSS-OF-FUNCTION", "INACTIVATING MUTATION", "DELETERIOUS MUTATION":
            return .gene(gene: gene, event: .lossOfFunction)
        case "TRUNCATING MUTATION", "FRAMESHIFT TRUNCATION":
            return .gene(gene: gene, event: .truncating)
        case "FRAMESHIFT MUTATION", "FRAMESHIFT":
            return .gene(gene: gene, event: .frameshift)
        case "ITD", "INTERNAL DUPLICATION", "INTERNAL TANDEM DUPLICATION":
            return .gene(gene: gene, event: .internalTandemDuplication)
        case "WILD TYPE", "WILDTYPE", "WILD-TYPE":
            return .wildType(gene: gene)
        case "TMB-H", "TMB-HIGH", "TMB HIGH", "HIGH TMB", "TUMOR MUTATIONAL BURDEN HIGH", "HIGH TUMOR MUTATIONAL BURDEN":
            return .characteristic(.tmbHigh)
        case "MSI-H", "MSI-HIGH", "MSI HIGH", "MICROSATELLITE INSTABILITY", "MICROSATELLITE INSTABILITY-HIGH",
             "HIGH MICROSATELLITE INSTABILITY":
            return .characteristic(.msiHigh)
        default: break
        }
        if let d = domains[gene + "|" + upper] {
            return .aminoAcidRange(gene: gene, start: d.start, end: d.end, name: d.civicName.lowercased())
        }
        if let exon = try parseExon(upper, gene: gene) { return exon }
        // `Splicing alteration (c.464-1G>A)`, `3'UTR alteration (c.639+10C>G)`, `c.902-1G>T`.
        if upper.hasPrefix("C.") { return try cdna(text, gene: gene) }
        if let open = text.firstIndex(of: "(") {
            let before = text[..<open].trimmingCharacters(in: .whitespaces)
            let inside = text[text.index(after: open)...].trimmingCharacters(in: CharacterSet(charactersIn: ") "))
            if before.lowercased().hasSuffix("alteration") && inside.lowercased().hasPrefix("c.") {
                return try cdna(inside, gene: gene)
            }
            if !before.isEmpty { return try parsePart(before, gene: gene) }
        }
        if upper.hasPrefix("RS"), upper.dropFirst(2).allSatisfy(\.isNumber), upper.count > 2 {
            throw Unparsed(reason: "rsID without usable coordinates")
        }
        let tokens = text.split(separator: " ").map(String.init)
        // Fusion first token: `EML4-ALK`, `BCR-ABL`, `KIAA1549-BRAF`.
        if let first = tokens.first, let fusion = fusionToken(first, gene: gene) {
            let rest = Array(tokens.dropFirst())
            if rest.isEmpty { return fusion }
            // Breakpoint qualifiers: `E6;A20`, `e2;e11`, `Type 1`.
            let restText = rest.joined(separator: " ")
            if restText.contains(";") || restText.uppercased().hasPrefix("TYPE") {
                if case .fusion(let a, let b, _) = fusion { return .fusion(fivePrime: a, threePrime: b, breakpoint: restText) }
            }
            return .allOf([fusion] + (try rest.map { try parseProteinToken($0, gene: gene) }))
        }
        // `ALK FUSION G1202R`, `ALK FUSION I1171`.
        if tokens.count >= 2, ["FUSION", "FUSIONS"].contains(tokens[0].uppercased()) {
            return .allOf([.anyFusion(gene: gene)] + (try tokens.dropFirst().map { try parseProteinToken($0, gene: gene) }))
        }
        // `Ex19 del L858R`.
        if tokens.count == 3, tokens[0].uppercased().hasPrefix("EX"), let n = Int(tokens[0].dropFirst(2)),
           tokens[1].lowercased() == "del" {
            return .allOf([.exon(gene: gene, first: n, last: n, event: .deletion), try parseProteinToken(tokens[2], gene: gene)])
        }
        // Several protein changes (`L248R F359I`), or one followed by a cDNA (`R474C c.1420C>T`).
        let proteinTokens = tokens.filter { !$0.lowercased().hasPrefix("c.") }
        if proteinTokens.isEmpty { throw Unparsed(reason: "no protein change") }
        let parsed = try proteinTokens.map { try parseProteinToken($0, gene: gene) }
        return parsed.count == 1 ? parsed[0] : .allOf(parsed)
    }

    func cdna(_ text: String, gene: String) throws -> RuleCondition {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.contains("?"), !t.contains(" "), t.count > 3 else { throw Unparsed(reason: "uncertain cDNA range \(t)") }
        return .cdna(gene: gene, hgvsc: t)
    }

    /// `EML4-ALK` → fusion; nil when the token is not two gene-like names (`C1156Y-L1198F`, `P-Loop`).
    func fusionToken(_ tok: String, gene: String) -> RuleCondition? {
        let sides = tok.split(separator: "-").map(String.init)
        guard sides.count == 2 else { return nil }
        func geneLike(_ s: String) -> Bool {
            s.count >= 2 && s.first!.isLetter && s.allSatisfy { $0.isLetter || $0.isNumber }
                && ProteinChange.parse(s) == nil && !isCodon(s)
        }
        guard geneLike(sides[0]), geneLike(sides[1]) else { return nil }
        let a = Self.canonicalGene(sides[0]), b = Self.canonicalGene(sides[1])
        guard a == gene || b == gene || gene.hasPrefix(a) || gene.hasPrefix(b) else { return nil }
        return .fusion(fivePrime: a, threePrime: b, breakpoint: nil)
    }

    func isCodon(_ s: String) -> Bool {
        let u = Array(s)
        guard u.count >= 2 else { return false }
        let body = u.first!.isLetter && u.first!.isUppercase ? u.dropFirst() : u[...]
        return !body.isEmpty && body.allSatisfy { $0.isNumber && $0.isASCII }
    }

    /// `V600E`, `V600`, `Q157P/R`, `G12/G13`, `C1156Y-L1198F`, `T1151INST`.
    func parseProteinToken(_ tok: String, gene: String) throws -> RuleCondition {
        if tok.contains("/") {
            let alts = tok.split(separator: "/").map(String.init)
            var out: [RuleCondition] = []
            var last: RuleCondition?
            for (i, a) in alts.enumerated() {
                if i > 0, a.count == 1, let c = a.first, c.isLetter, case .protein(_, let prev)? = last {
                    var p = prev
                    p.kind = .substitution(Character(a.uppercased()))
                    out.append(.protein(gene: gene, change: p))
                    continue
                }
                let c = try parseProteinToken(a, gene: gene)
                out.append(c)
                last = c
            }
            return .anyOf(out)
        }
        if tok.contains("-"), !tok.hasPrefix("-") {
            let halves = tok.split(separator: "-").map(String.init)
            if halves.count == 2, let a = ProteinChange.parse(halves[0]), let b = ProteinChange.parse(halves[1]) {
                return .allOf([.protein(gene: gene, change: a), .protein(gene: gene, change: b)])
            }
        }
        if isCodon(tok) {
            let first = tok.first!
            let ref: Character? = first.isLetter ? first : nil
            return .codon(gene: gene, position: Int(ref == nil ? tok : String(tok.dropFirst()))!, ref: ref)
        }
        guard var change = ProteinChange.parse(tok) else { throw Unparsed(reason: "'\(tok)' is not a protein change") }
        if case .substitution(let a) = change.kind, let r = change.startAA, r == a { change.kind = .substitution("=") }
        return .protein(gene: gene, change: change)
    }

    /// `EXON 19 DELETION`, `EXON 20 INSERTION`, `EXON 14 SKIPPING MUTATION`, `EXON 1-2 MUTATION`,
    /// `exon 3 mutations`; nil when the text is not about an exon.
    func parseExon(_ upper: String, gene: String) throws -> RuleCondition? {
        let toks = upper.split(separator: " ").map(String.init)
        guard toks.count >= 3, toks[0] == "EXON" || (toks[0] == "RARE" && toks.count >= 4 && toks[1] == "EXON") else {
            return nil
        }
        if toks[0] == "RARE" { throw Unparsed(reason: "'RARE' exon qualifier (excludes common mutations) is not evaluated") }
        let range = toks[1].split(separator: "-").compactMap { Int($0) }
        guard range.count == 1 || range.count == 2 else { throw Unparsed(reason: "exon number '\(toks[1])'") }
        let event: ExonEvent
        switch toks[2...].joined(separator: " ") {
        case "MUTATION", "MUTATIONS": event = .mutation
        case "DELETION", "DELETIONS": event = .deletion
        case "INSERTION", "INSERTIONS": event = .insertion
        case "SKIPPING", "SKIPPING MUTATION": event = .skipping
        case "FRAMESHIFT", "FRAMESHIFT MUTATION": event = .frameshift
        default: throw Unparsed(reason: "exon event '\(toks[2...].joined(separator: " "))'")
        }
        let alias = exonAliases[gene] ?? [:]
        let first = alias[range[0]] ?? range[0]
        let last = alias[range.last!] ?? range.last!
        return .exon(gene: gene, first: first, last: last, event: event)
    }
}

extension RuleCondition {
    /// A leaf that one small variant can satisfy exactly (so CIViC's coordinates describe it).
    var isSingleSmallVariantLeaf: Bool {
        switch self {
        case .protein, .cdna, .genomic: return true
        default: return false
        }
    }
}

import Foundation
