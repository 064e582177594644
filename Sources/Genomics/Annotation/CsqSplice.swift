/// csq.c `splice_t`: one allele against one exon/CDS/UTR/transcript span.
struct Splice {
    enum Result { case varRef, outside, inside, overlap }
    let tr: TranscriptModel
    let pos: Int
    var rlen: Int
    var alen = 0
    let ial: Int
    let ref: [UInt8]
    var alt: [UInt8] = []
    var checkAcceptor = false, checkStart = false, checkStop = false, checkDonor = false
    var checkRegionBeg = false, checkRegionEnd = false, checkUTR = false, setRefAlt = false
    var csq = 0
    var tbeg = 0, tend = 0
    var refBeg = 0, refEnd = 0
    var kref: [UInt8] = [], kalt: [UInt8] = []

    init(tr: TranscriptModel, pos: Int, ref: [UInt8], alt: [UInt8], ial: Int) {
        self.tr = tr
        self.pos = pos
        self.rlen = ref.count
        self.ref = ref
        self.alt = alt
        self.ial = ial
    }
}

let nSpliceDonor = 2
let nSpliceRegionExon = 3
let nSpliceRegionIntron = 8

/// `strncmp(a + ao, b + bo, n) == 0` on byte arrays read as C strings (past the end reads as NUL).
@inline(__always) func cEqual(_ a: [UInt8], _ ao: Int, _ b: [UInt8], _ bo: Int, _ n: Int) -> Bool {
    for k in 0..<n {
        let x = ao + k < a.count && ao + k >= 0 ? a[ao + k] : 0
        let y = bo + k < b.count && bo + k >= 0 ? b[bo + k] : 0
        if x != y { return false }
        if x == 0 { return true }
    }
    return true
}

extension LocalCsqCaller {
    /// Appends `n` bytes of the transcript's padded reference starting at genome position `gpos`.
    @inline(__always) func appendRef(_ tr: TranscriptModel, from gpos: Int, count n: Int, to out: inout [UInt8]) {
        guard n > 0 else { return }
        for k in 0..<n { out.append(tr.refBase(gpos + k)) }
    }

    /// csq.c `splice_build_hap`.
    func buildHap(_ s: inout Splice, _ beg: Int, _ len: Int) {
        var rlen: Int, alen: Int, rbeg: Int, abeg: Int
        if len < 0 {
            rlen = -len; alen = -len
            rbeg = beg - rlen + 1
            var dlen = s.alen - s.rlen
            if dlen < 0 && beg < s.refEnd { dlen += s.refEnd - beg }
            abeg = rbeg + dlen
        } else {
            rbeg = beg; abeg = beg; rlen = len; alen = len
        }
        s.kref.removeAll(keepingCapacity: true)
        s.kalt.removeAll(keepingCapacity: true)
        var roff: Int
        if rbeg < s.pos {
            appendRef(s.tr, from: rbeg, count: s.pos - rbeg, to: &s.kref)
            roff = 0
        } else {
            roff = rbeg - s.pos
        }
        if roff < s.rlen && s.kref.count < rlen {
            var l = s.rlen - roff
            if l > rlen - s.kref.count { l = rlen - s.kref.count }
            s.kref += s.ref[roff..<min(roff + l, s.ref.count)]
        }
        var end = s.pos + s.rlen
        if s.kref.count < rlen {
            if end + rlen - s.kref.count - 1 > s.tr.end { rlen -= end + rlen - s.kref.count - 1 - s.tr.end }
            if s.kref.count < rlen { appendRef(s.tr, from: end, count: rlen - s.kref.count, to: &s.kref) }
        }
        var aoff: Int
        if abeg < s.pos {
            appendRef(s.tr, from: abeg, count: s.pos - abeg, to: &s.kalt)
            aoff = 0
        } else {
            aoff = abeg - s.pos
        }
        if aoff < s.alen && s.kalt.count < alen {
            var l = s.alen - aoff
            if l > alen - s.kalt.count { l = alen - s.kalt.count }
            s.kalt += s.alt[aoff..<min(aoff + l, s.alt.count)]
            aoff -= l
        }
        if aoff < 0 { aoff = 0 } else { aoff -= 1 }
        end = s.pos + s.rlen
        if s.kalt.count < alen {
            if end + alen + aoff - s.kalt.count - 1 > s.tr.end { alen -= end + alen + aoff - s.kalt.count - 1 - s.tr.end }
            if alen > 0 && alen > s.kalt.count { appendRef(s.tr, from: aoff + end, count: alen - s.kalt.count, to: &s.kalt) }
        }
    }

    /// csq.c `splice_csq`: trims the alleles, then the MNP, insertion or deletion rules.
    func spliceCsq(_ s: inout Splice, _ exBeg: Int, _ exEnd: Int) -> Splice.Result {
        s.alen = s.alt.count
        var rlen1 = s.rlen - 1, alen1 = s.alen - 1, i = 0
        s.tbeg = 0; s.tend = 0
        while i <= rlen1 && i <= alen1 {
            if s.ref[rlen1 - i] != s.alt[alen1 - i] { break }
            i += 1
        }
        s.tend = i
        rlen1 -= i; alen1 -= i; i = 0
        while i <= rlen1 && i <= alen1 {
            if s.ref[i] != s.alt[i] { break }
            i += 1
        }
        s.tbeg = i
        if s.rlen == s.alen { return spliceMNP(&s, exBeg, exEnd) }
        if s.rlen < s.alen { return spliceIns(&s, exBeg, exEnd) }
        return spliceDel(&s, exBeg, exEnd)
    }

    /// The splice-site bits of a variant reaching `n` bases into the intron before (`before`) or after the exon.
    private func intronSide(_ s: inout Splice, before: Bool) -> (donor: Int, acceptor: Int) {
        let fwd = s.tr.isForward
        // Before the exon: acceptor on + strand, donor on - strand; after: the other way round.
        let donor = s.checkDonor && (before ? !fwd : fwd) ? CsqBit.spliceDonor : 0
        let acceptor = s.checkAcceptor && (before ? fwd : !fwd) ? CsqBit.spliceAcceptor : 0
        return (donor, acceptor)
    }

    func spliceIns(_ s: inout Splice, _ exBeg: Int, _ exEnd: Int) -> Splice.Result {
        if s.tbeg != 0 || s.ref[0] != s.alt[0] {
            s.refBeg = s.pos + s.tbeg - 1
            s.refEnd = s.pos + s.rlen - s.tend
        } else {
            if s.tend != 0 { s.tend -= 1 }
            s.refBeg = s.pos
            s.refEnd = s.pos + s.rlen - s.tend
        }
        if s.refBeg >= exEnd {
            if s.checkUTR, stageAdjacentUTR(s, s.refBeg + 1, s.refBeg + 1) != 0 { return .outside }
            if !s.checkRegionEnd { return .outside }
            var haveRef = false
            if s.setRefAlt { buildHap(&s, exEnd + 1, nSpliceRegionIntron); haveRef = true }
            if s.refBeg < exEnd + nSpliceRegionIntron && s.refEnd > exEnd + nSpliceDonor {
                s.csq |= CsqBit.spliceRegion
                if haveRef && cEqual(s.kref, 0, s.kalt, 0, nSpliceRegionIntron) { s.csq |= CsqBit.synonymous }
            }
            if s.refBeg < exEnd + nSpliceDonor {
                let b = intronSide(&s, before: false)
                s.csq |= b.donor | b.acceptor
                if haveRef && cEqual(s.kref, 0, s.kalt, 0, nSpliceDonor) { s.csq |= CsqBit.synonymous }
            }
            stageSplice(s)
            return .outside
        }
        if s.refEnd < exBeg || (s.refEnd == exBeg && !s.checkRegionBeg) {
            if s.checkUTR, stageAdjacentUTR(s, s.refEnd - 1, s.refEnd - 1) != 0 { return .outside }
            if !s.checkRegionBeg { return .outside }
            var haveRef = false
            if s.setRefAlt { buildHap(&s, exBeg - nSpliceRegionIntron, nSpliceRegionIntron); haveRef = true }
            if s.refEnd > exBeg - nSpliceRegionIntron && s.refBeg < exBeg - nSpliceDonor {
                s.csq |= CsqBit.spliceRegion
                if haveRef && cEqual(s.kref, 0, s.kalt, 0, nSpliceRegionIntron) { s.csq |= CsqBit.synonymous }
            }
            if s.refEnd > exBeg - nSpliceDonor {
                let b = intronSide(&s, before: true)
                s.csq |= b.donor | b.acceptor
                let o = nSpliceRegionIntron - nSpliceDonor
                if haveRef && cEqual(s.kref, o, s.kalt, o, nSpliceDonor) { s.csq |= CsqBit.synonymous }
            }
            stageSplice(s)
            return .outside
        }
        if s.refBeg <= exBeg + 2 {
            if s.checkRegionBeg { s.csq |= CsqBit.spliceRegion }
            if s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.refEnd > exEnd - 2 {
            if s.checkRegionEnd { s.csq |= CsqBit.spliceRegion }
            if !s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.setRefAlt {
            if s.refBeg < s.pos {
                let d = s.pos - s.refBeg
                s.tbeg += d
                if s.tbeg + s.tend == s.rlen { s.tend -= d }
                s.refBeg = s.pos
            }
            if s.refEnd == exBeg { s.tend -= 1 }
            buildHap(&s, s.refBeg, s.alen - s.tend - s.tbeg + 1)
            s.rlen -= s.tbeg + s.tend - 1
            if s.kref.count > s.rlen { s.kref.removeLast(s.kref.count - max(s.rlen, 0)) }
        }
        stageSplice(s)
        return .inside
    }

    /// csq.c `shifted_del_synonymous`: a deletion at the start codon that the reference can replace.
    func shiftedDelSynonymous(_ s: Splice, _ exBeg: Int, _ exEnd: Int) -> Bool {
        let tr = s.tr
        if !tr.isForward && s.pos + s.rlen + 2 <= exEnd { return false }
        if tr.isForward && s.pos >= exBeg + 3 { return false }
        let refLen = s.ref.count, altLen = s.alt.count
        let ndel = refLen - altLen
        if !tr.isForward {
            let vcfRefEnd = s.pos + refLen - 1
            if vcfRefEnd + ndel > tr.end + TranscriptModel.refPad { return false }
            for k in 0..<(refLen - altLen) where s.ref[altLen + k] != tr.refBase(vcfRefEnd + 1 + k) { return false }
        } else {
            let blockBeg = s.pos + refLen - 2 * ndel
            if blockBeg < 0 { return false }
            if TranscriptModel.refPad + blockBeg < exBeg { return false }
            for k in 0..<(refLen - altLen) where s.ref[altLen + k] != tr.refBase(blockBeg + k) { return false }
        }
        return true
    }
}
