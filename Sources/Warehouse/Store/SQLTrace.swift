import Foundation

/// `ONCO_SQL_TRACE=1`: each warehouse read's wall time and statement text (parameters are bound, never
/// printed, so no patient data reaches the trace) on standard error. A profiling aid.
enum SQLTrace {
    static let enabled = ProcessInfo.processInfo.environment["ONCO_SQL_TRACE"] == "1"

    static func record(_ sql: String, since t0: UInt64) {
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        let text = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        FileHandle.standardError.write(Data("sql-trace \(String(format: "%.1f", ms)) ms: \(text.prefix(600))\n".utf8))
    }
}
