import Foundation

/// `ONCO_SQL_TRACE=1`: each warehouse read's wall time and statement text on standard error (parameters
/// are bound, never printed, so no patient data reaches the trace). A profiling aid for both backends.
public enum SQLTrace {
    public static let enabled = ProcessInfo.processInfo.environment["ONCO_SQL_TRACE"] == "1"

    /// A start time when tracing (0 otherwise).
    @inline(__always)
    public static func start() -> UInt64 { enabled ? DispatchTime.now().uptimeNanoseconds : 0 }

    public static func record(_ sql: String, since t0: UInt64) {
        guard enabled else { return }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        let text = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        FileHandle.standardError.write(Data("sql-trace \(String(format: "%.1f", ms)) ms: \(text.prefix(600))\n".utf8))
    }
}
