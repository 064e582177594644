// bench-knowledge: KB load (prebuilt index) plus matching a generated 5,000-variant case.
// Target (issue #5): load + match under 100 ms. Peer: Benchmarks/scripts/knowledge_peer.py, a plain
// Python script that parses the CIViC TSVs and looks variants up by (gene, protein change) only.
// Usage: bench-knowledge [KB_DIR] [--runs N] [--write-case FILE]
import Foundation
import Knowledge
import OncoCore

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let args = CommandLine.arguments
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let kbDir = args.count > 1 && !args[1].hasPrefix("--") ? URL(fileURLWithPath: args[1])
    : here.deletingLastPathComponent().appendingPathComponent("KnowledgeBase")
let runs = args.firstIndex(of: "--runs").map { Int(args[$0 + 1])! } ?? 20
let caseOut = args.firstIndex(of: "--write-case").map { args[$0 + 1] }

/// A 5,000-variant GRCh37 case: 4,960 random coding SNVs/indels on 400 genes (about a third of them
/// CIViC genes, so many rules are evaluated), plus 40 real hotspots (BRAF V600E, EGFR exon 19
/// deletion, KRAS G12D, PIK3CA H1047R, ...). Seeded, so every run sees the same case.
func makeCase(kb: KnowledgeBase) -> [SomaticVariant] {
    var rng = SplitMix(state: 20_260_805)
    let civicGenes = Array(Set(kb.release.variants.map(\.gene))).sorted()
    let genes = Array(civicGenes.prefix(140)) + (0..<260).map { "GENE\($0)" }
    let aa = Array("ACDEFGHIKLMNPQRSTVWY")
    let cons = ["missense_variant", "missense_variant", "missense_variant", "synonymous_variant", "stop_gained",
                "frameshift_variant", "inframe_deletion", "splice_region_variant", "intron_variant", "3_prime_UTR_variant"]
    var out: [SomaticVariant] = []
    for i in 0..<4960 {
        let g = genes[Int(rng.next() % UInt64(genes.count))]
        let c = cons[Int(rng.next() % UInt64(cons.count))]
        let pos = Int(1 + rng.next() % 1200)
        let ref = aa[Int(rng.next() % 20)], alt = aa[Int(rng.next() % 20)]
        let hgvsp: String?
        switch c {
        case "missense_variant": hgvsp = "p.\(ref)\(pos)\(alt)"
        case "synonymous_variant": hgvsp = "p.\(ref)\(pos)="
        case "stop_gained": hgvsp = "p.\(ref)\(pos)*"
        case "frameshift_variant": hgvsp = "p.\(ref)\(pos)\(alt)fs*\(1 + rng.next() % 30)"
        case "inframe_deletion": hgvsp = "p.\(ref)\(pos)del"
        default: hgvsp = nil
        }
        let chrom = String(1 + rng.next() % 22)
        let p = Int(1_000_000 + rng.next() % 100_000_000)
        let (r, a) = c == "frameshift_variant" ? ("A", "AT") : (c == "inframe_deletion" ? ("ACAG", "A") : ("C", "T"))
        out.append(SomaticVariant(key: VariantKey(build: .grch37, chrom: chrom, position: p, ref: r, alt: a),
                                  filters: i % 25 == 0 ? ["LowQual"] : ["PASS"],
                                  annotation: VariantAnnotation(symbol: g, consequences: [c], hgvsp: hgvsp.map(AminoAcid.longHGVSp),
                                                                hgvspShort: hgvsp, exon: "\(1 + rng.next() % 20)/20")))
    }
    let hot: [(String, String, Int, String, String, String, String, String)] = [
        ("BRAF", "7", 140453136, "A", "T", "p.V600E", "missense_variant", "15/18"),
        ("EGFR", "7", 55242464, "AGGAATTAAGAGAAGC", "A", "p.E746_A750del", "inframe_deletion", "19/28"),
        ("EGFR", "7", 55259515, "T", "G", "p.L858R", "missense_variant", "21/28"),
        ("KRAS", "12", 25398284, "C", "T", "p.G12D", "missense_variant", "2/6"),
        ("PIK3CA", "3", 178952085, "A", "G", "p.H1047R", "missense_variant", "21/21"),
        ("IDH1", "2", 209113112, "C", "T", "p.R132H", "missense_variant", "4/10"),
        ("TP53", "17", 7578406, "C", "T", "p.R175H", "missense_variant", "5/11"),
        ("KIT", "4", 55599321, "A", "T", "p.D816V", "missense_variant", "17/21"),
    ]
    for k in 0..<40 {
        let h = hot[k % hot.count]
        out.append(SomaticVariant(key: VariantKey(build: .grch37, chrom: h.1, position: h.2 + (k / hot.count) * 0, ref: h.3, alt: h.4),
                                  filters: ["PASS"], annotation: VariantAnnotation(symbol: h.0, consequences: [h.6],
                                  hgvsp: AminoAcid.longHGVSp(h.5), hgvspShort: h.5, exon: h.7)))
    }
    return out
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
func ms(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 }
/// CPU time of this thread in ms (less sensitive than wall time to other processes on a busy machine).
func cpuMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

let warm = try KnowledgeBase.load(directory: kbDir)
let variants = makeCase(kb: warm)
if let caseOut {
    var tsv = "gene\thgvsp\tchrom\tpos\tref\talt\tconsequence\texon\tfilter\tbuild\n"
    for v in variants {
        let a = v.annotation!
        tsv += "\(a.symbol ?? "")\t\(a.hgvspShort ?? "")\t\(v.key.chrom)\t\(v.key.position)\t\(v.key.ref)\t\(v.key.alt)\t\(a.consequences.first ?? "")\t\(a.exon ?? "")\t\(v.filters.joined(separator: ";"))\tGRCh37\n"
    }
    try tsv.write(toFile: caseOut, atomically: true, encoding: .utf8)
}
let ctx = ClinicalContext(tumourType: OncoTreeCode("LUAD"), tmb: 12.5,
                          copyNumber: [CopyNumberAlteration(gene: "MET", kind: .amplification)],
                          fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")])
var loads: [Double] = [], matches: [Double] = [], totals: [Double] = [], cpuTotals: [Double] = []
var last: CaseInterpretation?
for _ in 0..<runs {
    let c0 = cpuMs()
    let t0 = DispatchTime.now()
    let kb = try KnowledgeBase.load(directory: kbDir)
    let t1 = DispatchTime.now()
    last = try kb.match(variants: variants, context: ctx)
    let m = ms(t1), total = ms(t0)
    loads.append(total - m); matches.append(m); totals.append(total); cpuTotals.append(cpuMs() - c0)
}
let r = last!
print("bench-knowledge: \(runs) runs, case \(variants.count) variants (\(r.ignoredFiltered) non-PASS), KB \(r.kbVersion)")
print(String(format: "load median %.1f ms (min %.1f) | match median %.1f ms (min %.1f) | load+match median %.1f ms (min %.1f)",
             median(loads), loads.min()!, median(matches), matches.min()!, median(totals), totals.min()!))
print(String(format: "load+match CPU time median %.1f ms (min %.1f)", median(cpuTotals), cpuTotals.min()!))
print("matched profiles \(r.matches.count), therapies \(r.therapies.count), T1 therapies \(r.therapies.filter { $0.bestTier == .t1 }.count)")
