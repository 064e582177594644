/// csq.c `hap_node_t`, as `hap_init` fills it for one allele on one CDS part.
struct HapNode {
    enum Kind { case cds, startStopSplice }
    var kind = Kind.cds
    var csq = 0
    var seq: [UInt8] = []
    var dlen = 0
    var rbeg = 0
    var rlen = 0
    var sbeg = 0
}

extension LocalCsqCaller {
    /// csq.c `test_cds_local`.
    func testCDS(pos: Int, ref: [UInt8], alts: [[UInt8]]) throws -> Bool {
        var ret = false
        var refs: [FeatureIndex.CDSRef] = []
        contig.cds.overlapping(pos, pos + ref.count) { refs.append($0) }
        for c in refs {
            let tr = c.tr
            guard tr.isCoding else { continue }
            ret = true
            if !tr.hasReference {
                guard tr.loadReference(genome) else { throw RecordProblem.referenceUnreadable(transcript: tr.id) }
                loaded.append(tr)
                loaded.sort { $0.end < $1.end }
            }
            try sanityCheck(tr, pos: pos, ref: ref)
            for (k, alt) in alts.enumerated() where !skip(alt) {
                guard let node = hapInit(tr, icds: c.icds, pos: pos, ref: ref, alt: alt, ial: k + 1) else { continue }
                if node.kind == .startStopSplice {
                    stage(node.csq, tr, ial: k + 1)
                    continue
                }
                codingConsequence(tr, node, pos: pos, ref: ref, alt: alt, ial: k + 1)
            }
        }
        return ret
    }

    private func skip(_ alt: [UInt8]) -> Bool { alt.first == UInt8(ascii: "<") || alt.first == UInt8(ascii: "*") }

    /// csq.c `sanity_check_ref`: the VCF REF must match the FASTA over the transcript's padded window.
    private func sanityCheck(_ tr: TranscriptModel, pos: Int, ref: [UInt8]) throws {
        var vbeg = 0
        var rbeg = pos - tr.beg + TranscriptModel.refPad
        if rbeg < 0 { vbeg = -rbeg; rbeg = 0 }
        var i = 0
        while rbeg + i < tr.ref.count && vbeg + i < ref.count {
            if tr.ref[rbeg + i] != ref[vbeg + i] {
                throw RecordProblem.refMismatch(position: pos + vbeg + i + 1, fasta: tr.ref[rbeg + i], vcf: ref[vbeg + i])
            }
            i += 1
        }
    }

    /// csq.c `hap_init` under a root node (no earlier variant on the haplotype). `nil`: nothing to report.
    func hapInit(_ tr: TranscriptModel, icds: Int, pos: Int, ref: [UInt8], alt: [UInt8], ial: Int) -> HapNode? {
        let cds = tr.cds[icds]
        let ncds = tr.cds.count
        var s = Splice(tr: tr, pos: pos, ref: ref, alt: alt, ial: ial)
        s.checkAcceptor = true; s.checkDonor = true; s.setRefAlt = true; s.checkUTR = true
        if !tr.trim5 {
            if tr.isForward { if icds == 0 { s.checkStart = true } } else if icds == ncds - 1 { s.checkStart = true }
        }
        if !tr.trim3 {
            if tr.isForward { if icds == ncds - 1 { s.checkStop = true } } else if icds == 0 { s.checkStop = true }
        }
        if s.checkStart {
            if tr.isForward {
                let b = cds.beg
                if CsqTranslate.forward(tr.refBase(b), tr.refBase(b + 1), tr.refBase(b + 2)) != UInt8(ascii: "M") { s.checkStart = false }
            } else {
                let b = cds.beg + cds.len - 3
                if CsqTranslate.reverse(tr.refBase(b), tr.refBase(b + 1), tr.refBase(b + 2)) != UInt8(ascii: "M") { s.checkStart = false }
            }
        }
        if icds != 0 { s.checkRegionBeg = true }
        if icds != ncds - 1 { s.checkRegionEnd = true }
        let r = spliceCsq(&s, cds.beg, cds.beg + cds.len - 1)
        if r == .varRef { return nil }
        var node = HapNode()
        if r == .outside || r == .overlap || s.csq == CsqBit.startLost {
            if s.csq == 0 { return nil }
            node.kind = .startStopSplice
            node.csq = s.csq
            node.rbeg = pos
            return node
        }
        if s.csq & CsqBit.synonymous != 0 { s.csq &= ~CsqBit.synonymous }
        var dbeg = 0
        var krefCount = s.kref.count
        if s.refBeg < cds.beg {
            dbeg = cds.beg - s.refBeg
            krefCount -= dbeg
            s.refBeg = cds.beg
        }
        node.seq = dbeg < s.kalt.count ? Array(s.kalt[dbeg...]) : []
        node.sbeg = cds.pos + (s.refBeg - cds.beg)
        node.rbeg = s.refBeg
        node.rlen = krefCount
        node.csq = s.csq
        node.dlen = alt.count - ref.count
        if node.rbeg + node.rlen > cds.beg + cds.len {
            node.kind = .startStopSplice
            if node.csq == 0 { node.csq |= CsqBit.codingSequence }
        }
        return node
    }

    /// The coding part of `test_cds_local`: translate reference and query, classify, stage.
    private func codingConsequence(_ tr: TranscriptModel, _ node: HapNode, pos: Int, ref: [UInt8], alt: [UInt8], ial: Int) {
        let pad = TranscriptModel.refPad
        let sref = tr.sref
        let alen = node.seq.count
        let fill = node.dlen % 3 != 0 && alen != 0
        if fill && tr.protein.isEmpty { tr.protein = CsqTranslate.protein(sref: sref, forward: tr.isForward) }
        var tseq = CsqTranslate.translate(ref: sref, seq: node.seq, seqM: sref.count - 2 * pad + node.dlen, sbeg: node.sbeg,
                                          rbeg: node.sbeg, rend: node.sbeg + node.rlen, forward: tr.isForward, fill: fill, untilStop: true,
                                          protein: tr.protein)
        let lo = min(pad + node.sbeg, sref.count), hi = min(max(pad + node.sbeg + node.rlen, lo), sref.count)
        var tref = CsqTranslate.translate(ref: sref, seq: Array(sref[lo..<hi]), seqM: sref.count - 2 * pad, sbeg: node.sbeg,
                                          rbeg: node.sbeg, rend: node.sbeg + node.rlen, forward: tr.isForward, fill: fill, untilStop: true,
                                          protein: tr.protein)
        let star = UInt8(ascii: "*")
        if let j = tref.firstIndex(of: star) { tref.removeSubrange((j + 1)...) }
        if let j = tseq.firstIndex(of: star) { tseq.removeSubrange((j + 1)...) }
        var type = node.csq
        let refLast = tref.last ?? 0, seqLast = tseq.last ?? 0
        if type & CsqBit.stopLost != 0 {
            if refLast == star && refLast == seqLast {
                type &= ~CsqBit.stopLost
                type |= CsqBit.stopRetained
            } else if refLast != star {
                if seqLast == star {
                    type &= ~CsqBit.stopGained
                    type |= CsqBit.stopRetained
                } else {
                    type |= CsqBit.incompleteCDS
                }
            }
        }
        if type & CsqBit.startLost != 0 && tref.first != UInt8(ascii: "M") { type &= ~CsqBit.startLost }
        if node.dlen != 0 {
            if node.dlen % 3 != 0 { type |= CsqBit.frameshift } else if node.dlen < 0 { type |= CsqBit.inframeDeletion } else { type |= CsqBit.inframeInsertion }
            if refLast != star && seqLast == star { type |= CsqBit.stopGained }
        } else {
            var j = 0
            while j < tref.count && j < tseq.count && tref[j] == tseq[j] { j += 1 }
            if j == tref.count {
                type |= CsqBit.synonymous
            } else if tref[j] == star {
                type |= CsqBit.stopLost
            } else if j < tseq.count && tseq[j] == star {
                type |= CsqBit.stopGained
            } else {
                type |= CsqBit.missense
            }
        }
        if type & CsqBit.compound != 0 {
            let total = sref.count - 2 * pad
            let aaRbeg = tr.isForward ? node.sbeg / 3 + 1 : (total - node.sbeg - node.rlen) / 3 + 1
            let aaSbeg = tr.isForward ? node.sbeg / 3 + 1 : (total + node.dlen - node.sbeg - alen) / 3 + 1
            var v: [UInt8] = []
            v.reserveCapacity(tref.count + tseq.count + ref.count + alt.count + 32)
            v.append(UInt8(ascii: "|"))
            appendDecimal(aaRbeg, to: &v)
            v += tref
            if type & CsqBit.synonymous == 0 {
                v.append(UInt8(ascii: ">"))
                appendDecimal(aaSbeg, to: &v)
                v += tseq
            }
            v.append(UInt8(ascii: "|"))
            appendDecimal(pos + 1, to: &v)
            v += ref
            v.append(UInt8(ascii: ">"))
            v += alt
            stage(type & CsqBit.compound, tr, ial: ial, variant: v)
        }
        if type & ~CsqBit.compound != 0 { stage(type & ~CsqBit.compound, tr, ial: ial) }
    }
}

/// `n` in decimal, appended as ASCII.
@inline(__always) func appendDecimal(_ n: Int, to out: inout [UInt8]) {
    if n < 0 { out.append(UInt8(ascii: "-")) }
    var m = n.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var k = 0
    withUnsafeMutableBytes(of: &digits) { d in
        repeat {
            d[k] = UInt8(48 + m % 10)
            m /= 10
            k += 1
        } while m > 0
        while k > 0 { k -= 1; out.append(d[k]) }
    }
}
