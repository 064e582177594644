import OncoCore

/// HGVS protein and coding spellings derived from a `bcftools csq` consequence (its amino-acid field
/// `132R>132H`, and the transcript model for `c.`).
enum HGVSFromCsq {
    private static let three: [UInt8: String] = {
        var d: [UInt8: String] = [:]
        for (k, v) in AminoAcid.oneToThree { d[k.asciiValue!] = v }
        d[UInt8(ascii: "*")] = "Ter"
        d[UInt8(ascii: "X")] = "Xaa"
        return d
    }()

    private static func name(_ b: UInt8) -> String { three[b] ?? "Xaa" }

    /// Splits `132R>132H` into (132, "R", 132, "H"); synonymous `132R` gives no alternative.
    static func parse(_ field: String) -> (refPos: Int, ref: [UInt8], altPos: Int, alt: [UInt8]?)? {
        let bytes = Array(field.utf8)
        let sides = bytes.split(separator: UInt8(ascii: ">"), maxSplits: 1, omittingEmptySubsequences: false)
        func side(_ s: ArraySlice<UInt8>) -> (Int, [UInt8])? {
            var n = 0, i = s.startIndex
            while i < s.endIndex, s[i] >= 48, s[i] <= 57, n < Int.max / 100 { n = n * 10 + Int(s[i] - 48); i += 1 }
            guard i > s.startIndex else { return nil }
            return (n, Array(s[i...]))
        }
        guard let r = side(sides[0]) else { return nil }
        if sides.count == 1 { return (r.0, r.1, r.0, nil) }
        guard let a = side(sides[1]) else { return nil }
        return (r.0, r.1, a.0, a.1)
    }

    /// The 3-letter HGVSp (`p.Arg132His`, `p.Arg132=`, `p.Gln236Ter`, `p.Lys100AsnfsTer5`, `p.Glu746_Ala750del`).
    /// `residue(k)` gives the reference amino acid at protein position `k` when the field lacks it (the
    /// residue after an insertion at a codon boundary).
    static func protein(_ entry: CsqEntry, residue: (Int) -> UInt8? = { _ in nil }) -> String? {
        guard let field = entry.aminoAcidChange, let p = parse(field) else { return nil }
        let bits = entry.printedBits
        var ref = p.ref, pos = p.refPos
        guard let alt0 = p.alt else {
            guard let first = ref.first else { return nil }
            return "p.\(name(first))\(pos)="
        }
        var alt = alt0
        if bits & CsqBit.frameshift != 0 {
            var i = 0
            while i < ref.count && i < alt.count && ref[i] == alt[i] { i += 1 }
            guard i < ref.count else { return "p.\(name(ref.last ?? 0))\(pos + ref.count - 1)fs" }
            let at = pos + i
            guard i < alt.count else { return "p.\(name(ref[i]))\(at)fs" }
            if alt[i] == UInt8(ascii: "*") { return "p.\(name(ref[i]))\(at)Ter" }
            if alt.last == UInt8(ascii: "*") { return "p.\(name(ref[i]))\(at)\(name(alt[i]))fsTer\(alt.count - i)" }
            return "p.\(name(ref[i]))\(at)\(name(alt[i]))fs"
        }
        if bits & CsqBit.stopLost != 0, let r = ref.last, r == UInt8(ascii: "*") {
            let at = pos + ref.count - 1
            let i = ref.count - 1
            let a = i < alt.count ? name(alt[i]) : "Xaa"
            return "p.Ter\(at)\(a)ext*?"
        }
        if bits & CsqBit.startLost != 0 { return "p.Met1?" }
        // Trim the shared prefix and suffix; what is left is deleted, inserted or replaced.
        let full = ref
        var i = 0
        while i < ref.count && i < alt.count && ref[i] == alt[i] { i += 1 }
        ref.removeFirst(i); alt.removeFirst(i); pos += i
        var j = 0
        while j < ref.count && j < alt.count && ref[ref.count - 1 - j] == alt[alt.count - 1 - j] { j += 1 }
        ref.removeLast(j); alt.removeLast(j)
        if ref.isEmpty && alt.isEmpty { return full.first.map { "p.\(name($0))\(p.refPos)=" } }
        if ref.isEmpty {
            guard i >= 1, let next = i < full.count ? Optional(full[i]) : residue(pos) else { return nil }
            return "p.\(name(full[i - 1]))\(pos - 1)_\(name(next))\(pos)ins\(alt.map(name).joined())"
        }
        let span = ref.count == 1 ? "\(name(ref[0]))\(pos)" : "\(name(ref[0]))\(pos)_\(name(ref[ref.count - 1]))\(pos + ref.count - 1)"
        if alt.isEmpty { return "p.\(span)del" }
        if ref.count == 1 && alt.count == 1 { return "p.\(span)\(name(alt[0]))" }
        return "p.\(span)delins\(alt.map(name).joined())"
    }

    /// `c.` for substitutions and simple indels inside the CDS (no 3' shifting), `nil` otherwise.
    static func coding(_ tr: TranscriptModel, pos1: Int, ref: [UInt8], alt: [UInt8]) -> String? {
        func c(_ g: Int) -> Int? {
            for p in tr.cds where g >= p.beg && g < p.beg + p.len {
                let off = p.pos + g - p.beg
                return tr.isForward ? off + 1 : tr.codingLength - off
            }
            return nil
        }
        func comp(_ s: [UInt8]) -> String {
            @inline(__always) func m(_ b: UInt8) -> UInt8 {
                switch b {
                case 65: return 84
                case 84: return 65
                case 67: return 71
                case 71: return 67
                default: return b
                }
            }
            return String(decoding: tr.isForward ? s : s.reversed().map(m), as: UTF8.self)
        }
        let g = pos1 - 1
        if ref.count == alt.count {
            guard ref.count == 1, let x = c(g) else { return nil }
            return "c.\(x)\(comp(ref))>\(comp(alt))"
        }
        guard ref.first == alt.first else { return nil }
        if ref.count > alt.count, alt.count == 1 {
            guard let a = c(g + 1), let b = c(g + ref.count - 1) else { return nil }
            let (lo, hi) = (min(a, b), max(a, b))
            return lo == hi ? "c.\(lo)del" : "c.\(lo)_\(hi)del"
        }
        if alt.count > ref.count, ref.count == 1 {
            guard let a = c(g), let b = c(g + 1) else { return nil }
            return "c.\(min(a, b))_\(max(a, b))ins\(comp(Array(alt.dropFirst())))"
        }
        return nil
    }
}
