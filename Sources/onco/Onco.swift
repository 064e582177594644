import ArgumentParser
import OncoCore

/// The `onco` command line. Each subcommand lives in `Commands/<Name>Command.swift` and stays thin:
/// it parses, calls a library module, renders, and maps errors to exit codes (see `CLIError`).
@main
struct Onco: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onco",
        abstract: "Precision-oncology engine: variants, knowledge base, warehouse, survival, therapy ranking.",
        version: OncoVersion.current,
        subcommands: [
            VariantsCommand.self,
            BatchCommand.self,
            KBCommand.self,
            SurvivalCommand.self,
            WarehouseCommand.self,
            RecommendCommand.self,
            DemoCommand.self,
            SimilarCommand.self,
            CohortCommand.self,
            ProjectCommand.self,
            AuditCommand.self,
        ]
    )
}
