/// What batch runs for each case: the seam between the engine and the analysis.
///
/// A scorer owns its shared resources (knowledge base, similarity index, warehouse connection
/// pool): build it once, before the batch, and the engine calls `score` concurrently from up to
/// `BatchOptions.jobs` tasks. It must therefore be `Sendable` and keep per-case state local to
/// `score` (one htslib reader per call, for instance: htslib handles are single-threaded).
///
/// `score` throws for a case that cannot be scored; the engine writes a `failed` line for it and
/// goes on. Throw `CaseError` to give the line a stable `code`; any other error is written with
/// code `error` and its `description` (which, by onco's rule, carries no patient identifier).
///
/// ```swift
/// let scorer = try FileCheckScorer()          // or the recommendation scorer
/// let summary = try await BatchRunner(scorer: scorer, options: options, logger: logger)
///     .run(cases, output: output, progress: { event in ... })
/// ```
public protocol CaseScorer: Sendable {
    /// The scorer's name, written in each line as `"scorer"` (`"file-check"`, `"recommend"`).
    var name: String { get }
    /// Scores one case. Called concurrently; must not block other cases' progress on shared locks
    /// for long.
    func score(_ case: BatchCase) async throws -> ScoredCase
}

/// A scorer's result for one case: its JSON object and how long each stage took.
public struct ScoredCase: Sendable {
    /// The scorer's JSON object, written inside the case's line. It must not use the engine's
    /// member names (`BatchLine.reservedKeys`); a payload that does fails its case.
    public var payload: JSONObject
    /// Per-stage wall-clock times, in the order the stages ran (`read`, `match`, `similarity`, ...).
    public var timings: [StageTiming]

    public init(payload: JSONObject, timings: [StageTiming] = []) {
        self.payload = payload
        self.timings = timings
    }
}

/// How long one stage of a case took.
public struct StageTiming: Sendable, Hashable {
    /// The stage, a short lower-case word (`read`, `match`, `similarity`, `survival`, `render`).
    public var stage: String
    public var duration: Duration

    public init(_ stage: String, _ duration: Duration) {
        self.stage = stage
        self.duration = duration
    }

    /// Runs `body`, appending its duration to `timings` under `stage` even if it throws.
    public static func measure<T>(_ stage: String, into timings: inout [StageTiming],
                                  _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { timings.append(StageTiming(stage, clock.now - start)) }
        return try body()
    }

    /// Async variant of `measure(_:into:_:)`.
    public static func measure<T>(_ stage: String, into timings: inout [StageTiming],
                                  _ body: () async throws -> T) async rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { timings.append(StageTiming(stage, clock.now - start)) }
        return try await body()
    }
}

extension Duration {
    /// The duration in milliseconds, as a Double.
    var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}

/// Why one case failed. Its `code` is stable and machine-readable (`vcf_missing`, `vcf_corrupt`,
/// `sample_not_found`, `tumor_type_invalid`, ...); its `message` says what and where (manifest
/// line, field, VCF record number) without patient identifiers or file paths.
public struct CaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code, written as `error.code`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The VCF named in the manifest does not exist.
        public static let vcfMissing = Code("vcf_missing")
        /// The VCF exists but cannot be opened or read (permissions, a folder, not a VCF/BCF).
        public static let vcfUnreadable = Code("vcf_unreadable")
        /// The compressed stream is damaged or truncated (gzip/BGZF).
        public static let vcfTruncated = Code("vcf_truncated")
        /// A header or record is malformed.
        public static let vcfMalformed = Code("vcf_malformed")
        /// The requested sample is not in the VCF header, or no tumour sample can be chosen.
        public static let sampleNotFound = Code("sample_not_found")
        /// The BAM named in the manifest does not exist or cannot be read.
        public static let bamUnreadable = Code("bam_unreadable")
        /// The tumour type is not an OncoTree code (syntax) or not a known one.
        public static let tumourTypeInvalid = Code("tumor_type_invalid")
        /// The tumour type is syntactically valid but not in the tumour-type list in use.
        public static let tumourTypeUnknown = Code("tumor_type_unknown")
        /// The scorer's payload used a member name that the engine writes itself.
        public static let payloadInvalid = Code("payload_invalid")
        /// Anything else a scorer threw.
        public static let other = Code("error")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
