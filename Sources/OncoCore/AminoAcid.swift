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
        let s = stripPrefix(hgvsp)
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i].isUppercase, let j = s.index(i, offsetBy: 3, limitedBy: s.endIndex) {
                let tri = String(s[i..<j])
                if let one = threeToOne[tri] {
                    out.append(one)
                    i = j
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    /// `p.V600E` → `p.Val600Glu`; `p.R213*` → `p.Arg213Ter`. Input already 3-letter is returned unchanged.
    public static func longHGVSp(_ hgvsp: String) -> String {
        let s = stripPrefix(hgvsp)
        // Already 3-letter if it contains a known triplet right after "p.".
        let body = s.hasPrefix("p.") ? s.dropFirst(2) : Substring(s)
        if body.count >= 3, threeToOne[String(body.prefix(3))] != nil { return s }
        var out = s.hasPrefix("p.") ? "p." : ""
        // Upper-case letters are amino acids; lower-case runs (del, ins, dup, fs, ext) are kept.
        for c in body {
            if c == "*" { out += "Ter" } else if c.isUppercase, let three = oneToThree[c] { out += three } else { out.append(c) }
        }
        return out
    }

    private static func stripPrefix(_ s: String) -> String {
        var t = s
        if let colon = t.lastIndex(of: ":") { t = String(t[t.index(after: colon)...]) }
        t = t.replacingOccurrences(of: "%3D", with: "=")
        if !t.hasPrefix("p.") && !t.isEmpty { t = "p." + t }
        return t
    }
}
