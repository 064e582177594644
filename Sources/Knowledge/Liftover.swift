import Foundation
import OncoCore

/// A UCSC liftOver chain file (https://genome.ucsc.edu/goldenPath/help/chain.html): ungapped aligned
/// blocks from a source assembly (`t`) to a destination assembly (`q`), 0-based half-open coordinates.
///
/// onco reads it once, when the KB index is built (`onco kb update`), to lift the KB's exact GRCh37 alleles
/// to GRCh38 (`AlleleLiftover`); the lifted alleles are stored in the index, so loading never parses it.
public struct LiftoverChain: Sendable {
    /// One ungapped block: `size` bases from `tStart` (t, + strand) align to `qStart` on the q strand of its chain.
    public struct Block: Hashable, Sendable {
        /// Ordinal of the chain in the file (0-based); blocks of different chains are different alignments.
        public var chain: Int
        public var tStart: Int
        public var size: Int
        /// `Chromosome.normalise`d q name (`7`, `MT`).
        public var qChrom: String
        /// 0-based start on the chain's q strand (on '-', counted from the end of the q chromosome).
        public var qStart: Int
        public var qSize: Int
        /// The q strand is '-': the block aligns to the reverse complement.
        public var reverse: Bool
        public var tEnd: Int { tStart + size }
    }

    /// The file name (for messages and the lifted-allele text), e.g. `hg19ToHg38.over.chain`.
    public let file: String
    /// Number of chains in the file.
    public let chains: Int
    /// Assemblies recognised from the chains' chromosome sizes (`GenomeBuild.detect(contigLengths:)`).
    public let sourceBuild: GenomeBuild
    public let targetBuild: GenomeBuild
    /// Normalised t chromosome → blocks sorted by `tStart`, with the running maximum of their ends
    /// (blocks of different chains may overlap on t).
    let blocks: [String: [Block]]
    let maxEnd: [String: [Int]]

    /// Reads a plain-text chain file.
    /// - Throws: `KnowledgeError.fileUnreadable`, or `.badField` naming the line and field of a malformed chain.
    public static func load(_ url: URL) throws -> LiftoverChain {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.fileUnreadable, file: url.lastPathComponent, "cannot read the liftover chain file")
        }
        return try LiftoverChain(parsing: [UInt8](data), file: url.lastPathComponent)
    }

    /// Parses chain text. Header: `chain score tName tSize tStrand tStart tEnd qName qSize qStrand qStart qEnd id`;
    /// then `size dt dq` lines and a last `size` line; the blocks must end exactly at `tEnd` and `qEnd`.
    public init(parsing bytes: [UInt8], file: String) throws {
        self.file = file
        struct Open {
            var line: Int, ordinal: Int, tChrom: String, qChrom: String, qSize: Int, reverse: Bool
            var t: Int, q: Int, tEnd: Int, qEnd: Int
        }
        func bad(_ line: Int, _ field: String, _ message: String) -> KnowledgeError {
            KnowledgeError(.badField, file: file, line: line, field: field, message)
        }
        var open: Open?
        var ordinal = 0
        var byChrom: [String: [Block]] = [:]
        var tSizes: [String: Int] = [:], qSizes: [String: Int] = [:]
        var lineNo = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNo += 1
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            start = end + 1
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            func int(_ i: Int, _ name: String) throws -> Int {
                guard let v = Int(fields[i]), v >= 0 else { throw bad(lineNo, name, "'\(fields[i])' is not a non-negative integer") }
                return v
            }
            if fields[0] == "chain" {
                if let o = open { throw bad(o.line, "size", "chain has no last block line (a single size) before line \(lineNo)") }
                guard fields.count == 13 else {
                    throw bad(lineNo, "chain", "header has \(fields.count) fields; expected 13 (chain score tName tSize tStrand tStart tEnd qName qSize qStrand qStart qEnd id)")
                }
                let tSize = try int(3, "tSize"), tStart = try int(5, "tStart"), tEnd = try int(6, "tEnd")
                let qSize = try int(8, "qSize"), qStart = try int(10, "qStart"), qEnd = try int(11, "qEnd")
                guard fields[4] == "+" else { throw bad(lineNo, "tStrand", "'\(fields[4])': only '+' source strands are supported") }
                guard fields[9] == "+" || fields[9] == "-" else { throw bad(lineNo, "qStrand", "'\(fields[9])' is not + or -") }
                guard tStart <= tEnd, tEnd <= tSize else { throw bad(lineNo, "tStart/tEnd", "\(tStart)-\(tEnd) is not within 0-\(tSize)") }
                guard qStart <= qEnd, qEnd <= qSize else { throw bad(lineNo, "qStart/qEnd", "\(qStart)-\(qEnd) is not within 0-\(qSize)") }
                let tChrom = Chromosome.normalise(String(fields[2])), qChrom = Chromosome.normalise(String(fields[7]))
                if let s = tSizes[tChrom], s != tSize { throw bad(lineNo, "tSize", "\(tSize) differs from \(s) given for \(fields[2]) before") }
                if let s = qSizes[qChrom], s != qSize { throw bad(lineNo, "qSize", "\(qSize) differs from \(s) given for \(fields[7]) before") }
                tSizes[tChrom] = tSize; qSizes[qChrom] = qSize
                open = Open(line: lineNo, ordinal: ordinal, tChrom: tChrom, qChrom: qChrom, qSize: qSize, reverse: fields[9] == "-",
                            t: tStart, q: qStart, tEnd: tEnd, qEnd: qEnd)
                ordinal += 1
                continue
            }
            guard var o = open else { throw bad(lineNo, "chain", "alignment line outside a chain (no 'chain' header before it)") }
            guard fields.count == 3 || fields.count == 1 else {
                throw bad(lineNo, "size", "alignment line has \(fields.count) fields; expected 'size dt dq' or a last 'size'")
            }
            let size = try int(0, "size")
            guard size > 0 else { throw bad(lineNo, "size", "block size is 0") }
            byChrom[o.tChrom, default: []].append(Block(chain: o.ordinal, tStart: o.t, size: size, qChrom: o.qChrom, qStart: o.q,
                                                        qSize: o.qSize, reverse: o.reverse))
            o.t += size; o.q += size
            if fields.count == 3 {
                o.t += try int(1, "dt"); o.q += try int(2, "dq")
                guard o.t < o.tEnd, o.q < o.qEnd else {
                    throw bad(lineNo, "dt/dq", "blocks run past the header's tEnd \(o.tEnd) or qEnd \(o.qEnd) before the last block")
                }
                open = o
            } else {
                guard o.t == o.tEnd, o.q == o.qEnd else {
                    throw bad(lineNo, "size", "blocks end at t \(o.t), q \(o.q); the header (line \(o.line)) says tEnd \(o.tEnd), qEnd \(o.qEnd)")
                }
                open = nil
            }
        }
        if let o = open { throw bad(o.line, "size", "chain has no last block line (a single size) before the end of the file") }
        guard ordinal > 0 else { throw KnowledgeError(.badField, file: file, field: "chain", "no chains in the file") }
        chains = ordinal
        sourceBuild = GenomeBuild.detect(contigLengths: tSizes)
        targetBuild = GenomeBuild.detect(contigLengths: qSizes)
        var ends: [String: [Int]] = [:]
        for k in byChrom.keys {
            byChrom[k]!.sort { ($0.tStart, $0.chain) < ($1.tStart, $1.chain) }
            var m = Int.min
            ends[k] = byChrom[k]!.map { m = max(m, $0.tEnd); return m }
        }
        blocks = byChrom
        maxEnd = ends
    }

    /// Blocks overlapping the 0-based half-open t interval `[start, end)` of a normalised chromosome.
    func overlapping(_ chrom: String, _ start: Int, _ end: Int) -> [Block] {
        guard let list = blocks[chrom], let ends = maxEnd[chrom] else { return [] }
        var lo = 0, hi = list.count // first block with tStart >= end
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].tStart < end { lo = mid + 1 } else { hi = mid } }
        var out: [Block] = []
        var i = lo - 1
        while i >= 0 && ends[i] > start {
            if list[i].tEnd > start { out.append(list[i]) }
            i -= 1
        }
        return out
    }

    /// Why an allele was not lifted.
    public enum Failure: String, Error, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// No block overlaps the allele (absent from the destination assembly, or in a gap between blocks).
        case unaligned = "not in an aligned block"
        /// Blocks overlap the allele but none holds all of it (a gap or block edge inside its span).
        case crossesBlockEdge = "span crosses a block edge or gap"
        /// Blocks of more than one chain overlap the allele: it maps to more than one place.
        case multipleChains = "in more than one chain"
        /// An insertion or deletion on a reverse-strand block (its normalised position is not a plain mapping).
        case reverseStrandIndel = "indel on a reverse-strand block"
        public var description: String { rawValue }
    }

    /// Lifts a minimal allele (`GenomicAllele.minimal`) of the source assembly, or says why not.
    ///
    /// The span that must lie inside one ungapped block is the REF bases for SNVs/MNVs and, for indels, the VCF
    /// REF (the anchor base before the change plus the deleted bases) and, for an insertion, also the base after
    /// it, so both flanks of an insertion are aligned.
    /// On a '-' strand block SNVs/MNVs are reverse-complemented and indels are not lifted. The destination REF
    /// is not checked against a reference sequence (none is shipped): a REF that changed between assemblies
    /// lifts to an allele no destination VCF carries, so it can miss but never match falsely.
    public func lift(_ a: GenomicAllele) -> Result<GenomicAllele, Failure> {
        let indel = a.ref.count != a.alt.count
        // 0-based span: REF bases; an indel adds its anchor (the base before) and an insertion the base after it.
        let start = a.position - 1 - (indel ? 1 : 0), end = a.position - 1 + (indel ? max(a.ref.count, 1) : a.ref.count)
        guard start >= 0, end > start else { return .failure(.unaligned) }
        let over = overlapping(a.chrom, start, end)
        if over.isEmpty { return .failure(.unaligned) }
        guard let b = over.first(where: { $0.tStart <= start && end <= $0.tEnd }) else { return .failure(.crossesBlockEdge) }
        if over.contains(where: { $0.chain != b.chain }) { return .failure(.multipleChains) }
        if !b.reverse {
            return .success(GenomicAllele(build: targetBuild, chrom: b.qChrom, position: a.position + b.qStart - b.tStart,
                                          ref: a.ref, alt: a.alt))
        }
        if indel { return .failure(.reverseStrandIndel) }
        // t base x (0-based) is q-strand base qStart + (x - tStart), i.e. forward base qSize - 1 - that.
        let lastForward = b.qSize - 1 - (b.qStart + (end - 1 - b.tStart))
        return .success(GenomicAllele(build: targetBuild, chrom: b.qChrom, position: lastForward + 1,
                                      ref: Self.reverseComplement(a.ref), alt: Self.reverseComplement(a.alt)))
    }

    static func reverseComplement(_ s: String) -> String {
        String(s.reversed().map { (c: Character) -> Character in
            switch c {
            case "A": return "T"
            case "C": return "G"
            case "G": return "C"
            case "T": return "A"
            default: return c
            }
        })
    }
}

/// The KB's exact GRCh37 alleles (CIViC and MOAlmanac coordinates) lifted to GRCh38 with the shipped chain,
/// computed when the index is built and stored in it.
public struct AlleleLiftover: Sendable, Hashable {
    /// The chain file, relative to the KB directory (`liftover/hg19ToHg38.over.chain`).
    public var chainPath: String
    /// GRCh37 allele → GRCh38 allele.
    public var lifted: [GenomicAllele: GenomicAllele]
    /// GRCh37 allele → why it was not lifted.
    public var notLifted: [GenomicAllele: LiftoverChain.Failure]

    /// `UCSC liftOver chain hg19ToHg38.over.chain`: how the lifted-allele text names the chain.
    public var chainLabel: String { "UCSC liftOver chain \((chainPath as NSString).lastPathComponent)" }
    /// Distinct GRCh37 alleles the KB's rules carry.
    public var total: Int { lifted.count + notLifted.count }
    /// Failure → number of alleles.
    public var failures: [LiftoverChain.Failure: Int] {
        var out: [LiftoverChain.Failure: Int] = [:]
        for f in notLifted.values { out[f, default: 0] += 1 }
        return out
    }
    /// `lifted 1,210 of 1,230 GRCh37 alleles to GRCh38 (…); not lifted: …`, for `onco kb rules` and `onco kb update`.
    public var summary: String {
        var s = "lifted \(lifted.count) of \(total) distinct GRCh37 alleles to GRCh38 (\(chainLabel))"
        let f = failures
        if !f.isEmpty {
            s += "; not lifted: " + LiftoverChain.Failure.allCases.compactMap { k in f[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", ")
        }
        return s
    }

    /// Every GRCh37 allele with its GRCh38 allele or why it was not lifted, in genome order: for `onco kb rules --lifted`
    /// (and `KnowledgeBase/scripts/check_liftover.py`, which re-lifts them with pyliftover).
    public var rows: [(grch37: GenomicAllele, grch38: GenomicAllele?, failure: LiftoverChain.Failure?)] {
        var out: [(grch37: GenomicAllele, grch38: GenomicAllele?, failure: LiftoverChain.Failure?)] = []
        for (a, b) in lifted { out.append((grch37: a, grch38: b, failure: nil)) }
        for (a, f) in notLifted { out.append((grch37: a, grch38: nil, failure: f)) }
        return out.sorted { x, y in
            (Chromosome.rank(x.grch37.chrom), x.grch37.chrom, x.grch37.position, x.grch37.ref, x.grch37.alt)
                < (Chromosome.rank(y.grch37.chrom), y.grch37.chrom, y.grch37.position, y.grch37.ref, y.grch37.alt)
        }
    }

    /// What a matched alteration says about a lifted allele, so it can be checked by hand.
    func condition(source: String, _ grch37: GenomicAllele, _ grch38: GenomicAllele) -> String {
        "\(source) allele \(grch37), lifted to \(grch38) (\(chainLabel))"
    }

    /// Lifts every GRCh37 allele of the rules (their `genomic` allele and `.genomic` leaves).
    static func lift(rules: [BiomarkerRule], chain: LiftoverChain, chainPath: String) throws -> AlleleLiftover {
        guard chain.sourceBuild == .grch37, chain.targetBuild == .grch38 else {
            throw KnowledgeError(.badField, file: chain.file, field: "tSize/qSize",
                                 "the chain maps \(chain.sourceBuild) to \(chain.targetBuild) (from its chromosome sizes); onco needs GRCh37 → GRCh38 (UCSC hg19ToHg38)")
        }
        var alleles: Set<GenomicAllele> = []
        func collect(_ c: RuleCondition) {
            switch c {
            case .genomic(_, let a): alleles.insert(a)
            case .allOf(let cs), .anyOf(let cs): cs.forEach(collect)
            default: break
            }
        }
        for r in rules {
            if let g = r.genomic { alleles.insert(g) }
            if let c = r.condition { collect(c) }
        }
        var out = AlleleLiftover(chainPath: chainPath, lifted: [:], notLifted: [:])
        for a in alleles where a.build == .grch37 {
            switch chain.lift(a) {
            case .success(let b): out.lifted[a] = b
            case .failure(let f): out.notLifted[a] = f
            }
        }
        return out
    }
}
