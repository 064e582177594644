import ArgumentParser
import CohortStudy
import Foundation
import Reports
import Warehouse

extension CohortCommand {
    /// `onco cohort screen`: the study's endpoint for every gene (or set) altered in at least N patients (issue #20).
    struct Screen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Screen every gene (or set) altered in at least N patients: carriers vs the rest, log-rank, Cox HR, Benjamini–Hochberg q.",
            discussion: """
                The population and endpoint come from a definition file and/or the same flags as `onco cohort run` (no groups: \
                each gene makes its own). Governed, audited and suppressed like `onco cohort run`; a gene is tested only when its \
                carriers and the other patients both reach the minimum cell count.
                """)
        @OptionGroup var study: DefinitionOptions
        @Option(name: .customLong("min-carriers"), help: "Test genes (sets) altered in at least this many analysed patients (default \(ScreenSpec.defaultMinimumCarriers); never below the minimum cell count).")
        var minCarriers: Int?
        @Option(name: .customLong("screen-classes"), help: "Alteration classes that make a carrier (default nonsynonymous; e.g. truncating,missense).")
        var screenClasses: [String] = []
        @Option(name: .customLong("screen-genes"), help: "Screen only these genes (comma-separated).") var screenGenes: [String] = []
        @Option(name: .customLong("screen-sets"), help: "Screen sets instead of genes: pathways (the ten Sanchez-Vega pathways), a pathway name, or sets of --alteration-sets.")
        var screenSets: [String] = []
        @OptionGroup var database: WarehouseOptions
        @Option(help: "The approved research project the query runs under (required when governance is on).") var project: String?
        @Option(help: "Report format.") var format: Format = .text
        @Option(help: "Write the report to this file (default: standard output).") var out: String?
        @Option(name: .customLong("volcano-plot"), help: "Write the volcano plot (SVG) to this file.") var volcanoPlot: String?
        @Option(name: .customLong("min-cell"), help: "Small-cell threshold: raise it; lowering below the warehouse's is allowed only for a synthetic warehouse without governance.")
        var minCell: Int?

        func run() async throws {
            let tumourTypes = try KBLocation.defaultTumourTypes()
            var flags = study.flags
            flags.screen = true; flags.minCarriers = minCarriers; flags.screenClasses = screenClasses
            flags.screenGenes = screenGenes; flags.screenSets = screenSets
            let base = try study.definition.map { try CohortDefinition.load(path: $0) }
            let definition = try flags.apply(to: base)
            let source = study.definition.map { URL(fileURLWithPath: $0).lastPathComponent + " + flags" } ?? "flags"
            let plan = try CohortPlan(definition, source: source, hierarchy: tumourTypes)
            let keys = try GovernanceCLI.keys()
            let store = try await database.open(.existing, logger: CohortCommand.logger)
            let result = try await CohortCommand.governed(store) {
                try await CohortStudy.screen(plan, store: store,
                                             options: .init(project: project, minimumCellCount: minCell, hierarchy: tumourTypes, keys: keys),
                                             logger: CohortCommand.logger)
            }
            let r = result.report
            try emit(try CohortCommand.rendered(r, as: format), to: out)
            try CohortCommand.emitPlot(r.screenVolcanoSVG(), to: volcanoPlot,
                                       none: "no gene was tested with an estimable hazard ratio, so there is no volcano plot")
            if out != nil || stdoutIsTTY {
                StandardError.write("audit entry \(result.audit.seq); \(result.result.units.count) \(r.screen?.unit ?? "gene")s tested over \(r.flow.last?.count.description ?? "?") patients\(r.provenance.synthetic ? " (SYNTHETIC DATA)" : "")\n")
            }
        }
    }
}
