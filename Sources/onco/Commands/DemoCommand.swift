import ArgumentParser
import Foundation
import Knowledge
import Logging
import OncoCore
import Recommendation
import Reports
import Warehouse

/// `onco demo`: the README's main job. Builds (once) a small synthetic SQLite warehouse from
/// `Cohorts/demo-cohort.json` (5,000 patients, seed 1), runs `recommend` on the bundled synthetic
/// melanoma case, prints the table and writes the HTML report. Everything it shows is labelled
/// synthetic: the warehouse and the case.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a small synthetic warehouse (once) and rank therapies for a bundled synthetic melanoma case.",
        discussion: """
        The warehouse (\(DemoCommand.patients) synthetic patients, seed \(DemoCommand.seed), Cohorts/demo-cohort.json) is \
        written to DIR/demo-warehouse.sqlite the first time and reused afterwards; the case is \
        Cohorts/demo/melanoma-braf-v600e.grch37.vcf (SKCM, BRAF V600E; synthetic). The report goes to \
        standard output (text) and to DIR/demo-report.html. Every patient, outcome and case in the demo is \
        synthetic, and every output says so.
        """)

    static let patients = 5000
    static let seed: UInt64 = 1
    static let caseFile = "demo/melanoma-braf-v600e.grch37.vcf"
    static let paramsFile = "demo-cohort.json"
    static let syntheticCaseNote = "SYNTHETIC CASE: the demo case (BRAF V600E cutaneous melanoma) is synthetic, not a patient."

    @Option(help: "Folder for the demo warehouse and report.") var dir: String = "onco-demo"
    @Option(help: "Cohorts directory (default: $ONCO_COHORTS, ./Cohorts, or the repository's).") var cohorts: String?
    @OptionGroup var kb: KBLocation
    @Option(help: "Also write the report in this format to standard output instead of the text table (markdown or json).")
    var format: RecommendFormat?

    /// Where the `Cohorts/` directory is, as `KBLocation` finds `KnowledgeBase/`.
    func cohortsDirectory() throws -> URL {
        let fm = FileManager.default
        if let cohorts { return URL(fileURLWithPath: cohorts) }
        if let env = ProcessInfo.processInfo.environment["ONCO_COHORTS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Cohorts")
        if fm.fileExists(atPath: cwd.appendingPathComponent(Self.paramsFile).path) { return cwd }
        var d = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let c = d.appendingPathComponent("Cohorts")
            if fm.fileExists(atPath: c.appendingPathComponent(Self.paramsFile).path) { return c }
            d = d.deletingLastPathComponent()
        }
        throw ValidationError("cannot find the Cohorts directory (with \(Self.paramsFile)); pass --cohorts DIR or set ONCO_COHORTS")
    }

    func run() async throws {
        let logger = RecommendCommand.logger
        let cohortsDir = try cohortsDirectory()
        let params = cohortsDir.appendingPathComponent(Self.paramsFile).path
        let vcf = cohortsDir.appendingPathComponent(Self.caseFile).path
        guard FileManager.default.fileExists(atPath: vcf) else { throw ValidationError("the demo case \(Self.caseFile) is missing from \(cohortsDir.lastPathComponent)/") }
        let out = URL(fileURLWithPath: dir)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let whPath = out.appendingPathComponent("demo-warehouse.sqlite").path

        let store = try await Warehouse.openSQLite(path: whPath, logger: logger)
        let recommendation: Recommendation
        do {
            try await Self.ensureDemoWarehouse(store, params: params, logger: logger)
            let knowledge = try KnowledgeBase.load(directory: try kb.resolve())
            let c = try CaseOptions.parse(["--vcf", vcf, "--tumor-type", "SKCM", "--age", "58", "--sex", "male", "--stage", "IV"]).read()
            var r = try await RecommendCommand.recommend(c, knowledgeBase: knowledge, warehouse: store, db: whPath, similarityIndex: nil,
                                                         searchNeighbours: true, options: RecommenderOptions())
            r.notes.insert(Self.syntheticCaseNote, at: 0)
            recommendation = r
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()

        let report = RecommendationReport(recommendation)
        let htmlPath = out.appendingPathComponent("demo-report.html").path
        try emit(report.html(), to: htmlPath)
        switch format {
        case .markdown?: try emit(report.markdown(), to: nil)
        case .json?: try emit(try report.json(), to: nil)
        case .html?: try emit(report.html(), to: nil)
        case .text?, nil: try emit(report.text(color: stdoutIsTTY), to: nil)
        }
        StandardError.write("onco demo: SYNTHETIC warehouse \(whPath) (\(Self.patients) synthetic patients); HTML report written to \(htmlPath)\n")
    }

    /// Generates the demo cohort into the warehouse unless it is already there (idempotent). A
    /// warehouse holding anything else is refused rather than mixed.
    static func ensureDemoWarehouse(_ store: Warehouse, params: String, logger: Logger) async throws {
        let g = try SyntheticCohortGenerator(parametersPath: params, patients: patients, seed: seed)
        let m = try await store.metadata(logger: logger)
        if let d = m.datasets.first(where: { $0.name == g.descriptor.name }), d.synthetic, d.patients == patients, m.datasets.count == 1 {
            return
        }
        guard m.datasets.isEmpty else {
            throw ValidationError("the demo folder's warehouse holds other data (\(m.datasets.map(\.name).joined(separator: ", "))); remove it or pass another --dir")
        }
        if stderrIsTTY { StandardError.write("building the synthetic demo warehouse (\(patients) patients, once)...\n") }
        _ = try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: ProcessInfo.processInfo.activeProcessorCount),
                                          progress: nil, logger: logger)
    }
}
