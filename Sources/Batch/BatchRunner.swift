import Foundation
import Logging

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// Cases scored at once. Also the bound on memory: at most `jobs` cases (their scorer state and
    /// their finished line) are held at any time. Default: the active processor count.
    public var jobs: Int
    /// Only the cases of this shard.
    public var shard: Shard?
    /// When the output file is flushed to disk.
    public var fsync: FsyncPolicy

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard? = nil,
                fsync: FsyncPolicy = .default) {
        self.jobs = max(1, jobs)
        self.shard = shard
        self.fsync = fsync
    }
}

/// Where the lines go.
public enum BatchOutput: Sendable {
    /// A file. `resume`: keep the cases it already holds (after cutting a torn last line) and
    /// append the others; `overwrite`: start afresh; neither: the file must not exist or be empty.
    case file(path: String, resume: Bool, overwrite: Bool)
    /// Standard output (no resume, no fsync).
    case standardOutput
}

/// A progress report, sent after the batch starts, after each case, and at the end.
public struct BatchProgress: Sendable {
    public enum Event: Sendable { case started, caseFinished, finished }
    public let event: Event
    /// Cases in this run's selection (the shard, or the whole manifest).
    public let total: Int
    /// Cases found already done in the output (`--resume`).
    public let resumed: Int
    /// Cases scored by this run so far.
    public let scored: Int
    public let ok: Int
    public let failed: Int
    /// Time since the batch started scoring.
    public let elapsed: Duration

    /// Cases done, resumed ones included.
    public var done: Int { resumed + scored }
    /// Cases scored per second by this run.
    public var rate: Double {
        let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return s > 0 ? Double(scored) / s : 0
    }
    /// Estimated time to finish at the current rate (nil before the first case).
    public var eta: Duration? {
        guard scored > 0, rate > 0 else { return nil }
        return .milliseconds(Int64((Double(total - done) / rate * 1000).rounded()))
    }
}

/// What a batch did.
public struct BatchSummary: Sendable, Hashable {
    /// Cases in the selection.
    public let total: Int
    /// Cases skipped because the output already held them.
    public let resumed: Int
    /// Cases scored by this run, and how they ended.
    public let ok: Int
    public let failed: Int
    /// Failed cases already in the output when resuming.
    public let resumedFailed: Int
    public let elapsed: Duration
    /// The cases this run scored, in completion order, with how each ended (e.g. for the audit log: each
    /// case that read the warehouse).
    public var scored: [Scored] = []

    public struct Scored: Sendable, Hashable {
        public let batchCase: BatchCase
        public let status: BatchLine.Status
    }

    /// Cases scored per second by this run.
    public var casesPerSecond: Double {
        let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return s > 0 ? Double(ok + failed) / s : 0
    }
    /// True if any case of the selection (this run's or resumed) failed.
    public var anyFailed: Bool { failed + resumedFailed > 0 }
}

/// Runs a scorer over many cases in parallel and streams one JSON line per case.
///
/// - Parallelism: up to `options.jobs` cases are scored at once in a task group; each child scores
///   its case and serialises its line, and the runner appends lines **in completion order** (fastest
///   throughput; no case waits for a slow one). `onco batch merge` writes manifest order.
/// - Memory is bounded by `jobs` in-flight cases plus the case list.
/// - A case whose scorer throws gets a `failed` line; the batch goes on. Only output errors
///   (disk full, lock held, a foreign line in a resumed file) stop it.
/// - Resume: the output's complete lines are read, a torn last line is cut, and their cases are
///   skipped (failed ones included: re-run them by removing their lines). A line for a case that
///   is not in this selection stops the batch: it is the wrong output or the wrong shard.
public struct BatchRunner: Sendable {
    public let scorer: any CaseScorer
    public let options: BatchOptions
    public let logger: Logger

    public init(scorer: any CaseScorer, options: BatchOptions = BatchOptions(), logger: Logger) {
        self.scorer = scorer
        self.options = options
        self.logger = logger
    }

    /// Scores the manifest's cases (of `options.shard`, if set) into `output`.
    public func run(_ manifest: BatchManifest, to output: BatchOutput,
                    progress: (@Sendable (BatchProgress) -> Void)? = nil) async throws -> BatchSummary {
        try await run(manifest.cases(in: options.shard), to: output, progress: progress)
    }

    /// Scores `cases` into `output`.
    public func run(_ cases: [BatchCase], to output: BatchOutput,
                    progress: (@Sendable (BatchProgress) -> Void)? = nil) async throws -> BatchSummary {
        let writer: JSONLinesWriter
        var done: [String: BatchLine.Status] = [:]
        switch output {
        case .standardOutput:
            writer = JSONLinesWriter(fileDescriptor: 1, name: "standard output")
        case .file(let path, let resume, let overwrite):
            if resume, FileManager.default.fileExists(atPath: path) {
                // Lock first, so that the scan and the cut cannot race another writer.
                writer = try JSONLinesWriter(path: path, existing: .append, fsync: options.fsync)
                let scan = try BatchOutputScan.read(path: path, truncatePartialTail: true)
                if scan.partialTailBytes > 0 {
                    logger.info("batch.resume cut a torn last line", metadata: ["batch.bytes": "\(scan.partialTailBytes)"])
                }
                let wanted = Set(cases.map(\.id))
                for e in scan.entries {
                    guard wanted.contains(e.record.caseID) else {
                        throw BatchOutputError(.foreignCase, file: path, line: e.line,
                                               "case is not in this manifest\(options.shard.map { " shard \($0)" } ?? "") (wrong output file or --shard?)")
                    }
                    guard done.updateValue(e.record.status, forKey: e.record.caseID) == nil else {
                        throw BatchOutputError(.malformedLine, file: path, line: e.line, "case appears twice in the output")
                    }
                }
            } else {
                writer = try JSONLinesWriter(path: path, existing: overwrite ? .overwrite : .refuse, fsync: options.fsync)
            }
        }
        let todo = cases.filter { done[$0.id] == nil }
        let resumedFailed = done.values.filter { $0 == .failed }.count
        logger.info("batch.start", metadata: [
            "batch.cases": "\(cases.count)", "batch.resumed": "\(done.count)", "batch.jobs": "\(options.jobs)",
            "batch.scorer": "\(scorer.name)",
        ])

        let clock = ContinuousClock()
        let start = clock.now
        var ok = 0, failed = 0
        var scored: [BatchSummary.Scored] = []
        scored.reserveCapacity(todo.count)
        func report(_ event: BatchProgress.Event) {
            progress?(BatchProgress(event: event, total: cases.count, resumed: done.count, scored: ok + failed,
                                    ok: ok, failed: failed, elapsed: clock.now - start))
        }
        report(.started)

        let scorer = self.scorer
        try await withThrowingTaskGroup(of: (Int, BatchLine.Status, [UInt8]).self) { group in
            var next = 0
            func launch() {
                let i = next, c = todo[next]
                next += 1
                group.addTask { let (status, bytes) = await Self.scoreLine(c, scorer: scorer); return (i, status, bytes) }
            }
            while next < min(options.jobs, todo.count) { launch() }
            while let (i, status, bytes) = try await group.next() {
                try writer.append(bytes)
                scored.append(BatchSummary.Scored(batchCase: todo[i], status: status))
                if status == .ok { ok += 1 } else { failed += 1 }
                report(.caseFinished)
                if next < todo.count { launch() }
            }
        }
        try writer.close()
        var summary = BatchSummary(total: cases.count, resumed: done.count, ok: ok, failed: failed,
                                   resumedFailed: resumedFailed, elapsed: clock.now - start)
        summary.scored = scored
        report(.finished)
        logger.info("batch.finish", metadata: [
            "batch.ok": "\(ok)", "batch.failed": "\(failed)", "batch.resumed": "\(done.count)",
            "batch.rate": "\(String(format: "%.1f", summary.casesPerSecond))",
        ])
        return summary
    }

    /// Scores one case and renders its line; never throws (a failure is a line).
    static func scoreLine(_ c: BatchCase, scorer: any CaseScorer) async -> (BatchLine.Status, [UInt8]) {
        let clock = ContinuousClock()
        let start = clock.now
        let result: Result<ScoredCase, CaseError>
        do {
            result = .success(try await scorer.score(c))
        } catch let e as CaseError {
            result = .failure(e)
        } catch {
            result = .failure(CaseError(.other, String(describing: error)))
        }
        return BatchLine.encode(case: c, scorer: scorer.name, result: result, total: clock.now - start)
    }
}
