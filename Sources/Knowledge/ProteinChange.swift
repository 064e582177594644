import OncoCore

/// A protein change in 1-letter HGVS-like form, parsed from CIViC variant names (`V600E`, `E746_A750del`,
/// `W557_K558DELWK`, `T1151INST`, `V600_K601>E`, `W288FS`) and from annotated HGVSp (`p.Val600Glu`,
/// `p.(E746_A750del)`, `p.Trp288CysfsTer12`). Positions are 1-based residue numbers.
public struct ProteinChange: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Missense, nonsense (`*`) or synonymous (`=`).
        case substitution(Character)
        case deletion
        /// Inserted residues, nil when not given (`P780INS`).
        case insertion(String?)
        case duplication
        /// Replacement residues, nil when not given.
        case delins(String?)
        case frameshift
        case `extension`
    }
    public var startAA: Character?
    public var start: Int
    public var endAA: Character?
    public var end: Int?
    public var kind: Kind

    public var lastPosition: Int { end ?? start }

    public var description: String {
        let s = (startAA.map(String.init) ?? "") + String(start)
        let e = end.map { "_" + (endAA.map(String.init) ?? "") + String($0) } ?? ""
        switch kind {
        case .substitution(let a): return s + e + String(a)
        case .deletion: return s + e + "del"
        case .insertion(let q): return s + e + "ins" + (q ?? "")
        case .duplication: return s + e + "dup"
        case .delins(let q): return s + e + "delins" + (q ?? "")
        case .frameshift: return s + "fs"
        case .`extension`: return s + "ext"
        }
    }

    /// True for synonymous changes (`p.P154=`).
    public var isSynonymous: Bool { if case .substitution(let a) = kind { return a == "=" } else { return false } }

    /// Whether an observed change `other` is this change (CIViC rule semantics: a rule that omits the
    /// inserted residues or the frameshift's new residue matches any; a one-residue duplication equals an
    /// insertion of that residue after it).
    public func matches(_ other: ProteinChange) -> Bool {
        switch (kind, other.kind) {
        case (.substitution(let a), .substitution(let b)):
            return start == other.start && end == nil && other.end == nil && a == b
        case (.frameshift, .frameshift):
            return start == other.start
        case (.deletion, .deletion), (.duplication, .duplication):
            return start == other.start && lastPosition == other.lastPosition
        case (.delins(let a), .delins(let b)):
            return start == other.start && lastPosition == other.lastPosition && (a == nil || a == b)
        case (.insertion(let a), .insertion(let b)):
            return start == other.start && (a == nil || a == b)
        case (.insertion(let a), .duplication):
            // X123insX (after 123) == X123dup; X122_Y123insZ... compares on the residue before the insertion.
            guard other.end == nil || other.end == other.start else { return false }
            let insertedAfter = end == nil ? start : start
            return insertedAfter == other.start && (a == nil || (a!.count == 1 && other.startAA.map { String($0) } == a))
        case (.duplication, .insertion):
            return other.matches(self)
        default:
            return false
        }
    }

    /// Parses a 1- or 3-letter protein change. Returns nil for codon-only (`V600`) or unparseable text.
    /// - Complexity: O(*n*) in the text length; no regular expressions (used per case variant).
    public static func parse(_ text: String) -> ProteinChange? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if let colon = t.lastIndex(of: ":") { t = t[t.index(after: colon)...] }
        if t.hasPrefix("p.") { t = t.dropFirst(2) }
        if t.hasPrefix("("), t.hasSuffix(")") { t = t.dropFirst().dropLast() }
        // 3-letter → 1-letter when lower-case letters follow an upper-case one (Val600Glu).
        var s = String(t)
        if s.count >= 4, let f = s.first, f.isUppercase, s.dropFirst().first?.isLowercase == true {
            s = AminoAcid.shortHGVSp(s)
            if s.hasPrefix("p.") { s = String(s.dropFirst(2)) }
        }
        let chars = Array(s)
        var i = 0
        func aa() -> Character? {
            guard i < chars.count else { return nil }
            let c = chars[i]
            if (c.isUppercase && c.isLetter) || c == "*" { i += 1; return c == "X" ? "*" : c }
            return nil
        }
        func number() -> Int? {
            var n = 0, any = false
            while i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII { n = n * 10 + d; i += 1; any = true }
            return any ? n : nil
        }
        let a1 = aa()
        guard let p1 = number() else { return nil }
        var a2: Character?
        var p2: Int?
        if i < chars.count, chars[i] == "_" {
            i += 1
            a2 = aa()
            guard let n = number() else { return nil }
            p2 = n
        }
        let rest = String(chars[i...])
        let lower = rest.lowercased()
        if rest.isEmpty { return nil } // codon only
        func residues(_ r: Substring) -> String? {
            let u = r.uppercased().filter { $0.isLetter || $0 == "*" }
            return u.isEmpty ? nil : u
        }
        var kind: Kind
        if lower.hasPrefix("delins") {
            kind = .delins(residues(rest.dropFirst(6)))
        } else if lower.hasPrefix(">") {
            kind = .delins(residues(rest.dropFirst(1)))
        } else if lower.hasPrefix("del") {
            kind = .deletion
        } else if lower.hasPrefix("ins") {
            kind = .insertion(residues(rest.dropFirst(3)))
        } else if lower.hasPrefix("dup") {
            kind = .duplication
        } else if lower.hasPrefix("fs") || (lower.count >= 3 && lower.dropFirst().hasPrefix("fs")) {
            kind = .frameshift
        } else if lower.hasPrefix("ext") || (lower.count >= 4 && lower.dropFirst().hasPrefix("ext")) {
            kind = .`extension`
        } else if rest.count == 1, let c = rest.first, (c.isUppercase && c.isLetter) || c == "*" || c == "=" {
            guard p2 == nil else { return nil }
            kind = .substitution(c == "X" ? "*" : c)
        } else {
            return nil
        }
        return ProteinChange(startAA: a1, start: p1, endAA: a2, end: p2, kind: kind)
    }
}
