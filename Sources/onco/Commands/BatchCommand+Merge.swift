import ArgumentParser
import Batch
import Foundation
import Logging
import OncoCore
import Warehouse
import WarehousePostgres

struct BatchMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join shard outputs in manifest order, checking that no case is missing or duplicated.",
        discussion: """
            Reads every INPUT (outputs of `onco batch --shard I/N`), checks that each case of the manifest \
            appears exactly once and that no line names a case outside it, and writes the lines in manifest \
            order. The output is written to a temporary file and renamed, so it appears whole or not at all; \
            nothing is written when a case is missing or duplicated.

            Exit status: 0 complete, every case ok; 2 complete, some cases failed; 1 missing, duplicate or \
            foreign cases, or an unreadable input; 64 usage.
            """
    )

    @Option(help: "The manifest the shards were run from (TSV, or a folder of VCFs with --tumor-type).")
    var manifest: String

    @Option(name: .customLong("tumor-type"), help: "Tumour type, when --manifest is a folder of VCFs (only used to list its cases).")
    var tumourType: String?

    @Option(name: [.short, .customLong("output")], help: "Merged output (default: standard output).")
    var output: String?

    @Argument(help: "Shard outputs.")
    var inputs: [String]

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one shard output") }
    }

    func run() async throws {
        var isDir: ObjCBool = false
        let m: BatchManifest
        if FileManager.default.fileExists(atPath: manifest, isDirectory: &isDir), isDir.boolValue {
            m = try BatchManifest.folder(manifest, tumourType: tumourType ?? "NA")
        } else {
            m = try BatchManifest.read(path: manifest)
        }
        let report = try BatchMerge.merge(manifest: m, inputs: inputs, output: output)
        guard report.isComplete else {
            var s = "merge: not written:"
            func lines(_ cs: [BatchCase]) -> String {
                cs.prefix(20).map { $0.line > 0 ? "line \($0.line)" : "case \($0.index + 1)" }.joined(separator: ", ")
                    + (cs.count > 20 ? ", ..." : "")
            }
            if !report.missing.isEmpty {
                s += "\n  \(report.missing.count) case(s) of the manifest in no input (manifest \(lines(report.missing)))"
            }
            for d in report.duplicates.prefix(20) {
                s += "\n  duplicate: manifest \(d.case.line > 0 ? "line \(d.case.line)" : "case \(d.case.index + 1)") found at \(d.locations.map(\.description).joined(separator: ", "))"
            }
            if report.duplicates.count > 20 { s += "\n  ... \(report.duplicates.count) duplicates in all" }
            if !report.unknown.isEmpty {
                s += "\n  \(report.unknown.count) line(s) for cases not in the manifest: \(report.unknown.prefix(20).map(\.description).joined(separator: ", "))"
            }
            StandardError.write(s + "\n")
            throw ExitCode(1)
        }
        StandardError.write("merge: \(report.cases) cases from \(inputs.count) input(s): \(report.ok) ok, \(report.failed) failed\n")
        if report.failed > 0 { throw batchExitSomeFailed }
    }
}
