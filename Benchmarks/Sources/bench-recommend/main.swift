// bench-recommend: one tumour-board case end to end (read the VCF, match the KB, fetch the biomarker
// cohort's lines of therapy, KM + adjusted Cox + PH test per candidate, rank, render text/Markdown/
// HTML/JSON) against synthetic SQLite warehouses of 100,000 and 1,000,000 patients.
//
//   bench-recommend synth N DB                    # generate a synthetic warehouse (Cohorts/synthetic-oncology.json, seed 1)
//   bench-recommend case DB [VCF TUMOUR_TYPE] [REPEATS]
//   bench-recommend render DB [VCF TUMOUR_TYPE] [REPEATS] [OUT_DIR]
//   bench-recommend migrate DB                    # open (and so migrate) a warehouse; times the migrations
//
// `case` prints one `key=value` line per measurement: the first (cold) run including opening the
// store, then `REPEATS` warm runs (KB and store open), each as wall and CPU (user+system) seconds;
// Benchmarks/scripts/recommend.sh collects them into results/recommend.md.
//
// `render` recommends the case once, then renders the same `Recommendation` REPEATS times in each
// format (HTML, Markdown, text, JSON) and prints the CPU seconds per render (median and mean) and the
// output size. With OUT_DIR it also writes the four reports there, and the four reports of the same case
// without a warehouse (curated evidence only), so that two builds' outputs can be compared byte for byte.
import Foundation
import Genomics
import Knowledge
import Logging
import OncoCore
import Recommendation
import Reports
import Similarity
import Warehouse

let logger = Logger(label: "bench-recommend")
let args = CommandLine.arguments
func report(_ k: String, _ v: Any) { print("\(k)=\(v)") }
func wall() -> Double { Date().timeIntervalSince1970 }
func cpu() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)   // Glibc imports RUSAGE_SELF as an enum case
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) * 1e-6
}

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let params = ProcessInfo.processInfo.environment["ONCO_SYNTH_PARAMS"] ?? repo.appendingPathComponent("Cohorts/synthetic-oncology.json").path

guard args.count >= 3 else {
    print("usage: bench-recommend synth N DB | case DB [VCF TUMOUR_TYPE] [REPEATS] | render DB [VCF TUMOUR_TYPE] [REPEATS] [OUT_DIR] | migrate DB")
    exit(64)
}

switch args[1] {
case "synth":
    let n = Int(args[2])!
    let g = try SyntheticCohortGenerator(parametersPath: params, patients: n, seed: 1)
    let store = try await Warehouse.openSQLite(path: args[3], logger: logger)
    let t0 = wall(), c0 = cpu()
    let outcome = try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: ProcessInfo.processInfo.activeProcessorCount),
                                                progress: nil, logger: logger)
    try await store.close()
    report("patients", n); report("rows_written", outcome.rowsWritten)
    report("synth_seconds", String(format: "%.1f", wall() - t0)); report("synth_cpu_seconds", String(format: "%.1f", cpu() - c0))

case "migrate":
    // An older warehouse is brought up to date on open (0008 backfills the per-line summary).
    let t0 = wall(), c0 = cpu()
    let store = try await Warehouse.openSQLite(path: args[2], logger: logger)
    let m = try await store.metadata(logger: logger)
    try await store.close()
    report("schema_version", m.schemaVersion)
    report("migrate_seconds", String(format: "%.1f", wall() - t0)); report("migrate_cpu_seconds", String(format: "%.1f", cpu() - c0))

case "case":
    let db = args[2]
    let vcf = args.count > 3 ? args[3] : repo.appendingPathComponent("Cohorts/demo/melanoma-braf-v600e.grch37.vcf").path
    let tumourType = args.count > 4 ? args[4] : "SKCM"
    let repeats = args.count > 5 ? Int(args[5])! : 5
    let clinical = ClinicalContext(tumourType: OncoTreeCode(tumourType), age: 58, sex: .male, stage: "IV")

    var t0 = wall(), c0 = cpu()
    let kb = try KnowledgeBase.load(directory: repo.appendingPathComponent("KnowledgeBase"))
    report("kb_load_seconds", String(format: "%.3f", wall() - t0)); report("kb_load_cpu_seconds", String(format: "%.3f", cpu() - c0))

    /// One case end to end, as `onco recommend --format html` runs it: read the VCF, recommend, render
    /// the HTML report (the heaviest format: SVG plots). Per-phase CPU seconds are accumulated.
    var phaseCPU: [String: Double] = [:]
    func oneCase(_ store: Warehouse) async throws -> (Recommendation, Int) {
        var c0 = cpu()
        let c = try RecommendationCase.read(vcf: vcf, clinical: clinical)
        phaseCPU["read", default: 0] += cpu() - c0; c0 = cpu()
        let r = try await Recommender(knowledgeBase: kb, warehouse: store, neighbourSource: neighbours).recommend(c, logger: logger)
        phaseCPU["recommend", default: 0] += cpu() - c0; c0 = cpu()
        let bytes = RecommendationReport(r).html().utf8.count
        phaseCPU["render_html", default: 0] += cpu() - c0
        return (r, bytes)
    }

    // The nearest-neighbour candidates, as `onco recommend` finds them: the warehouse's similarity index
    // persisted beside it (built once and written on the first run; BENCH_NEIGHBOURS=0 leaves them out).
    // Opening the index is a per-process cost, reported apart from the per-case times.
    var neighbours: SimilarityNeighbourSource?
    if ProcessInfo.processInfo.environment["BENCH_NEIGHBOURS"] != "0" {
        let indexStore = try await Warehouse.openSQLite(path: db, logger: logger)
        let indexPath = WarehouseSimilarity.defaultIndexPath(for: .sqliteFile(db), cacheDirectory: NSTemporaryDirectory())
        let existed = indexPath.map { FileManager.default.fileExists(atPath: $0) } ?? false
        t0 = wall(); c0 = cpu()
        let (source, reason) = await SimilarityNeighbourSource.load(store: indexStore, indexPath: indexPath, logger: logger)
        guard let source else { print("error: similarity index: \(reason)"); exit(1) }
        neighbours = source
        report(existed ? "index_open_seconds" : "index_build_and_write_seconds", String(format: "%.3f", wall() - t0))
        report(existed ? "index_open_cpu_seconds" : "index_build_and_write_cpu_seconds", String(format: "%.3f", cpu() - c0))
        report("index_profiles", source.index.count)
    }

    t0 = wall(); c0 = cpu()
    let store = try await Warehouse.openSQLite(path: db, logger: logger)
    let (first, bytes) = try await oneCase(store)
    report("cold_seconds", String(format: "%.3f", wall() - t0)); report("cold_cpu_seconds", String(format: "%.3f", cpu() - c0))
    let m = try await store.metadata(logger: logger)
    report("warehouse_patients", m.datasets.reduce(0) { $0 + $1.patients })
    report("report_bytes", bytes)
    var coldStages: [String: Double] = [:]
    for s in first.timings { coldStages[s.stage, default: 0] += s.seconds }
    for (k, v) in coldStages.sorted(by: { $0.key < $1.key }) { report("cold_stage_\(k)_seconds", String(format: "%.3f", v)) }
    if let dt = first.therapies.first(where: { $0.realWorld?.model != nil }), let ev = dt.realWorld, let model = ev.model {
        report("example_therapy", "\"\(dt.name)\""); report("example_cohort_patients", ev.cohort.patients)
        report("example_treated", ev.treated.patients); report("example_comparator", ev.comparator.patients)
        report("example_hr", String(format: "%.3f [%.3f, %.3f] %@", model.hazardRatio, model.lower, model.upper, ev.grade.rawValue))
    }
    report("therapies", first.therapies.count); report("not_recommended", first.notRecommended.count)
    report("real_world_analyses", (first.therapies + first.notRecommended).filter { $0.realWorld != nil }.count)
    report("real_world_only", first.realWorldOnly.count)
    report("neighbours", "\"\(first.neighbourStatus)\"")

    var walls: [Double] = [], cpus: [Double] = []
    var stageTotals: [String: Double] = [:]
    for _ in 0..<repeats {
        let w = wall(), c = cpu()
        let (r, _) = try await oneCase(store)
        walls.append(wall() - w); cpus.append(cpu() - c)
        for s in r.timings { stageTotals[s.stage, default: 0] += s.seconds }
    }
    try await store.close()
    walls.sort(); cpus.sort()
    report("warm_runs", repeats)
    report("warm_median_seconds", String(format: "%.3f", walls[walls.count / 2]))
    report("warm_max_seconds", String(format: "%.3f", walls.last!))
    report("warm_median_cpu_seconds", String(format: "%.3f", cpus[cpus.count / 2]))
    for (k, v) in stageTotals.sorted(by: { $0.key < $1.key }) { report("warm_mean_stage_\(k)_seconds", String(format: "%.3f", v / Double(repeats))) }
    for (k, v) in phaseCPU.sorted(by: { $0.key < $1.key }) { report("mean_cpu_\(k)_seconds", String(format: "%.3f", v / Double(repeats + 1))) }

case "render":
    let db = args[2]
    let vcf = args.count > 3 ? args[3] : repo.appendingPathComponent("Cohorts/demo/melanoma-braf-v600e.grch37.vcf").path
    let tumourType = args.count > 4 ? args[4] : "SKCM"
    let repeats = args.count > 5 ? Int(args[5])! : 20
    let outDir = args.count > 6 ? args[6] : nil
    let clinical = ClinicalContext(tumourType: OncoTreeCode(tumourType), age: 58, sex: .male, stage: "IV")
    let kb = try KnowledgeBase.load(directory: repo.appendingPathComponent("KnowledgeBase"))
    let c = try RecommendationCase.read(vcf: vcf, clinical: clinical)
    let store = try await Warehouse.openSQLite(path: db, logger: logger)
    let rec = try await Recommender(knowledgeBase: kb, warehouse: store).recommend(c, logger: logger)
    try await store.close()
    let curated = try await Recommender(knowledgeBase: kb).recommend(c, logger: logger)
    report("therapies", rec.therapies.count); report("not_recommended", rec.notRecommended.count)
    report("real_world_analyses", (rec.therapies + rec.notRecommended).filter { $0.realWorld != nil }.count)
    report("render_repeats", repeats)
    let formats: [(String, String, (RecommendationReport) throws -> String)] = [
        ("html", "html", { $0.html() }), ("markdown", "md", { $0.markdown() }),
        ("text", "txt", { $0.text() }), ("json", "json", { try $0.json() }),
    ]
    let uptime = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    report("loadavg_before", "\"\(uptime)\"")
    for (name, ext, render) in formats {
        let report0 = RecommendationReport(rec)
        var bytes = try render(report0).utf8.count            // one warm-up render (first-use costs)
        var cpus: [Double] = [], walls: [Double] = []
        for _ in 0..<repeats {
            let w = wall(), c0 = cpu()
            bytes = try render(RecommendationReport(rec)).utf8.count
            cpus.append(cpu() - c0); walls.append(wall() - w)
        }
        let sorted = cpus.sorted()
        report("render_\(name)_bytes", bytes)
        report("render_\(name)_cpu_median_seconds", String(format: "%.4f", sorted[sorted.count / 2]))
        report("render_\(name)_cpu_mean_seconds", String(format: "%.4f", cpus.reduce(0, +) / Double(repeats)))
        report("render_\(name)_wall_median_seconds", String(format: "%.4f", walls.sorted()[walls.count / 2]))
        if let outDir {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            try render(report0).write(toFile: "\(outDir)/warehouse.\(ext)", atomically: true, encoding: .utf8)
            try render(RecommendationReport(curated)).write(toFile: "\(outDir)/curated.\(ext)", atomically: true, encoding: .utf8)
        }
    }
    let uptimeAfter = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    report("loadavg_after", "\"\(uptimeAfter)\"")

default:
    print("unknown subcommand \(args[1])")
    exit(64)
}
