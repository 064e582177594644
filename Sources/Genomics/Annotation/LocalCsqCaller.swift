/// The per-record consequence caller of `bcftools csq --local-csq` (1.16), ported from csq.c:
/// `test_cds_local` (with `hap_init` and `cds_translate`), `test_utr`, `test_splice` and `test_tscript`,
/// with `csq_push`'s merging of one record's consequences.
///
/// Each record is annotated on its own (no haplotypes): what bcftools prints with `-l` for a
/// sites-only file, or with `-s -`.
final class LocalCsqCaller {
    let index: FeatureIndex
    let genome: any AnnotationReference
    /// The consequences of the current record, in the order csq.c stages them.
    var entries: [CsqEntry] = []
    var contig = FeatureIndex.Contig()
    private var contigName = ""
    /// Transcripts whose reference is loaded; dropped once the records (sorted, as bcftools requires) pass them.
    var loaded: [TranscriptModel] = []

    init(index: FeatureIndex, genome: any AnnotationReference) {
        self.index = index
        self.genome = genome
    }

    /// What went wrong with one record against the reference.
    enum RecordProblem: Error {
        case refMismatch(position: Int, fasta: UInt8, vcf: UInt8)
        case referenceUnreadable(transcript: String)
    }

    /// The consequences of one record (`pos` 1-based; `contig` as the FASTA spells it).
    func call(contig name: String, pos1: Int, ref: [UInt8], alts: [[UInt8]]) throws -> [CsqEntry] {
        entries.removeAll(keepingCapacity: true)
        if name != contigName {
            guard let c = index.contigs[name] else { return [] }
            contig = c
            contigName = name
            unload { _ in true }
        } else if let first = loaded.first, first.end < pos1 - 1 {
            unload { $0.end < pos1 - 1 }
        }
        guard let first = alts.first else { return [] }
        if alts.count == 1 && (first.first == UInt8(ascii: "*") || (first.count > 1 && first[1] == UInt8(ascii: "*"))) { return [] }
        if first.first == UInt8(ascii: "<") { return [] }
        let pos = pos1 - 1
        @inline(__always) func upper(_ s: [UInt8]) -> [UInt8] {
            s.contains { $0 >= 97 && $0 <= 122 } ? s.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 } : s
        }
        let ref = upper(ref)
        let alts = alts.map(upper)
        var hit = try testCDS(pos: pos, ref: ref, alts: alts) ? 1 : 0
        hit += testUTR(pos: pos, ref: ref, alts: alts) ? 1 : 0
        hit += testSplice(pos: pos, ref: ref, alts: alts) ? 1 : 0
        if hit == 0 { testTranscript(pos: pos, ref: ref, alts: alts) }
        return entries
    }

    private func skip(_ alt: [UInt8]) -> Bool { alt.first == UInt8(ascii: "<") || alt.first == UInt8(ascii: "*") }

    /// Frees the reference of loaded transcripts that `done` says are behind (csq.c frees them as it moves on).
    private func unload(_ done: (TranscriptModel) -> Bool) {
        loaded.removeAll { tr in
            guard done(tr) else { return false }
            tr.ref = []
            tr.sref = []
            tr.protein = []
            return true
        }
        loaded.sort { $0.end < $1.end }
    }

    // MARK: UTR, splice, transcript

    private func testUTR(pos: Int, ref: [UInt8], alts: [[UInt8]]) -> Bool {
        var ret = false
        contig.utr.overlapping(pos, pos + ref.count) { u in
            for (k, alt) in alts.enumerated() where !skip(alt) {
                var s = Splice(tr: u.tr, pos: pos, ref: ref, alt: alt, ial: k + 1)
                let r = spliceCsq(&s, u.beg, u.end)
                guard r == .inside || r == .overlap else { continue }
                stage(u.prime5 ? CsqBit.utr5 : CsqBit.utr3, u.tr, ial: k + 1)
                ret = true
            }
        }
        return ret
    }

    private func testSplice(pos: Int, ref: [UInt8], alts: [[UInt8]]) -> Bool {
        var ret = false
        contig.exon.overlapping(pos, pos + ref.count) { e in
            guard !e.tr.cds.isEmpty else { return }
            for (k, alt) in alts.enumerated() {
                if skip(alts[0]) { continue }
                var s = Splice(tr: e.tr, pos: pos, ref: ref, alt: alt, ial: k + 1)
                s.checkAcceptor = true
                s.checkDonor = true
                s.checkRegionBeg = e.tr.beg != e.beg
                s.checkRegionEnd = e.tr.end != e.end
                _ = spliceCsq(&s, e.beg, e.end)
                if s.csq != 0 { ret = true }
            }
        }
        return ret
    }

    private func testTranscript(pos: Int, ref: [UInt8], alts: [[UInt8]]) {
        contig.transcript.overlapping(pos, pos + ref.count) { tr in
            for alt in alts where !skip(alt) {
                var s = Splice(tr: tr, pos: pos, ref: ref, alt: alt, ial: 0)
                let r = spliceCsq(&s, tr.beg, tr.end)
                guard r == .inside || r == .overlap else { continue }
                stage(tr.isCoding ? CsqBit.intron : CsqBit.nonCoding, tr, ial: 0)
            }
        }
    }

    // MARK: Staging (csq.c csq_stage_utr, csq_stage_splice, csq_push)

    /// Stages a UTR consequence when a UTR of the splice's transcript overlaps `from...to`; returns its bits (0: none).
    func stageAdjacentUTR(_ s: Splice, _ from: Int, _ to: Int) -> Int {
        var type = 0
        contig.utr.overlapping(from, to) { u in
            guard type == 0, u.tr === s.tr else { return }
            type = (u.prime5 ? CsqBit.utr5 : CsqBit.utr3) | s.csq
            stage(type, s.tr, ial: s.ial)
        }
        return type
    }

    func stageSplice(_ s: Splice) {
        guard s.csq != 0 else { return }
        stage(s.csq, s.tr, ial: s.ial)
    }

    /// csq.c `csq_push` for one record, without haplotypes (`--local-csq`).
    func stage(_ bits: Int, _ tr: TranscriptModel, ial: Int, variant vstr: [UInt8] = []) {
        var type = bits
        if type & CsqBit.spliceRegion != 0 && type & (CsqBit.spliceDonor | CsqBit.spliceAcceptor) != 0 { type &= ~CsqBit.spliceRegion }
        if type & CsqBit.compound != 0 {
            for i in entries.indices {
                if entries[i].transcript != tr.id && (type | entries[i].bits) & CsqBit.printsTranscript != 0 { continue }
                if entries[i].biotype != tr.biotype.name || entries[i].geneID != tr.geneID || entries[i].altNumber != ial { continue }
                let eBits = entries[i].bits
                if (type & CsqBit.upstreamStop) ^ (eBits & CsqBit.upstreamStop) != 0 { continue }
                if !vstr.isEmpty || !entries[i].variant.isEmpty {
                    if vstr.isEmpty || entries[i].variant.isEmpty {
                        if type & CsqBit.startStop != 0 && eBits & CsqBit.startStop != 0 {
                            entries[i].bits |= type
                            if entries[i].bits & CsqBit.stopRetained != 0 { entries[i].bits &= ~(CsqBit.stopLost | CsqBit.synonymous) }
                            if entries[i].variant.isEmpty { entries[i].variant = vstr }
                            return
                        }
                        continue
                    }
                    if vstr != entries[i].variant { continue }
                }
                entries[i].bits |= type
                return
            }
        } else {
            for i in entries.indices {
                let eBits = entries[i].bits
                if entries[i].transcript != tr.id && (type | eBits) & CsqBit.printsTranscript != 0 { continue }
                if entries[i].biotype != tr.biotype.name { continue }
                if eBits & CsqBit.compound == 0 {
                    entries[i].bits |= type
                    return
                }
                if eBits == eBits | type { return }
            }
        }
        entries.append(CsqEntry(bits: type, altNumber: ial, gene: tr.geneName, geneID: tr.geneID, transcript: tr.id,
                                biotype: tr.biotype.name, forward: tr.isForward, variant: vstr,
                                canonical: tr.canonical, mane: tr.mane, codingTranscript: tr.isCoding, transcriptIndex: tr.index))
    }
}
