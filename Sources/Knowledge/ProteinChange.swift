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
        var b = Array(text.utf8)
        while let f = b.first, f == 32 || f == 9 { b.removeFirst() }
        while let l = b.last, l == 32 || l == 9 || l == 13 { b.removeLast() }
        if let colon = b.lastIndex(of: 58) { b.removeFirst(colon + 1) }
        if b.count >= 2, b[0] == 112, b[1] == 46 { b.removeFirst(2) }            // "p."
        if b.first == 40, b.last == 41 { b.removeFirst(); b.removeLast() }      // "(...)"
        func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
        // 3-letter → 1-letter when a lower-case letter follows the first upper-case one (Val600Glu).
        if b.count >= 4, isUpper(b[0]), isLower(b[1]) {
            var s = AminoAcid.shortHGVSp(String(decoding: b, as: UTF8.self))
            if s.hasPrefix("p.") { s = String(s.dropFirst(2)) }
            b = Array(s.utf8)
        }
        var i = 0
        func aa() -> Character? {
            guard i < b.count else { return nil }
            let c = b[i]
            if isUpper(c) || c == 42 { i += 1; return c == 88 ? "*" : Character(UnicodeScalar(c)) }
            return nil
        }
        func number() -> Int? {
            var n = 0, any = false
            while i < b.count, b[i] >= 48, b[i] <= 57 { n = n * 10 + Int(b[i] - 48); i += 1; any = true }
            return any ? n : nil
        }
        let a1 = aa()
        guard let p1 = number() else { return nil }
        var a2: Character?
        var p2: Int?
        if i < b.count, b[i] == 95 {
            i += 1
            a2 = aa()
            guard let n = number() else { return nil }
            p2 = n
        }
        let rest = Array(b[i...])
        if rest.isEmpty { return nil } // codon only
        let lower = rest.map { isUpper($0) ? $0 + 32 : $0 }
        func has(_ prefix: String, at k: Int = 0) -> Bool {
            let p = Array(prefix.utf8)
            return lower.count >= k + p.count && Array(lower[k..<(k + p.count)]) == p
        }
        func residues(_ from: Int) -> String? {
            let u = rest[min(from, rest.count)...].compactMap { c -> UInt8? in
                if isUpper(c) || c == 42 { return c }
                if isLower(c) { return c - 32 }
                return nil
            }
            return u.isEmpty ? nil : String(decoding: u, as: UTF8.self)
        }
        let kind: Kind
        if has("delins") {
            kind = .delins(residues(6))
        } else if rest[0] == 62 {
            kind = .delins(residues(1))
        } else if has("del") {
            kind = .deletion
        } else if has("ins") {
            kind = .insertion(residues(3))
        } else if has("dup") {
            kind = .duplication
        } else if has("fs") || has("fs", at: 1) {
            kind = .frameshift
        } else if has("ext") || has("ext", at: 1) {
            kind = .`extension`
        } else if rest.count == 1, isUpper(rest[0]) || rest[0] == 42 || rest[0] == 61 {
            guard p2 == nil else { return nil }
            kind = .substitution(rest[0] == 88 ? "*" : Character(UnicodeScalar(rest[0])))
        } else {
            return nil
        }
        return ProteinChange(startAA: a1, start: p1, endAA: a2, end: p2, kind: kind)
    }
}
