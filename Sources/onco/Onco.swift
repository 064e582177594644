import ArgumentParser
import Genomics
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

    /// The entry: htslib's own messages are turned off once for every command (they would name file
    /// paths on stderr; onco reports problems through its errors), then the arguments are parsed and run.
    static func main() async {
        VariantFiles.setHTSlibMessages(enabled: false)
        await main(nil)
    }
}
