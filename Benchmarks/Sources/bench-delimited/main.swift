// bench-delimited: in-process throughput of the delimited-text reader (OncoCore.DelimitedTable)
// as `onco survival` uses it: read the file, split and index every cell, then take time, event and
// every other column as numbers through SurvivalRows (exact parsing, ExactNumber). Prints MB/s of
// the file for the table alone and for table + numbers, best of --reps runs.
// Usage: bench-delimited FILE.csv [--reps N] [--time time] [--event event]
import Foundation
import OncoCore
import SurvivalInput

var args = CommandLine.arguments.dropFirst()
var file: String?, reps = 3, timeColumn = "time", eventColumn = "event"
while let a = args.popFirst() {
    switch a {
    case "--reps": reps = Int(args.popFirst() ?? "") ?? reps
    case "--time": timeColumn = args.popFirst() ?? timeColumn
    case "--event": eventColumn = args.popFirst() ?? eventColumn
    default: file = a
    }
}
guard let file else { print("usage: bench-delimited FILE.csv [--reps N]"); exit(64) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0)
var bestTable = Double.infinity, bestAll = Double.infinity, rows = 0, checksum = 0.0
for _ in 0..<reps {
    var table: DelimitedTable!
    let read = try seconds { table = try DelimitedTable(path: file) }
    bestTable = min(bestTable, read)
    let all = try seconds {
        let t = try DelimitedTable(path: file)
        let others = t.header.filter { $0 != timeColumn && $0 != eventColumn }
        let r = try SurvivalRows(t, time: timeColumn, event: eventColumn, columns: others)
        for c in others { checksum += try r.numeric(c).reduce(0, +) }
        rows = r.count
    }
    bestAll = min(bestAll, all)
    _ = table
}
let mb = size / 1e6
print(String(format: "%@: %.1f MB, %d rows; table %.3f s (%.0f MB/s); table + all columns as numbers %.3f s (%.0f MB/s) [checksum %.6g]",
             file, mb, rows, bestTable, mb / bestTable, bestAll, mb / bestAll, checksum))
