import ArgumentParser
import Foundation
import Genomics
import Logging
import OncoCore
import Similarity
import Survival
import Vocabulary
import Warehouse
import WarehousePostgres

/// `onco similar --vcf FILE --tumor-type CODE [...]`: the warehouse patients most like a case, what they
/// were treated with and how they fared.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Warehouse patients most similar to a case, with their treatment lines and outcomes.",
        discussion: """
        The case's profile (altered genes by class, pathways, tumour type, stage, age, sex, prior lines, TMB) is \
        compared with every warehouse patient's by the similarity documented in the Similarity module; the \
        index is read from beside the warehouse (built or updated first when needed, see `onco warehouse index`). \
        Neighbours are listed by pseudonymous key only. Counts in the summary below --min-count are shown as <k and every \
        other count there is rounded to a multiple of k, as in cohort reports. \
        When the warehouse is synthetic every output says SYNTHETIC. On a governed warehouse the query names a care \
        purpose that may show neighbours (--purpose) or a research project allowing row-level export (--project), \
        and is audited (the case's hash and the counts shown).
        """)

    @Option(help: "Case VCF/BCF (plain or bgzipped, annotated with VEP CSQ or snpEff ANN, or annotated in process with --gff/--reference).") var vcf: String
    @Option(help: "The tumour sample column (default: ##tumor_sample=, the only sample, or the first non-normal).") var sample: String?
    @Option(name: [.customLong("tumor-type"), .customLong("tumour-type")], help: "OncoTree code of the case (LUAD, BRCA, ...).")
    var tumourType: String
    @Option(help: "Age at diagnosis, years.") var age: Int?
    @Option(help: "Sex: female or male.") var sex: String?
    @Option(help: "Stage (I, II, III, IV; IIIA etc. are read as III).") var stage: String?
    @Option(help: "Number of prior lines of systemic therapy.") var priorLines: Int?
    @Option(help: "Tumour mutational burden, mutations/Mb.") var tmb: Double?
    @Option(help: "Amplified gene (repeatable).") var amplification: [String] = []
    @Option(help: "Deleted gene (repeatable).") var deletion: [String] = []
    @Option(help: "Fusion, 5' partner first: EML4::ALK (repeatable).") var fusion: [String] = []
    @Option(help: "Number of neighbours.") var k: Int = 50
    @Option(help: "Only neighbours whose tumour type is this OncoTree code or lies below it.") var within: String?
    @Option(help: "Small-cell suppression: counts 1..k-1 in the summary are shown as <k, others rounded to a multiple of k (default: the warehouse's minimum; 0 only for a synthetic warehouse without governance).")
    var minCount: Int?
    @Option(help: "Similarity index file (default: beside a SQLite warehouse; for PostgreSQL in the cache directory).")
    var index: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var database: WarehouseCommand.DatabaseOption
    @OptionGroup var lenient: LenientOption
    @OptionGroup var consequence: ConsequenceOptions
    @Option(help: "With --gff: the reference FASTA (+ .fai) of the GFF3 (default: $ONCO_REFERENCE).") var reference: String?
    @OptionGroup var authorisation: AuthorisationOptions

    func validate() throws {
        guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
        guard (1...10_000).contains(k) else { throw ValidationError("--k must be between 1 and 10000") }
        let tree = try KBLocation.defaultTumourTypes()
        guard tree.id(of: OncoTreeCode(tumourType)) != nil else {
            throw ValidationError("--tumor-type '\(tumourType)' is not an OncoTree code (the knowledge base's OncoTree; e.g. LUAD, BRCA, COADREAD)")
        }
        if let within, tree.id(of: OncoTreeCode(within)) == nil {
            throw ValidationError("--within '\(within)' is not an OncoTree code (the knowledge base's OncoTree)")
        }
        guard (minCount ?? 0) >= 0 else { throw ValidationError("--min-count must not be negative") }
        if let age, !(0...130).contains(age) { throw ValidationError("--age must be between 0 and 130") }
        if let priorLines, priorLines < 0 { throw ValidationError("--prior-lines must not be negative") }
        if let sex, Sex(parsing: sex) == .unknown { throw ValidationError("--sex must be female or male") }
        if let stage, Stage.ordinal(stage) == nil { throw ValidationError("--stage '\(stage)' is not a stage (0, I, II, III, IV)") }
        if let tmb, !(tmb.isFinite && tmb >= 0) { throw ValidationError("--tmb must be a non-negative number") }
        for f in fusion where f.components(separatedBy: "::").count != 2 {
            throw ValidationError("--fusion '\(f)' must be written 5PRIME::3PRIME")
        }
    }

    func run() async throws {
        let logger = WarehouseCommand.logger
        let annotation = try consequence.source(reference: reference)
        let calls = try VariantFiles.read(VariantReadOptions(path: vcf, sample: sample, malformed: lenient.policy,
                                                             consequenceSource: annotation))
        noteSkipped(calls.skipped)
        let variants = calls.variants
        let clinical = ClinicalContext(
            tumourType: OncoTreeCode(tumourType), age: age, sex: sex.map(Sex.init(parsing:)), stage: stage.flatMap(Stage.normalise), tmb: tmb,
            copyNumber: amplification.map { CopyNumberAlteration(gene: $0, kind: .amplification) }
                + deletion.map { CopyNumberAlteration(gene: $0, kind: .deletion) },
            fusions: fusion.map { f in let p = f.components(separatedBy: "::"); return GeneFusion(fivePrime: p[0], threePrime: p[1]) })
        let query = WarehouseSimilarity.caseProfile(variants: variants, clinical: clinical, priorLines: priorLines)
        let caseLabels = WarehouseSimilarity.alterationLabels(variants: variants, clinical: clinical)

        let keys = try GovernanceCLI.keys()
        var hashed: [String] = annotation.map { ["annotation", ($0.gff as NSString).lastPathComponent, ($0.reference as NSString).lastPathComponent] } ?? []
        hashed = [
            sample ?? "", tumourType, age.map(String.init) ?? "", sex ?? "", stage ?? "", priorLines.map(String.init) ?? "",
            tmb.map { String($0) } ?? "", amplification.joined(separator: ","), deletion.joined(separator: ","), fusion.joined(separator: ",")] + hashed
        let caseHash = try AccessRequest.caseSHA256(files: [vcf], options: hashed)
        let store = try await database.open(.existing, logger: logger)
        do {
            let grant = try await GovernanceCLI.authorise(store, AccessRequest(
                command: "similar", authorisation: authorisation.id, kind: authorisation.kind, outputs: [.neighbours, .aggregates],
                tumourTypes: within.map { [$0] }, caseSHA256: caseHash, minimumCellCount: minCount), keys: keys, logger: logger)
            let minCount = grant.minimumCellCount
            let meta = try await store.metadata(logger: logger)
            let synthetic = meta.synthetic == true
            if minCount < 5 && !synthetic {
                throw ValidationError("--min-count below 5 is allowed only for a synthetic warehouse")
            }
            let path = WarehouseCommand.similarityIndexPath(db: database.db, index: index)
            let mapping = WarehouseProfileMapping(tumourTypes: try KBLocation.defaultTumourTypes())
            let (idx, provenance) = try await WarehouseSimilarity.index(for: store, at: path, mapping: mapping, logger: logger)
            guard idx.count > 0 else {
                try await store.close()
                StandardError.write("onco similar: the warehouse has no patients\(synthetic ? " (SYNTHETIC)" : "")\n")
                throw ExitCode(3)
            }
            var options = SearchOptions(k: k)
            if let within { options.filter = .within(OncoTreeCode(within)) }
            let neighbours = try await WarehouseSimilarity.neighbours(of: query, caseAlterations: caseLabels, in: idx, store: store,
                                                                      options: options, logger: logger)
            let report = SimilarReport(synthetic: synthetic, warehouseVersion: meta.warehouseVersion, backend: store.backend.rawValue,
                                       indexPath: path, provenance: provenance, indexed: idx.count, query: query, caseAlterations: caseLabels,
                                       neighbours: neighbours, disclosure: DisclosureControl(minimumCount: minCount))
            try await GovernanceCLI.record(store, grant, shown: report.auditedCounts, keys: keys, logger: logger)
            try await store.close()
            try emit(format == .json ? try report.json() : report.text(), to: output)
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// What `onco similar` shows: neighbour rows (pseudonymous) and a summary whose counts go through
/// `DisclosureControl.rounded` (`<k`, every other count rounded to a multiple of k, as in cohort reports). The
/// number of neighbours is the listing's length, shown exactly: the listing itself numbers them.
struct SimilarReport {
    var synthetic: Bool
    var warehouseVersion: Int
    var backend: String
    var indexPath: String?
    var provenance: WarehouseSimilarity.Provenance
    var indexed: Int
    var query: Similarity.PatientProfile
    var caseAlterations: [String]
    var neighbours: [WarehouseNeighbour]
    var disclosure: DisclosureControl

    static let syntheticNotice = "SYNTHETIC DATA: every patient in this warehouse is synthetic; nothing here describes a real person."

    struct Summary: Encodable {
        var neighbours: Int
        var sameTumourType: SuppressedCount
        var sharingAlteration: [String: SuppressedCount]
        /// Drug (any line) → neighbours treated with it.
        var treatedWith: [String: SuppressedCount]
        /// First-line regimen → neighbours.
        var firstLineRegimens: [String: SuppressedCount]
        var deaths: SuppressedCount
        /// Kaplan–Meier median OS from diagnosis of the neighbours, months (nil: not reached, or fewer
        /// neighbours with follow-up than the minimum count).
        var medianOverallSurvivalMonths: Double?
        var minimumCount: Int
    }

    static func months(_ days: Double) -> Double { days / 30.4375 }

    /// The counts shown, as the audit log records them (suppressed cells as `<k`).
    var auditedCounts: [String: AuditValue] {
        let v = AuditValue.init(_:) as (SuppressedCount) -> AuditValue
        let sm = summary
        return ["neighbours": .int(sm.neighbours), "indexed": v(disclosure.rounded(indexed)), "sameTumourType": v(sm.sameTumourType),
                "deaths": v(sm.deaths), "sharingAlteration": .object(sm.sharingAlteration.mapValues(v))]
    }

    var summary: Summary {
        var sharing: [String: Int] = [:], drugs: [String: Int] = [:], first: [String: Int] = [:]
        for a in caseAlterations { sharing[a] = 0 }
        var same = 0, deaths = 0
        var times: [Double] = [], events: [Bool] = []
        for n in neighbours {
            if n.explanation.tumourTypeRelation == .same { same += 1 }
            for a in n.sharedAlterations { sharing[a, default: 0] += 1 }
            for d in Set(n.lines.flatMap(\.drugs)) { drugs[d, default: 0] += 1 }
            if let l1 = n.lines.first(where: { $0.line == 1 }) { first[l1.regimen.isEmpty ? "(no drug recorded)" : l1.regimen, default: 0] += 1 }
            if let os = n.overallSurvival {
                times.append(Self.months(os.days)); events.append(os.event)
                if os.event { deaths += 1 }
            }
        }
        var median: Double?
        if times.count >= max(1, disclosure.minimumCount), let km = try? KaplanMeier(time: times, event: events) {
            let m = km.median.estimate
            median = m.isFinite ? m : nil
        }
        return Summary(neighbours: neighbours.count, sameTumourType: disclosure.rounded(same),
                       sharingAlteration: sharing.mapValues(disclosure.rounded), treatedWith: drugs.mapValues(disclosure.rounded),
                       firstLineRegimens: first.mapValues(disclosure.rounded), deaths: disclosure.rounded(deaths),
                       medianOverallSurvivalMonths: median, minimumCount: disclosure.minimumCount)
    }

    static func relation(_ r: NeighbourExplanation.TumourTypeRelation) -> String {
        switch r {
        case .same: return "same type"
        case .related(let a, let d): return "related via \(a) (\(d) steps)"
        case .unrelated: return "unrelated"
        }
    }

    func provenanceText() -> String {
        switch provenance {
        case .loaded: return "loaded"
        case .updated(let s): return "updated from warehouse version \(s.fromVersion) (\(s.upserted) upserted, \(s.removed) removed)"
        case .built(let why): return "built (\(why))"
        }
    }

    func text() -> String {
        var s = ""
        if synthetic { s += Self.syntheticNotice + "\n" }
        s += "Case: \(query.tumourType)"
        s += caseAlterations.isEmpty ? ", no profiled alterations" : ", alterations: " + caseAlterations.joined(separator: ", ")
        let pw = query.pathways.map(\.name)
        if !pw.isEmpty { s += "; pathways: " + pw.joined(separator: ", ") }
        s += "\n"
        s += "Warehouse (\(backend)) version \(warehouseVersion)\(synthetic ? ", SYNTHETIC" : ""); similarity index \(provenanceText())"
        s += ", \(disclosure.rounded(indexed)) patients indexed\n\n"
        let sm = summary
        s += "Summary of the \(sm.neighbours) nearest neighbours (\(disclosure.roundingStatement ?? "exact counts")):\n"
        s += "  same tumour type: \(sm.sameTumourType)\n"
        for (a, c) in sm.sharingAlteration.sorted(by: { $0.key < $1.key }) { s += "  sharing \(a): \(c)\n" }
        for (d, c) in sm.treatedWith.sorted(by: { $0.key < $1.key }) { s += "  treated with \(d) (any line): \(c)\n" }
        for (r, c) in sm.firstLineRegimens.sorted(by: { $0.key < $1.key }) { s += "  first line \(r): \(c)\n" }
        s += "  deaths: \(sm.deaths)\n"
        s += "  median OS from diagnosis: " + (sm.medianOverallSurvivalMonths.map { String(format: "%.1f months", $0) } ?? "not reached or not shown") + "\n"
        s += "\nNeighbours\(synthetic ? " (SYNTHETIC)" : "") — pseudonymous keys:\n"
        for n in neighbours {
            let e = n.explanation
            s += String(format: "%3d  %@  similarity %.4f  %@ (%@)\n", n.rank, n.key.rawValue, n.similarity, e.tumourType.rawValue, Self.relation(e.tumourTypeRelation))
            var shared: [String] = []
            if !e.sharedHotspotGenes.isEmpty { shared.append("hotspot/activating " + e.sharedHotspotGenes.joined(separator: ",")) }
            if !e.sharedTruncatingGenes.isEmpty { shared.append("truncating " + e.sharedTruncatingGenes.joined(separator: ",")) }
            if !e.sharedOtherGenes.isEmpty { shared.append("other " + e.sharedOtherGenes.joined(separator: ",")) }
            s += "     shared genes: " + (shared.isEmpty ? "none" : shared.joined(separator: "; "))
            s += "; alterations: " + (n.sharedAlterations.isEmpty ? "none" : n.sharedAlterations.joined(separator: ", "))
            s += "; pathways: " + (e.sharedPathways.isEmpty ? "none" : e.sharedPathways.map(\.name).joined(separator: ", ")) + "\n"
            for l in n.lines {
                s += "     line \(l.line): \(l.drugs.isEmpty ? "(no drug recorded)" : l.drugs.joined(separator: " + ")), day \(l.startDay)"
                s += l.endDay.map { "–\($0)" } ?? "" 
                s += "\n"
            }
            if let os = n.overallSurvival {
                s += String(format: "     OS %.1f months, %@\n", Self.months(os.days), os.event ? "died" : "censored (alive at last follow-up)")
            } else {
                s += "     OS unknown\n"
            }
        }
        if synthetic { s += Self.syntheticNotice + "\n" }
        return s
    }

    struct JSONNeighbour: Encodable {
        struct Line: Encodable { var line: Int; var drugs: [String]; var startDay: Int; var endDay: Int? }
        struct Outcome: Encodable { var overallSurvivalMonths: Double; var event: Bool }
        var rank: Int
        var key: String
        var similarity: Double
        var tumourType: String
        var tumourTypeRelation: String
        var sharedHotspotGenes: [String]
        var sharedTruncatingGenes: [String]
        var sharedOtherGenes: [String]
        var sharedAlterations: [String]
        var sharedPathways: [String]
        var components: [NeighbourExplanation.Component]
        var lines: [Line]
        var outcome: Outcome?
    }

    struct JSONReport: Encodable {
        var synthetic: Bool
        var notice: String?
        var warehouse: [String: String]
        var index: [String: String]
        var caseProfile: [String: [String]]
        var summary: Summary
        var neighbours: [JSONNeighbour]
    }

    func json() throws -> String {
        var idx = ["provenance": provenanceText(), "patients": disclosure.rounded(indexed).description]
        if let indexPath { idx["path"] = indexPath }
        let out = JSONReport(
            synthetic: synthetic, notice: synthetic ? Self.syntheticNotice : nil,
            warehouse: ["backend": backend, "version": String(warehouseVersion), "data": synthetic ? "SYNTHETIC" : "real"],
            index: idx,
            caseProfile: ["tumourType": [query.tumourType.rawValue], "alterations": caseAlterations,
                          "hotspotGenes": query.hotspotGenes.sorted(), "truncatingGenes": query.truncatingGenes.sorted(),
                          "otherGenes": query.otherGenes.sorted(), "pathways": query.pathways.map(\.name)],
            summary: summary,
            neighbours: neighbours.map { n in
                let e = n.explanation
                return JSONNeighbour(
                    rank: n.rank, key: n.key.rawValue, similarity: n.similarity, tumourType: e.tumourType.rawValue,
                    tumourTypeRelation: Self.relation(e.tumourTypeRelation), sharedHotspotGenes: e.sharedHotspotGenes,
                    sharedTruncatingGenes: e.sharedTruncatingGenes, sharedOtherGenes: e.sharedOtherGenes,
                    sharedAlterations: n.sharedAlterations, sharedPathways: e.sharedPathways.map(\.name), components: e.components,
                    lines: n.lines.map { JSONNeighbour.Line(line: $0.line, drugs: $0.drugs, startDay: $0.startDay, endDay: $0.endDay) },
                    outcome: n.overallSurvival.map { JSONNeighbour.Outcome(overallSurvivalMonths: Self.months($0.days), event: $0.event) })
            })
        // PrettyJSON: the bytes of JSONEncoder [.prettyPrinted, .sortedKeys] (slashes escaped), faster
        return try PrettyJSON.string(out, options: .init(escapesSlashes: true)) + "\n"
    }
}
