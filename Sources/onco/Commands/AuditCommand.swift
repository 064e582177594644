import ArgumentParser
import Foundation
import OncoCore
import Warehouse

/// `onco audit verify|checkpoint|log`: the warehouse's keyed, hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check, checkpoint or list the warehouse's tamper-evident audit log (every query that reads patients, every project and governance change).",
        subcommands: [Verify.self, Checkpoint.self, Log.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the chain, the MACs (with ONCO_AUDIT_KEY), the governance settings and a checkpoint; exit 1 when anything is wrong.",
            discussion: "Reports the first edited, deleted, inserted or reordered entry, a log rewritten with the chain recomputed (MACs), governance settings or key verifiers changed outside onco, and a log that no longer holds an exported checkpoint.")
        @Option(help: "A checkpoint written by `onco audit checkpoint` (JSON) that the log must still hold.") var checkpoint: String?
        @Option(help: "A file holding an audit key retired by `onco project keys rotate` (repeatable): the MACs of the entries written under it are checked too.")
        var retiredAuditKeyFile: [String] = []
        @OptionGroup var database: ProjectCommand.DB
        func run() async throws {
            var keys = try GovernanceCLI.keys()
            keys.retiredAudit = try await GovernanceCLI.run { try retiredAuditKeyFile.map { try GovernanceKeys.secret(file: $0, what: "--retired-audit-key-file") } }
            var cp: AuditCheckpoint?
            if let checkpoint {
                let data: Data
                do throws(InputFileError) { data = try InputFile.contents(path: checkpoint) } catch { throw ValidationError("--checkpoint \(checkpoint): \(error.reason)") }
                do { cp = try JSONDecoder().decode(AuditCheckpoint.self, from: data) } catch {
                    throw ValidationError("--checkpoint \(checkpoint): not a checkpoint written by `onco audit checkpoint` (JSON with seq, sha256, at, mac)")
                }
            }
            let given = cp
            let v = try await withGovernedWarehouse(database) { store in
                try await store.verifyAuditLog(keys: keys, checkpoint: given, logger: ProjectCommand.logger)
            }
            if v.isIntact {
                let head = v.recordedHead.map { "; head entry \($0.seq), sha256 \($0.sha256)" } ?? ""
                let checked = v.keyPeriods.filter(\.checked)
                let macs = !v.macsChecked ? ""
                    : checked.count == v.keyPeriods.count ? "; MACs valid from entry \(v.keyedFrom ?? 0)" + (v.keyPeriods.count > 1 ? " (\(v.keyPeriods.count) audit keys)" : "")
                    : "; MACs valid for entries " + checked.map { "\($0.from)–\($0.through)" }.joined(separator: ", ")
                let cpText = v.checkpoint.map { "; holds checkpoint entry \($0.seq) of \($0.at)" } ?? ""
                print("audit log intact: \(v.entries) entries\(head)\(macs)\(cpText); governance settings as audited")
                for l in v.limits { print("  note: \(l)") }
                return
            }
            print("audit log BROKEN: \(v.problems.count) problem(s) in \(v.entries) entries; first bad entry: \(v.firstBadEntry.map(String.init) ?? "registry or settings")")
            for p in v.problems { print("  - \(p.message)") }
            for l in v.limits { print("  note: \(l)") }
            throw ExitCode(1)
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the log's head signed with the audit key (JSON), for the data-protection officer to keep outside the warehouse.")
        @Option(name: .shortAndLong, help: "Write to this file (default: standard output).") var output: String?
        @OptionGroup var database: ProjectCommand.DB
        func run() async throws {
            let keys = try GovernanceCLI.keys()
            let cp = try await withGovernedWarehouse(database) { store in
                try await GovernanceCLI.run { try await store.auditCheckpoint(keys: keys, logger: ProjectCommand.logger) }
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try emit(String(decoding: try enc.encode(cp), as: UTF8.self) + "\n", to: output)
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
