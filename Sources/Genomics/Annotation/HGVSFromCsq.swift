import OncoCore

/// HGVS protein and coding spellings derived from a `bcftools csq` consequence (its amino-acid field
/// `132R>132H`, and the transcript model for `c.`), written as bytes (the per-entry path of `onco annotate`).
enum HGVSFromCsq {
    /// The 3-letter name of each 1-letter code (`*` Ter, anything unknown Xaa), by byte.
    private static let three: [[UInt8]] = {
        var d = [[UInt8]](repeating: Array("Xaa".utf8), count: 256)
        for (k, v) in AminoAcid.oneToThree { if let a = k.asciiValue { d[Int(a)] = Array(v.utf8) } }
        d[Int(UInt8(ascii: "*"))] = Array("Ter".utf8)
        d[Int(UInt8(ascii: "X"))] = Array("Xaa".utf8)
        return d
    }()

    /// Splits `132R>132H` into (132, "R", 132, "H"); synonymous `132R` gives no alternative.
    static func parse(_ field: String) -> (refPos: Int, ref: [UInt8], altPos: Int, alt: [UInt8]?)? {
        let bytes = Array(field.utf8)
        return bytes.withUnsafeBufferPointer { b in
            parse(b).map { (refPos: $0.refPos, ref: Array($0.ref), altPos: $0.altPos, alt: $0.alt.map { Array($0) }) }
        }
    }

    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// `parse` on the field's bytes; the sides are views into `b`.
    static func parse(_ b: Bytes) -> (refPos: Int, ref: Bytes, altPos: Int, alt: Bytes?)? {
        var gt = 0
        while gt < b.count && b[gt] != UInt8(ascii: ">") { gt += 1 }
        func side(_ from: Int, _ to: Int) -> (Int, Bytes)? {
            var n = 0, i = from
            while i < to, b[i] >= 48, b[i] <= 57, n < Int.max / 100 { n = n * 10 + Int(b[i] - 48); i += 1 }
            guard i > from else { return nil }
            return (n, Bytes(rebasing: b[i..<to]))
        }
        guard let r = side(0, gt) else { return nil }
        if gt == b.count { return (r.0, r.1, r.0, nil) }
        guard let a = side(gt + 1, b.count) else { return nil }
        return (r.0, r.1, a.0, a.1)
    }

    /// The 3-letter HGVSp (`p.Arg132His`, `p.Arg132=`, `p.Gln236Ter`, `p.Lys100AsnfsTer5`, `p.Glu746_Ala750del`).
    /// `residue(k)` gives the reference amino acid at protein position `k` when the field lacks it (the
    /// residue after an insertion at a codon boundary).
    static func protein(_ entry: CsqEntry, residue: (Int) -> UInt8? = { _ in nil }) -> String? {
        var out: [UInt8] = []
        guard appendProtein(entry, residue: residue, to: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// `protein` appended to `out` (`=` spelled `equals`, e.g. `%3D` inside a CSQ value); `false`, with
    /// nothing appended, when there is none.
    static func appendProtein(_ entry: CsqEntry, residue: (Int) -> UInt8?, to out: inout [UInt8], equals: StaticString = "=") -> Bool {
        guard let range = entry.fieldRange(0) else { return false }
        let start = out.count
        let ok = entry.variant.withUnsafeBufferPointer { v -> Bool in
            guard let p = parse(Bytes(rebasing: v[range])) else { return false }
            return spell(p, bits: entry.printedBits, residue: residue, equals: equals, to: &out)
        }
        if !ok { out.removeSubrange(start...) }
        return ok
    }

    private static func spell(_ p: (refPos: Int, ref: Bytes, altPos: Int, alt: Bytes?), bits: Int, residue: (Int) -> UInt8?,
                              equals: StaticString, to out: inout [UInt8]) -> Bool {
        @inline(__always) func put(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        @inline(__always) func name(_ b: UInt8) { out += three[Int(b)] }
        @inline(__always) func int(_ n: Int) { appendDecimal(n, to: &out) }
        let star = UInt8(ascii: "*")
        let full = p.ref
        var pos = p.refPos
        put("p.")
        guard let alt = p.alt else {
            guard let first = full.first else { return false }
            name(first); int(pos); put(equals)
            return true
        }
        if bits & CsqBit.frameshift != 0 {
            var i = 0
            while i < full.count && i < alt.count && full[i] == alt[i] { i += 1 }
            guard i < full.count else { name(full.last ?? 0); int(pos + full.count - 1); put("fs"); return true }
            name(full[i]); int(pos + i)
            guard i < alt.count else { put("fs"); return true }
            if alt[i] == star { put("Ter"); return true }
            name(alt[i])
            if alt.last == star { put("fsTer"); int(alt.count - i) } else { put("fs") }
            return true
        }
        if bits & CsqBit.stopLost != 0, full.last == star {
            let i = full.count - 1
            put("Ter"); int(pos + i)
            if i < alt.count { name(alt[i]) } else { put("Xaa") }
            put("ext*?")
            return true
        }
        if bits & CsqBit.startLost != 0 { put("Met1?"); return true }
        // Trim the shared prefix and suffix; what is left is deleted, inserted or replaced.
        var i = 0
        while i < full.count && i < alt.count && full[i] == alt[i] { i += 1 }
        pos += i
        var j = 0
        while j < full.count - i && j < alt.count - i && full[full.count - 1 - j] == alt[alt.count - 1 - j] { j += 1 }
        let ref = i..<(full.count - j), ins = i..<(alt.count - j)
        if ref.isEmpty && ins.isEmpty {
            guard let first = full.first else { return false }
            name(first); int(p.refPos); put(equals)
            return true
        }
        if ref.isEmpty {
            guard i >= 1, let next = i < full.count ? Optional(full[i]) : residue(pos) else { return false }
            name(full[i - 1]); int(pos - 1); put("_"); name(next); int(pos); put("ins")
            for k in ins { name(alt[k]) }
            return true
        }
        name(full[ref.lowerBound]); int(pos)
        if ref.count > 1 { put("_"); name(full[ref.upperBound - 1]); int(pos + ref.count - 1) }
        if ins.isEmpty { put("del"); return true }
        if ref.count == 1 && ins.count == 1 { name(alt[ins.lowerBound]); return true }
        put("delins")
        for k in ins { name(alt[k]) }
        return true
    }

    /// `c.` for substitutions and simple indels inside the CDS (no 3' shifting), `nil` otherwise.
    static func coding(_ tr: TranscriptModel, pos1: Int, ref: [UInt8], alt: [UInt8]) -> String? {
        var out: [UInt8] = []
        guard appendCoding(tr, pos1: pos1, ref: ref, alt: alt, to: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// `coding` appended to `out`; `false`, with nothing appended, when there is none.
    static func appendCoding(_ tr: TranscriptModel, pos1: Int, ref: [UInt8], alt: [UInt8], to out: inout [UInt8]) -> Bool {
        let g = pos1 - 1
        var length = -1
        func c(_ g: Int) -> Int? {
            for p in tr.cds where g >= p.beg && g < p.beg + p.len {
                let off = p.pos + g - p.beg
                if tr.isForward { return off + 1 }
                if length < 0 { length = tr.codingLength }
                return length - off
            }
            return nil
        }
        func comp(_ s: ArraySlice<UInt8>) {
            if tr.isForward { out += s; return }
            for b in s.reversed() {
                switch b {
                case 65: out.append(84)
                case 84: out.append(65)
                case 67: out.append(71)
                case 71: out.append(67)
                default: out.append(b)
                }
            }
        }
        @inline(__always) func put(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        if ref.count == alt.count {
            guard ref.count == 1, let x = c(g) else { return false }
            put("c."); appendDecimal(x, to: &out); comp(ref[...]); put(">"); comp(alt[...])
            return true
        }
        guard ref.first == alt.first else { return false }
        if ref.count > alt.count, alt.count == 1 {
            guard let a = c(g + 1), let b = c(g + ref.count - 1) else { return false }
            let (lo, hi) = (min(a, b), max(a, b))
            put("c."); appendDecimal(lo, to: &out)
            if lo != hi { put("_"); appendDecimal(hi, to: &out) }
            put("del")
            return true
        }
        if alt.count > ref.count, ref.count == 1 {
            guard let a = c(g), let b = c(g + 1) else { return false }
            put("c."); appendDecimal(min(a, b), to: &out); put("_"); appendDecimal(max(a, b), to: &out); put("ins"); comp(alt.dropFirst())
            return true
        }
        return false
    }
}
