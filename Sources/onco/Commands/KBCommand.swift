import ArgumentParser
import Foundation
import Genomics
import Knowledge
import OncoCore
import Vocabulary

/// `onco kb`: the knowledge base (CIViC + MOAlmanac + OncoTree + Disease Ontology): rule and disease
/// coverage, import, matching.
struct KBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Knowledge base: biomarker rules, disease mapping, CIViC/MOAlmanac import, case matching.",
        subcommands: [Rules.self, Diseases.self, Update.self, Match.self, Transcripts.self]
    )
}

/// Where the KB directory is: `--kb`, `$ONCO_KB`, `./KnowledgeBase`, or `KnowledgeBase/` beside an ancestor of the executable.
struct KBLocation: ParsableArguments {
    @Option(name: .customLong("kb"), help: "Knowledge-base directory (default: $ONCO_KB, ./KnowledgeBase, or the repository's).")
    var directory: String?

    func resolve() throws -> URL { try Self.locate(directory) }

    /// `directory` if given, else the default search ($ONCO_KB, ./KnowledgeBase, beside the executable).
    static func locate(_ directory: String?) throws -> URL {
        if let directory { return URL(fileURLWithPath: directory) }
        if let env = ProcessInfo.processInfo.environment["ONCO_KB"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let fm = FileManager.default
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("KnowledgeBase")
        if fm.fileExists(atPath: cwd.appendingPathComponent("MANIFEST.tsv").path) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let kb = dir.appendingPathComponent("KnowledgeBase")
            if fm.fileExists(atPath: kb.appendingPathComponent("MANIFEST.tsv").path) { return kb }
            dir = dir.deletingLastPathComponent()
        }
        throw ValidationError("cannot find the KnowledgeBase directory; pass --kb DIR or set ONCO_KB")
    }

    /// The tumour-type tree of commands that load no knowledge base (`similar`, `cohort`, `project`, the
    /// similarity index after an import): the OncoTree of the KB the default search finds, so that these
    /// commands and `recommend` compare over the same tree; the embedded copy (`TumourTypeHierarchy.embedded`)
    /// only when no KB is found. A KB that is found but whose OncoTree cannot be read is an error.
    static func defaultTumourTypes() throws -> TumourTypeHierarchy {
        guard let directory = try? locate(nil) else { return .embedded }
        return try KnowledgeBase.tumourTypeHierarchy(directory: directory)
    }
}

private func jsonText<T: Encodable>(_ value: T) throws -> String {
    try PrettyJSON.string(value) + "\n"
}

private func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

extension KBCommand {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how CIViC variants are parsed into rule kinds, and the coverage of predictive evidence.")
        @OptionGroup var kb: KBLocation
        @Flag(help: "List every variant name that could not be parsed, with the reason.")
        var unparsed = false
        @Flag(help: "List every exact GRCh37 allele with its GRCh38 lift (UCSC chain) or why it was not lifted, as TSV.")
        var lifted = false
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
            if lifted && (unparsed || format == .json) { throw ValidationError("--lifted prints a TSV on its own (no --unparsed, no --format json)") }
        }

        func run() throws {
            let base = try kb.resolve()
            let k = try KnowledgeBase.load(directory: base)
            if lifted {
                var s = "# \(k.liftover.summary)\ngrch37\tgrch38\tnot_lifted\n"
                for r in k.liftover.rows { s += "\(r.grch37)\t\(r.grch38.map(\.description) ?? "")\t\(r.failure?.rawValue ?? "")\n" }
                try emit(s, to: output)
                return
            }
            let c = k.coverage()
            if format == .json { try emit(jsonText(c), to: output); return }
            var s = "KB: \(c.kbVersion)\n\n"
            s += "CIViC variants: \(c.variants)\n"
            s += "  parsed into a rule:    \(c.parsed) (\(percent(c.parsedShare)))\n"
            s += "  matchable from DNA/CNA/fusion/TMB/MSI: \(c.matchable) (\(percent(Double(c.matchable) / Double(max(c.variants, 1)))))\n"
            s += "  with an exact GRCh37 allele from CIViC coordinates: \(c.withGenomicAllele)\n"
            s += "Exact alleles (CIViC + MOAlmanac): \(c.liftoverSummary)\n\n"
            s += "Rule kind                    variants   share\n"
            for kind in RuleKind.allCases {
                let n = c.byKind[kind.rawValue] ?? 0
                s += kind.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(format: "%9d   %5.1f%%\n", n, 100 * Double(n) / Double(max(c.variants, 1)))
            }
            s += "\nPredictive evidence items: \(c.predictiveEvidence)\n"
            s += "  mapped to a rule:        \(c.predictiveMapped) (\(percent(c.predictiveMappedShare)))  [target >= 90%]\n"
            s += "  mapped to a matchable rule: \(c.predictiveMatchable) (\(percent(c.predictiveMatchableShare)))\n"
            s += "Unparsed variants: \(c.unparsed.count)" + (unparsed ? "\n" : " (list them with --unparsed)\n")
            if c.moalmanacFeatures > 0 {
                s += "MOAlmanac features: \(c.moalmanacFeatures); parsed into a rule: \(c.moalmanacParsed); matchable: \(c.moalmanacMatchable)\n"
            }
            if unparsed {
                s += "\npredictive  gene      variant  —  reason\n"
                for u in c.unparsed {
                    s += String(format: "%10d  ", u.predictiveEvidence) + u.gene.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + " \(u.name)  —  \(u.reason)  [CIViC variant \(u.variantID)]\n"
                }
            }
            try emit(s, to: output)
        }
    }

    struct Diseases: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how every KB disease (CIViC and MOAlmanac) resolves to OncoTree, and the unmapped ones.",
            discussion: "Exits 1 when a disease with level A/B (CIViC) or FDA-Approved/Guideline/Clinical trial (MOAlmanac) evidence is unmapped.")
        @OptionGroup var kb: KBLocation
        @Flag(help: "List only the diseases with no OncoTree node.") var unmapped = false
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
        }

        func run() throws {
            let c = try KnowledgeBase.load(directory: try kb.resolve()).diseaseCoverage()
            let rows = unmapped ? c.unmapped : c.rows
            if format == .json { try emit(jsonText(rows), to: output) } else {
                var s = "KB: \(c.kbVersion)\n"
                s += "Diseases: \(c.diseases); mapped to OncoTree: \(c.mapped) (\(percent(Double(c.mapped) / Double(max(c.diseases, 1)))))"
                s += "; evidence items on mapped diseases: \(c.itemsMapped)/\(c.items)\n"
                var routes: [DiseaseResolution.Route: Int] = [:]
                for r in c.rows { routes[r.resolution.route, default: 0] += 1 }
                s += "Routes: " + DiseaseResolution.Route.allCases.map { "\($0.rawValue) \(routes[$0] ?? 0)" }.joined(separator: ", ") + "\n"
                s += "Unmapped: \(c.unmapped.count), with level A/B evidence: \(c.unmappedStrong.count)\n"
                if !rows.isEmpty { s += "\nsource     items  levels  disease  →  OncoTree [route]\n" }
                for r in rows {
                    let codes = r.resolution.codes.isEmpty ? "UNMAPPED" : r.resolution.codes.joined(separator: ",")
                    s += r.source.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%6d  ", r.items)
                    s += r.levels.joined(separator: ",") + "  \(r.name) (\(r.key))  →  \(codes)\(r.resolution.within ? " (subtype within)" : "")"
                    s += " [\(r.resolution.route.rawValue)]\n"
                }
                try emit(s, to: output)
            }
            if !c.unmappedStrong.isEmpty { throw ExitCode(1) }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a newer CIViC dump (v1 or v2 TSVs) or MOAlmanac release and rebuild the index and manifest.",
            discussion: "The import is transactional: the new KB is built and checked in a temporary copy, then swapped in; a bad file leaves the installed KB unchanged.")
        @OptionGroup var kb: KBLocation
        @Option(help: "Directory with a CIViC TSV dump (*ClinicalEvidenceSummaries.tsv, *VariantSummaries.tsv, v2: *MolecularProfileSummaries.tsv).")
        var civic: String?
        @Option(help: "A MOAlmanac flat release (molecular-oncology-almanac.json); shipped unchanged under moalmanac/.")
        var moalmanac: String?
        @Flag(help: "Rebuild the index and manifest from the current sources (after editing a source file).")
        var rebuild = false

        func validate() throws {
            if civic == nil && moalmanac == nil && !rebuild {
                throw ValidationError("give --civic DIR or --moalmanac FILE to import a release, or --rebuild")
            }
        }

        func run() throws {
            let base = try kb.resolve()
            let fm = FileManager.default
            let stage = base.deletingLastPathComponent().appendingPathComponent(".\(base.lastPathComponent).import-\(UUID().uuidString)")
            try fm.copyItem(at: base, to: stage)
            defer { try? fm.removeItem(at: stage) }
            if let civic {
                let src = URL(fileURLWithPath: civic)
                let release = try CIViCLoader.load(directory: src) // validates before touching anything
                let dest = stage.appendingPathComponent(KnowledgeLayout.civicDirectory)
                try fm.removeItem(at: dest)
                try fm.createDirectory(at: dest, withIntermediateDirectories: true)
                for f in try fm.contentsOfDirectory(atPath: src.path) where f.hasSuffix(".tsv") {
                    try fm.copyItem(at: src.appendingPathComponent(f), to: dest.appendingPathComponent(f))
                }
                StandardError.write("kb update: CIViC \(release.releaseName) (\(release.schema.rawValue)): \(release.evidence.count) evidence items, \(release.variants.count) variants\n")
            }
            if let moalmanac {
                let src = URL(fileURLWithPath: moalmanac)
                let dest = stage.appendingPathComponent(KnowledgeLayout.moalmanacDirectory)
                try fm.createDirectory(at: dest, withIntermediateDirectories: true)
                for f in KnowledgeLayout.moalmanacFiles(in: stage) { try fm.removeItem(at: stage.appendingPathComponent(f)) }
                try fm.copyItem(at: src, to: dest.appendingPathComponent(src.lastPathComponent.hasSuffix(".json") ? src.lastPathComponent : "molecular-oncology-almanac.json"))
            }
            let built = try KnowledgeBase.build(directory: stage)
            try built.writeIndex(directory: stage)
            try Manifest.write(kb: built, directory: stage)
            let checked = try KnowledgeBase.load(directory: stage, verification: .full)
            // Swap in: old → backup, staged → KB, drop backup.
            let backup = base.deletingLastPathComponent().appendingPathComponent(".\(base.lastPathComponent).old-\(UUID().uuidString)")
            try fm.moveItem(at: base, to: backup)
            do { try fm.moveItem(at: stage, to: base) } catch { try? fm.moveItem(at: backup, to: base); throw error }
            try? fm.removeItem(at: backup)
            let c = checked.coverage()
            print("KB: \(checked.version)")
            print("rules: \(c.parsed)/\(c.variants) variants parsed (\(percent(c.parsedShare))); predictive evidence mapped \(percent(c.predictiveMappedShare))")
            let d = checked.diseaseCoverage()
            print("diseases: \(d.mapped)/\(d.diseases) mapped to OncoTree; unmapped with level A/B evidence: \(d.unmappedStrong.count)")
            print("exact alleles: \(checked.liftover.summary)")
        }
    }

    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match a case (variants plus copy number, fusions, TMB, MSI) against the KB.",
            discussion: """
            --variants takes a TSV with columns gene, hgvsp, chrom, pos, ref, alt, consequence, exon, filter, build \
            (header required; empty cells allowed), or a JSON array of objects with those keys.
            """)
        @OptionGroup var kb: KBLocation
        @Option(help: "Case variant list (TSV or JSON).") var variants: String?
        @Option(help: "Case VCF/BCF (plain or bgzipped), read through htslib; the tumour sample as in `onco variants`.")
        var vcf: String?
        @Option(help: "With --vcf: the tumour sample column (default: ##tumor_sample=, the only sample, or the first non-normal).")
        var sample: String?
        @Option(name: [.customLong("tumor-type"), .customLong("tumour-type")], help: "OncoTree code of the case (LUAD, COADREAD, ...).")
        var tumourType: String
        @Option(help: "Amplified gene (repeatable).") var amplification: [String] = []
        @Option(help: "Deleted gene (repeatable).") var deletion: [String] = []
        @Option(help: "Fusion, 5' partner first: EML4::ALK (repeatable).") var fusion: [String] = []
        @Option(help: "Tumour mutational burden, mutations/Mb.") var tmb: Double?
        @Option(help: "MSI status: MSI-H, MSI-L or MSS.") var msi: String?
        @Flag(help: "Also match variants whose FILTER is not PASS.") var includeFiltered = false
        @OptionGroup var files: CaseFileArguments
        @OptionGroup var lenient: LenientOption
        @OptionGroup var consequence: ConsequenceOptions
        @Option(help: "With --gff: the reference FASTA (+ .fai) of the GFF3 (default: $ONCO_REFERENCE).") var reference: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
            if vcf != nil && variants != nil { throw ValidationError("give either --vcf or --variants, not both") }
            if vcf == nil && variants == nil && amplification.isEmpty && deletion.isEmpty && fusion.isEmpty && tmb == nil && msi == nil
                && files.cnaFile == nil && files.fusionFile == nil && files.msiFile == nil {
                throw ValidationError("give the case: --vcf FILE or --variants FILE and/or --amplification/--deletion/--fusion/--tmb/--msi or --cna-file/--fusion-file/--msi-file")
            }
            if files.givesTMB && vcf == nil && variants == nil { throw ValidationError("--tmb-bed/--tmb-megabases count the variants of --vcf or --variants") }
            try files.validate(tmb: tmb, msi: msi)
            if let msi, MSIStatus(rawValue: msi.uppercased()) == nil { throw ValidationError("--msi must be MSI-H, MSI-L or MSS") }
            for f in fusion where f.components(separatedBy: "::").count != 2 {
                throw ValidationError("--fusion '\(f)' must be written 5PRIME::3PRIME")
            }
        }

        func run() throws {
            let kbDirectory = try kb.resolve()
            let k = try KnowledgeBase.load(directory: kbDirectory)
            var vs = try variants.map { try CaseVariantList.read(path: $0) } ?? []
            var skipped = SkippedRecords()
            var build: GenomeBuild?
            if let vcf {
                let calls = try VariantFiles.read(VariantReadOptions(path: vcf, sample: sample, malformed: lenient.policy,
                                                                     consequenceSource: try consequence.source(reference: reference)))
                vs = calls.variants
                skipped = calls.skipped
                build = calls.build
                noteSkipped(skipped)
            }
            var ctx = ClinicalContext(
                tumourType: OncoTreeCode(tumourType), tmb: tmb, msi: msi.flatMap { MSIStatus(rawValue: $0.uppercased()) },
                copyNumber: amplification.map { CopyNumberAlteration(gene: $0, kind: .amplification) }
                    + deletion.map { CopyNumberAlteration(gene: $0, kind: .deletion) },
                fusions: fusion.map { f in let p = f.components(separatedBy: "::"); return GeneFusion(fivePrime: p[0], threePrime: p[1]) })
            let caseFiles = files.options(knowledgeBase: kbDirectory)
            if !caseFiles.isEmpty { try CaseFiles.read(caseFiles, variants: vs, variantBuild: build).apply(to: &ctx) }
            let r = try k.match(variants: vs, context: ctx, options: MatchOptions(includeFiltered: includeFiltered))
            try emit(format == .json ? try jsonText(r) : render(r, skipped: skipped), to: output)
        }

        func render(_ r: CaseInterpretation, skipped: SkippedRecords) -> String {
            var s = "KB: \(r.kbVersion)\n"
            if let note = skipped.note { s += "NOTE: \(note)\n" }
            s += "Tumour type: \(r.tumourType) (\(r.tumourTypeName)); variants considered: \(r.variantsConsidered)"
            s += r.ignoredFiltered > 0 ? "; \(r.ignoredFiltered) non-PASS ignored (use --include-filtered)\n" : "\n"
            if let w = r.annotationWarning { s += "WARNING: \(w)\n" }
            for m in r.inputMethods ?? [] { s += "Input: \(m)\n" }
            if r.matches.isEmpty { s += "\nNo KB profile matches this case.\n"; return s }
            s += "\nTherapies (predictive evidence; a combination is one therapy):\n"
            for t in r.therapies {
                let tier = t.bestTier.map(\.description) ?? "--"
                s += "  \(tier)  \(t.therapy)"
                s += "  sensitivity \(t.sensitivity.count), resistance \(t.resistance.count), counter-evidence \(t.counterEvidence.count)"
                if !t.conflicts.isEmpty {
                    s += "\n        conflicts: " + t.conflicts.map { "\(EvidenceSource.label(evidenceID: $0.evidenceID)) \($0.therapy) \($0.effect.rawValue)\($0.isCounterEvidence ? " (does not support)" : "") \($0.tier)" }.joined(separator: "; ")
                }
                s += "\n"
            }
            s += "\nMatched biomarkers:\n"
            for m in r.matches {
                s += "\n● \(m.profileName)  [rule: \(m.rule); kind \(m.ruleKind.rawValue); resolution \(m.resolution)]\n"
                for a in m.alterations {
                    s += "    alteration: \(a.description) → \(a.condition) (\(a.resolution)\(a.exonSource.map { ", exon from \($0)" } ?? ""))\n"
                }
                for e in m.evidence {
                    let therapy = e.therapies.isEmpty ? "" : " " + e.therapies.map(\.description).joined(separator: " | ")
                    s += "    \(e.tier) \(e.label) level \(e.level.rawValue)\(e.source == .civic ? "" : " (\(e.sourceLevel))") \(e.type.rawValue) \(e.significance)\(e.isCounterEvidence ? " (DOES NOT SUPPORT)" : "")\(therapy)"
                    s += " — \(e.disease) [\(e.relation.rawValue)] PMID \(e.pmid ?? "-")\n"
                    s += "        ontology: \(e.ontologyPath.joined(separator: " ; "))\n"
                }
            }
            return s
        }
    }
}
