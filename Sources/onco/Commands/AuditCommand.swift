import ArgumentParser
import Foundation
import OncoCore
import Warehouse

/// `onco audit verify|log`: the warehouse's hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check or list the warehouse's tamper-evident audit log (every cohort query, project change and governance change).",
        subcommands: [Verify.self, Log.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the SHA-256 chain; report the first edited, deleted or reordered entry (exit 1 when the log is broken).")
        @OptionGroup var database: ProjectCommand.DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            let v: AuditVerification
            do {
                v = try await store.verifyAuditLog(logger: ProjectCommand.logger)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            if v.isIntact {
                let head = v.recordedHead.map { "; head entry \($0.seq), sha256 \($0.sha256)" } ?? ""
                print("audit log intact: \(v.entries) entries\(head)")
                return
            }
            print("audit log BROKEN: \(v.problems.count) problem(s) in \(v.entries) entries; first bad entry: \(v.firstBadEntry.map(String.init) ?? "registry")")
            for p in v.problems { print("  - \(p.message)") }
            throw ExitCode(1)
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the audit log (sequence, time, action, project, definition hash, detail).")
        @Option(help: "Only the last N entries.") var last: Int?
        @OptionGroup var database: ProjectCommand.DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            let entries = try await store.auditLog(logger: ProjectCommand.logger)
            try await store.close()
            let shown = last.map { Array(entries.suffix(max(0, $0))) } ?? entries
            for e in shown {
                print("\(e.seq)\t\(e.at)\t\(e.action)\t\(e.projectID ?? "-")\t\(e.definitionSHA256.map { String($0.prefix(12)) } ?? "-")\t\(e.detail)")
            }
        }
    }
}
