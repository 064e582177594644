import Foundation

/// Amino-acid codes and HGVS protein-change spelling (3-letter ⇄ 1-letter).
public enum AminoAcid {
    public static let threeToOne: [String: Character] = [
        "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
        "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
        "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*", "Sec": "U", "Pyl": "O", "Xaa": "X",
    ]
    public static let oneToThree: [Character: String] = {
        var d: [Character: String] = [:]
        for (k, v) in threeToOne { d[v] = k }
        d["X"] = "Ter" // HGVS 'X' in older 1-letter spellings means stop (p.R213X)
        return d
    }()

    /// `p.Val600Glu` → `p.V600E`; `p.Glu746_Ala750del` → `p.E746_A750del`; `p.Arg213Ter` → `p.R213*`.
    /// Strips a transcript prefix (`ENSP...:`) and percent-escapes (`%3D` → `=`). Already 1-letter input
    /// is returned unchanged (after prefix stripping).
    public static func shortHGVSp(_ hgvsp: String) -> String {
        // Byte by byte: every code this converts is ASCII, and a byte of a multi-byte character never
        // equals an ASCII one, so the result is the same as walking Characters (~10× faster; this runs
        // for every annotated variant a VCF or case list yields).
        if isShortAlready(hgvsp) { return hgvsp }
        let s = stripPrefix(Array(hgvsp.utf8))
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] >= 0x41 && s[i] <= 0x5A, i + 3 <= s.count, let one = threeToOneBytes[pack(s[i], s[i + 1], s[i + 2])] {
                out.append(one)
                i += 3
                continue
            }
            out.append(s[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `p.V600E` → `p.Val600Glu`; `p.R213*` → `p.Arg213Ter`. Input already 3-letter is returned unchanged.
    public static func longHGVSp(_ hgvsp: String) -> String {
        let bytes = stripPrefix(Array(hgvsp.utf8))
        let s = String(decoding: bytes, as: UTF8.self)
        let bodyStart = bytes.starts(with: [0x70, 0x2E]) ? 2 : 0   // "p."
        // Already 3-letter if it contains a known triplet right after "p.".
        if bytes.count - bodyStart >= 3, threeToOneBytes[pack(bytes[bodyStart], bytes[bodyStart + 1], bytes[bodyStart + 2])] != nil {
            return s
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return longHGVSpCharacters(s) }
        var out: [UInt8] = bodyStart == 2 ? [0x70, 0x2E] : []
        // Upper-case letters are amino acids; lower-case runs (del, ins, dup, fs, ext) are kept.
        for b in bytes[bodyStart...] {
            if b == 0x2A { out.append(contentsOf: [0x54, 0x65, 0x72]) }   // "*" → "Ter"
            else if b >= 0x41 && b <= 0x5A, let three = oneToThreeBytes[Int(b - 0x41)] { out.append(contentsOf: three) }
            else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `longHGVSp` over Characters, for text that is not ASCII.
    private static func longHGVSpCharacters(_ s: String) -> String {
        let body = s.hasPrefix("p.") ? s.dropFirst(2) : Substring(s)
        var out = s.hasPrefix("p.") ? "p." : ""
        for c in body {
            if c == "*" { out += "Ter" } else if c.isUppercase, let three = oneToThree[c] { out += three } else { out.append(c) }
        }
        return out
    }

    private static func pack(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 { UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c) }

    /// True when `shortHGVSp` would return `hgvsp` unchanged: empty or starting `p.`, no `:` (a transcript
    /// prefix), no `%` (URL escapes) and no three-letter code (an upper-case letter, two lower-case ones, a known triplet).
    /// MAFs carry `HGVSp_Short` already short (`p.V600E`): this answers without allocating.
    private static func isShortAlready(_ hgvsp: String) -> Bool {
        var probe = hgvsp
        return probe.withUTF8 { b -> Bool in
            let n = b.count
            if n > 0 && !(n >= 2 && b[0] == 0x70 && b[1] == 0x2E) { return false }   // `p.` is added when missing
            var i = 0
            while i < n {
                let c = b[i]
                if c == 0x3A || c == 0x25 { return false }
                if c >= 0x41 && c <= 0x5A, i + 3 <= n, b[i + 1] >= 0x61 && b[i + 1] <= 0x7A, b[i + 2] >= 0x61 && b[i + 2] <= 0x7A,
                   threeToOneBytes[pack(c, b[i + 1], b[i + 2])] != nil {
                    return false
                }
                i += 1
            }
            return true
        }
    }

    /// `threeToOne` keyed by the triplet's three ASCII bytes.
    private static let threeToOneBytes: [UInt32: UInt8] = {
        var d: [UInt32: UInt8] = [:]
        for (k, v) in threeToOne {
            let b = Array(k.utf8)
            d[pack(b[0], b[1], b[2])] = v.asciiValue!
        }
        return d
    }()

    /// `oneToThree` indexed by the letter's offset from `A`.
    private static let oneToThreeBytes: [[UInt8]?] = (0..<26).map { i in
        oneToThree[Character(Unicode.Scalar(UInt8(0x41 + i)))].map { Array($0.utf8) }
    }

    /// After the last `:` (a transcript or protein id prefix), `%3D` → `=`, and `p.` in front when missing.
    private static func stripPrefix(_ s: [UInt8]) -> [UInt8] {
        var t = s
        if let colon = t.lastIndex(of: 0x3A) { t = Array(t[(colon + 1)...]) }
        if t.count >= 3, t.contains(0x25) {   // "%"
            var r: [UInt8] = []
            r.reserveCapacity(t.count)
            var i = 0
            while i < t.count {
                if i + 3 <= t.count, t[i] == 0x25, t[i + 1] == 0x33, t[i + 2] == 0x44 { r.append(0x3D); i += 3 } else { r.append(t[i]); i += 1 }
            }
            t = r
        }
        if !t.isEmpty && !t.starts(with: [0x70, 0x2E]) { t = [0x70, 0x2E] + t }
        return t
    }
}
