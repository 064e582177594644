import ArgumentParser
import CohortStudy
import Foundation
import Logging
import OncoCore
import Vocabulary
import Warehouse
import WarehousePostgres

/// Governance in the CLI: keys from the environment, the authorisation options of the commands that
/// read warehouse patients, and exit 77 (sysexits `EX_NOPERM`) for refusals.
enum GovernanceCLI {
    /// The administrator and audit keys from ONCO_ADMIN_KEY(_FILE) and ONCO_AUDIT_KEY(_FILE).
    static func keys() throws -> GovernanceKeys {
        do { return try GovernanceKeys.configured() } catch let e as GovernanceError { throw refused(e) }
    }

    /// Writes the refusal to standard error and returns exit status 77.
    static func refused(_ e: GovernanceError) -> ExitCode {
        StandardError.write("Refused: \(e)\n")
        return ExitCode(77)
    }

    /// Runs `body`, mapping a `GovernanceError` (refusal, administrator or audit key) to exit 77.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as GovernanceError { throw refused(e) }
    }

    /// Checks the request on `store` (refusals are audited) and returns the grant; exit 77 when refused.
    static func authorise(_ store: Warehouse, _ request: AccessRequest, keys: GovernanceKeys, logger: Logger) async throws -> AccessGrant {
        let g = store
        // OncoTree coverage (descendants included) for `AccessPolicy`, over the knowledge base's tree.
        let tree = try KBLocation.defaultTumourTypes()
        return try await run {
            try await g.authorise(request, keys: keys, covers: { GovernancePolicy.covered($0, by: $1, hierarchy: tree) }, logger: logger)
        }
    }

    /// Appends the allowed query with the counts shown; exit 77 when the audit key is missing or wrong.
    static func record(_ store: Warehouse, _ grant: AccessGrant, shown: [String: AuditValue], keys: GovernanceKeys, logger: Logger) async throws {
        let g = store
        _ = try await run { try await g.recordAccess(grant, shown: shown, keys: keys, logger: logger) }
    }

    /// Appends one entry per case and the query's entry, in one transaction; exit 77 when the audit key is missing or wrong.
    static func record(_ store: Warehouse, _ grant: AccessGrant, cases: [AccessedCase], shown: [String: AuditValue], keys: GovernanceKeys,
                       logger: Logger) async throws {
        let g = store
        _ = try await run { try await g.recordAccess(grant, cases: cases, shown: shown, keys: keys, logger: logger) }
    }

    /// A count of patients as shown under `dc`: `<k`, or rounded to a multiple of k (`DisclosureControl.rounded`).
    static func shown(_ n: Int, _ dc: DisclosureControl) -> AuditValue { AuditValue(dc.rounded(n)) }
}

/// `--project` / `--purpose`: the authorisation a command that reads warehouse patients runs under.
struct AuthorisationOptions: ParsableArguments {
    @Option(help: "The approved research project the query runs under (required, or --purpose, when governance is on).")
    var project: String?
    @Option(help: "The registered clinical-care purpose (tumour board or unit) the query runs under.")
    var purpose: String?

    func validate() throws {
        if project != nil && purpose != nil { throw ValidationError("name either --project or --purpose, not both") }
    }

    var id: String? { project ?? purpose }
    var kind: AuthorisationKind? { project != nil ? .research : (purpose != nil ? .care : nil) }
}

/// Opens a warehouse for a governed command (both backends hold the governance tables).
func openGovernedWarehouse(_ database: WarehouseOptions, logger: Logger) async throws -> Warehouse {
    try await database.open(.existing, logger: logger)
}

/// Runs `body` on the governed warehouse and closes it, also when `body` throws.
func withGovernedWarehouse<T>(_ database: WarehouseOptions, _ body: (Warehouse) async throws -> T) async throws -> T {
    let store = try await openGovernedWarehouse(database, logger: ProjectCommand.logger)
    let value: T
    do {
        value = try await body(store)
        try await store.close()
    } catch {
        try? await store.close()
        throw error
    }
    return value
}

/// `onco project add|add-purpose|list|show|revoke|governance|keys`: the registry of approved research projects and care purposes.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "The registry of approved research projects and clinical-care purposes, and the warehouse's governance switch.",
        discussion: """
            Every change is appended to the keyed, hash-chained audit log (onco audit verify checks it). Projects are never edited \
            or deleted: revoke one and register a new id. Registering or revoking, turning governance off and lowering the minimum \
            cell count need the administrator key (ONCO_ADMIN_KEY or ONCO_ADMIN_KEY_FILE), registered once with `onco project keys init`.
            """,
        subcommands: [Add.self, AddPurpose.self, List.self, Show.self, Revoke.self, Governance.self, Keys.self]
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
        if p.kind == .care {
            return """
                care purpose \(p.id): \(p.title)
                  approved by: \(p.approvedBy ?? "")
                  outputs: \(p.outputs.map(\.rawValue).joined(separator: ", "))
                  tumour types: \(p.tumourTypes.joined(separator: ", "))
                  expires: \(p.expiresOn.iso) (last day)
                  registered: \(p.createdAt)
                  status: \(status)
                """
        }
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
            let list = ProjectCommand.list
            let p = ResearchProject(id: id, title: title, ethicsReference: ethics,
                                    tumourTypes: list(tumourTypes).map { $0 == "*" ? $0 : $0.uppercased() }, fields: list(fields),
                                    rowLevelExport: rowLevelExport, expiresOn: Day(iso: expires)!)
            try await ProjectCommand.register(p, database: database)
        }
    }

    static func list(_ s: String) -> [String] { s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    static func register(_ p: ResearchProject, database: WarehouseOptions) async throws {
        let keys = try GovernanceCLI.keys()
        let saved = try await withGovernedWarehouse(database) { store in
            try await GovernanceCLI.run { try await store.addProject(p, keys: keys, logger: ProjectCommand.logger) }
        }
        print(ProjectCommand.describe(saved, today: CohortStudyToday.value))
    }

    struct AddPurpose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-purpose",
            abstract: "Register a clinical-care purpose (a tumour board or unit): who approved it, what it may show, until when.")
        @Option(help: "Purpose id (letters, digits, - _ .).") var id: String
        @Option(help: "The tumour board or unit.") var board: String
        @Option(name: .customLong("approved-by"), help: "Who approved it (name and role).") var approvedBy: String
        @Option(help: "What it may show, comma-separated: aggregates (counts, real-world evidence), neighbours (per-patient listings with lines and outcomes).")
        var outputs: String
        @Option(name: .customLong("tumour-types"), help: "OncoTree codes in scope (descendants included), comma-separated, or *.")
        var tumourTypes: String
        @Option(help: "Last day the purpose may query (YYYY-MM-DD).") var expires: String
        @OptionGroup var database: DB

        func validate() throws {
            guard ResearchProject.isValidID(id) else { throw ValidationError("--id must be 1–100 letters, digits, '-', '_' or '.'") }
            guard Day(iso: expires) != nil else { throw ValidationError("--expires must be a date YYYY-MM-DD") }
            for o in ProjectCommand.list(outputs) where AccessOutput(rawValue: o) == nil {
                throw ValidationError("--outputs: '\(o)' is not aggregates or neighbours")
            }
            guard !ProjectCommand.list(outputs).isEmpty else { throw ValidationError("--outputs must name aggregates and/or neighbours") }
        }

        func run() async throws {
            let p = ResearchProject.carePurpose(id: id, board: board, approvedBy: approvedBy,
                                                outputs: ProjectCommand.list(outputs).compactMap(AccessOutput.init(rawValue:)),
                                                tumourTypes: ProjectCommand.list(tumourTypes).map { $0 == "*" ? $0 : $0.uppercased() },
                                                expiresOn: Day(iso: expires)!)
            try await ProjectCommand.register(p, database: database)
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register the administrator and audit keys' verifiers (init, once), or replace the audit key (rotate).",
            discussion: """
                init reads ONCO_ADMIN_KEY (or ONCO_ADMIN_KEY_FILE) and ONCO_AUDIT_KEY (or ONCO_AUDIT_KEY_FILE): random secrets of at least \
                32 characters (e.g. openssl rand -hex 32). From then on every audit entry carries a MAC under the audit key, and \
                administrative changes need the administrator key; the keys themselves are never stored.

                rotate replaces the audit key: it needs the administrator key, the current audit key (ONCO_AUDIT_KEY) and the new one \
                (ONCO_NEW_AUDIT_KEY or ONCO_NEW_AUDIT_KEY_FILE). The log must verify under the current key; the rotation is an audit \
                entry (keys.rotate) MAC'd under the new key and carrying a handover MAC under the old one. Later entries carry MACs \
                under the new key only; `onco audit verify` checks earlier ones with --retired-audit-key-file.
                """)
        enum Action: String, ExpressibleByArgument, CaseIterable { case `init`, rotate }
        @Argument(help: "init or rotate") var action: Action
        @OptionGroup var database: DB
        func run() async throws {
            let keys = try GovernanceCLI.keys()
            var newKey: GovernanceSecret?
            if action == .rotate { newKey = try await GovernanceCLI.run { try GovernanceKeys.newAuditKey() } }
            if action == .rotate && newKey == nil {
                throw GovernanceCLI.refused(GovernanceError(.auditKey, "`keys rotate` needs the new audit key: set \(GovernanceKeys.newAuditVariable) or \(GovernanceKeys.newAuditVariable)_FILE"))
            }
            let rotateTo = newKey
            let message = try await withGovernedWarehouse(database) { store in
                if let rotateTo {
                    let e = try await GovernanceCLI.run { try await store.rotateAuditKey(keys, to: rotateTo, logger: ProjectCommand.logger) }
                    return "audit key rotated (audit entry \(e.seq)); give the new key to the querying processes, keep the retired one with the data-protection officer"
                }
                let e = try await GovernanceCLI.run { try await store.initialiseKeys(keys, logger: ProjectCommand.logger) }
                return "keys registered (audit entry \(e.seq)); keep both keys outside the warehouse"
            }
            print(message)
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
            let keys = try GovernanceCLI.keys()
            let p = try await withGovernedWarehouse(database) { store in
                try await GovernanceCLI.run { try await store.revokeProject(id: id, reason: reason, keys: keys, logger: ProjectCommand.logger) }
            }
            print(ProjectCommand.describe(p, today: CohortStudyToday.value))
        }
    }

    struct Governance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn governance on or off (when on, every query that reads patients names an approved project or care purpose).",
            discussion: "Turning it off or lowering --min-cell needs the administrator key; turning it on or raising --min-cell does not.")
        enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off, status }
        @Argument(help: "on, off or status.") var state: Switch
        @Option(name: .customLong("min-cell"), help: "Minimum cell count (at least 5 with governance on; default: keep).") var minCell: Int?
        @OptionGroup var database: DB
        func run() async throws {
            let keys = try GovernanceCLI.keys()
            let g = try await withGovernedWarehouse(database) { store in
                var g = try await store.governanceSettings(logger: ProjectCommand.logger)
                if state != .status {
                    g.enabled = state == .on
                    if let minCell { g.minimumCellCount = minCell }
                    let settings = g
                    try await GovernanceCLI.run { try await store.setGovernance(settings, keys: keys, logger: ProjectCommand.logger) }
                }
                return g
            }
            print("governance \(g.enabled ? "on" : "off"), minimum cell count \(g.minimumCellCount)")
        }
    }
}

/// Today's UTC date for the CLI.
enum CohortStudyToday {
    static var value: Day { Day(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))) }
}

extension CaseOptions {
    /// The case's hash for the audit log: the VCF's bytes and the clinical options (never a path or sample name).
    func auditSHA256() throws -> String {
        try AccessRequest.caseSHA256(files: [vcf] + files.paths, options: [
            tumourType.uppercased(), age.map(String.init) ?? "", sex ?? "", stage ?? "", priorTherapy.joined(separator: ","),
            tmb.map { String($0) } ?? "", msi ?? "", cna.joined(separator: ","), fusion.joined(separator: ","), includeFiltered ? "filtered" : "",
        ])
    }
}
