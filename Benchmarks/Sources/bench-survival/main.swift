// bench-survival: times onco's Survival module on the synthetic data of
// Benchmarks/scripts/bench_survival_gen.py, the same files R reads in the same run
// (Benchmarks/scripts/bench_survival.sh). Each timing is the whole analysis from in-memory columns
// (CSV parsing excluded and reported separately, as on R's side): median of --reps runs.
// Usage: bench-survival WORKDIR [--reps N]
import Foundation
import Survival

struct Args {
    var work = "work/survival"
    var reps = 3
    /// Run only analyses whose key contains this (for profiling).
    var only: String?
    init() {
        var a = CommandLine.arguments.dropFirst()
        while let x = a.popFirst() {
            if x == "--reps", let n = a.popFirst().flatMap(Int.init) { reps = n }
            else if x == "--only" { only = a.popFirst() }
            else { work = x }
        }
    }
    func wants(_ key: String) -> Bool { only.map { key.contains($0) } ?? true }
}

/// Columns of a numeric CSV with a header, parsed without Foundation's number formatter:
/// decimal literals without exponent are converted exactly (mantissa / 10^k, correctly rounded),
/// anything else through strtod.
func readNumericCSV(_ path: String) throws -> (header: [String], columns: [[Double]]) {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let bytes = [UInt8](data)
    var i = 0
    while i < bytes.count && bytes[i] != 10 { i += 1 }
    let header = String(decoding: bytes[0..<i], as: UTF8.self).split(separator: ",").map(String.init)
    i += 1
    let ncol = header.count
    var cols = [[Double]](repeating: [], count: ncol)
    let estimate = bytes.count / max(ncol * 4, 1)
    for c in 0..<ncol { cols[c].reserveCapacity(estimate) }
    let pow10: [Double] = (0...22).map { pow(10, Double($0)) }
    bytes.withUnsafeBufferPointer { b in
        var c = 0
        while i < b.count {
            var mant: UInt64 = 0, frac = 0, seenDot = false, ok = true
            let start = i
            while i < b.count && b[i] != 44 && b[i] != 10 {
                let ch = b[i]
                if ch >= 48 && ch <= 57 {
                    mant = mant &* 10 &+ UInt64(ch - 48)
                    if seenDot { frac += 1 }
                } else if ch == 46 && !seenDot { seenDot = true } else { ok = false }
                i += 1
            }
            var v: Double
            if ok && frac <= 22 && mant < (1 << 53) {
                v = Double(mant) / pow10[frac]
            } else {
                v = String(decoding: b[start..<i], as: UTF8.self).withCString { strtod($0, nil) }
            }
            if i - start == 0 { v = .nan }
            cols[c].append(v)
            c += 1
            if i < b.count && b[i] == 10 { c = 0 }
            i += 1
        }
    }
    return (header, cols)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU time of this process (user + system), as R's system.time reports it.
func cpu() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

struct Timing<T> {
    var times: [Double] = [], cpuTimes: [Double] = []
    var value: T
    var median: Double { let s = times.sorted(); return s[s.count / 2] }
    var cpuMedian: Double { let s = cpuTimes.sorted(); return s[s.count / 2] }
    var record: [String: Any] { ["times_s": times, "median_s": median, "cpu_s": cpuTimes, "cpu_median_s": cpuMedian] }
}

func measure<T>(_ reps: Int, _ body: () throws -> T) rethrows -> Timing<T> {
    var times = [Double](), cpus = [Double](), value: T? = nil
    for _ in 0..<reps {
        let t0 = now(), c0 = cpu()
        value = try body()
        times.append(now() - t0)
        cpus.append(cpu() - c0)
    }
    return Timing(times: times, cpuTimes: cpus, value: value!)
}

func line(_ t: [Double]) -> String { t.map { String(format: "%.3f", $0) }.joined(separator: " ") }

func maxRSSMiB() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_maxrss) / 1024
}

func json(_ v: Any) -> String {
    let d = try! JSONSerialization.data(withJSONObject: v, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: d, as: UTF8.self)
}

let args = Args()
var result: [String: Any] = ["reps": args.reps, "swift_survival": "onco Survival"]
for nm in ["100k", "1m"] where args.wants("cox_efron_\(nm)") || args.wants("cox_breslow_\(nm)") {
    let t0 = now()
    let (_, cols) = try readNumericCSV("\(args.work)/synth_\(nm).csv")
    let readS = now() - t0
    let time = cols[0], event = cols[1].map { $0 == 1 }
    for ties in [CoxFit.Ties.efron, .breslow] where args.wants("cox_\(ties.rawValue)_\(nm)") {
        let r = try measure(args.reps) { () -> CoxFit in
            let design = try CoxDesign((1...10).map { .numeric("x\($0)", cols[$0 + 1]) })
            return try CoxFit(time: time, event: event, design: design, options: .init(ties: ties))
        }
        let fit = r.value
        result["cox_\(ties.rawValue)_\(nm)"] = r.record.merging([
            "n": fit.n, "nevent": fit.eventCount, "read_csv_s": readS,
            "iter": fit.iterations, "coef": fit.coefficients, "se": fit.standardErrors,
            "loglik": [fit.logLikelihoodNull, fit.logLikelihood], "concordance": fit.concordance?.c ?? Double.nan,
            "problems": fit.problems.map { "\($0)" },
        ] as [String: Any]) { a, _ in a }
        print("swift cox \(ties.rawValue) \(nm): wall", line(r.times), "cpu", line(r.cpuTimes))
    }
}
if args.wants("km_10m") || args.wants("km_by_x2_10m") || args.wants("logrank_x2_10m") {
    let t0 = now()
    let (_, cols) = try readNumericCSV("\(args.work)/synth_10m_km.csv")
    let readS = now() - t0
    let time = cols[0], event = cols[1].map { $0 == 1 }, x2 = cols[2]
    if args.wants("km_10m") {
        let km = try measure(args.reps) { try KaplanMeier(time: time, event: event) }
        let s = km.value.summary(at: [30, 365, 1825])
        result["km_10m"] = km.record.merging(["n": km.value.n, "read_csv_s": readS, "n_times": km.value.time.count,
                            "surv_at": ["t30": s[0].survival, "t365": s[1].survival, "t1825": s[2].survival],
                            "median": km.value.median.estimate] as [String: Any]) { a, _ in a }
        print("swift km 10m: wall", line(km.times), "cpu", line(km.cpuTimes))
    }
    if args.wants("km_by_x2_10m") {
        let byX2 = try measure(args.reps) { try KaplanMeierCurves(time: time, event: event, group: Factor(x2)) }
        let g = byX2.value.curves.map { $0.summary(at: [365, 1825]) }
        result["km_by_x2_10m"] = byX2.record.merging(["surv_at": ["x2_0_t365": g[0][0].survival, "x2_0_t1825": g[0][1].survival,
                                  "x2_1_t365": g[1][0].survival, "x2_1_t1825": g[1][1].survival]] as [String: Any]) { a, _ in a }
        print("swift km ~ x2 10m: wall", line(byX2.times), "cpu", line(byX2.cpuTimes))
    }
    if args.wants("logrank_x2_10m") {
        let lr = try measure(args.reps) { try LogRank(time: time, event: event, group: Factor(x2)) }
        result["logrank_x2_10m"] = lr.record.merging(["chisq": lr.value.chiSquare] as [String: Any]) { a, _ in a }
        print("swift logrank 10m: wall", line(lr.times), "cpu", line(lr.cpuTimes))
    }
}
result["max_rss_mib"] = maxRSSMiB()
try json(result).write(toFile: "\(args.work)/timings_swift.json", atomically: true, encoding: .utf8)
