// bench-batch: the batch engine's own overhead (see Benchmarks/README.md).
//
//   bench-batch all --cases DIR --out results/batch-engine.md    run every configuration, each in a child process
//   bench-batch run --cases DIR --jobs J --scorer file-check|null   one configuration; prints one JSON line
//   bench-batch recommend --cases DIR --warehouse DB.sqlite --kb DIR --jobs J --out FILE.jsonl
//       the recommendation throughput run (scripts/batch.sh runs it under /usr/bin/time -v): exactly what
//       `onco batch MANIFEST --warehouse DB --jobs J` does (RecommendScorer.prepare + BatchRunner), with the
//       same two lines on standard error (start-up, summary)
//
// `all`/`run` give ENGINE-OVERHEAD figures: the batch runner with the file-check scorer (a full htslib
// read and check of every VCF: the I/O floor of any scorer) and with a null scorer (no I/O: the runner's
// own cost per case: scheduling, JSON line, write(2)). The peer is `bcftools view -Ou` over the same files
// with `xargs -P`, i.e. the same full htslib read.
import Batch
import Foundation
import Genomics
import Logging
import Warehouse

#if canImport(Glibc)
import Glibc
#endif

struct NullScorer: CaseScorer {
    let name = "null"
    func score(_ c: BatchCase) async throws -> ScoredCase {
        ScoredCase(payload: ["tumor_type": .string(c.tumourType), "index": .int(c.index)])
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func cpuSeconds() -> (user: Double, sys: Double, maxRSSMiB: Double) {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return (Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6,
            Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6,
            Double(u.ru_maxrss) / 1024)
}

func argument(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func runOne(casesDir: String, jobs: Int, scorerName: String) async throws {
    VariantFiles.setHTSlibMessages(enabled: false)
    let manifest = try BatchManifest.read(path: casesDir + "/manifest.tsv")
    let scorer: any CaseScorer = scorerName == "null" ? NullScorer() : FileCheckScorer()
    let out = NSTemporaryDirectory() + "bench-batch-\(getpid()).jsonl"
    defer { unlink(out) }
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let before = cpuSeconds()
    let summary = try await BatchRunner(scorer: scorer, options: BatchOptions(jobs: jobs), logger: logger)
        .run(manifest, to: .file(path: out, resume: false, overwrite: true))
    let after = cpuSeconds()
    let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
    let o: JSONObject = [
        "scorer": .string(scorerName), "jobs": .int(jobs), "cases": .int(summary.total),
        "ok": .int(summary.ok), "failed": .int(summary.failed),
        "wall_s": .double(seconds(summary.elapsed)), "cases_per_s": .double(summary.casesPerSecond),
        "user_s": .double(after.user - before.user), "sys_s": .double(after.sys - before.sys),
        "max_rss_mib": .double(after.maxRSSMiB), "output_bytes": .int(bytes),
    ]
    print(o.jsonText)
}

/// Runs this executable as a child for one configuration; returns its JSON result.
func child(_ args: [String]) throws -> JSONObject {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, case .object(let o) = try JSONValue(parsing: data) else {
        fatalError("bench-batch child \(args) failed (\(p.terminationStatus))")
    }
    return o
}

func shell(_ command: String) throws -> (wall: Double, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", command]
    p.standardError = FileHandle.nullDevice
    let clock = ContinuousClock()
    let t0 = clock.now
    try p.run()
    p.waitUntilExit()
    return (seconds(clock.now - t0), p.terminationStatus)
}

func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

func runAll(casesDir: String, outPath: String, repeats: Int) throws {
    let expected = try String(contentsOfFile: casesDir + "/expected.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
    let nCases = expected.count
    let variants = expected.reduce(0) { $0 + (Int($1.split(separator: "\t", omittingEmptySubsequences: false)[4]) ?? 0) }
    let corrupt = expected.filter { $0.contains("\tfailed\t") }.count
    let gz = try shell("du -sb \(casesDir)/vcf | cut -f1 > /tmp/bench-batch-du")
    _ = gz
    let bytesOnDisk = Int((try? String(contentsOfFile: "/tmp/bench-batch-du", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0

    let loadBefore = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    // Warm the page cache once so that every configuration reads from memory.
    _ = try shell("cat \(casesDir)/vcf/* > /dev/null")

    func best(_ args: [String]) throws -> JSONObject {
        var results: [JSONObject] = []
        for _ in 0..<repeats { results.append(try child(args)) }
        return results.max { ($0["cases_per_s"]?.doubleValue ?? 0) < ($1["cases_per_s"]?.doubleValue ?? 0) }!
    }
    let fc1 = try best(["run", "--cases", casesDir, "--jobs", "1", "--scorer", "file-check"])
    let fc2 = try best(["run", "--cases", casesDir, "--jobs", "2", "--scorer", "file-check"])
    let null1 = try best(["run", "--cases", casesDir, "--jobs", "1", "--scorer", "null"])
    let null2 = try best(["run", "--cases", casesDir, "--jobs", "2", "--scorer", "null"])

    // Peer: bcftools view -Ou over every VCF of the manifest (corrupt ones fail there too).
    let list = "cut -f2 \(casesDir)/manifest.tsv | tail -n +2 | sed 's|^|\(casesDir)/|'"
    var peer1 = Double.infinity, peer2 = Double.infinity
    for _ in 0..<repeats {
        peer1 = min(peer1, try shell("\(list) | xargs -P 1 -I{} sh -c 'bcftools view -Ou -o /dev/null {} 2>/dev/null || true'").wall)
        peer2 = min(peer2, try shell("\(list) | xargs -P 2 -I{} sh -c 'bcftools view -Ou -o /dev/null {} 2>/dev/null || true'").wall)
    }

    func d(_ o: JSONObject, _ k: String) -> Double { o[k]?.doubleValue ?? .nan }
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    let speedup = d(fc2, "cases_per_s") / d(fc1, "cases_per_s")
    let nullSpeedup = d(null2, "cases_per_s") / d(null1, "cases_per_s")
    let perCaseNullUs = 1e6 / d(null1, "cases_per_s")
    let date = ISO8601DateFormatter().string(from: Date())
    let loadAfter = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"

    var md = """
        # Batch: engine overhead (file-check and null scorers)

        **These are engine-overhead figures, not recommendation throughput** (that is in `batch.md`). The batch
        engine is measured with the `file-check` scorer (opens every VCF with htslib, reads and unpacks every
        record, checks the BGZF stream and the sample: the I/O floor any scorer pays) and with a `null` scorer
        (no I/O: what the runner itself costs per case: scheduling, the JSON line, one `write(2)`).

        - Command: `make bench` (runs `Benchmarks/scripts/batch.sh`: `gen_cases.py --n \(nCases) --seed 42`, then
          `bench-batch all`; each configuration runs in its own process, best of \(repeats), page cache warm).
        - Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(f(Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824, 0)) GiB; Swift release build; \(date).
          Load average (1/5/15 min) before the runs \(loadBefore), after \(loadAfter): the machine is shared, so
          figures taken under load understate both the rate and the 2-core speed-up.
        - Cases: \(nCases) generated VCFs (100-5,000 variants, log-uniform; \(variants) records in all; GRCh37/38,
          half VEP-annotated), \(corrupt) deliberately corrupt (5%), \(f(Double(bytesOnDisk) / 1_048_576)) MiB of `.vcf.gz`.

        | scorer | jobs | wall s | cases/s | records/s | user s | sys s | cases per CPU s | peak RSS MiB | ok | failed |
        |---|---|---|---|---|---|---|---|---|---|---|

        """
    for o in [fc1, fc2, null1, null2] {
        let recPerS = o["scorer"] == .string("null") ? "-" : f(Double(variants) / d(o, "wall_s"), 0)
        md += "| \(o["scorer"]!.stringValue!) | \(o["jobs"]!.intValue!) | \(f(d(o, "wall_s"), 2)) | \(f(d(o, "cases_per_s"))) | \(recPerS) | \(f(d(o, "user_s"), 2)) | \(f(d(o, "sys_s"), 2)) | \(f(d(o, "cases") / (d(o, "user_s") + d(o, "sys_s")), 0)) | \(f(d(o, "max_rss_mib"))) | \(o["ok"]!.intValue!) | \(o["failed"]!.intValue!) |\n"
    }
    md += """

        - "cases per CPU s" (cases / (user + sys)) does not depend on how much of the machine others use; the
          wall-clock columns and the speed-up do.
        - Speed-up 1 -> 2 cores, file-check scorer: **\(f(speedup, 2))x**; null scorer: \(f(nullSpeedup, 2))x.
        - The runner's own cost (null scorer, 1 job): **\(f(perCaseNullUs, 1)) µs per case**, i.e. at most
          \(f(perCaseNullUs / 1e4, 3))% of a 1-second recommendation per case.
        - Peak memory stays bounded by the in-flight cases (jobs) plus the manifest: see the RSS column.

        Peer (same files, same full htslib read): `bcftools view -Ou -o /dev/null FILE` per case through `xargs -P`:

        | peer | parallel | wall s | cases/s | onco file-check / bcftools (cases/s) |
        |---|---|---|---|---|
        | bcftools view -Ou | 1 | \(f(peer1, 2)) | \(f(Double(nCases) / peer1)) | \(f(d(fc1, "cases_per_s") / (Double(nCases) / peer1), 2)) |
        | bcftools view -Ou | 2 | \(f(peer2, 2)) | \(f(Double(nCases) / peer2)) | \(f(d(fc2, "cases_per_s") / (Double(nCases) / peer2), 2)) |

        bcftools pays one process start per file (as a per-case pipeline step would); onco batch reads all cases
        in one process. Both parse every record (bcftools to re-encode BCF, onco to check it).

        """
    try md.write(toFile: outPath, atomically: true, encoding: .utf8)
    print(md)
}

/// The recommendation over a manifest, as `onco batch` runs it.
func runRecommend(casesDir: String, warehouse: String, kb: String, jobs: Int, out: String) async throws {
    VariantFiles.setHTSlibMessages(enabled: false)
    let manifest = try BatchManifest.read(path: casesDir + "/manifest.tsv")
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try await Warehouse.openSQLite(path: warehouse, logger: logger)
    let (scorer, loaded) = try await RecommendScorer.prepare(knowledgeBase: URL(fileURLWithPath: kb), warehouse: store, logger: logger)
    FileHandle.standardError.write(Data("batch: \(loaded.description)\n".utf8))
    let summary = try await BatchRunner(scorer: scorer, options: BatchOptions(jobs: jobs), logger: logger)
        .run(manifest, to: .file(path: out, resume: false, overwrite: true))
    try await store.close()
    if let st = scorer.recommender.warehouse?.readCacheStatistics {
        FileHandle.standardError.write(Data("batch: warehouse cache: \(st.hits) hits, \(st.misses) cohorts read, \(st.bypassed) neighbour cohorts\n".utf8))
    }
    FileHandle.standardError.write(Data(String(format: "batch: %d ok, %d failed; %d cases in %.1f s (%.1f cases/s)\n", summary.ok, summary.failed,
                                               summary.ok + summary.failed, seconds(summary.elapsed), summary.casesPerSecond).utf8))
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "recommend":
    guard let dir = argument("--cases", in: args), let db = argument("--warehouse", in: args),
          let kb = argument("--kb", in: args), let out = argument("--out", in: args) else {
        fatalError("recommend --cases DIR --warehouse DB --kb DIR --out FILE [--jobs J]")
    }
    try await runRecommend(casesDir: dir, warehouse: db, kb: kb, jobs: Int(argument("--jobs", in: args) ?? "1") ?? 1, out: out)
case "run":
    guard let dir = argument("--cases", in: args) else { fatalError("--cases DIR") }
    try await runOne(casesDir: dir, jobs: Int(argument("--jobs", in: args) ?? "1") ?? 1,
                     scorerName: argument("--scorer", in: args) ?? "file-check")
case "all":
    guard let dir = argument("--cases", in: args) else { fatalError("--cases DIR") }
    try runAll(casesDir: dir, outPath: argument("--out", in: args) ?? "results/batch-engine.md",
               repeats: Int(argument("--repeats", in: args) ?? "3") ?? 3)
default:
    print("usage: bench-batch all --cases DIR [--out results/batch-engine.md] [--repeats 3] | run --cases DIR --jobs J --scorer file-check|null")
}
