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

    /// Known terms by bytes, grouped by length (index = byte count) so a lookup compares a handful of
    /// candidates without building a `String` or hashing: each with its VEP term and rank.
    private static let byLength: [[(bytes: [UInt8], term: String, rank: Int)]] = {
        var d: [[(bytes: [UInt8], term: String, rank: Int)]] = []
        func add(_ spelling: String, _ term: String) {
            let bytes = Array(spelling.utf8)
            while d.count <= bytes.count { d.append([]) }
            d[bytes.count].append((bytes, term, Consequence.rank(term)))
        }
        for t in Consequence.severityOrder { add(t, t) }
        for (alias, term) in snpEffToVEP.sorted(by: { $0.key < $1.key }) where alias != term { add(alias, term) }
        return d
    }()

    /// The VEP term (`vepTerm`) and severity rank (`Consequence.rank` of that term; unknown terms rank
    /// after all known ones) of one term given as bytes.
    static func lookup(_ term: UnsafeRawBufferPointer) -> (term: String, rank: Int) {
        if term.count < byLength.count, let base = term.baseAddress {
            for known in byLength[term.count]
            where known.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, base, term.count) == 0 }) {
                return (known.term, known.rank)
            }
        }
        let s = String(decoding: term, as: UTF8.self)
        let vep = vepTerm(s)
        return (vep, Consequence.rank(vep))
    }

    /// The rank of one term (unknown terms rank after all known ones); an snpEff spelling ranks as
    /// its VEP term.
    static func rank(_ term: UnsafeRawBufferPointer) -> Int {
        if term.count < byLength.count, let base = term.baseAddress {
            for known in byLength[term.count]
            where known.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, base, term.count) == 0 }) {
                return known.rank
            }
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
        var s = s
        return s.withUTF8 { coding(UnsafeRawBufferPointer($0)) }
    }

    /// `coding` of the field's bytes.
    static func coding(_ s: UnsafeRawBufferPointer) -> String {
        var start = 0
        if let colon = s.lastIndex(of: UInt8(ascii: ":")) { start = colon + 1 }
        let rest = UnsafeRawBufferPointer(rebasing: s[start...])
        guard rest.count >= 3, rest.contains(UInt8(ascii: "%")) else { return String(decoding: rest, as: UTF8.self) }
        return String(decoding: unescapeEquals(Array(rest)), as: UTF8.self)
    }

    /// The protein change of an HGVSp field, or `nil` when it has none: `ENSP…:p.Val600Glu` →
    /// `p.Val600Glu`; `p.(Val600Glu)` → `p.Val600Glu`; VEP 85's `ENST…:c.360G>A` on synonymous
    /// variants (no protein change written) → `nil`; `…:c.360G>A(p.=)` → `p.=`.
    static func protein(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { u in protein(UnsafeRawBufferPointer(u)).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// `protein` of the field's bytes, as bytes.
    static func protein(_ s: UnsafeRawBufferPointer) -> [UInt8]? {
        var t = s.count >= 3 && s.contains(UInt8(ascii: "%")) ? unescapeEquals(Array(s)) : Array(s)
        if let colon = t.lastIndex(of: UInt8(ascii: ":")) { t.removeFirst(colon + 1) }
        var start: Int?
        if t.count >= 2 {
            for i in 0..<(t.count - 1) where t[i] == UInt8(ascii: "p") && t[i + 1] == UInt8(ascii: ".") { start = i; break }
        }
        guard let start else { return nil }
        var lo = start + 2, hi = t.count           // the body, t[lo..<hi]
        if lo < hi, t[lo] == UInt8(ascii: "("), t[hi - 1] == UInt8(ascii: ")") { lo += 1; hi -= 1 }
        if lo < hi, t[hi - 1] == UInt8(ascii: ")"), !t[lo..<hi].contains(UInt8(ascii: "(")) { hi -= 1 }
        guard lo < hi else { return nil }
        t[start + 2..<start + 2 + (hi - lo)] = t[lo..<hi]
        t.removeSubrange((start + 2 + (hi - lo))...)
        t.removeFirst(start)
        return t
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
    static func oneLetter(_ p: String) -> String { oneLetter(Array(p.utf8)) }

    /// `oneLetter` of bytes.
    static func oneLetter(_ b: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: b.count) { out in
            var i = 0, n = 0
            while i < b.count {
                if b[i] >= 65, b[i] <= 90, i + 3 <= b.count, let one = threeToOne[key(b, i)] {
                    out[n] = one
                    i += 3
                } else {
                    out[n] = b[i]
                    i += 1
                }
                n += 1
            }
            return n
        }
    }

    /// The 3-letter spelling with `Ter` for stop (`p.Gln236*` → `p.Gln236Ter`); 1-letter input is expanded
    /// (`p.V600E` → `p.Val600Glu`), as `AminoAcid.longHGVSp` does.
    static func threeLetter(_ p: String) -> String { threeLetter(Array(p.utf8)) }

    /// `threeLetter` of bytes.
    static func threeLetter(_ b: [UInt8]) -> String {
        let hasP = b.count >= 2 && b[0] == UInt8(ascii: "p") && b[1] == UInt8(ascii: ".")
        let from = hasP ? 2 : 0
        let expand = !(b.count - from >= 3 && threeToOne[key(b, from)] != nil)
        return String(unsafeUninitializedCapacity: 2 + 3 * (b.count - from)) { out in
            var n = 0
            func put(_ c: UInt8) { out[n] = c; n += 1 }
            if hasP { put(UInt8(ascii: "p")); put(UInt8(ascii: ".")) }
            for c in b[from...] {
                if c == UInt8(ascii: "*") {
                    put(UInt8(ascii: "T")); put(UInt8(ascii: "e")); put(UInt8(ascii: "r"))
                } else if expand, c >= 65, c <= 90, let three = oneToThree[c] {
                    for t in three { put(t) }
                } else {
                    put(c)
                }
            }
            return n
        }
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
