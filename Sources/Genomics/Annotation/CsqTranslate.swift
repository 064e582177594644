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
    /// ends at the first stop codon (for callers that keep nothing after the first `*`).
    static func translate(ref: [UInt8], seq: [UInt8], seqM: Int, sbeg: Int, rbeg: Int, rend: Int, forward fwd: Bool, fill: Bool,
                          untilStop: Bool = false) -> [UInt8] {
        let star = UInt8(ascii: "*")
        let pad = TranscriptModel.refPad
        @inline(__always) func r(_ i: Int) -> UInt8 { i >= 0 && i < ref.count ? ref[i] : 0 }
        var out: [UInt8] = []
        if seq.isEmpty { return [UInt8(ascii: "?")] }
        var tmp: [UInt8] = [0, 0, 0]
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
}
