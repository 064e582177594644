/// The genetic code and translation of csq.c (`gencode`, `dna2aa`, `cdna2aa`, `cds_translate`).
enum CsqTranslate {
    /// The codon table as a literal (a `static let` array cost a lazy-initialisation check per codon).
    @inline(__always) private static var gencode: UnsafePointer<UInt8> {
        ("KNKNTTTTRSRSIIMIQHQHPPPPRRRRLLLLEDEDAAAAGGGGVVVV*Y*YSSSS*CWCLFLF" as StaticString).utf8Start
    }

    @inline(__always) static func nt4(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "A"), UInt8(ascii: "a"): return 0
        case UInt8(ascii: "C"), UInt8(ascii: "c"): return 1
        case UInt8(ascii: "G"), UInt8(ascii: "g"): return 2
        case UInt8(ascii: "T"), UInt8(ascii: "t"): return 3
        default: return 4
        }
    }

    /// The amino acid of a codon read on the forward strand; `X` for a codon with a base other than ACGT
    /// (csq.c indexes past its table there).
    @inline(__always) static func forward(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let x = nt4(a), y = nt4(b), z = nt4(c)
        if x > 3 || y > 3 || z > 3 { return UInt8(ascii: "X") }
        return gencode[x << 4 | y << 2 | z]
    }

    /// The amino acid of a codon whose bases are given on the reverse strand, in reference order.
    @inline(__always) static func reverse(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let x = nt4(c), y = nt4(b), z = nt4(a)
        if x > 3 || y > 3 || z > 3 { return UInt8(ascii: "X") }
        return gencode[(3 - x) << 4 | (3 - y) << 2 | (3 - z)]
    }

    /// csq.c `cds_translate`. `ref` is the padded spliced reference; `seq` the (query) segment on the
    /// reference strand whose transcript is `seqM` long; `sbeg` its offset in the query, `rbeg`/`rend`
    /// its span in the reference; `fill` translates on to the end (frameshifts). With `untilStop`, filling
    /// ends at the first stop codon (for callers that keep nothing after the first `*`). `protein`, when
    /// given, is `ref`'s translation (`TranscriptModel.protein`): filling from a codon in the reference's
    /// frame copies it instead of translating again.
    static func translate(ref: [UInt8], seq: [UInt8], seqM: Int, sbeg: Int, rbeg: Int, rend: Int, forward fwd: Bool, fill: Bool,
                          untilStop: Bool = false, protein: [UInt8] = []) -> [UInt8] {
        let star = UInt8(ascii: "*")
        let pad = TranscriptModel.refPad
        @inline(__always) func r(_ i: Int) -> UInt8 { i >= 0 && i < ref.count ? ref[i] : 0 }
        if seq.isEmpty { return [UInt8(ascii: "?")] }
        var out: [UInt8] = []
        out.reserveCapacity(seq.count / 3 + 2)
        var tmp = SIMD4<UInt8>(repeating: 0)
        if fwd {
            let npad = sbeg % 3
            var i = 0
            while i < npad { tmp[i] = r(rbeg + i - npad + pad); i += 1 }
            while i < 3 && i - npad < seq.count { tmp[i] = seq[i - npad]; i += 1 }
            let len = seq.count - i + npad
            if i == 3 {
                out.append(forward(tmp[0], tmp[1], tmp[2]))
                var codon = 3 - npad
                let end = codon + len - 1 - (len % 3)
                while codon < end {
                    out.append(forward(seq[codon], seq[codon + 1], seq[codon + 2]))
                    codon += 3
                }
                i = 0
                while codon + i <= seq.count - 1 { tmp[i] = seq[codon + i]; i += 1 }
            }
            var rc = rend + pad
            if i > 0 {
                while i < 3 { tmp[i] = r(rc); rc += 1; i += 1 }
                out.append(forward(tmp[0], tmp[1], tmp[2]))
            }
            if fill && !(untilStop && out.contains(star)) {
                let end = ref.count - pad
                if !protein.isEmpty && (rc - pad) % 3 == 0 {
                    copy(protein, from: (rc - pad) / 3, to: &out, untilStop: untilStop)
                    return out
                }
                while rc + 3 <= end {
                    let aa = forward(ref[rc], ref[rc + 1], ref[rc + 2])
                    out.append(aa)
                    if untilStop && aa == star { break }
                    rc += 3
                }
            }
        } else {
            let npad = (seqM - (sbeg + seq.count)) % 3
            var i: Int
            if npad == 2 {
                tmp[1] = r(rend + pad); tmp[2] = r(rend + pad + 1); i = 0
            } else if npad == 1 {
                tmp[2] = r(rend + pad); i = 1
            } else {
                i = 2
            }
            var end = seq.count
            while i >= 0 && end > 0 { end -= 1; tmp[i] = seq[end]; i -= 1 }
            if i == -1 {
                out.append(reverse(tmp[0], tmp[1], tmp[2]))
                var codon = end - 3
                while codon >= 0 {
                    out.append(reverse(seq[codon], seq[codon + 1], seq[codon + 2]))
                    codon -= 3
                }
                let gap = -codon
                if gap == 2 {
                    tmp[2] = seq[0]; i = 1
                } else if gap == 1 {
                    tmp[1] = seq[0]; tmp[2] = seq[1]; i = 0
                } else {
                    i = -1
                }
            }
            var re = pad + rbeg
            if i >= 0 {
                while i >= 0 && re >= 0 { re -= 1; tmp[i] = r(re); i -= 1 }
                out.append(reverse(tmp[0], tmp[1], tmp[2]))
            }
            if fill && !(untilStop && out.contains(star)) {
                var codon = re - 3
                let total = ref.count - 2 * pad
                if !protein.isEmpty && (pad + total - codon) % 3 == 0 {
                    copy(protein, from: (pad + total - codon) / 3 - 1, to: &out, untilStop: untilStop)
                    return out
                }
                while codon >= pad {
                    let aa = reverse(ref[codon], ref[codon + 1], ref[codon + 2])
                    out.append(aa)
                    if untilStop && aa == star { break }
                    codon -= 3
                }
            }
        }
        return out
    }

    /// `protein[from...]` appended, up to and including its first stop with `untilStop`.
    private static func copy(_ protein: [UInt8], from: Int, to out: inout [UInt8], untilStop: Bool) {
        guard from < protein.count else { return }
        var k = max(from, 0)
        while k < protein.count {
            let aa = protein[k]
            out.append(aa)
            if untilStop && aa == UInt8(ascii: "*") { return }
            k += 1
        }
    }

    /// The translation of a spliced, padded reference (csq.c's frame): codon `k` from the 5' end, as
    /// `translate` fills from it; `total / 3` residues.
    static func protein(sref: [UInt8], forward fwd: Bool) -> [UInt8] {
        let pad = TranscriptModel.refPad
        let total = sref.count - 2 * pad
        guard total >= 3 else { return [] }
        let n = total / 3
        var out = [UInt8](repeating: 0, count: n)
        for k in 0..<n {
            if fwd {
                let o = pad + 3 * k
                out[k] = forward(sref[o], sref[o + 1], sref[o + 2])
            } else {
                let o = pad + total - 3 * (k + 1)
                out[k] = reverse(sref[o], sref[o + 1], sref[o + 2])
            }
        }
        return out
    }
}
