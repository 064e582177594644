import ArgumentParser
import Foundation
import Logging
import OncoCore
import Similarity
import Warehouse
import WarehousePostgres

extension WarehouseCommand {
    /// Where the similarity index of `db` lives: `--index` when given; beside a SQLite file
    /// (`<file>.simidx`); for PostgreSQL a file named after the server, database and schema in
    /// `$ONCO_CACHE_DIR`, `$XDG_CACHE_HOME/onco` or `~/.cache/onco`; nil for an in-memory warehouse.
    static func similarityIndexPath(db: String?, index: String?) -> String? {
        if let index { return index }
        let env = ProcessInfo.processInfo.environment
        let cache = env["ONCO_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 + "/onco" }
            ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/onco")
        let location = WarehouseLocation(parsing: db)
        if case .postgres = location { try? FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true) }
        return WarehouseSimilarity.defaultIndexPath(for: location, cacheDirectory: cache)
    }

    /// After an import: brings an existing similarity index up to date (incrementally when it can).
    /// Returns a line to print, or nil when there is no index to maintain. Never fails the import,
    /// which is already committed: a problem is reported, and the stale index is detected on next use.
    static func refreshSimilarityIndex(store: Warehouse, db: String?) async -> String? {
        guard let path = similarityIndexPath(db: db, index: nil), FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let mapping = WarehouseProfileMapping(tumourTypes: try KBLocation.defaultTumourTypes())
            let (idx, p) = try await WarehouseSimilarity.index(for: store, at: path, mapping: mapping, logger: logger)
            switch p {
            case .loaded: return "similarity index \(path): current"
            case .updated(let s):
                return "similarity index \(path): updated incrementally (\(s.upserted) upserted, \(s.removed) removed; \(idx.count) patients)"
            case .built(let why): return "similarity index \(path): rebuilt (\(why)); \(idx.count) patients"
            }
        } catch {
            return "similarity index \(path): NOT updated (\(error)); it will be rebuilt on next use"
        }
    }

    struct Index: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build or update the similarity index persisted beside the warehouse.",
            discussion: """
            The index is stamped with the warehouse version and datasets. A current index is left alone, a stale \
            one is updated incrementally (patients of new or replaced datasets upserted, removed ones dropped), \
            anything else is rebuilt. Imports (`onco warehouse import|synth`) update an existing index themselves.
            """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
        @OptionGroup var database: DatabaseOption
        @Option(help: "Index file (default: <sqlite file>.simidx; for PostgreSQL a file in $ONCO_CACHE_DIR, $XDG_CACHE_HOME/onco or ~/.cache/onco).")
        var index: String?
        @Flag(help: "Rebuild from the warehouse even when the index is current or could be updated.") var rebuild = false
        @Option(help: "Output format.") var format: Format = .text

        func run() async throws {
            // Fail before reading the warehouse when the index cannot be written there.
            if let index, let problem = OutputFile.problem(writing: index) { throw OutputFileError(path: index, reason: problem) }
            let store = try await database.open(.existing, logger: WarehouseCommand.logger)
            let path = WarehouseCommand.similarityIndexPath(db: database.db, index: index)
            let start = Date()
            let result: (index: SimilarityIndex, provenance: WarehouseSimilarity.Provenance)
            let meta: WarehouseMetadata
            do {
                meta = try await store.metadata(logger: WarehouseCommand.logger)
                let mapping = WarehouseProfileMapping(tumourTypes: try KBLocation.defaultTumourTypes())
                if rebuild {
                    let idx = try await WarehouseSimilarity.build(from: store, mapping: mapping, logger: WarehouseCommand.logger)
                    if let path { try idx.write(to: URL(fileURLWithPath: path)) }
                    result = (idx, .built(reason: "--rebuild"))
                } else {
                    result = try await WarehouseSimilarity.index(for: store, at: path, mapping: mapping, logger: WarehouseCommand.logger)
                }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            let secs = Date().timeIntervalSince(start)
            let what: String
            switch result.provenance {
            case .loaded: what = "current"
            case .updated(let s): what = "updated incrementally from warehouse version \(s.fromVersion) (\(s.upserted) upserted, \(s.removed) removed)"
            case .built(let why): what = "built (\(why))"
            }
            let stamp = WarehouseSimilarity.stamp(of: result.index)
            let dc = DisclosureControl()
            switch format {
            case .json:
                struct Out: Encodable {
                    var path: String?, action: String, patients: SuppressedCount, warehouseVersion: Int, stampVersion: Int?
                    var synthetic: Bool?, notice: String?, digest: String, seconds: Double
                }
                let out = Out(path: path, action: what, patients: dc.value(result.index.count), warehouseVersion: meta.warehouseVersion,
                              stampVersion: stamp?.warehouseVersion, synthetic: meta.synthetic,
                              notice: meta.synthetic == true ? "SYNTHETIC" : nil, digest: result.index.contentDigest(),
                              seconds: (secs * 1000).rounded() / 1000)
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(out), as: UTF8.self))
            case .text:
                print("similarity index \(path ?? "(in memory, not persisted)"): \(what)\(meta.synthetic == true ? ", SYNTHETIC" : "")")
                print("patients \(dc.display(result.index.count))  warehouse version \(meta.warehouseVersion)  digest \(result.index.contentDigest())  in \(String(format: "%.1f", secs)) s")
            }
        }
    }
}
