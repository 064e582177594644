import FuzzSupport
import OncoCore
import SurvivalInput

/// The survival table reader as `onco survival km|logrank|cox` uses it: `DelimitedTable(path:)` (CSV,
/// or TSV when the header line has a tab) → `SurvivalRows` with the first column as time, the second
/// as event and the rest as used columns → the Cox covariates (numeric, and categorical for names
/// starting with `c`), the first other column as a factor and as weights.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
    let name = firstLine.contains(UInt8(ascii: "\t")) ? "survival.tsv" : "survival.csv"
    let table = try DelimitedTable(path: FuzzInput.write(bytes, to: name))
    guard table.header.count >= 2 else { return }
    let others = Array(Set(table.header.dropFirst(2))).sorted()
    let rows = try SurvivalRows(table, time: table.header[0], event: table.header[1], columns: others)
    FuzzInput.keep(rows.count)
    _ = try? rows.requireRows(2)
    _ = try? rows.coxCovariates(others, categorical: Set(others.filter { $0.hasPrefix("c") }))
    if let first = others.first {
        _ = try? rows.factor(first)
        _ = try? rows.weights(first)
    }
}
