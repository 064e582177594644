import Batch
import Foundation
import OncoCore

/// Draws batch progress on standard error: a redrawn bar on a terminal, or a plain line every
/// `interval` seconds otherwise. Called from the batch's consumer task only; the lock is for Swift's
/// `Sendable` rule.
final class ProgressRenderer: @unchecked Sendable {
    private let style: BatchRunCommand.ProgressStyle
    private let interval: Double
    private let lock = NSLock()
    private var lastDraw: ContinuousClock.Instant? = nil

    init(style: BatchRunCommand.ProgressStyle, interval: Double) {
        self.style = style
        self.interval = interval
    }

    func render(_ p: BatchProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        switch style {
        case .bar:
            let due = lastDraw.map { now - $0 >= .milliseconds(100) } ?? true
            guard due || p.event != .caseFinished else { return }
            lastDraw = now
            let width = 30
            let frac = p.total > 0 ? Double(p.done) / Double(p.total) : 1
            let filled = Int((frac * Double(width)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            var s = "\r\u{1B}[K[\(bar)] \(p.done)/\(p.total) \(String(format: "%5.1f%%", frac * 100))"
            s += String(format: "  %.1f cases/s", p.rate)
            s += "  ETA \(p.eta.map(formatDuration) ?? "--")"
            if p.failed > 0 { s += "  \(p.failed) failed" }
            if p.event == .finished { s += "\n" }
            StandardError.write(s)
        case .lines:
            switch p.event {
            case .started:
                lastDraw = now
                StandardError.write("batch: \(p.total) cases, \(p.resumed) already done\n")
            case .caseFinished:
                guard let last = lastDraw, now - last >= .milliseconds(Int64(interval * 1000)) else { return }
                lastDraw = now
                let pct = p.total > 0 ? Double(p.done) / Double(p.total) * 100 : 100
                StandardError.write("batch: \(p.done)/\(p.total) done (\(String(format: "%.1f", pct))%), \(p.failed) failed, "
                                    + "\(String(format: "%.1f", p.rate)) cases/s, ETA \(p.eta.map(formatDuration) ?? "--")\n")
            case .finished: break
            }
        case .none, .auto: break
        }
    }
}

/// A problem with the command's inputs found while running (exit 1, "Error: ...").
struct BatchInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    /// `map` with an async throwing transform.
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let w = self else { return nil }
        return try await transform(w)
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func formatDuration(_ d: Duration) -> String {
    let s = Int(seconds(d).rounded())
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s)s"
}
