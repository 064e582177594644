import ArgumentParser
import Foundation
import Logging
import OncoCore
import Warehouse
import WarehousePostgres

/// `onco warehouse init|import|synth|stats [--db PATH|URL]`.
struct WarehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warehouse",
        abstract: "Create, fill and inspect the clinical data warehouse (SQLite file or PostgreSQL).",
        subcommands: [Init.self, Import.self, Synth.self, Stats.self, Index.self]
    )

    typealias DatabaseOption = WarehouseOptions

    static var logger: Logger {
        var l = Logger(label: "onco.warehouse")
        l.logLevel = .warning
        return l
    }

    /// Progress on a terminal only: a single rewritten line on stderr.
    static func progressPrinter(_ what: String) -> (@Sendable (ImportProgress) -> Void)? {
        guard stderrIsTTY else { return nil }
        return { p in StandardError.write("\r\(what): \(p.patients) patients, \(p.rows) rows written") }
    }

    /// Imports one dataset into the warehouse (created if missing), with progress on a terminal, and refreshes
    /// the similarity index when anything changed; the store is closed, also on error. `secs` times the import.
    static func importDataset(_ descriptor: DatasetDescriptor, from source: any WarehouseBatchSource, into database: DatabaseOption,
                              progress what: String) async throws
        -> (outcome: ImportOutcome, backend: WarehouseBackend, secs: Double, indexNote: String?) {
        let store = try await database.open(.createIfMissing, logger: logger)
        let start = Date()
        let outcome: ImportOutcome
        do {
            outcome = try await store.importDataset(descriptor, from: source, progress: progressPrinter(what), logger: logger)
        } catch {
            if stderrIsTTY { StandardError.write("\n") }
            try? await store.close()
            throw error
        }
        let secs = Date().timeIntervalSince(start)
        let indexNote = outcome.action == .unchanged ? nil : await refreshSimilarityIndex(store: store, db: database.db)
        try await store.close()
        if stderrIsTTY { StandardError.write("\n") }
        return (outcome, store.backend, secs, indexNote)
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the warehouse (or bring its schema up to date).")
        @OptionGroup var database: DatabaseOption
        func run() async throws {
            let store = try await database.open(.createIfMissing, logger: WarehouseCommand.logger)
            let m = try await store.metadata(logger: WarehouseCommand.logger)
            try await store.close()
            print("warehouse \(WarehouseLocation(parsing: database.db)) (\(store.backend)): schema version \(m.schemaVersion), warehouse version \(m.warehouseVersion), \(m.datasets.count) dataset(s)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a cBioPortal study folder, a cBioPortal clinical TSV download, or an OMOP CDM CSV export.",
            discussion: "Identifiers are pseudonymised with the key in ONCO_PSEUDONYM_KEY (or --pseudonym-key-file); the key is never stored. One transaction per dataset: on any error nothing is written. Re-importing the same files changes nothing.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case auto, cbioportal, clinicalTSV = "cbioportal-clinical-tsv", omopCSV = "omop-csv" }
        @Argument(help: "Study folder, clinical TSV file, or folder of OMOP CSV files.") var path: String
        @Option(help: "Input format (default: detected).") var format: Format = .auto
        @Option(help: "File holding the pseudonymisation key (default: ONCO_PSEUDONYM_KEY).") var pseudonymKeyFile: String?
        @Option(help: "Dataset name for an OMOP CSV export (default: the folder name).") var name: String?
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            var key: String?
            if let f = pseudonymKeyFile {
                do throws(InputFileError) { key = try InputFile.utf8(path: f).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                    throw ValidationError("--pseudonym-key-file \(f): \(error.reason)")
                }
                // An empty file must not fall back to ONCO_PSEUDONYM_KEY silently.
                if key?.isEmpty ?? true { throw ValidationError("--pseudonym-key-file \(f): the file is empty") }
            }
            let pseudonymizer = try Pseudonymizer.configured(key)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ValidationError("\(path) does not exist") }
            var fmt = format
            if fmt == .auto {
                if isDir.boolValue {
                    fmt = FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("person.csv").path) ? .omopCSV : .cbioportal
                } else {
                    fmt = .clinicalTSV
                }
            }
            let (descriptor, source): (DatasetDescriptor, any WarehouseBatchSource)
            switch fmt {
            case .cbioportal, .auto:
                (descriptor, source) = try CBioPortalImporter(pseudonymizer: pseudonymizer).prepare(study: try CBioPortalStudy(directory: path))
            case .clinicalTSV:
                (descriptor, source) = try CBioPortalImporter(pseudonymizer: pseudonymizer).prepare(clinicalTSV: path)
            case .omopCSV:
                (descriptor, source) = try OMOPCSVImporter(pseudonymizer: pseudonymizer).prepare(directory: path, name: name)
            }
            let (outcome, backend, secs, indexNote) = try await WarehouseCommand.importDataset(
                descriptor, from: source, into: database, progress: "importing")
            let d = outcome.dataset
            let dc = DisclosureControl()
            print("\(outcome.action.rawValue): \(d.name) into \(WarehouseLocation(parsing: database.db)) (\(backend)), warehouse version \(outcome.warehouseVersion)")
            print("patients \(dc.display(d.patients))  samples \(dc.display(d.samples))  mutations \(dc.display(d.mutations))  treatment rows \(dc.display(d.treatmentRows))  rows written \(outcome.rowsWritten)  in \(String(format: "%.1f", secs)) s")
            for note in source.importNotes { print(note) }
            if let indexNote { print(indexNote) }
        }
    }

    struct Synth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a synthetic cohort (every patient synthetic) into the warehouse.",
            discussion: "The model and its planted effects are in the parameter file (Cohorts/README.md). The same --seed always gives the same cohort.")
        @Option(help: "Number of patients.") var patients: Int = 5000
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Parameter file (JSON).") var params: String = "Cohorts/synthetic-oncology.json"
        @Option(help: "Generator threads (default: all cores).") var threads: Int?
        @OptionGroup var database: DatabaseOption

        func validate() throws {
            guard patients > 0 else { throw ValidationError("--patients must be positive") }
            guard FileManager.default.fileExists(atPath: params) else { throw ValidationError("parameter file \(params) not found") }
        }

        func run() async throws {
            let g = try SyntheticCohortGenerator(parametersPath: params, patients: patients, seed: seed)
            let (outcome, backend, secs, indexNote) = try await WarehouseCommand.importDataset(
                g.descriptor, from: g.makeSource(parallelism: threads ?? ProcessInfo.processInfo.activeProcessorCount),
                into: database, progress: "generating")
            print("\(outcome.action.rawValue): \(outcome.dataset.name) (synthetic) into \(WarehouseLocation(parsing: database.db)) (\(backend))")
            print("patients \(outcome.dataset.patients)  mutations \(outcome.dataset.mutations)  treatment rows \(outcome.dataset.treatmentRows)  rows written \(outcome.rowsWritten)  in \(String(format: "%.1f", secs)) s")
            if let indexNote { print(indexNote) }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts of what the warehouse holds (small cells suppressed).")
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
        @Option(help: "Output format.") var format: Format = .text
        @Option(help: "Small-cell suppression threshold (counts 1..k-1 are shown as <k; default: the warehouse's minimum; 0 for synthetic data without governance only).")
        var minimumCount: Int?
        @OptionGroup var database: DatabaseOption
        @OptionGroup var authorisation: AuthorisationOptions

        func run() async throws {
            let keys = try GovernanceCLI.keys()
            let store = try await database.open(.existing, logger: WarehouseCommand.logger)
            let s: WarehouseStats, m: WarehouseMetadata, dc: DisclosureControl
            do {
                let grant = try await GovernanceCLI.authorise(store, AccessRequest(
                    command: "warehouse.stats", authorisation: authorisation.id, kind: authorisation.kind, outputs: [.aggregates],
                    minimumCellCount: minimumCount), keys: keys, logger: WarehouseCommand.logger)
                s = try await store.stats(logger: WarehouseCommand.logger)
                m = try await store.metadata(logger: WarehouseCommand.logger)
                if grant.minimumCellCount == 0 && m.synthetic != true {
                    throw ValidationError("--minimum-count 0 is allowed only for a synthetic warehouse")
                }
                dc = DisclosureControl(minimumCount: grant.minimumCellCount)
                // Counts of patients are rounded (complementary protection: the total minus the other tumour types
                // must not give a suppressed type's count); row counts (mutations, treatment rows, lines) are not.
                func rows(_ n: Int) -> AuditValue { AuditValue(dc.value(n)) }
                var shown: [String: AuditValue] = [
                    "patients": AuditValue(dc.rounded(s.patients)), "samples": AuditValue(dc.rounded(s.samples)),
                    "mutations": rows(s.mutations), "deaths": AuditValue(dc.rounded(s.deaths)),
                    "linesOfTherapy": rows(s.linesOfTherapy), "treatmentRows": rows(s.treatmentRows),
                ]
                shown["patientsByTumourType"] = .object(Dictionary(uniqueKeysWithValues: s.patientsByTumourType.map { ($0.tumourType, AuditValue(dc.rounded($0.patients))) }))
                try await GovernanceCLI.record(store, grant, shown: shown, keys: keys, logger: WarehouseCommand.logger)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            switch format {
            case .json:
                struct Out: Encodable {
                    var backend: String, schemaVersion: Int, warehouseVersion: Int, synthetic: Bool?
                    var patients, samples, mutations, treatmentRows, linesOfTherapy, deaths: SuppressedCount
                    var patientsByTumourType: [String: SuppressedCount]
                    var datasets: [String]
                    /// Synthetic datasets generated with traps: dataset name → the planted truth (JSON text).
                    var plantedTruth: [String: String]?
                }
                let out = Out(backend: store.backend.rawValue, schemaVersion: m.schemaVersion, warehouseVersion: m.warehouseVersion,
                              synthetic: m.synthetic, patients: dc.rounded(s.patients), samples: dc.rounded(s.samples), mutations: dc.value(s.mutations),
                              treatmentRows: dc.value(s.treatmentRows), linesOfTherapy: dc.value(s.linesOfTherapy), deaths: dc.rounded(s.deaths),
                              patientsByTumourType: Dictionary(uniqueKeysWithValues: s.patientsByTumourType.map { ($0.tumourType, dc.rounded($0.patients)) }),
                              datasets: s.datasets.map(\.name),
                              plantedTruth: s.datasets.contains { $0.plantedTruth != nil }
                                  ? Dictionary(uniqueKeysWithValues: s.datasets.compactMap { d in d.plantedTruth.map { (d.name, $0) } }) : nil)
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(out), as: UTF8.self))
            case .text:
                print("warehouse \(WarehouseLocation(parsing: database.db)) (\(store.backend)), schema \(m.schemaVersion), version \(m.warehouseVersion)\(m.synthetic == true ? ", SYNTHETIC" : "")")
                print("patients\t\(dc.rounded(s.patients))")
                print("samples\t\(dc.rounded(s.samples))")
                print("mutations\t\(dc.display(s.mutations))")
                print("treatment rows\t\(dc.display(s.treatmentRows))")
                print("lines of therapy\t\(dc.display(s.linesOfTherapy))")
                print("deaths\t\(dc.rounded(s.deaths))")
                for t in s.patientsByTumourType { print("  \(t.tumourType)\t\(dc.rounded(t.patients))") }
                if dc.minimumCount > 1 { print("(patient counts below \(dc.minimumCount) shown as <\(dc.minimumCount), others rounded to a multiple of \(dc.minimumCount))") }
                for d in s.datasets {
                    print("dataset \(d.name) [\(d.sourceKind)\(d.synthetic ? ", synthetic" : "")] imported \(d.importedAt), version \(d.warehouseVersion): patients \(dc.rounded(d.patients)), samples \(dc.rounded(d.samples)), mutations \(dc.display(d.mutations)), treatment rows \(dc.display(d.treatmentRows))")
                    if let t = d.plantedTruth { print("  planted truth (synthetic traps): \(t)") }
                }
            }
        }
    }
}
