import ArgumentParser
import Foundation
import Genomics
import Knowledge
import Logging
import OncoCore
import Recommendation
import Reports
import Vocabulary
import Warehouse
import WarehousePostgres

/// The case of `onco recommend`: variant file, tumour type and clinical context.
struct CaseOptions: ParsableArguments {
    @Option(help: "The tumour's VCF/BCF (plain, gzip or bgzip-compressed).")
    var vcf: String

    @Option(name: [.customLong("tumor-type"), .customLong("tumour-type")], help: "OncoTree code of the case (SKCM, LUAD, COADREAD, ...).")
    var tumourType: String

    @Option(help: "The tumour sample column (default: ##tumor_sample=, the only sample, or the first that is not a normal).")
    var sample: String?

    @Option(help: "A tumour BAM/CRAM with its index: VAF and depth from read counts at each variant.")
    var bam: String?

    @Option(help: "A reference FASTA with .fai (left-aligns indels; needed for CRAM).")
    var reference: String?

    @Option(help: "Age at diagnosis, years.") var age: Int?
    @Option(help: "Sex: female or male.") var sex: String?
    @Option(help: "Stage: I, II, III or IV (Stage IIIA, 3 ... are normalised).") var stage: String?

    @Option(name: .customLong("prior-therapy"), help: "A drug the patient already received (repeatable, or comma-separated).")
    var priorTherapy: [String] = []

    @Option(help: "Tumour mutational burden, mutations/Mb.") var tmb: Double?
    @Option(help: "MSI status: MSI-H, MSI-L or MSS.") var msi: String?

    @Option(help: "Copy-number change GENE:amp or GENE:del, e.g. ERBB2:amp (repeatable, or comma-separated).")
    var cna: [String] = []

    @Option(help: "Fusion, 5' partner first: EML4::ALK (repeatable, or comma-separated).")
    var fusion: [String] = []

    @Flag(name: .customLong("include-filtered"), help: "Also match calls whose FILTER is not PASS (default: ignore them and say how many).")
    var includeFiltered = false

    @OptionGroup var files: CaseFileArguments

    @OptionGroup var lenient: LenientOption

    @OptionGroup var consequence: ConsequenceOptions

    static func split(_ list: [String]) -> [String] {
        list.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func copyNumbers() throws -> [CopyNumberAlteration] {
        try Self.split(cna).map { item in
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--cna '\(item)': expected GENE:amp or GENE:del") }
            switch parts[1].lowercased() {
            case "amp", "amplification", "gain": return CopyNumberAlteration(gene: parts[0].uppercased(), kind: .amplification)
            case "del", "deletion", "loss", "homdel": return CopyNumberAlteration(gene: parts[0].uppercased(), kind: .deletion)
            default: throw ValidationError("--cna '\(item)': the kind must be amp or del")
            }
        }
    }

    func fusions() throws -> [GeneFusion] {
        try Self.split(fusion).map { f in
            let p = f.components(separatedBy: "::")
            guard p.count == 2, !p[0].isEmpty, !p[1].isEmpty else { throw ValidationError("--fusion '\(f)' must be written 5PRIME::3PRIME") }
            return GeneFusion(fivePrime: p[0].uppercased(), threePrime: p[1].uppercased())
        }
    }

    func validate() throws {
        guard FileManager.default.fileExists(atPath: vcf) else { throw ValidationError("--vcf \(vcf): no such file") }
        if let bam, !FileManager.default.fileExists(atPath: bam) { throw ValidationError("--bam \(bam): no such file") }
        if let age, !(0...120).contains(age) { throw ValidationError("--age must be between 0 and 120") }
        if let sex, Sex(parsing: sex) == .unknown { throw ValidationError("--sex must be female or male") }
        if let stage, Stage.normalise(stage) == nil { throw ValidationError("--stage '\(stage)': expected I, II, III or IV") }
        if let tmb, !(tmb >= 0 && tmb.isFinite) { throw ValidationError("--tmb must be a non-negative number") }
        if let msi, MSIStatus(rawValue: msi.uppercased()) == nil { throw ValidationError("--msi must be MSI-H, MSI-L or MSS") }
        _ = try copyNumbers()
        _ = try fusions()
        try files.validate(tmb: tmb, msi: msi)
    }

    func clinical() throws -> ClinicalContext {
        ClinicalContext(tumourType: OncoTreeCode(tumourType), age: age, sex: sex.map(Sex.init(parsing:)), stage: Stage.normalise(stage),
                        priorTherapies: Self.split(priorTherapy).map(DrugName.canonical), tmb: tmb,
                        msi: msi.flatMap { MSIStatus(rawValue: $0.uppercased()) }, copyNumber: try copyNumbers(), fusions: try fusions())
    }

    /// The variant file (VCF/BCF or MAF) and, with a knowledge-base directory, the case files (`--cna-file`, ...)
    /// whose segments and breakends are placed on its gene spans.
    func read(knowledgeBase: URL? = nil) throws -> RecommendationCase {
        let source = try consequence.source(reference: reference)
        // With --gff, --reference is the annotation's FASTA; it also left-aligns indels as before.
        var c = try RecommendationCase.read(vcf: vcf, sample: sample, bamPath: bam, referenceFasta: reference,
                                            malformed: lenient.policy, consequenceSource: source, clinical: try clinical())
        if let knowledgeBase {
            let options = files.options(knowledgeBase: knowledgeBase)
            if !options.isEmpty {
                try CaseFiles.read(options, variants: c.variants, variantBuild: c.source.build).apply(to: &c.clinical)
            }
        }
        return c
    }
}

/// Report format of `onco recommend` and `onco demo`.
enum RecommendFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, html, json
}

/// `onco recommend`: one case in, the ranked therapies with their evidence out.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Rank candidate therapies for one tumour, with the evidence behind each rank (the tumour-board report).",
        discussion: """
        Curated evidence (CIViC, in KnowledgeBase/) decides each therapy's tier; with --db, the real-world \
        outcomes of warehouse patients of the same tumour-type family carrying the matched biomarker are \
        added (KM median OS, Cox HR against patients treated otherwise in the same setting, adjusted for \
        age, stage and line; gated and graded). Without --db the ranking rests on curated evidence alone, \
        and the report says so. Sort keys and methods are printed in every report.

        With --db, the case's nearest warehouse patients (the similarity index of `onco similar`, built \
        beside a SQLite warehouse on first use) are searched too: therapies they received that have no \
        curated evidence for this case form the 'local real-world signal (provisional)' section.

        Exit status: 0 with a report (also when no alteration is actionable: the report says so plainly), \
        1 on bad input (the error names the file, record and field), 64 on bad arguments.
        """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var kb: KBLocation

    @OptionGroup var database: OptionalWarehouseOptions

    @Option(help: "Output format: text (default on a terminal), markdown, html or json.")
    var format: RecommendFormat?

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("min-patients"), help: "Real-world gate: minimum patients per arm.")
    var minPatients: Int = 20

    @Option(name: .customLong("min-events"), help: "Real-world gate: minimum deaths per arm.")
    var minEvents: Int = 10

    @Flag(name: .customLong("include-unknown-timing"), help: "Real-world target trials: include patients whose biomarker timing is unknown as known at time zero (a sensitivity analysis, open to immortal-time bias; default: excluded and counted).")
    var includeUnknownTiming = false

    @Option(name: .customLong("minimum-count"), help: "Small-cell suppression: counts 1..k-1 are shown as <k (default: the warehouse's minimum, 5 without a warehouse).")
    var minimumCount: Int?

    @OptionGroup var authorisation: AuthorisationOptions

    @Option(help: "Nearest warehouse patients to search for neighbour-based candidates.")
    var neighbours: Int = 200

    @Option(name: .customLong("similarity-index"), help: "Similarity index file (default: beside a SQLite warehouse; for PostgreSQL in the cache directory).")
    var similarityIndex: String?

    @Flag(name: .customLong("no-neighbours"), help: "Do not search the nearest warehouse patients.")
    var noNeighbours = false

    @Flag(help: "Text/Markdown: list every candidate (default: T1/T2 and resistance first, T3/T4 counted and collapsed).")
    var all = false

    func validate() throws {
        if minPatients < 2 { throw ValidationError("--min-patients must be at least 2") }
        if minEvents < 1 { throw ValidationError("--min-events must be at least 1") }
        if let minimumCount, minimumCount < 1 { throw ValidationError("--minimum-count must be at least 1") }
        if neighbours < 1 { throw ValidationError("--neighbours must be at least 1") }
    }

    func run() async throws {
        var options = RecommenderOptions(gates: RealWorldGates(minimumPatients: minPatients, minimumEvents: minEvents),
                                         disclosure: DisclosureControl(minimumCount: minimumCount ?? 5),
                                         includeFiltered: caseOptions.includeFiltered, neighbours: neighbours,
                                         includeUnknownTiming: includeUnknownTiming)
        let kbDirectory = try kb.resolve()
        let c = try caseOptions.read(knowledgeBase: kbDirectory)
        let knowledge = try KnowledgeBase.load(directory: kbDirectory)
        var store: Warehouse?
        var grant: AccessGrant?
        let keys = try GovernanceCLI.keys()
        if let w = try await database.open(logger: RecommendCommand.logger) {
            store = w
            do {
                // The warehouse is read for real-world evidence (aggregates) of the case's tumour type and neighbours of every type.
                let g = try await GovernanceCLI.authorise(w, AccessRequest(
                    command: "recommend", authorisation: authorisation.id, kind: authorisation.kind, outputs: [.aggregates],
                    tumourTypes: noNeighbours ? [caseOptions.tumourType] : nil, caseSHA256: try caseOptions.auditSHA256(),
                    minimumCellCount: minimumCount), keys: keys, logger: RecommendCommand.logger)
                options.disclosure = DisclosureControl(minimumCount: g.minimumCellCount)
                grant = g
            } catch {
                try? await w.close()
                throw error
            }
        }
        let r: Recommendation
        do {
            r = try await RecommendCommand.recommend(c, knowledgeBase: knowledge, warehouse: store, db: database.db, similarityIndex: similarityIndex,
                                                     searchNeighbours: !noNeighbours, options: options)
            if let store, let grant {
                try await GovernanceCLI.record(store, grant, shown: RecommendCommand.auditedCounts(r), keys: keys, logger: RecommendCommand.logger)
            }
        } catch {
            try? await store?.close()
            throw error
        }
        try await store?.close()
        let fmt = format ?? .text
        try emit(RecommendCommand.render(r, format: fmt, color: output == nil && format == nil && stdoutIsTTY, all: all), to: output)
    }

    /// The warehouse counts a recommendation shows, as the audit log records them (suppressed as shown).
    static func auditedCounts(_ r: Recommendation) -> [String: AuditValue] {
        let dc = r.disclosure
        var rw: [String: AuditValue] = [:]
        for t in r.therapies + r.notRecommended + r.realWorldOnly {
            guard let e = t.realWorld else { continue }
            rw[t.drugs.joined(separator: "+")] = .object([
                "treated": GovernanceCLI.shown(e.treated.patients, dc), "treatedEvents": GovernanceCLI.shown(e.treated.events, dc),
                "comparator": GovernanceCLI.shown(e.comparator.patients, dc), "comparatorEvents": GovernanceCLI.shown(e.comparator.events, dc),
            ])
        }
        return ["warehousePatients": r.warehouse.map { GovernanceCLI.shown($0.patients, dc) } ?? .null,
                "therapies": .int(r.therapies.count + r.realWorldOnly.count), "realWorld": .object(rw)]
    }

    static var logger: Logger {
        var l = Logger(label: "onco.recommend")
        l.logLevel = .warning
        return l
    }

    /// The recommender as the CLI runs it: with a warehouse, neighbours come from its similarity index
    /// (`SimilarityNeighbourSource`).
    static func recommend(_ c: RecommendationCase, knowledgeBase: KnowledgeBase, warehouse: Warehouse?, db: String?,
                          similarityIndex: String?, searchNeighbours: Bool, options: RecommenderOptions) async throws -> Recommendation {
        var source: (any NeighbourSource)?
        let reason = "not requested (--no-neighbours)"
        if let warehouse, searchNeighbours {
            // The index is opened (or updated, or built) while the recommender matches the case and reads
            // its biomarker cohorts: one-shot, these overlap on two cores.
            let tumourTypes = try knowledgeBase.tumourTypeHierarchy()
            source = DeferredNeighbourSource(summary: SimilarityNeighbourSource.summaryText) {
                let made = await SimilarityNeighbourSource.make(store: warehouse, db: db, index: similarityIndex, tumourTypes: tumourTypes,
                                                                logger: logger)
                return (made.source, made.reason)
            }
        }
        let recommender = Recommender(knowledgeBase: knowledgeBase, warehouse: warehouse, neighbourSource: source,
                                      neighbourUnavailableReason: reason, options: options)
        return try await recommender.recommend(c, logger: logger)
    }

    static func render(_ r: Recommendation, format: RecommendFormat, color: Bool, all: Bool = false) throws -> String {
        let report = RecommendationReport(r)
        switch format {
        case .text: return report.text(color: color, all: all)
        case .markdown: return report.markdown(all: all)
        case .html: return report.html()
        case .json: return try report.json()
        }
    }
}
