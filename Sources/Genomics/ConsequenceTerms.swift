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

/// HGVS strings as VEP and snpEff write them, cleaned for onco. Byte-level: these run once per chosen
/// consequence, and the `Character`-based `AminoAcid` conversions cost ~30k instructions a string
/// (callgrind, 1M-record benchmark). The results equal `AminoAcid.shortHGVSp`/`longHGVSp` (tested on
/// every HGVSp of the fixtures).
enum HGVS {
    /// `ENST00000288602.6:c.1799T>A` → `c.1799T>A` (also unescapes VEP's `%3D`).
    static func coding(_ s: String) -> String {
        var bytes = Array(s.utf8)
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) { bytes.removeFirst(colon + 1) }
        return String(decoding: unescapeEquals(bytes), as: UTF8.self)
    }

    /// The protein change of an HGVSp field, or `nil` when it has none: `ENSP…:p.Val600Glu` →
    /// `p.Val600Glu`; `p.(Val600Glu)` → `p.Val600Glu`; VEP 85's `ENST…:c.360G>A` on synonymous
    /// variants (no protein change written) → `nil`; `…:c.360G>A(p.=)` → `p.=`.
    static func protein(_ s: String) -> String? {
        var t = unescapeEquals(Array(s.utf8))
        if let colon = t.lastIndex(of: UInt8(ascii: ":")) { t.removeFirst(colon + 1) }
        var start: Int?
        if t.count >= 2 {
            for i in 0..<(t.count - 1) where t[i] == UInt8(ascii: "p") && t[i + 1] == UInt8(ascii: ".") { start = i; break }
        }
        guard let start else { return nil }
        var body = Array(t[(start + 2)...])
        if body.first == UInt8(ascii: "("), body.last == UInt8(ascii: ")") { body.removeFirst(); body.removeLast() }
        if body.last == UInt8(ascii: ")"), !body.contains(UInt8(ascii: "(")) { body.removeLast() }
        guard !body.isEmpty else { return nil }
        return String(decoding: [UInt8(ascii: "p"), UInt8(ascii: ".")] + body, as: UTF8.self)
    }

    /// `AminoAcid.threeToOne` keyed by the three bytes.
    private static let threeToOne: [UInt32: UInt8] = {
        var d: [UInt32: UInt8] = [:]
        for (k, v) in AminoAcid.threeToOne { d[key(Array(k.utf8), 0)] = v.asciiValue! }
        return d
    }()
    private static let oneToThree: [UInt8: [UInt8]] = {
        var d: [UInt8: [UInt8]] = [:]
        for (k, v) in AminoAcid.oneToThree { d[k.asciiValue!] = Array(v.utf8) }
        return d
    }()
    @inline(__always) private static func key(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
    }

    /// 1-letter spelling (`p.Val600Glu` → `p.V600E`, `p.Gln236Ter` → `p.Q236*`), as `AminoAcid.shortHGVSp`
    /// on a cleaned `p.` string.
    static func oneLetter(_ p: String) -> String {
        let b = Array(p.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] >= 65, b[i] <= 90, i + 3 <= b.count, let one = threeToOne[key(b, i)] {
                out.append(one)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 3-letter spelling with `Ter` for stop (`p.Gln236*` → `p.Gln236Ter`); 1-letter input is expanded
    /// (`p.V600E` → `p.Val600Glu`), as `AminoAcid.longHGVSp` does.
    static func threeLetter(_ p: String) -> String {
        let b = Array(p.utf8)
        let hasP = b.count >= 2 && b[0] == UInt8(ascii: "p") && b[1] == UInt8(ascii: ".")
        let body = hasP ? Array(b[2...]) : b
        let ter = Array("Ter".utf8)
        var out: [UInt8] = hasP ? [UInt8(ascii: "p"), UInt8(ascii: ".")] : []
        out.reserveCapacity(b.count + 8)
        if body.count >= 3, threeToOne[key(body, 0)] != nil {
            for c in body { if c == UInt8(ascii: "*") { out += ter } else { out.append(c) } }
        } else {
            for c in body {
                if c == UInt8(ascii: "*") { out += ter } else if c >= 65, c <= 90, let three = oneToThree[c] { out += three } else { out.append(c) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unescapeEquals(_ b: [UInt8]) -> [UInt8] {
        guard b.count >= 3, b.contains(UInt8(ascii: "%")) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "3"), b[i + 2] | 0x20 == UInt8(ascii: "d") {
                out.append(UInt8(ascii: "="))
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }
}
