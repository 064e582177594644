import Foundation
import Genomics
import Knowledge
import Logging
import OncoCore
import Recommendation
import Reports
import Warehouse

/// The batch scorer that runs the tumour-board recommendation (`Recommender`, module
/// Recommendation) for every case: the same pipeline and the same JSON as `onco recommend`.
///
/// Build it once per batch: it holds the knowledge base, the warehouse store (wrap it in a
/// a read cache (`Warehouse.Options.readCache`) to read shared cohorts once) and the similarity index
/// (`SimilarityNeighbourSource`, module Recommendation), all immutable or `Sendable`, and the engine calls `score`
/// concurrently.
///
/// Per case, in order (the first failure ends the case with its `CaseError.Code`):
/// 1. the tumour type is an OncoTree code (`tumor_type_invalid`), one of the knowledge base's
///    OncoTree release (`tumor_type_unknown`) and, if a list was given, of that list;
/// 2. `read`: the VCF is read through Genomics (`RecommendationCase.read`: tumour sample choice,
///    normalisation, CSQ/ANN, read support): `vcf_missing`, `vcf_unreadable`, `vcf_malformed`,
///    `vcf_truncated`, `sample_not_found`, `bam_unreadable`; a lenient case (`BatchCase.lenient`)
///    skips malformed records instead, and its report's notes and `case.malformed_skipped` say how many;
/// 3. the recommendation (`Recommender.recommend`), whose own stage times give `match` (KB
///    matching), `similarity` (profile + nearest-neighbour search), `survival` (the warehouse's
///    line-outcome reads plus the Kaplan–Meier/Cox real-world analyses) and `rank` (the rest:
///    candidates, ranking, notes);
/// 4. `render`: `RecommendationReport.jsonValue()` encoded (keys sorted).
///
/// The payload is the recommend JSON's members (`synthetic`, `onco_version`, `case`, `kb_version`,
/// `warehouse`, `neighbours`, `actionable`, `notes`, `therapies`, ...); the engine adds `case_id`,
/// `status`, `error`, `scorer` and `timings`.
public struct RecommendScorer: CaseScorer {
    public let name = "recommend"
    public let recommender: Recommender
    /// Known tumour-type codes (upper case) on top of the KB's OncoTree; nil: the KB's OncoTree only.
    public let knownTumourTypes: Set<String>?
    /// The gene-span table (`KnowledgeBase/genes/gene_spans.tsv`) for cases with segment or breakend files.
    public let geneSpansPath: String?
    /// In-process consequence annotation (GFF3 + FASTA) for the ALTs a case's VCF leaves without CSQ/ANN,
    /// for cases whose manifest row names none (`BatchCase.consequenceSource`). Each case builds its own
    /// annotator (one per read, not shared between threads).
    public let consequenceSource: ConsequenceSource?
    let logger: Logger

    public init(recommender: Recommender, knownTumourTypes: Set<String>? = nil, geneSpansPath: String? = nil,
                consequenceSource: ConsequenceSource? = nil,
                logger: Logger = Logger(label: "onco.batch.recommend", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.recommender = recommender
        self.knownTumourTypes = knownTumourTypes.map { Set($0.map { $0.uppercased() }) }
        self.geneSpansPath = geneSpansPath
        self.consequenceSource = consequenceSource
        self.logger = logger
    }

    public func score(_ c: BatchCase) async throws -> ScoredCase {
        var timings: [StageTiming] = []
        let clinical = try c.clinicalContext()
        let code = clinical.tumourType.rawValue
        guard recommender.knowledgeBase.oncotree.node(code) != nil else {
            throw CaseError(.tumourTypeUnknown, "\(where: c), field tumor_type: '\(code)' is not in OncoTree (\(recommender.knowledgeBase.version.oncotree))")
        }
        if let known = knownTumourTypes, !known.contains(code) {
            throw CaseError(.tumourTypeUnknown, "\(where: c), field tumor_type: not in the tumour-type list in use")
        }
        let rc = try StageTiming.measure("read", into: &timings) {
            try Self.read(c, clinical: clinical, geneSpansPath: geneSpansPath, consequenceSource: c.consequenceSource ?? consequenceSource)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let r: Recommendation
        do {
            r = try await recommender.recommend(rc, logger: logger)
        } catch let e as KnowledgeError {
            throw CaseError(e.code == .unknownTumourType ? .tumourTypeUnknown : .other, "\(where: c): knowledge base: \(e)")
        } catch let e as WarehouseError {
            throw CaseError(.warehouseFailed, "\(where: c): warehouse: \(e)")
        }
        let total = Self.seconds(clock.now - start)
        var stage: [String: Double] = [:]
        for t in r.timings { stage[Self.stage(of: t.stage), default: 0] += t.seconds }
        let accounted = stage.values.reduce(0, +)
        for s in ["match", "similarity", "survival"] { timings.append(StageTiming(s, .seconds(stage[s] ?? 0))) }
        timings.append(StageTiming("rank", .seconds(max(0, total - accounted))))

        let payload = try StageTiming.measure("render", into: &timings) {
            try JSONObject(encoding: RecommendationReport(r).jsonValue())
        }
        return ScoredCase(payload: payload, timings: timings)
    }

    /// Which batch stage a recommender stage belongs to.
    static func stage(of recommenderStage: String) -> String {
        switch recommenderStage {
        case "match": return "match"
        case "neighbours": return "similarity"
        case "warehouse", "real-world": return "survival"
        default: return "rank"
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Reads the case's VCF through Genomics, turning its errors into case errors that name the
    /// manifest line and field (not the file's path).
    /// The case files (`BatchCase.caseFiles`) are read after the variant file, whose build places segments
    /// and breakends; their errors are `case_file_invalid`, naming the manifest line, the file, line and field.
    static func read(_ c: BatchCase, clinical: ClinicalContext, geneSpansPath: String? = nil,
                     consequenceSource: ConsequenceSource? = nil) throws -> RecommendationCase {
        try FileCheckScorer.checkFile(c.vcf, field: "vcf", c, missing: .vcfMissing, unreadable: .vcfUnreadable)
        if let bam = c.bam {
            try FileCheckScorer.checkFile(bam, field: "bam", c, missing: .bamUnreadable, unreadable: .bamUnreadable)
        }
        var rc: RecommendationCase
        do {
            rc = try RecommendationCase.read(vcf: c.vcf, sample: c.sample, bamPath: c.bam, malformed: c.lenient ? .skip : .fail,
                                             consequenceSource: consequenceSource, clinical: clinical)
        } catch let e as VariantFileError {
            throw CaseError(e, c)
        } catch let e as AnnotationInputError {
            throw CaseError(.annotationInputInvalid, "\(where: c): consequence annotation: \(e)")
        } catch let e as MAFError {
            throw CaseError(.vcfMalformed, "\(where: c), field vcf: \(e)")
        } catch let e as CaseInputError {
            throw CaseError(e.code == .unknownSample ? .sampleNotFound : .vcfMalformed, "\(where: c), field vcf: \(e)")
        }
        guard !c.caseFiles.isEmpty else { return rc }
        var options = c.caseFiles
        options.geneSpansPath = geneSpansPath
        do {
            try CaseFiles.read(options, variants: rc.variants, variantBuild: rc.source.build).apply(to: &rc.clinical)
        } catch {
            throw CaseError(.caseFileInvalid, "\(where: c): \(error)")
        }
        return rc
    }
}

extension CaseError.Code {
    /// The warehouse failed to answer (connection lost, database error) while scoring the case.
    public static let warehouseFailed = CaseError.Code("warehouse_failed")
    /// A copy-number, fusion, MSI or panel-BED file of the case cannot be read (`Genomics.CaseInputError`).
    public static let caseFileInvalid = CaseError.Code("case_file_invalid")
    /// The GFF3 or reference FASTA of in-process annotation cannot be read, or the VCF disagrees with the
    /// FASTA (REF differs, contig missing: another genome build) (`Genomics.AnnotationInputError`).
    public static let annotationInputInvalid = CaseError.Code("annotation_input_invalid")
}

extension RecommendScorer {
    /// What a batch loaded before its first case, for the start-up line.
    public struct Loaded: Sendable {
        public var knowledgeBase: String
        public var warehouse: String?
        public var similarityPatients: Int?
        public var seconds: Double

        public var description: String {
            var s = "knowledge base \(knowledgeBase)"
            if let warehouse { s += "; warehouse \(warehouse)" }
            if let n = similarityPatients { s += "; similarity index over \(n) patients" }
            return s + String(format: "; loaded in %.1f s", seconds)
        }
    }

    /// Builds the batch's recommend scorer once, with everything its cases share: loads the knowledge
    /// base; with a warehouse, loads its similarity index (unless `neighbours` is 0: the persisted one at
    /// `similarityIndexPath` when current, updated incrementally when stale, else built; nil path: built
    /// in memory) with every person's key read once, and, if `cacheWarehouse`, gives the recommender the
    /// warehouse with its read cache on (`Warehouse.Options.readCache`: metadata and biomarker cohorts
    /// read once) and a `RealWorldCache` (biomarker cohorts' analyses computed once for the batch).
    /// - Parameter warehouse: an open warehouse (`Warehouse.open(db:mode:)`, `Warehouse.openSQLite`), or nil
    ///   for curated evidence only. The caller closes it after the batch.
    public static func prepare(knowledgeBase directory: URL, warehouse: Warehouse?, neighbours: Int = 200,
                               similarityIndexPath: String? = nil, cacheWarehouse: Bool = true,
                               knownTumourTypes: Set<String>? = nil, minimumCount: Int = 5,
                               consequenceSource: ConsequenceSource? = nil, logger: Logger) async throws -> (scorer: RecommendScorer, loaded: Loaded) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let kb = try KnowledgeBase.load(directory: directory)
        var loaded = Loaded(knowledgeBase: kb.version.description, warehouse: nil, similarityPatients: nil, seconds: 0)
        var store: Warehouse? = nil
        var source: (any NeighbourSource)? = nil
        var unavailable = "no similarity index was given"
        if let opened = warehouse {
            let meta = try await opened.metadata(logger: logger)
            let patients = meta.datasets.reduce(0) { $0 + $1.patients }
            loaded.warehouse = "\(opened.backend) (\(patients) patients\(meta.synthetic == true ? ", synthetic" : ""))"
            if neighbours > 0 {
                let (s, reason) = await SimilarityNeighbourSource.load(store: opened, indexPath: similarityIndexPath,
                                                                       preloadingPersonIDs: true, threads: 1,
                                                                       tumourTypes: try kb.tumourTypeHierarchy(), logger: logger)
                if let s {
                    loaded.similarityPatients = s.index.count
                    source = s
                } else {
                    unavailable = reason
                }
            } else {
                unavailable = "turned off (no neighbours requested)"
            }
            store = cacheWarehouse ? opened.with(options: .readCache) : opened
        }
        let recommender = Recommender(knowledgeBase: kb, warehouse: store, neighbourSource: source,
                                      neighbourUnavailableReason: unavailable,
                                      options: RecommenderOptions(disclosure: DisclosureControl(minimumCount: minimumCount), neighbours: max(1, neighbours)),
                                      realWorldCache: cacheWarehouse ? RealWorldCache() : nil)
        loaded.seconds = seconds(clock.now - t0)
        return (RecommendScorer(recommender: recommender, knownTumourTypes: knownTumourTypes,
                                geneSpansPath: directory.appendingPathComponent(GeneSpans.knowledgeBasePath).path,
                                consequenceSource: consequenceSource), loaded)
    }
}
