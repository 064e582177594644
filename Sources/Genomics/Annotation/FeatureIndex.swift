/// Intervals of one kind on one contig, looked up by overlap (htslib-style `regidx` of csq.c: 0-based,
/// inclusive ends; results ordered by start, then end).
struct IntervalList<Payload> {
    private(set) var begs: [Int] = []
    private(set) var ends: [Int] = []
    private(set) var payloads: [Payload] = []
    private var maxLength = 0
    private var pending: [(beg: Int, end: Int, payload: Payload)] = []

    mutating func add(_ beg: Int, _ end: Int, _ payload: Payload) { pending.append((beg, end, payload)) }

    mutating func finish() {
        pending.sort { $0.beg != $1.beg ? $0.beg < $1.beg : $0.end < $1.end }
        begs = pending.map(\.beg)
        ends = pending.map(\.end)
        payloads = pending.map(\.payload)
        maxLength = pending.map { $0.end - $0.beg + 1 }.max() ?? 0
        pending = []
    }

    /// Calls `body` for each interval overlapping `from...to`, in order.
    func overlapping(_ from: Int, _ to: Int, _ body: (Payload) throws -> Void) rethrows {
        guard !begs.isEmpty else { return }
        // First index whose start is past `to`.
        var lo = 0, hi = begs.count
        while lo < hi { let m = (lo + hi) / 2; if begs[m] <= to { lo = m + 1 } else { hi = m } }
        var first = lo
        while first > 0 && begs[first - 1] >= from - maxLength { first -= 1 }
        for i in first..<lo where ends[i] >= from { try body(payloads[i]) }
    }

    func any(_ from: Int, _ to: Int) -> Bool {
        var hit = false
        overlapping(from, to) { _ in hit = true }
        return hit
    }
}

/// The four lookups of csq.c (`idx_cds`, `idx_utr`, `idx_exon`, `idx_tscript`) for every contig.
struct FeatureIndex {
    struct CDSRef { let tr: TranscriptModel; let icds: Int }
    struct UTRRef { let tr: TranscriptModel; let beg: Int; let end: Int; let prime5: Bool }
    struct ExonRef { let tr: TranscriptModel; let beg: Int; let end: Int }

    struct Contig {
        var cds = IntervalList<CDSRef>()
        var utr = IntervalList<UTRRef>()
        var exon = IntervalList<ExonRef>()
        var transcript = IntervalList<TranscriptModel>()
    }

    private(set) var contigs: [String: Contig] = [:]

    init(_ transcripts: [TranscriptModel]) {
        // Grouped by contig first: copying a contig's lists out of the dictionary and back for every
        // transcript made building the index quadratic in the transcripts per contig.
        var byContig: [String: [TranscriptModel]] = [:]
        for tr in transcripts { byContig[tr.contig, default: []].append(tr) }
        for (name, list) in byContig {
            var c = Contig()
            for tr in list {
                c.transcript.add(tr.beg, tr.end, tr)
                for (i, p) in tr.cds.enumerated() { c.cds.add(p.beg, p.beg + p.len - 1, CDSRef(tr: tr, icds: i)) }
                for u in tr.utrs { c.utr.add(u.beg, u.end, UTRRef(tr: tr, beg: u.beg, end: u.end, prime5: u.prime5)) }
                for e in tr.exons { c.exon.add(e.beg - 8, e.end + 8, ExonRef(tr: tr, beg: e.beg, end: e.end)) }
            }
            contigs[name] = c
        }
        for k in contigs.keys {
            contigs[k]!.cds.finish()
            contigs[k]!.utr.finish()
            contigs[k]!.exon.finish()
            contigs[k]!.transcript.finish()
        }
    }
}
