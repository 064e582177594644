extension LocalCsqCaller {
    /// The intron-side checks shared by deletions and MNPs before the exon (csq.c, `splice_csq_del`/`_mnp`).
    private func checkBefore(_ s: inout Splice, _ exBeg: Int, isDel: Bool) {
        guard s.checkRegionBeg else { return }
        var staged = 0
        if s.checkUTR { staged = stageAdjacentUTR(s, s.refBeg, exBeg - 1) }
        guard staged == 0 else { return }
        var haveRef = false
        if isDel && s.setRefAlt { buildHap(&s, exBeg - nSpliceRegionIntron, nSpliceRegionIntron); haveRef = true }
        if s.refEnd >= exBeg - nSpliceRegionIntron && s.refBeg < exBeg - nSpliceDonor {
            s.csq |= CsqBit.spliceRegion
            if haveRef && cEqual(s.kref, 0, s.kalt, 0, nSpliceRegionIntron) { s.csq |= CsqBit.synonymous }
        }
        if s.refEnd >= exBeg - nSpliceDonor {
            if s.checkDonor && !s.tr.isForward { s.csq |= CsqBit.spliceDonor }
            if s.checkAcceptor && s.tr.isForward { s.csq |= CsqBit.spliceAcceptor }
            let o = nSpliceRegionIntron - nSpliceDonor
            if haveRef && cEqual(s.kref, o, s.kalt, o, nSpliceDonor) { s.csq |= CsqBit.synonymous }
        }
    }

    private func checkAfter(_ s: inout Splice, _ exEnd: Int, isDel: Bool) {
        guard s.checkRegionEnd else { return }
        var staged = 0
        if s.checkUTR { staged = stageAdjacentUTR(s, exEnd + 1, s.refEnd) }
        guard staged == 0 else { return }
        var haveRef = false
        if isDel && s.setRefAlt { buildHap(&s, exEnd + 1, nSpliceRegionIntron); haveRef = true }
        // Deletions: ref_beg < ex_end + 8; MNPs: ref_beg <= ex_end + 8 (as csq.c has them).
        let inRegion = isDel ? s.refBeg < exEnd + nSpliceRegionIntron : s.refBeg <= exEnd + nSpliceRegionIntron
        if inRegion && s.refEnd > exEnd + nSpliceDonor {
            s.csq |= CsqBit.spliceRegion
            if haveRef && cEqual(s.kref, 0, s.kalt, 0, nSpliceRegionIntron) { s.csq |= CsqBit.synonymous }
        }
        let inSite = isDel ? s.refBeg < exEnd + nSpliceDonor : s.refBeg <= exEnd + nSpliceDonor
        if inSite {
            if s.checkDonor && s.tr.isForward { s.csq |= CsqBit.spliceDonor }
            if s.checkAcceptor && !s.tr.isForward { s.csq |= CsqBit.spliceAcceptor }
            let o = nSpliceRegionIntron - nSpliceDonor
            if haveRef && cEqual(s.kref, o, s.kalt, o, nSpliceDonor) { s.csq |= CsqBit.synonymous }
        }
    }

    func spliceDel(_ s: inout Splice, _ exBeg: Int, _ exEnd: Int) -> Splice.Result {
        if s.checkStart && shiftedDelSynonymous(s, exBeg, exEnd) {
            s.csq |= CsqBit.startRetained
            return .overlap
        }
        s.refBeg = s.pos + s.tbeg - 1
        s.refEnd = s.pos + s.rlen - s.tend - 1
        if s.refBeg + 1 < exBeg {
            checkBefore(&s, exBeg, isDel: true)
            if s.refEnd >= exBeg {
                s.tbeg = s.refBeg - s.pos + 1
                s.refBeg = exBeg - 1
                if s.tbeg + s.tend == s.alen {
                    if s.tend == 0 {
                        s.csq |= CsqBit.codingSequence
                        return .overlap
                    }
                    s.tend -= 1
                }
            }
        }
        if exEnd < s.refEnd {
            checkAfter(&s, exEnd, isDel: true)
            if s.refBeg < exEnd {
                s.tend = s.rlen - (s.refEnd - s.pos + 1)
                s.refEnd = exEnd
            }
        }
        if s.refEnd < exBeg || s.refBeg >= exEnd {
            stageSplice(s)
            return .outside
        }
        if s.refBeg < exBeg + 2 {
            if s.checkRegionBeg { s.csq |= CsqBit.spliceRegion }
            if s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.refEnd > exEnd - 3 {
            if s.checkRegionEnd { s.csq |= CsqBit.spliceRegion }
            if !s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.setRefAlt {
            if s.tbeg > 0 { s.tbeg -= 1 }
            if s.rlen > s.tbeg + s.tend && s.alen > s.tbeg + s.tend {
                s.rlen -= s.tbeg + s.tend
                s.alen -= s.tbeg + s.tend
            }
            s.kref = Array(s.ref[min(s.tbeg, s.ref.count)..<min(s.tbeg + s.rlen, s.ref.count)])
            s.kalt = Array(s.alt[min(s.tbeg, s.alt.count)..<min(s.tbeg + s.alen, s.alt.count)])
            if (s.refBeg + 1 < exBeg && s.refEnd >= exBeg) || (s.refBeg + 1 < exEnd && s.refEnd >= exEnd) {
                s.csq |= (s.refEnd - s.refBeg) % 3 != 0 ? CsqBit.frameshift : CsqBit.inframeDeletion
                return .overlap
            }
        }
        stageSplice(s)
        return .inside
    }

    func spliceMNP(_ s: inout Splice, _ exBeg: Int, _ exEnd: Int) -> Splice.Result {
        if s.tbeg + s.tend == s.rlen { return .varRef }
        s.refBeg = s.pos + s.tbeg
        s.refEnd = s.pos + s.rlen - s.tend - 1
        if s.refBeg < exBeg {
            checkBefore(&s, exBeg, isDel: false)
            if s.refEnd >= exBeg {
                s.tbeg = s.refBeg - s.pos
                s.refBeg = exBeg
            }
        }
        if exEnd < s.refEnd {
            checkAfter(&s, exEnd, isDel: false)
            if s.refBeg <= exEnd {
                s.tend = s.rlen - (s.refEnd - s.pos + 1)
                s.refEnd = exEnd
            }
        }
        if s.refEnd < exBeg || s.refBeg > exEnd {
            stageSplice(s)
            return .outside
        }
        if s.refBeg < exBeg + 3 {
            if s.checkRegionBeg { s.csq |= CsqBit.spliceRegion }
            if s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.refEnd > exEnd - 3 {
            if s.checkRegionEnd { s.csq |= CsqBit.spliceRegion }
            if !s.tr.isForward { if s.checkStart { s.csq |= CsqBit.startLost } } else if s.checkStop { s.csq |= CsqBit.stopLost }
        }
        if s.setRefAlt {
            s.rlen -= s.tbeg + s.tend
            s.kref = Array(s.ref[min(s.tbeg, s.ref.count)..<min(s.tbeg + s.rlen, s.ref.count)])
            s.kalt = Array(s.alt[min(s.tbeg, s.alt.count)..<min(s.tbeg + s.rlen, s.alt.count)])
        }
        stageSplice(s)
        return .inside
    }
}
