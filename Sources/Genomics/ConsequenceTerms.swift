import Foundation

import OncoCore

/// Consequence terms as annotators write them, mapped onto the VEP/SO terms of `OncoCore.Consequence`.
enum ConsequenceTerms {
    /// snpEff spellings with a VEP equivalent (snpEff's "Sequence Ontology" mode still differs in places).
    static let snpEffToVEP: [String: String] = [
        "conservative_inframe_insertion": "inframe_insertion",
        "disruptive_inframe_insertion": "inframe_insertion",
        "conservative_inframe_deletion": "inframe_deletion",
        "disruptive_inframe_deletion": "inframe_deletion",
        "non_coding_exon_variant": "non_coding_transcript_exon_variant",
        "non_coding_transcript_exon_variant": "non_coding_transcript_exon_variant",
        "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
        "initiator_codon_variant": "start_retained_variant",
        "intergenic_region": "intergenic_variant",
        "intragenic_variant": "non_coding_transcript_variant",
        "splice_donor_region_variant": "splice_donor_region_variant",
        "nmd_transcript_variant": "NMD_transcript_variant",
    ]

    static func vepTerm(_ term: String) -> String { snpEffToVEP[term] ?? term }

    /// Severity rank by term bytes, grouped by length so a lookup compares a handful of candidates
    /// without building a `String`.
    private static let byLength: [Int: [([UInt8], Int)]] = {
        var d: [Int: [([UInt8], Int)]] = [:]
        for (i, t) in Consequence.severityOrder.enumerated() { d[t.utf8.count, default: []].append((Array(t.utf8), i)) }
        for (alias, term) in snpEffToVEP where alias != term {
            d[alias.utf8.count, default: []].append((Array(alias.utf8), Consequence.rank(term)))
        }
        return d
    }()

    /// The rank of one term (unknown terms rank after all known ones).
    static func rank(_ term: UnsafeRawBufferPointer) -> Int {
        if let candidates = byLength[term.count] {
            for (bytes, r) in candidates where bytes.elementsEqual(term) { return r }
        }
        return Consequence.severityOrder.count
    }

    /// The rank of the most severe of `&`-separated terms.
    static func mostSevereRank(_ terms: UnsafeRawBufferPointer) -> Int {
        var best = Int.max
        var start = 0
        for i in 0...terms.count where i == terms.count || terms[i] == UInt8(ascii: "&") {
            if i > start { best = min(best, rank(UnsafeRawBufferPointer(rebasing: terms[start..<i]))) }
            start = i + 1
        }
        return best
    }
}

/// HGVS strings as VEP and snpEff write them, cleaned for onco.
enum HGVS {
    /// `ENST00000288602.6:c.1799T>A` → `c.1799T>A` (also unescapes VEP's `%3D`).
    static func coding(_ s: String) -> String {
        var t = Substring(s)
        if let colon = t.lastIndex(of: ":") { t = t[t.index(after: colon)...] }
        return String(t).replacingPercentEscapedEquals()
    }

    /// The protein change of an HGVSp field, or `nil` when it has none: `ENSP…:p.Val600Glu` →
    /// `p.Val600Glu`; `p.(Val600Glu)` → `p.Val600Glu`; VEP 85's `ENST…:c.360G>A` on synonymous
    /// variants (no protein change written) → `nil`; `…:c.360G>A(p.=)` → `p.=`.
    static func protein(_ s: String) -> String? {
        var t = Substring(s.replacingPercentEscapedEquals())
        if let colon = t.lastIndex(of: ":") { t = t[t.index(after: colon)...] }
        guard let p = t.range(of: "p.") else { return nil }
        var body = t[p.upperBound...]
        if body.hasPrefix("("), body.hasSuffix(")") { body = body.dropFirst().dropLast() }
        if body.hasSuffix(")") && !body.contains("(") { body = body.dropLast() }
        guard !body.isEmpty else { return nil }
        return "p." + body
    }

    /// The 3-letter spelling with `Ter` for stop (`p.Gln236*` → `p.Gln236Ter`); 1-letter input is expanded.
    static func threeLetter(_ p: String) -> String {
        let long = AminoAcid.longHGVSp(p)
        return long.contains("*") ? long.replacingOccurrences(of: "*", with: "Ter") : long
    }
}

extension String {
    func replacingPercentEscapedEquals() -> String {
        contains("%3D") || contains("%3d") ? replacingOccurrences(of: "%3D", with: "=").replacingOccurrences(of: "%3d", with: "=") : self
    }
}
