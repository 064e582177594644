/// Variant normalisation: the same site spelled one way (Tan, Abecasis & Kang 2015, *Bioinformatics*
/// 31:2202; `vt normalize`; `bcftools norm`).
///
/// Without a reference, alleles are only trimmed: shared trailing bases first, then shared leading
/// bases (POS moves right), always keeping at least one base in each allele (`CTT>CT` → `CT>C`,
/// `TAGC>TAGCAGCAGC` → `T>TAGCAGC`). With a reference, indels are also left-aligned: while the
/// alleles end in the same base it is dropped, and when one becomes empty the base before POS is
/// prepended to both (POS moves left); then shared leading bases are trimmed as above. This is what
/// `bcftools norm -f ref.fa` does.
///
/// Alleles other than plain bases (`<DEL>`, breakends `]15:80623247]C`, `*`) are left as written.
public enum AlleleNormalisation {
    /// Whether an allele is a plain base sequence (A, C, G, T, N, any case).
    public static func isPlainSequence(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { b in
            switch b | 0x20 {
            case UInt8(ascii: "a"), UInt8(ascii: "c"), UInt8(ascii: "g"), UInt8(ascii: "t"), UInt8(ascii: "n"): return true
            default: return false
            }
        }
    }

    /// Trims shared suffix, then shared prefix, keeping at least one base in each allele.
    /// - Returns: the new 1-based position and alleles.
    public static func trim(position: Int, ref: String, alt: String) -> (position: Int, ref: String, alt: String) {
        guard isPlainSequence(ref), isPlainSequence(alt), ref != alt else { return (position, ref, alt) }
        var r = Array(ref.utf8), a = Array(alt.utf8), pos = position
        trimInPlace(&pos, &r, &a)
        return (pos, String(decoding: r, as: UTF8.self), String(decoding: a, as: UTF8.self))
    }

    static func trimInPlace(_ pos: inout Int, _ r: inout [UInt8], _ a: inout [UInt8]) {
        var end = 0
        while r.count - end > 1, a.count - end > 1, upper(r[r.count - 1 - end]) == upper(a[a.count - 1 - end]) { end += 1 }
        if end > 0 { r.removeLast(end); a.removeLast(end) }
        var start = 0
        while r.count - start > 1, a.count - start > 1, upper(r[start]) == upper(a[start]) { start += 1 }
        if start > 0 { r.removeFirst(start); a.removeFirst(start); pos += start }
    }

    @inline(__always) static func upper(_ b: UInt8) -> UInt8 { b >= 97 && b <= 122 ? b - 32 : b }

    /// Trims, and left-aligns indels against `reference` when its bases at the site match REF
    /// (a REF that disagrees with the reference is only trimmed).
    public static func normalise(contig: String, position: Int, ref: String, alt: String,
                                 reference: ReferenceGenome?) -> (position: Int, ref: String, alt: String) {
        guard let reference, isPlainSequence(ref), isPlainSequence(alt), ref.utf8.count != alt.utf8.count else {
            return trim(position: position, ref: ref, alt: alt)
        }
        var r = ref.utf8.map(upper), a = alt.utf8.map(upper), pos = position
        // The REF must match the reference, else leave the record as the caller wrote it (trimmed).
        guard let genome = reference.bases(contig: contig, start: position, end: position + r.count - 1), genome == r else {
            return trim(position: position, ref: ref, alt: alt)
        }
        while true {
            var changed = false
            if let x = r.last, let y = a.last, x == y {
                r.removeLast(); a.removeLast(); changed = true
            }
            if r.isEmpty || a.isEmpty {
                guard pos > 1, let b = reference.base(contig: contig, at: pos - 1) else {
                    // At the contig start: restore a base on the right instead.
                    break
                }
                r.insert(b, at: 0); a.insert(b, at: 0); pos -= 1; changed = true
            }
            if !changed { break }
        }
        if r.isEmpty || a.isEmpty { return trim(position: position, ref: ref, alt: alt) }
        trimInPlace(&pos, &r, &a)
        return (pos, String(decoding: r, as: UTF8.self), String(decoding: a, as: UTF8.self))
    }
}
