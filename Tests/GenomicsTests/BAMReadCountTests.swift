import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// REF/ALT read counts at variant sites equal `samtools mpileup -B -Q BQ -q MQ` (samtools 1.16) for the
/// same thresholds, on the SEQC2 tumour and normal WES BAMs: every position where the reads show two
/// bases (an SNV site, REF = commonest base, ALT = next) or an indel (the commonest indel), counted
/// from the pileup text by a parser written here.
@Suite("BAM read counts agree with samtools mpileup")
struct BAMReadCountTests {
    /// One read's entry in a pileup column: its base (upper case, `*` deleted, `>` skip) and indel.
    struct PileupRead { var base: Character; var indel: Int = 0; var inserted = "" }

    struct Column { var depth: Int; var reads: [PileupRead] }

    /// Parses `samtools mpileup` (no reference: bases are letters) into columns by "contig:pos".
    static func pileup(_ bam: String, _ args: [String]) throws -> [String: Column] {
        let out = try Fx.shell("samtools mpileup -B \(args.joined(separator: " ")) \(Fx.quote(bam)) 2>/dev/null")
        var columns: [String: Column] = [:]
        for line in out.split(separator: "\n") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            var reads: [PileupRead] = []
            let s = Array(c[4])
            var i = 0
            while i < s.count {
                let ch = s[i]
                switch ch {
                case "^": i += 2; continue
                case "$": i += 1; continue
                case "+", "-":
                    var j = i + 1, n = 0
                    while j < s.count, let d = s[j].wholeNumberValue { n = n * 10 + d; j += 1 }
                    reads[reads.count - 1].indel = ch == "+" ? n : -n
                    reads[reads.count - 1].inserted = String(s[j..<(j + n)]).uppercased()
                    i = j + n
                    continue
                default:
                    reads.append(PileupRead(base: Character(ch.uppercased())))
                    i += 1
                }
            }
            columns["\(c[0]):\(c[1])"] = Column(depth: Int(c[3])!, reads: reads)
        }
        return columns
    }

    /// Sites where the reads disagree, from an unfiltered pileup.
    static func sites(from columns: [String: Column]) -> [VariantSite] {
        var out: [VariantSite] = []
        for (key, col) in columns.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: ":")
            let contig = String(parts[0]), pos = Int(parts[1])!
            var bases: [Character: Int] = [:]
            for r in col.reads where "ACGT".contains(r.base) { bases[r.base, default: 0] += 1 }
            let ranked = bases.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            if ranked.count >= 2 {
                out.append(VariantSite(contig: contig, position: pos, ref: String(ranked[0].key), alt: String(ranked[1].key)))
            }
            var indels: [String: Int] = [:]
            for r in col.reads where r.indel != 0 { indels["\(r.indel):\(r.inserted)", default: 0] += 1 }
            if let top = indels.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }), let anchor = ranked.first?.key {
                let len = Int(top.key.split(separator: ":")[0])!
                if len > 0 {
                    let seq = String(top.key.split(separator: ":", omittingEmptySubsequences: false)[1])
                    out.append(VariantSite(contig: contig, position: pos, ref: String(anchor), alt: String(anchor) + seq))
                } else {
                    out.append(VariantSite(contig: contig, position: pos, ref: String(anchor) + String(repeating: "N", count: -len), alt: String(anchor)))
                }
            }
        }
        return out
    }

    /// The counts the documented rule gives on a parsed column.
    static func expected(_ site: VariantSite, _ col: Column?) -> (ref: Int, alt: Int, depth: Int) {
        guard let col else { return (0, 0, 0) }
        let r = Character(site.ref.prefix(1).uppercased())
        var ref = 0, alt = 0
        for read in col.reads {
            if site.ref.count == 1 && site.alt.count == 1 {
                if read.base == r { ref += 1 } else if read.base == Character(site.alt.uppercased()) { alt += 1 }
            } else if site.alt.count > site.ref.count {
                if read.indel == 0 && read.base == r { ref += 1 }
                if read.indel == site.alt.count - 1 && read.inserted == String(site.alt.dropFirst()).uppercased() { alt += 1 }
            } else {
                if read.indel == 0 && read.base == r { ref += 1 }
                if read.indel == -(site.ref.count - 1) { alt += 1 }
            }
        }
        return (ref, alt, col.depth)
    }

    static let thresholds: [(bq: Int, mq: Int)] = [(13, 0), (0, 0), (20, 20), (30, 40)]

    @Test(arguments: ["seqc2/WES_LL_T_1_test.bam", "seqc2/WES_LL_N_1_test.bam"])
    func countsEqualMpileup(_ relative: String) throws {
        let bam = Fx.path(relative)
        let sites = Self.sites(from: try Self.pileup(bam, ["-Q", "0", "-q", "0"]))
        #expect(sites.count > 100, "only \(sites.count) sites")
        #expect(sites.contains { $0.ref.count != $0.alt.count }, "no indel sites")
        let counter = try AlignmentReadCounter(path: bam)
        for t in Self.thresholds {
            let columns = try Self.pileup(bam, ["-Q", String(t.bq), "-q", String(t.mq)])
            let counts = try counter.count(sites, options: ReadCountOptions(minBaseQuality: t.bq, minMappingQuality: t.mq))
            var mismatches: [String] = []
            for (site, got) in zip(sites, counts) {
                let e = Self.expected(site, columns["\(site.contig):\(site.position)"])
                let g = try #require(got)
                if g.refReads != e.ref || g.altReads != e.alt || g.depth != e.depth {
                    mismatches.append("\(site.contig):\(site.position) \(site.ref)>\(site.alt) onco \(g.refReads!)/\(g.altReads!)/\(g.depth!) mpileup \(e.ref)/\(e.alt)/\(e.depth)")
                }
            }
            #expect(mismatches.isEmpty, "-Q \(t.bq) -q \(t.mq): \(mismatches.count) of \(sites.count): \(mismatches.prefix(4))")
        }
    }

    /// samtools' own golden pileup (`mpileup.out.3` = `samtools mpileup -B --ff 0x14 -r17:1050-1060`):
    /// every read shows the reference base, so REF = depth and ALT = 0 at each of the 11 positions.
    @Test func samtoolsGoldenPileup() throws {
        let golden = try String(contentsOfFile: Fx.path("hts/mpileup.out.3"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t") }
        let sites = golden.map { c in
            VariantSite(contig: String(c[0]), position: Int(c[1])!, ref: String(c[2]), alt: c[2] == "A" ? "G" : "A")
        }
        let counts = try AlignmentReadCounter(path: Fx.path("hts/mpileup.1.bam"))
            .count(sites, options: ReadCountOptions(minBaseQuality: 13, excludeFlags: 0x14))
        for (c, got) in zip(golden, counts) {
            #expect(got?.depth == Int(c[3]) && got?.refReads == Int(c[3]) && got?.altReads == 0, "17:\(c[1])")
        }
    }

    /// 17:2041 of `mpileup.1.bam` (hts/SOURCES.md): depth 21 after the default filter, A 11, G 10.
    @Test func knownSiteThroughVariantFiles() throws {
        let dir = try makeTemporaryDirectory("onco-bam")
        defer { try? FileManager.default.removeItem(at: dir) }
        let vcf = dir.appendingPathComponent("site.vcf")
        try "##fileformat=VCFv4.2\n##contig=<ID=chr17,length=4200>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr17\t2041\t.\tG\tA\t.\tPASS\t.\n"
            .write(to: vcf, atomically: true, encoding: .utf8)
        let calls = try VariantFiles.read(VariantReadOptions(path: vcf.path, bamPath: Fx.path("hts/mpileup.1.bam")))
        let s = try #require(calls.variants.first?.support)
        #expect(s.source == .bam)
        #expect(s.refReads == 10 && s.altReads == 11 && s.depth == 21)
        #expect(calls.supportSource == .bam)
    }

    /// CRAM (decoded against its reference FASTA) gives the BAM's counts: the BAM converted here with
    /// `samtools view -C -T mpileup.ref.fa` and indexed.
    @Test func cramEqualsBam() throws {
        let dir = try makeTemporaryDirectory("onco-cram")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bam = Fx.path("hts/mpileup.1.bam"), ref = Fx.path("hts/mpileup.ref.fa")
        let cram = dir.appendingPathComponent("mpileup.1.cram").path
        _ = try Fx.shell("samtools view -C -T \(Fx.quote(ref)) -o \(Fx.quote(cram)) \(Fx.quote(bam)) && samtools index \(Fx.quote(cram))")
        let sites = Self.sites(from: try Self.pileup(bam, ["-Q", "0", "-q", "0"]))
        #expect(sites.count > 50)
        let fromBam = try AlignmentReadCounter(path: bam).count(sites)
        let fromCram = try AlignmentReadCounter(path: cram, referenceFasta: ref).count(sites)
        #expect(fromCram == fromBam)
    }

    /// Batching does not change counts: the same sites counted one by one give the same numbers.
    @Test func batchesEqualSingleLookups() throws {
        let bam = Fx.path("seqc2/WES_LL_T_1_test.bam")
        var rng = SeededGenerator(seed: 7)
        let sites = Array(Self.sites(from: try Self.pileup(bam, ["-Q", "0", "-q", "0"])).shuffled(using: &rng).prefix(40))
        let counter = try AlignmentReadCounter(path: bam)
        let batched = try counter.count(sites)
        let single = try sites.map { try counter.count([$0])[0] }
        #expect(batched == single)
    }
}
