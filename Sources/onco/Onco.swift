import ArgumentParser
import Genomics
import OncoCore
import Warehouse

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
            AnnotateCommand.self,
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

    /// ArgumentParser's `main`, plus one exit status of onco's own: 69 when the warehouse cannot be
    /// opened or reached (`WarehouseConnectionError`), so scripts can tell it from bad data (1).
    /// htslib's own messages are turned off once for every command (they would name file paths on
    /// stderr; onco reports problems through its errors).
    static func main() async {
        VariantFiles.setHTSlibMessages(enabled: false)
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let e as WarehouseConnectionError {
            StandardError.write("Error: \(e)\n")
            exit(withError: exitWarehouseUnavailable)
        } catch {
            exit(withError: error)
        }
    }
}
