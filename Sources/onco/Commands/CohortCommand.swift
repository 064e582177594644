import ArgumentParser
import CohortStudy
import Foundation
import Logging
import OncoCore
import Reports
import Vocabulary
import Warehouse
import WarehousePostgres

/// Exit status when governance refuses a query (sysexits `EX_NOPERM`).
let cohortExitRefused = ExitCode(77)

/// `onco cohort run|validate|classes`: cohort outcome studies on the warehouse.
struct CohortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Cohort outcome studies: Kaplan–Meier, log-rank, Cox and PH test between groups of warehouse patients, or an emulated target trial.",
        discussion: """
            A study is a definition file (JSON or YAML, see Cohorts/studies/) and/or flags. Every run is appended to the \
            warehouse's audit log; when governance is on (onco project governance on) it must name an approved project \
            (--project) and stay within its scope. Counts below the minimum cell count (default 5) are shown as <5 in every output.
            """,
        subcommands: [Run.self, Screen.self, Validate.self, Classes.self],
        defaultSubcommand: Run.self
    )

    static var logger: Logger {
        var l = Logger(label: "onco.cohort")
        l.logLevel = .warning
        return l
    }

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, html, json, csv }

    /// Runs a study's library call on the opened warehouse and closes it on every path; a refusal becomes the
    /// refusal exit (77) with its reason, a governance error the governance exit.
    static func governed<T>(_ store: Warehouse, _ body: () async throws -> T) async throws -> T {
        let value: T
        do { value = try await body() } catch let e as CohortStudyError where e.code == .refused {
            try? await store.close()
            StandardError.write("Refused: \(e)\n")
            throw cohortExitRefused
        } catch let e as GovernanceError {
            try? await store.close()
            throw GovernanceCLI.refused(e)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return value
    }

    /// Writes a plot to `path` when one was asked for; `none` says why there is no plot when `svg` gives nil.
    static func emitPlot(_ svg: @autoclosure () -> String?, to path: String?, none: String) throws {
        guard let path else { return }
        guard let text = svg() else { throw ValidationError(none) }
        try emit(text, to: path)
    }

    /// A cohort report in the chosen format.
    static func rendered(_ r: CohortReport, as format: Format) throws -> String {
        switch format {
        case .text: return r.text()
        case .markdown: return r.markdown()
        case .html: return r.html()
        case .json: return try r.json()
        case .csv: return r.csv()
        }
    }

    /// The definition flags (see `CohortFlags`).
    struct DefinitionOptions: ParsableArguments {
        @Argument(help: "Study definition file (.json, .yaml); flags add to it or override its groups, endpoint and analyses.")
        var definition: String?
        @Option(help: "Study name.") var name: String?
        @Option(name: .customLong("tumour-type"), help: "OncoTree code(s), descendants included (repeat or comma-separate).")
        var tumourType: [String] = []
        @Flag(name: .customLong("exact-tumour-types"), help: "Do not include OncoTree descendants.") var exactTumourTypes = false
        @Option(help: "Stage(s): 0, I, II, III, IV.") var stage: [String] = []
        @Option(help: "Age at diagnosis range in years: 40-70, 40-, -70.") var age: String?
        @Option(help: "female, male or unknown.") var sex: [String] = []
        @Option(help: "Altered gene: GENE, GENE:class1,class2, GENE:p.V600E, cna:GENE (amp:, del:, fusion:); or any member of a set: 'IDH1|IDH2[:classes]', set:NAME, pathway:NAME (repeatable, all must hold).")
        var altered: [String] = []
        @Option(name: .customLong("wild-type"), help: "Genotyped patients without a qualifying alteration of the gene, or of any member of a set (same forms as --altered).")
        var wildType: [String] = []
        @Option(name: .customLong("fusion-frame"), help: "in_frame or frameshift: the --altered/--wild-type/--group-by/screen conditions that count fusions keep only fusions the source stated in that frame (unknown frames never match).")
        var fusionFrame: String?
        @Option(help: "TMB range in mutations/Mb: 10-, 5-20.") var tmb: String?
        @Option(help: "Received a drug or class in any (or a given) line: pembrolizumab, class:platinum, osimertinib@1.") var therapy: [String] = []
        @Option(help: "Diagnosis date range: 2010-01-01..2015-12-31 (either end optional).") var diagnosed: String?
        @Option(name: .customLong("where"), help: "Clinical attribute condition: NAME=V1,V2 or NAME=lo..hi; a value holding a comma in double quotes (NAME=\"A, B\"); repeat for more values of one attribute. A value no patient has is an error listing close matches.")
        var whereAttribute: [String] = []
        @Option(help: "Dataset (study) name.") var dataset: [String] = []
        @Option(name: .customLong("group-by"), help: "Groups: mutation:GENE[:classes|:p.X], a set mutation:GENE1|GENE2[:classes] (members GENE, GENE:p.X, cna:GENE, amp:GENE, del:GENE, fusion:GENE), set:NAME (a Sanchez-Vega pathway such as RTK-RAS, or a set of --alteration-sets), a variable (sex, stage, tumour_type, an attribute), or cuts:VARIABLE:c1,c2.")
        var groupBy: String?
        @Option(name: .customLong("alteration-sets"), help: "A file of alteration sets (YAML NAME: [MEMBER, ...], or TSV NAME<TAB>MEMBER,MEMBER) for --group-by set:NAME and --altered set:NAME.")
        var alterationSets: String?
        @Option(help: "Groups: the top PERCENT % of --of within each level of --within (at or above R's quantile(x, 1 - PERCENT/100); ties included) vs the rest.")
        var top: Double?
        @Option(help: "Groups: the bottom PERCENT % of --of within each level of --within (at or below R's quantile(x, PERCENT/100); ties included) vs the rest.")
        var bottom: Double?
        @Option(name: .customLong("quantile-type"), help: "R's quantile type (1-9) of the --top/--bottom cut-off; default 7, R's default.")
        var quantileType: Int?
        @Option(help: "The numeric variable of --top (tmb, age or an attribute such as TMB_NONSYNONYMOUS).") var of: String?
        @Option(help: "The variable whose levels --top cut-offs are computed within (e.g. tumour_type, CANCER_TYPE).") var within: String?
        @Option(name: .customLong("therapy-a"), help: "Groups: therapy A (drugs or class:NAME, comma-separated) …") var therapyA: String?
        @Option(name: .customLong("therapy-b"), help: "… vs therapy B (the reference).") var therapyB: String?
        @Option(help: "Line of therapy of --therapy-a/-b, or of a line-based endpoint.") var line: Int?
        @Option(help: "Endpoint: os, pfs, ttnt, or study (the study's own attributes, see --time-attribute).") var endpoint: String?
        @Option(help: "Endpoint origin: diagnosis or line.") var from: String?
        @Option(name: .customLong("time-attribute"), help: "Study endpoint: the time attribute (e.g. OS_MONTHS).") var timeAttribute: String?
        @Option(name: .customLong("status-attribute"), help: "Study endpoint: the status attribute (e.g. OS_STATUS).") var statusAttribute: String?
        @Option(name: .customLong("time-attribute-unit"), help: "Unit of the time attribute (default months).") var timeAttributeUnit: String?
        @Option(help: "Landmark: 90d, 6m, 1y.") var landmark: String?
        @Option(name: .customLong("time-unit"), help: "Unit of the times shown: days, months (default), years.") var timeUnit: String?
        @Option(help: "Cox covariates (variables; repeat or comma-separate).") var adjust: [String] = []
        @Option(help: "Cox strata (variables).") var strata: [String] = []
        @Option(name: .customLong("logrank-strata"), help: "Log-rank strata (variables).") var logRankStrata: [String] = []
        @Option(help: "Cox ties: efron (default), breslow, exact.") var ties: String?
        @Option(name: .customLong("km-times"), parsing: .upToNextOption, help: "Times (display unit) at which survival is tabulated.")
        var kmTimes: [Double] = []
        @Option(help: "Skip analyses: logrank, cox, phtest.") var skip: [String] = []
        @Option(name: .customLong("competing-cause"),
                help: "Competing risks: the status attribute (e.g. DSS_STATUS) whose event marks an endpoint event as the event of interest (cancer death); other events compete (cumulative incidence by group, Gray's test, Fine–Gray HR).")
        var competingCause: String?
        @OptionGroup(title: "Emulated target trial") var trial: TargetTrialOptions

        var flags: CohortFlags {
            var f = CohortFlags()
            f.name = name; f.tumourTypes = tumourType; f.exactTumourTypes = exactTumourTypes; f.stages = stage; f.age = age; f.sex = sex
            f.altered = altered; f.wildType = wildType; f.fusionFrame = fusionFrame; f.tmb = tmb; f.therapies = therapy; f.diagnosed = diagnosed
            f.whereAttribute = whereAttribute; f.datasets = dataset; f.groupBy = groupBy; f.alterationSetsFile = alterationSets; f.top = top; f.bottom = bottom; f.quantileType = quantileType; f.of = of; f.within = within
            f.therapyA = therapyA; f.therapyB = therapyB; f.line = line; f.endpoint = endpoint; f.from = from
            f.timeAttribute = timeAttribute; f.statusAttribute = statusAttribute; f.timeAttributeUnit = timeAttributeUnit
            f.landmark = landmark; f.timeUnit = timeUnit; f.adjust = adjust; f.strata = strata; f.logRankStrata = logRankStrata
            f.ties = ties; f.kmTimes = kmTimes; f.skip = skip; f.competingCause = competingCause; f.trial = trial.flags
            return f
        }

        /// The checked plan; tumour types are expanded over `hierarchy` (`KBLocation.defaultTumourTypes()`).
        func plan(hierarchy: TumourTypeHierarchy) throws -> CohortPlan {
            let f = flags
            guard definition != nil || !f.isEmpty else {
                throw ValidationError("give a definition file or definition flags (e.g. --tumour-type HNSC --group-by mutation:TP53)")
            }
            let base = try definition.map { try CohortDefinition.load(path: $0) }
            let d = try f.apply(to: base)
            let source = definition.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "flags"
            return try CohortPlan(d, source: f.isEmpty ? source : (definition == nil ? "flags" : "\(source) + flags"), hierarchy: hierarchy)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a study and write its report (text, Markdown, HTML, JSON or CSV) and plots (SVG).")
        @OptionGroup var study: DefinitionOptions
        @OptionGroup var database: WarehouseOptions
        @Option(help: "The approved research project the query runs under (required when governance is on).") var project: String?
        @Option(help: "Report format.") var format: Format = .text
        @Option(help: "Write the report to this file (default: standard output).") var out: String?
        @Option(name: .customLong("km-plot"), help: "Write the Kaplan–Meier plot (SVG) to this file.") var kmPlot: String?
        @Option(name: .customLong("forest-plot"), help: "Write the Cox forest plot (SVG) to this file.") var forestPlot: String?
        @Option(name: .customLong("export-rows"), help: "Write the analysed rows (pseudonymous key, group, time, event) as CSV, where the project allows row-level export.")
        var exportRows: String?
        @Option(name: .customLong("min-cell"), help: "Small-cell threshold: raise it; lowering below the warehouse's is allowed only for a synthetic warehouse without governance.")
        var minCell: Int?

        func run() async throws {
            let tumourTypes = try KBLocation.defaultTumourTypes()
            let plan = try study.plan(hierarchy: tumourTypes)
            let keys = try GovernanceCLI.keys()
            let store = try await database.open(.existing, logger: CohortCommand.logger)
            let result = try await CohortCommand.governed(store) {
                try await CohortStudy.run(plan, store: store,
                                          options: .init(project: project, exportRows: exportRows != nil, minimumCellCount: minCell,
                                                         hierarchy: tumourTypes, keys: keys),
                                          logger: CohortCommand.logger)
            }
            let r = result.report
            try emit(try CohortCommand.rendered(r, as: format), to: out)
            try CohortCommand.emitPlot(r.kaplanMeierSVG(), to: kmPlot,
                                       none: "no Kaplan–Meier curve may be shown (every group is below the minimum cell count)")
            try CohortCommand.emitPlot(r.forestPlotSVG(), to: forestPlot, none: "no Cox model was fitted, so there is no forest plot")
            if let exportRows, let csv = result.rowsCSV { try emit(csv, to: exportRows) }
            if out != nil || stdoutIsTTY {
                let analysed = r.targetTrial.map { "\($0.arms[0].entries) + \($0.arms[1].entries) trial entries" }
                    ?? "\(r.flow.last?.count.description ?? "?") patients"
                StandardError.write("audit entry \(result.audit.seq); analysed \(analysed)\(r.provenance.synthetic ? " (SYNTHETIC DATA)" : "")\n")
            }
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a study definition (file and/or flags) without running it; print it as canonical JSON with the fields it uses.")
        @OptionGroup var study: DefinitionOptions
        func run() async throws {
            let plan = try study.plan(hierarchy: try KBLocation.defaultTumourTypes())
            print(try plan.definition.canonicalJSON())
            print("fields used: \(plan.fields.sorted().joined(separator: ", "))")
            if !plan.criteria.tumourTypes.isEmpty {
                print("tumour types (with descendants): \(plan.criteria.tumourTypes.joined(separator: ", "))")
            }
        }
    }

    struct Classes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in drug classes and their drugs.")
        func run() throws {
            for c in DrugClasses.builtIn {
                print("\(c.name)\(c.atc.map { " [ATC \($0)]" } ?? " [umbrella]"): \(c.drugs.joined(separator: ", "))")
            }
        }
    }
}
