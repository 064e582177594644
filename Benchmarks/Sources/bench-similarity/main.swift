// bench-similarity: exact top-k similar-patient search over 1,000,000 synthetic patients, one core and
// two, single queries and batches, index build/write/load, memory bandwidth; exports the bitsets for
// the faiss peer (Benchmarks/scripts/bench_similarity.sh runs both and writes results/similarity.md).
//
// Usage: bench-similarity [--patients N] [--queries Q] [--batch B] [--out DIR]
import Dispatch
import Foundation
import OncoCore
import Similarity
import Vocabulary

struct Config {
    var patients = 1_000_000, nQueries = 200, batchSize = 1_000
    var outDir = URL(fileURLWithPath: "/tmp/onco-bench-similarity")
    init() {
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--patients": patients = Int(args.popFirst()!)!
            case "--queries": nQueries = Int(args.popFirst()!)!
            case "--batch": batchSize = Int(args.popFirst()!)!
            case "--out": outDir = URL(fileURLWithPath: args.popFirst()!)
            default: fatalError("unknown argument \(a)")
            }
        }
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
/// CPU time of the calling thread: on a shared machine, the time the query itself ran.
func cpuNow() -> Double { var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 }
/// CPU time of the whole process (all threads).
func processCPU() -> Double { var ts = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 }
func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

// MARK: memory bandwidth (SIMD sum over 1 GiB, best of 5)
final class Partials: @unchecked Sendable { var v = [UInt64](repeating: 0, count: 2) }
func simdSum(_ base: UInt, _ lo: Int, _ hi: Int) -> UInt64 {
    // Four independent SIMD accumulators over 64-byte-aligned vectors (lo, hi multiples of 32 words).
    let v = UnsafePointer<SIMD8<UInt64>>(bitPattern: base)!
    var a0 = SIMD8<UInt64>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
    var i = lo / 8
    let end = hi / 8
    while i + 4 <= end { a0 &+= v[i]; a1 &+= v[i + 1]; a2 &+= v[i + 2]; a3 &+= v[i + 3]; i += 4 }
    return (a0 &+ a1 &+ a2 &+ a3).wrappedSum()
}
func measureBandwidth() -> (Double, Double) {
    let n = 1 << 27  // 1 GiB of UInt64
    var rawBuf: UnsafeMutableRawPointer?
    precondition(posix_memalign(&rawBuf, 4096, n * 8) == 0)
    let buf = rawBuf!.assumingMemoryBound(to: UInt64.self)
    for i in 0..<n { buf[i] = UInt64(i) }
    let base = UInt(bitPattern: buf)
    var best1 = Double.infinity, best2 = Double.infinity
    var sink: UInt64 = 0
    for _ in 0..<5 {
        var t = now(); sink &+= simdSum(base, 0, n); best1 = min(best1, now() - t)
        let partial = Partials()
        t = now()
        DispatchQueue.concurrentPerform(iterations: 2) { k in partial.v[k] = simdSum(base, k * n / 2, (k + 1) * n / 2) }
        best2 = min(best2, now() - t)
        sink &+= partial.v[0] &+ partial.v[1]
    }
    free(buf)
    log("memory bandwidth: \(String(format: "%.1f", 1 / best1)) GiB/s one core, \(String(format: "%.1f", 1 / best2)) GiB/s two (sink \(sink % 7))")
    return (1 / best1, 1 / best2)
}

// MARK: synthetic cohort
struct Synth {
    var g: SplitMix
    struct SplitMix: RandomNumberGenerator {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
    static let types: [(String, Double)] = [
        ("LUAD", 12), ("LUSC", 5), ("COAD", 8), ("READ", 3), ("IDC", 12), ("ILC", 3), ("PRAD", 8), ("SKCM", 5),
        ("PAAD", 4), ("GBM", 3), ("BLCA", 4), ("HNSC", 4), ("STAD", 4), ("UCEC", 4), ("HGSOC", 4), ("CCRCC", 3),
        ("HCC", 3), ("THPA", 3), ("AML", 3), ("ESCA", 2), ("SCLC", 2),
    ]
    typealias Driver = (gene: String, cls: AlterationClass, p: Double)
    static let drivers: [String: [Driver]] = [
        "LUAD": [("KRAS", .hotspot, 0.30), ("EGFR", .hotspot, 0.15), ("BRAF", .hotspot, 0.04), ("ALK", .hotspot, 0.04),
                 ("STK11", .truncating, 0.15), ("KEAP1", .truncating, 0.12), ("TP53", .truncating, 0.25), ("TP53", .hotspot, 0.2)],
        "LUSC": [("TP53", .hotspot, 0.45), ("TP53", .truncating, 0.35), ("CDKN2A", .truncating, 0.3), ("PIK3CA", .hotspot, 0.15), ("NFE2L2", .hotspot, 0.15)],
        "COAD": [("APC", .truncating, 0.75), ("KRAS", .hotspot, 0.42), ("TP53", .hotspot, 0.35), ("PIK3CA", .hotspot, 0.18),
                 ("BRAF", .hotspot, 0.10), ("SMAD4", .truncating, 0.12), ("FBXW7", .hotspot, 0.08)],
        "READ": [("APC", .truncating, 0.8), ("KRAS", .hotspot, 0.45), ("TP53", .hotspot, 0.5)],
        "IDC": [("PIK3CA", .hotspot, 0.35), ("TP53", .hotspot, 0.2), ("TP53", .truncating, 0.15), ("GATA3", .truncating, 0.1),
                ("ERBB2", .hotspot, 0.15), ("CDH1", .truncating, 0.05), ("AKT1", .hotspot, 0.03)],
        "ILC": [("CDH1", .truncating, 0.6), ("PIK3CA", .hotspot, 0.45)],
        "PRAD": [("SPOP", .hotspot, 0.1), ("TP53", .hotspot, 0.12), ("PTEN", .truncating, 0.15), ("FOXA1", .hotspot, 0.1), ("AR", .hotspot, 0.05)],
        "SKCM": [("BRAF", .hotspot, 0.5), ("NRAS", .hotspot, 0.25), ("NF1", .truncating, 0.15), ("CDKN2A", .truncating, 0.3)],
        "PAAD": [("KRAS", .hotspot, 0.9), ("TP53", .hotspot, 0.6), ("CDKN2A", .truncating, 0.3), ("SMAD4", .truncating, 0.2)],
        "GBM": [("EGFR", .hotspot, 0.3), ("PTEN", .truncating, 0.3), ("TP53", .hotspot, 0.3), ("IDH1", .hotspot, 0.06), ("NF1", .truncating, 0.1)],
        "BLCA": [("TP53", .hotspot, 0.45), ("FGFR3", .hotspot, 0.15), ("PIK3CA", .hotspot, 0.2), ("KDM6A", .truncating, 0.25), ("ARID1A", .truncating, 0.2)],
        "HNSC": [("TP53", .hotspot, 0.4), ("TP53", .truncating, 0.3), ("CDKN2A", .truncating, 0.2), ("PIK3CA", .hotspot, 0.18), ("NOTCH1", .truncating, 0.15)],
        "STAD": [("TP53", .hotspot, 0.4), ("ARID1A", .truncating, 0.25), ("PIK3CA", .hotspot, 0.15), ("ERBB2", .hotspot, 0.1)],
        "UCEC": [("PTEN", .truncating, 0.6), ("PIK3CA", .hotspot, 0.45), ("ARID1A", .truncating, 0.35), ("CTNNB1", .hotspot, 0.2), ("KRAS", .hotspot, 0.2)],
        "HGSOC": [("TP53", .hotspot, 0.6), ("TP53", .truncating, 0.35), ("BRCA1", .truncating, 0.1), ("BRCA2", .truncating, 0.08)],
        "CCRCC": [("VHL", .truncating, 0.5), ("PBRM1", .truncating, 0.4), ("SETD2", .truncating, 0.12), ("BAP1", .truncating, 0.1)],
        "HCC": [("TP53", .hotspot, 0.3), ("CTNNB1", .hotspot, 0.27), ("ARID1A", .truncating, 0.07)],
        "THPA": [("BRAF", .hotspot, 0.6), ("NRAS", .hotspot, 0.08), ("HRAS", .hotspot, 0.04)],
        "AML": [("FLT3", .hotspot, 0.28), ("NPM1", .truncating, 0.27), ("DNMT3A", .hotspot, 0.25), ("IDH2", .hotspot, 0.1), ("IDH1", .hotspot, 0.09)],
        "ESCA": [("TP53", .hotspot, 0.7), ("CDKN2A", .truncating, 0.15), ("PIK3CA", .hotspot, 0.1)],
        "SCLC": [("TP53", .truncating, 0.5), ("TP53", .hotspot, 0.4), ("RB1", .truncating, 0.7)],
    ]
    let vocab: [String]
    let cumTypes: [Double]
    init(seed: UInt64, vocab: GeneVocabulary) {
        g = SplitMix(s: seed)
        self.vocab = vocab.genes
        var c: [Double] = []; var s = 0.0
        for (_, w) in Self.types { s += w; c.append(s) }
        cumTypes = c.map { $0 / s }
    }
    mutating func u() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double { sqrt(-2 * log(max(1e-300, u()))) * cos(2 * .pi * u()) }

    struct Patient {
        var type: String
        var alterations: [(String, AlterationClass)]
        /// Hotspot alleles (`GENE p.X`): a driver carries one of 3 per gene (50/30/20%), a hotspot passenger
        /// one of 6 per gene, so that 1M patients hold ~2,900 distinct alleles, the order of cancerhotspots.org's
        /// residues × alternative amino acids (as the warehouse index holds them beside the genes).
        var alleles: [String]
        var stage: Int?, age: Int?, sex: Sex, lines: Int?, tmb: Double?
    }
    mutating func patient() -> Patient {
        let x = u()
        let type = Self.types[cumTypes.firstIndex { x <= $0 } ?? 0].0
        var alts: [(String, AlterationClass)] = []
        var alleles: [String] = []
        for d in Self.drivers[type] ?? [] where u() < d.p {
            alts.append((d.gene, d.cls))
            if d.cls == .hotspot { let a = u(); alleles.append("\(d.gene) p.D\(a < 0.5 ? 1 : a < 0.8 ? 2 : 3)X") }
        }
        let passengers = Int(u() * 7)
        for _ in 0..<passengers {
            let gene = vocab[Int(g.next() % UInt64(vocab.count))]
            let r = u()
            let c: AlterationClass = r < 0.7 ? .other : r < 0.85 ? .truncating : .hotspot
            alts.append((gene, c))
            if c == .hotspot { alleles.append("\(gene) p.H\(g.next() % 6)X") }
        }
        let sexR = u()
        return Patient(type: type, alterations: alts, alleles: alleles,
                       stage: u() < 0.1 ? nil : 1 + Int(u() * 4), age: u() < 0.05 ? nil : min(95, max(18, Int(63 + 12 * normal()))),
                       sex: sexR < 0.48 ? .female : sexR < 0.97 ? .male : .unknown, lines: u() < 0.2 ? nil : Int(u() * 5),
                       tmb: u() < 0.1 ? nil : exp(1.0 + 1.0 * normal()))
    }
    func profile(_ p: Patient, key: String) -> PatientProfile {
        var prof = PatientProfile(key: PatientKey(key), tumourType: OncoTreeCode(p.type), tmb: p.tmb, stage: p.stage, age: p.age,
                                  sex: p.sex, priorLines: p.lines)
        for (gname, c) in p.alterations {
            switch c {
            case .hotspot: prof.hotspotGenes.insert(gname)
            case .truncating: prof.truncatingGenes.insert(gname)
            case .other: prof.otherGenes.insert(gname)
            }
        }
        prof.hotspotAlleles = Set(p.alleles)
        prof.pathways = ProfileBuilder().pathwaySet(hotspot: prof.hotspotGenes, truncating: prof.truncatingGenes)
        return prof
    }
}

func key(_ i: Int) -> String {
    // Pseudonymous-looking keys: 16 hex digits of a mixed integer.
    var z = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
    let h = String(z ^ (z >> 29), radix: 16)
    return String(repeating: "0", count: 16 - h.count) + h
}

/// SCALE_NOTES' reference scan, re-timed in this run to calibrate the machine's current speed: plain Swift
/// Jaccard over 1M × 512-bit row-major bitsets with `nonzeroBitCount` (5.8 ms a query on an idle machine).
func calibrationJaccard(rows n: Int) -> Double {
    let w = 8
    let buf = UnsafeMutablePointer<UInt64>.allocate(capacity: n * w)
    defer { buf.deallocate() }
    var s: UInt64 = 88172645463325252
    for i in 0..<(n * w) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; buf[i] = s & (s >> 3) & (s >> 5) }
    let q: [UInt64] = (0..<w).map { UInt64($0 * 7 + 1) }
    var best = Double.infinity, sink = 0.0
    for _ in 0..<3 {
        let t = cpuNow()
        var top = 0.0
        for r in 0..<n {
            var inter = 0, uni = 0
            for j in 0..<w { let a = buf[r * w + j]; inter += (a & q[j]).nonzeroBitCount; uni += (a | q[j]).nonzeroBitCount }
            let sc = Double(inter) / Double(max(1, uni))
            if sc > top { top = sc }
        }
        sink += top
        best = min(best, cpuNow() - t)
    }
    if sink < 0 { print(sink) }
    return best
}

func run() throws {
    let config = Config()
    let patients = config.patients, nQueries = config.nQueries, batchSize = config.batchSize, outDir = config.outDir
    try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
    var figures: [String: Any] = [:]
    let (bw1, bw2) = measureBandwidth()
    figures["bandwidth_1core_GiBs"] = bw1
    figures["bandwidth_2core_GiBs"] = bw2
    figures["calibration_plain_jaccard_cpu_ms"] = calibrationJaccard(rows: 1_000_000) * 1000
    log("calibration: plain Swift Jaccard 1M x 512 bits \(String(format: "%.1f", figures["calibration_plain_jaccard_cpu_ms"] as! Double)) ms CPU")
    var index = SimilarityIndex(reservingCapacity: patients)
    var synth = Synth(seed: 42, vocab: index.vocabulary)
    var cols = SimilarityIndex.ProfileColumns()
    cols.keys.reserveCapacity(patients)
    cols.alleleOffsets = [0]
    let t0 = now()
    for i in 0..<patients {
        let p = synth.patient()
        cols.keys.append(PatientKey(key(i))); cols.tumourTypes.append(OncoTreeCode(p.type))
        cols.stages.append(Int8(p.stage ?? -1)); cols.ages.append(Int16(p.age ?? -1)); cols.sexes.append(p.sex)
        cols.priorLines.append(Int16(p.lines ?? -1)); cols.tmb.append(p.tmb ?? .nan)
        for (gname, c) in p.alterations {
            guard let id = index.vocabulary.id(of: gname) else { continue }  // a panel: other genes are not compared
            cols.alterationGenes.append(Int32(id)); cols.alterationClasses.append(c)
        }
        cols.alterationOffsets.append(Int32(cols.alterationGenes.count))
        cols.hotspotAlleles += Set(p.alleles).sorted()
        cols.alleleOffsets.append(Int32(cols.hotspotAlleles.count))
    }
    figures["load_average_start"] = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    log("generated \(patients) synthetic patients in \(String(format: "%.2f", now() - t0)) s (\(cols.alterationGenes.count) alterations)")
    var t = now()
    try index.upsert(cols)
    let buildColumns = now() - t
    figures["patients"] = patients
    figures["build_columns_s"] = buildColumns
    figures["build_columns_rate"] = Double(patients) / buildColumns
    figures["row_bytes"] = index.rowBytes
    figures["words_per_row"] = index.wordsPerRow
    figures["vocabulary"] = index.vocabulary.count
    figures["alleles"] = index.alleles.count
    log("alleles: \(index.alleles.count), words per row \(index.wordsPerRow)")
    log("index build (columns): \(String(format: "%.2f", buildColumns)) s, \(Int(Double(patients) / buildColumns)) patients/s, \(index.rowBytes >> 20) MiB rows")

    // Build rate from profile objects, on 100k.
    do {
        var s2 = Synth(seed: 7, vocab: index.vocabulary)
        let profs = (0..<100_000).map { s2.profile(s2.patient(), key: key($0)) }
        let t = now()
        let small = SimilarityIndex(profiles: profs)
        let d = now() - t
        figures["build_profiles_rate"] = Double(small.count) / d
        log("index build (profile values, 100k): \(Int(Double(small.count) / d)) patients/s")
    }

    // Queries: new cases from the same distribution.
    var qs = Synth(seed: 4242, vocab: index.vocabulary)
    let queries = (0..<max(nQueries, batchSize)).map { qs.profile(qs.patient(), key: "query-\($0)") }
    let single = Array(queries.prefix(nQueries))

    var lastCPU: [Double] = []
    func timeQueries(_ qs: [PatientProfile], _ o: SearchOptions) throws -> [Double] {
        var ts: [Double] = [], cs: [Double] = []
        for q in qs {
            let t = now(), c = o.threads == 1 ? cpuNow() : processCPU()
            _ = try index.search(q, options: o)
            ts.append(now() - t); cs.append((o.threads == 1 ? cpuNow() : processCPU()) - c)
        }
        lastCPU = cs.sorted()
        return ts.sorted()
    }
    func stats(_ ts: [Double]) -> [String: Double] {
        let c = lastCPU
        return ["median_ms": ts[ts.count / 2] * 1000, "mean_ms": ts.reduce(0, +) / Double(ts.count) * 1000,
                "p95_ms": ts[Int(Double(ts.count) * 0.95)] * 1000, "min_ms": ts[0] * 1000,
                "cpu_median_ms": c[c.count / 2] * 1000, "cpu_mean_ms": c.reduce(0, +) / Double(c.count) * 1000,
                "cpu_p95_ms": c[Int(Double(c.count) * 0.95)] * 1000]
    }
    _ = try timeQueries(Array(single.prefix(5)), SearchOptions(k: 50))  // warm-up
    let one = try timeQueries(single, SearchOptions(k: 50, threads: 1))
    figures["query_1thread"] = stats(one)
    let bytes = single.map { index.bytesScanned(by: $0) }
    let meanBytes = Double(bytes.reduce(0, +)) / Double(bytes.count)
    figures["query_mean_bytes"] = meanBytes
    figures["query_effective_GiBs"] = meanBytes / (one.reduce(0, +) / Double(one.count)) / Double(1 << 30)
    figures["query_effective_GiBs_cpu"] = meanBytes / (lastCPU.reduce(0, +) / Double(lastCPU.count)) / Double(1 << 30)
    log("top-50, 1 thread: median \(String(format: "%.2f", one[one.count / 2] * 1000)) ms wall, \(String(format: "%.2f", lastCPU[lastCPU.count / 2] * 1000)) ms CPU, mean bytes \(Int(meanBytes) >> 20) MiB")
    let two = try timeQueries(single, SearchOptions(k: 50, threads: 2))
    figures["query_2threads"] = stats(two)
    log("top-50, 2 threads: median \(String(format: "%.2f", two[two.count / 2] * 1000)) ms")
    let filtered = try timeQueries(single, SearchOptions(k: 50, filter: .within(OncoTreeCode("NSCLC"))))
    figures["query_filtered_NSCLC"] = stats(filtered)
    log("top-50 within NSCLC: median \(String(format: "%.2f", filtered[filtered.count / 2] * 1000)) ms")

    // Dense worst case: every vocabulary gene in every class (reads every feature mask: the whole buffer).
    do {
        var dense = PatientProfile(key: PatientKey("dense"), tumourType: OncoTreeCode("LUAD"), tmb: 12, stage: 3, age: 60, sex: .male, priorLines: 1)
        for gname in index.vocabulary.genes {
            dense.hotspotGenes.insert(gname); dense.truncatingGenes.insert(gname); dense.otherGenes.insert(gname)
        }
        dense.pathways = ProfileBuilder().pathwaySet(hotspot: dense.hotspotGenes, truncating: dense.truncatingGenes)
        let ts = try timeQueries(Array(repeating: dense, count: 20), SearchOptions(k: 50))
        let b = Double(index.bytesScanned(by: dense))
        figures["dense_query"] = stats(ts)
        figures["dense_query_bytes"] = b
        figures["dense_query_GiBs"] = b / ts[ts.count / 2] / Double(1 << 30)
        figures["dense_query_GiBs_cpu"] = b / lastCPU[lastCPU.count / 2] / Double(1 << 30)
        log("dense query (every gene in every class: the whole row buffer): median \(String(format: "%.2f", ts[ts.count / 2] * 1000)) ms, \(String(format: "%.1f", b / ts[ts.count / 2] / Double(1 << 30))) GiB/s")
    }

    // Batch: many queries in one scan.
    let batch = Array(queries.prefix(batchSize))
    for threads in [1, 2] {
        let t = now(), c = processCPU()
        let r = try index.searchBatch(batch, options: SearchOptions(k: 50, threads: threads))
        let d = now() - t
        figures["batch_\(threads)thread_cpu_s"] = processCPU() - c
        precondition(r.count == batch.count)
        figures["batch_\(threads)thread_s"] = d
        figures["batch_\(threads)thread_qps"] = Double(batch.count) / d
        log("batch of \(batch.count), \(threads) thread(s): \(String(format: "%.2f", d)) s, \(Int(Double(batch.count) / d)) queries/s")
    }
    // Check: batch answers equal single answers on a sample.
    do {
        let sample = Array(batch.prefix(20))
        let b = try index.searchBatch(sample, options: SearchOptions(k: 50, threads: 2))
        for (i, q) in sample.enumerated() { let one = try index.search(q, options: SearchOptions(k: 50)); precondition(one == b[i], "batch != single") }
    }

    // Persistence and incremental update.
    do {
        let url = outDir.appendingPathComponent("similarity.onco-index")
        var t = now()
        try index.write(to: url)
        figures["write_s"] = now() - t
        figures["file_bytes"] = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        t = now()
        var loaded = try SimilarityIndex(contentsOf: url, verify: true)
        figures["load_verify_s"] = now() - t
        t = now()
        _ = try SimilarityIndex(contentsOf: url, verify: false)
        figures["load_noverify_s"] = now() - t
        let r1 = try loaded.search(single[0], options: SearchOptions(k: 50)), r2 = try index.search(single[0], options: SearchOptions(k: 50))
        precondition(r1 == r2, "loaded index answers differently")
        var s3 = Synth(seed: 99, vocab: index.vocabulary)
        let extra = (0..<10_000).map { s3.profile(s3.patient(), key: "late-\($0)") }
        t = now()
        loaded.upsert(extra)
        figures["upsert_10k_into_mapped_s"] = now() - t
        t = now()
        index.upsert(extra)
        figures["upsert_10k_s"] = now() - t
        log("write \(String(format: "%.2f", figures["write_s"] as! Double)) s, load \(String(format: "%.2f", figures["load_verify_s"] as! Double)) s (verified) / \(String(format: "%.2f", figures["load_noverify_s"] as! Double)) s, upsert 10k \(String(format: "%.3f", figures["upsert_10k_s"] as! Double)) s")
        try? FileManager.default.removeItem(at: url)
    }

    // Export bitsets for faiss: per patient the 24 gene words, the allele words (one bit per hotspot allele
    // of the index) and the pathway mask word, and the same for the queries. Only the first `patients` rows
    // (the extra 10k are not exported).
    do {
        let exportRows = patients
        let alleleID = Dictionary(uniqueKeysWithValues: index.alleles.enumerated().map { ($1, $0) })
        let alleleBase = 3 * ((index.vocabulary.count + 63) / 64)
        let words = alleleBase + (index.alleles.count + 63) / 64 + 1
        func encode(_ p: PatientProfile, into buf: UnsafeMutablePointer<UInt64>) {
            let wpc = (index.vocabulary.count + 63) / 64
            for w in 0..<words { buf[w] = 0 }
            for c in AlterationClass.allCases {
                for gname in p.genes(c) {
                    guard let id = index.vocabulary.id(of: gname) else { continue }
                    buf[c.rawValue * wpc + id >> 6] |= 1 << UInt64(id & 63)
                }
            }
            for a in p.hotspotAlleles { if let id = alleleID[a] { buf[alleleBase + id >> 6] |= 1 << UInt64(id & 63) } }
            buf[words - 1] = UInt64(p.pathways.mask)
        }
        // Rebuild patient profiles from the columns (same content the index holds).
        let data = UnsafeMutablePointer<UInt64>.allocate(capacity: exportRows * words)
        let wpc = (index.vocabulary.count + 63) / 64
        let pathwayOf = index.vocabulary.genes.map { PathwayCatalog.sanchezVega2018.pathways(of: $0).mask }
        for i in 0..<exportRows {
            let row = data + i * words
            for w in 0..<words { row[w] = 0 }
            var pm: UInt16 = 0
            for a in Int(cols.alterationOffsets[i])..<Int(cols.alterationOffsets[i + 1]) {
                let gid = Int(cols.alterationGenes[a]), c = cols.alterationClasses[a].rawValue
                row[c * wpc + gid >> 6] |= 1 << UInt64(gid & 63)
                if c != AlterationClass.other.rawValue { pm |= pathwayOf[gid] }
            }
            for a in Int(cols.alleleOffsets[i])..<Int(cols.alleleOffsets[i + 1]) {
                if let id = alleleID[cols.hotspotAlleles[a]] { row[alleleBase + id >> 6] |= 1 << UInt64(id & 63) }
            }
            row[words - 1] = UInt64(pm)
        }
        try Data(bytesNoCopy: data, count: exportRows * words * 8, deallocator: .none).write(to: outDir.appendingPathComponent("db.u8"))
        data.deallocate()
        let qd = UnsafeMutablePointer<UInt64>.allocate(capacity: queries.count * words)
        for (i, q) in queries.enumerated() { encode(q, into: qd + i * words) }
        try Data(bytesNoCopy: qd, count: queries.count * words * 8, deallocator: .none).write(to: outDir.appendingPathComponent("queries.u8"))
        qd.deallocate()
        figures["export_code_bytes"] = words * 8
        figures["single_queries"] = nQueries
        figures["batch_queries"] = batch.count
    }
    let json = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
    try json.write(to: outDir.appendingPathComponent("onco.json"))
    print(String(decoding: json, as: UTF8.self))

}
switch CommandLine.arguments.dropFirst().first {
case "warehouse-synth": try await warehouseSynth(Array(CommandLine.arguments.dropFirst(2)))
case "warehouse-profiles": try await warehouseProfiles(Array(CommandLine.arguments.dropFirst(2)))
case "warehouse-drivers": try await warehouseDrivers(Array(CommandLine.arguments.dropFirst(2)))
default: try run()
}
