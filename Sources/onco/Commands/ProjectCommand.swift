import ArgumentParser
import Foundation
import Logging
import OncoCore
import Warehouse
import WarehousePostgres

/// Opens a warehouse that supports governance.
func openGovernedWarehouse(_ database: WarehouseOptions, logger: Logger) async throws -> any GovernanceStore {
    let store = try await database.open(.existing, logger: logger)
    guard let g = store as? any GovernanceStore else {
        try? await store.close()
        throw ValidationError("this warehouse backend has no governance tables")
    }
    return g
}

/// `onco project add|list|show|revoke|governance`: the registry of approved research projects.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "The registry of approved research projects, and the warehouse's governance switch.",
        discussion: "Every change is appended to the hash-chained audit log (onco audit verify checks it). Projects are never edited or deleted: revoke one and register a new id.",
        subcommands: [Add.self, List.self, Show.self, Revoke.self, Governance.self]
    )

    static var logger: Logger {
        var l = Logger(label: "onco.project")
        l.logLevel = .warning
        return l
    }

    typealias DB = WarehouseOptions

    static func describe(_ p: ResearchProject, today: Day) -> String {
        var status = "active"
        if p.revokedAt != nil { status = "revoked \(p.revokedAt!.prefix(10))" + (p.revokedReason.map { " (\($0))" } ?? "") }
        else if today > p.expiresOn { status = "expired" }
        return """
            project \(p.id): \(p.title)
              ethics approval: \(p.ethicsReference)
              tumour types: \(p.tumourTypes.joined(separator: ", "))
              fields: \(p.fields.joined(separator: ", "))
              row-level export: \(p.rowLevelExport ? "allowed" : "not allowed")
              expires: \(p.expiresOn.iso) (last day)
              registered: \(p.createdAt)
              status: \(status)
            """
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an approved research project.")
        @Option(help: "Project id (letters, digits, - _ .).") var id: String
        @Option(help: "Title.") var title: String
        @Option(help: "Ethics approval reference (committee and number).") var ethics: String
        @Option(name: .customLong("tumour-types"), help: "OncoTree codes in scope (descendants included), comma-separated, or *.")
        var tumourTypes: String
        @Option(help: "Fields in scope, comma-separated, or *: tumour_type, age, sex, stage, tmb, diagnosis_date, mutations, therapies, os, pfs, ttnt, and attribute names (e.g. OS_MONTHS).")
        var fields: String
        @Flag(name: .customLong("row-level-export"), help: "Allow exporting per-patient (pseudonymous) rows.") var rowLevelExport = false
        @Option(help: "Last day the project may query (YYYY-MM-DD).") var expires: String
        @OptionGroup var database: DB

        func validate() throws {
            guard ResearchProject.isValidID(id) else { throw ValidationError("--id must be 1–100 letters, digits, '-', '_' or '.'") }
            guard Day(iso: expires) != nil else { throw ValidationError("--expires must be a date YYYY-MM-DD") }
        }

        func run() async throws {
            func list(_ s: String) -> [String] { s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            let p = ResearchProject(id: id, title: title, ethicsReference: ethics,
                                    tumourTypes: list(tumourTypes).map { $0 == "*" ? $0 : $0.uppercased() }, fields: list(fields),
                                    rowLevelExport: rowLevelExport, expiresOn: Day(iso: expires)!)
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            do {
                let saved = try await store.addProject(p, logger: ProjectCommand.logger)
                try await store.close()
                print(ProjectCommand.describe(saved, today: CohortStudyToday.value))
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered projects.")
        @OptionGroup var database: DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            let ps = try await store.projects(logger: ProjectCommand.logger)
            let g = try await store.governanceSettings(logger: ProjectCommand.logger)
            try await store.close()
            print("governance \(g.enabled ? "on" : "off"), minimum cell count \(g.minimumCellCount)")
            let today = CohortStudyToday.value
            for p in ps {
                let status = p.revokedAt != nil ? "revoked" : (today > p.expiresOn ? "expired" : "active")
                print("\(p.id)\t\(status)\texpires \(p.expiresOn.iso)\t\(p.tumourTypes.joined(separator: ","))\t\(p.title)")
            }
            if ps.isEmpty { print("no projects registered") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one project.")
        @Argument(help: "Project id.") var id: String
        @OptionGroup var database: DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            let p = try await store.project(id: id, logger: ProjectCommand.logger)
            try await store.close()
            guard let p else { throw ValidationError("project \(id) is not registered") }
            print(ProjectCommand.describe(p, today: CohortStudyToday.value))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a project: its queries are refused from now on.")
        @Argument(help: "Project id.") var id: String
        @Option(help: "Why (kept in the registry and the audit log).") var reason: String
        @OptionGroup var database: DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            do {
                let p = try await store.revokeProject(id: id, reason: reason, logger: ProjectCommand.logger)
                try await store.close()
                print(ProjectCommand.describe(p, today: CohortStudyToday.value))
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    struct Governance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn governance on or off (when on, every onco cohort names an approved, in-scope project).")
        enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off, status }
        @Argument(help: "on, off or status.") var state: Switch
        @Option(name: .customLong("min-cell"), help: "Minimum cell count (at least 5 with governance on; default: keep).") var minCell: Int?
        @OptionGroup var database: DB
        func run() async throws {
            let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
            do {
                var g = try await store.governanceSettings(logger: ProjectCommand.logger)
                if state != .status {
                    g.enabled = state == .on
                    if let minCell { g.minimumCellCount = minCell }
                    try await store.setGovernance(g, logger: ProjectCommand.logger)
                }
                try await store.close()
                print("governance \(g.enabled ? "on" : "off"), minimum cell count \(g.minimumCellCount)")
            } catch {
                try? await store.close()
                throw error
            }
        }
    }
}

/// Today's UTC date for the CLI.
enum CohortStudyToday {
    static var value: Day { Day(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))) }
}
