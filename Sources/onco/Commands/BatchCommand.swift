import ArgumentParser
import Batch
import Foundation
import Genomics
import Logging
import OncoCore
import Warehouse
import WarehousePostgres

/// `onco batch`: score many cases, in parallel, streaming one JSON line per case; and
/// `onco batch merge`: join shard outputs.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Score many cases in parallel into JSON Lines; resume, shard and merge.",
        discussion: """
            Exit status: 0 every case ok; 2 the batch finished but some cases failed (their lines say why); \
            1 the batch could not run (bad manifest, output problem); 64 usage error.
            """,
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self],
        defaultSubcommand: BatchRunCommand.self
    )
}

/// Exit status of a batch that finished with failed cases.
let batchExitSomeFailed = ExitCode(2)

struct BatchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score every case of a manifest (the default: `onco batch MANIFEST.tsv`).",
        discussion: """
            MANIFEST is a TSV with columns case_id, vcf (a VCF/BCF or a MAF), tumor_type and optionally sample, bam, \
            age, sex, stage, lenient and the case files cna_file, cna_format, cna_sample, fusion_file, fusion_format, \
            msi_file, tmb_bed or tmb_megabases, genome_build, as the flags of `onco recommend`, and gff with reference \
            (a case's own GFF3 + FASTA for in-process annotation; else --gff/--reference apply to every case) \
            (relative paths are read from the manifest's folder), or a folder of VCFs with --tumor-type.

            One JSON line per case, in completion order: {"case_id", "status": "ok"|"failed", "error": null | \
            {"code","message"}, "scorer", ...the scorer's members..., "timings": {"<stage>_ms", "total_ms"}}. \
            A bad case gets a failed line and the batch goes on. Each line is written with one write(2), so a \
            killed batch leaves only complete lines (a line torn by SIGKILL is cut by --resume); the output is \
            fsync'ed once a second and at the end (--fsync).

            The scorer "recommend" (default) runs the tumour-board recommendation for every case, as `onco \
            recommend` does: the knowledge base (--kb), the warehouse (--db, also spelled --warehouse: SQLite path or \
            postgres:// URL; optional) and a similarity index over the warehouse's patients are loaded once, before the first case, \
            and shared. Each line carries the recommend JSON; timings give read, match, similarity, survival, rank \
            and render. Cohort reads that are the same for many cases (a biomarker's real-world cohort) are made \
            once per batch (--no-warehouse-cache to read them per case). The scorer "file-check" only validates each \
            case's inputs (files, OncoTree syntax, full htslib read of the VCF, sample): a cheap pre-flight.

            Exit status: 0 every case ok; 2 finished with failed cases; 1 could not run; 64 usage.
            """
    )

    @Argument(help: "Manifest TSV, or a folder of VCFs (with --tumor-type).")
    var manifest: String

    @Option(name: [.short, .customLong("output")], help: "Output JSON Lines file (default: standard output).")
    var output: String?

    @Flag(help: "Keep the cases already in the output and score only the others.")
    var resume = false

    @Flag(help: "Replace an existing output.")
    var overwrite = false

    @Option(help: "Take only shard I of N (1-based): every N-th case starting with the I-th.")
    var shard: String?

    @Option(help: "Cases scored at once (default: the number of cores).")
    var jobs: Int?

    @Option(name: .customLong("tumor-type"), help: "Tumour type (OncoTree code) for every case when MANIFEST is a folder of VCFs.")
    var tumourType: String?

    @Option(name: .customLong("tumor-types"), help: "Known tumour-type codes (OncoTree's flattened TSV with a 'code' column, or one code per line); default: check syntax only.")
    var tumourTypes: String?

    @Option(help: "What to run per case: recommend (the recommendation) or file-check (validate the inputs only).")
    var scorer: ScorerChoice = .recommend

    @OptionGroup var kb: KBLocation

    /// `--db` or `--warehouse`: real-world evidence and similar patients; none by default (curated evidence only).
    @OptionGroup var database: OptionalWarehouseOptions

    @Option(help: "Nearest warehouse patients searched per case (0: no similarity index, no neighbour-based candidates).")
    var neighbours: Int = 200

    @Option(help: "Similarity index file (default: beside a SQLite warehouse, or in $ONCO_CACHE_DIR for PostgreSQL); loaded when current, updated or built otherwise.")
    var similarityIndex: String?

    @Flag(help: "Read shared cohorts (a biomarker's real-world cohort) from the warehouse for every case instead of once per batch.")
    var noWarehouseCache = false

    @OptionGroup var authorisation: AuthorisationOptions

    @Option(help: "Progress on standard error: auto (a bar on a terminal, lines otherwise), bar, lines, none.")
    var progress: ProgressStyle = .auto

    @Option(help: "Seconds between progress lines when not on a terminal.")
    var progressInterval: Double = 10

    @Option(help: "When to fsync the output: second (once a second), line (every line), end.")
    var fsync: FsyncChoice = .second

    @Flag(help: "Log the batch's start and end (info level) on standard error.")
    var verbose = false

    @OptionGroup var lenient: LenientOption
    @OptionGroup var consequence: ConsequenceOptions
    @Option(help: "With --gff: the reference FASTA (+ .fai) of the GFF3, for every case (default: $ONCO_REFERENCE).")
    var reference: String?

    enum ProgressStyle: String, ExpressibleByArgument, CaseIterable { case auto, bar, lines, none }
    enum ScorerChoice: String, ExpressibleByArgument, CaseIterable {
        case recommend
        case fileCheck = "file-check"
    }
    enum FsyncChoice: String, ExpressibleByArgument, CaseIterable {
        case second, line, end
        var policy: FsyncPolicy {
            switch self {
            case .second: .default
            case .line: .everyLine
            case .end: .atEnd
            }
        }
    }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") } }
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
        if resume && output == nil { throw ValidationError("--resume needs -o/--output") }
        if progressInterval <= 0 { throw ValidationError("--progress-interval must be positive") }
        if neighbours < 0 { throw ValidationError("--neighbours must be 0 or more") }
        if scorer == .fileCheck {
            if database.db != nil { throw ValidationError("--scorer file-check does not use a warehouse; drop --db/--warehouse") }
            if kb.directory != nil { throw ValidationError("--scorer file-check does not use a knowledge base; drop --kb") }
        }
    }

    /// Opens the warehouse, waiting (up to ~10 s) while another process holds the SQLite file's lock:
    /// shards of one batch on one node start together and each opens the same file, and opening a
    /// SQLite warehouse briefly needs the write lock (WAL mode, and `migrate` runs `BEGIN IMMEDIATE`)
    /// while the store sets no busy timeout.
    static func openWarehouse(_ url: String, connectTimeout: Duration?, logger: Logger) async throws -> Warehouse {
        var attempt = 0
        while true {
            do {
                return try await Warehouse.open(db: url, mode: .existing, connectTimeout: connectTimeout, logger: logger)
            } catch let e as WarehouseConnectionError where e.code == .locked && attempt < 25 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(30 * attempt))
            }
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// What the scorer is built from.
    struct ScorerSetup {
        var scorer: ScorerChoice
        var kb: URL?
        var warehouse: String?
        var similarityIndex: String?
        var neighbours: Int
        var warehouseCache: Bool
        var tumourTypes: Set<String>?
        var connectTimeout: Duration?
        /// `--gff`/`--reference` (or ONCO_GFF/ONCO_REFERENCE): annotation for cases whose row names none.
        var consequenceSource: ConsequenceSource?
        /// The small-cell threshold (the warehouse's under governance).
        var minimumCount: Int = 5
    }

    /// Builds the batch's scorer once: for `recommend`, loads the knowledge base, opens the warehouse,
    /// builds the similarity index over its patients and turns on the warehouse's read cache. Says on
    /// standard error what it loaded and how long it took.
    static func makeScorer(_ setup: ScorerSetup, logger: Logger) async throws -> (scorer: any CaseScorer, store: Warehouse?) {
        switch setup.scorer {
        case .fileCheck:
            return (FileCheckScorer(knownTumourTypes: setup.tumourTypes), nil)
        case .recommend:
            guard let kbURL = setup.kb else { throw BatchInputError("the recommend scorer needs a knowledge base (--kb)") }
            let store = try await setup.warehouse.asyncMap { try await openWarehouse($0, connectTimeout: setup.connectTimeout, logger: logger) }
            do {
                let (scorer, loaded) = try await RecommendScorer.prepare(
                    knowledgeBase: kbURL, warehouse: store, neighbours: setup.neighbours,
                    similarityIndexPath: setup.warehouse.flatMap { WarehouseCommand.similarityIndexPath(db: $0, index: setup.similarityIndex) },
                    cacheWarehouse: setup.warehouseCache,
                    knownTumourTypes: setup.tumourTypes, minimumCount: setup.minimumCount,
                    consequenceSource: setup.consequenceSource, logger: logger)
                StandardError.write("batch: \(loaded.description)\n")
                return (scorer, store)
            } catch {
                try? await store?.close()
                throw error
            }
        }
    }

    /// The audit log's view of the cases a batch scored: each case's hash (its VCF's bytes and the manifest's clinical
    /// fields, as `AccessRequest.caseSHA256` fingerprints a case; nil when the VCF cannot be read) and its status,
    /// never the manifest's case id or a path.
    static func auditedCases(_ scored: [BatchSummary.Scored]) -> [AccessedCase] {
        scored.map { s in
            let c = s.batchCase
            let hash = try? AccessRequest.caseSHA256(files: [c.vcf], options: [
                c.tumourType.uppercased(), c.age.map(String.init) ?? "", c.sex?.rawValue ?? "", c.stage ?? "", c.sample ?? ""])
            return AccessedCase(caseSHA256: hash, shown: ["status": .string(s.status.rawValue)])
        }
    }

    func run() async throws {
        let logger = verbose ? Logger(label: "onco.batch", factory: { label in StreamLogHandler.standardError(label: label) })
            : Logger(label: "onco.batch", factory: { _ in SwiftLogNoOpLogHandler() })

        // An output that cannot be written fails now, not after the knowledge base and warehouse are loaded.
        if let output, let problem = OutputFile.problem(writing: output) {
            throw BatchOutputError(.openFailed, file: output, "cannot write: \(problem)")
        }
        var m: BatchManifest
        do {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: manifest, isDirectory: &isDir), isDir.boolValue {
                guard let tumourType else { throw BatchInputError("\(manifest) is a folder: give --tumor-type for its VCFs") }
                m = try BatchManifest.folder(manifest, tumourType: tumourType)
            } else {
                if tumourType != nil { throw BatchInputError("--tumor-type is for a folder of VCFs; the manifest has a tumor_type column") }
                m = try BatchManifest.read(path: manifest)
            }
        }
        if lenient.lenient { m = m.lenient() }
        if !m.ignoredColumns.isEmpty {
            StandardError.write("batch: ignoring manifest columns \(m.ignoredColumns.joined(separator: ", "))\n")
        }
        let known = try tumourTypes.map { try FileCheckScorer.loadTumourTypes(path: $0) }
        var setup = ScorerSetup(scorer: scorer, kb: scorer == .recommend ? try kb.resolve() : nil, warehouse: database.db,
                                similarityIndex: similarityIndex, neighbours: neighbours, warehouseCache: !noWarehouseCache, tumourTypes: known,
                                connectTimeout: database.connection.duration)
        setup.consequenceSource = try consequence.source(reference: reference)
        // Governance: the batch names its authorisation once; each case scored is audited (`batch.case`: the case's hash,
        // never its id or path), then the batch (`batch.run`: the manifest's hash and the cases scored), in one transaction.
        let keys = try GovernanceCLI.keys()
        var grant: AccessGrant?
        if let warehouse = database.db, scorer == .recommend {
            let w = try await Self.openWarehouse(warehouse, connectTimeout: database.connection.duration, logger: logger)
            do {
                let g = try await GovernanceCLI.authorise(w, AccessRequest(
                    command: "batch", authorisation: authorisation.id, kind: authorisation.kind, outputs: [.aggregates],
                    caseSHA256: try AccessRequest.caseSHA256(files: [manifest].filter { !Self.isFolder($0) }, options: [tumourType ?? ""])),
                    keys: keys, logger: logger)
                setup.minimumCount = g.minimumCellCount
                grant = g
                try await w.close()
            } catch {
                try? await w.close()
                throw error
            }
        }
        let (caseScorer, store) = try await Self.makeScorer(setup, logger: logger)
        let options = BatchOptions(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                   shard: try shard.map { try Shard(parsing: $0) }, fsync: fsync.policy)
        let out: BatchOutput = output.map { .file(path: $0, resume: resume, overwrite: overwrite) } ?? .standardOutput

        let style: ProgressStyle = progress == .auto ? (stderrIsTTY ? .bar : .lines) : progress
        let renderer = ProgressRenderer(style: style, interval: progressInterval)
        var onProgress: (@Sendable (BatchProgress) -> Void)? = nil
        if style != .none { onProgress = { @Sendable p in renderer.render(p) } }
        let runner = BatchRunner(scorer: caseScorer, options: options, logger: logger)
        let summary: BatchSummary
        do {
            summary = try await runner.run(m, to: out, progress: onProgress)
            if let store, let grant {
                let cases = Self.auditedCases(summary.scored)
                // shards of one batch finish together and each appends its entries: wait out another's write lock
                var attempt = 0
                while true {
                    do {
                        try await GovernanceCLI.record(store, grant, cases: cases,
                                                       shown: ["casesOK": .int(summary.ok), "casesFailed": .int(summary.failed)],
                                                       keys: keys, logger: logger)
                        break
                    } catch where attempt < 25 && String(reflecting: error).lowercased().contains("database is locked") {
                        attempt += 1
                        try await Task.sleep(for: .milliseconds(30 * attempt))
                    }
                }
            }
        } catch {
            try? await store?.close()
            throw error
        }
        try? await store?.close()

        var s = "batch: \(summary.ok) ok, \(summary.failed) failed"
        if summary.resumed > 0 { s += ", \(summary.resumed) already done (\(summary.resumedFailed) failed)" }
        s += String(format: "; %d cases in %.1f s (%.1f cases/s)", summary.ok + summary.failed,
                    seconds(summary.elapsed), summary.casesPerSecond)
        if let sh = options.shard { s += ", shard \(sh)" }
        StandardError.write(s + "\n")
        if summary.anyFailed { throw batchExitSomeFailed }
    }
}
