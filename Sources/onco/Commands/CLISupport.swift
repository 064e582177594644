import ArgumentParser
import Foundation
import Genomics
import OncoCore

/// Output formats shared by subcommands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, tsv, markdown, html, csv
}

/// Writes to standard error without touching C globals (Swift 6 strict concurrency).
enum StandardError {
    static func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}

/// `--lenient`: malformed VCF records are skipped and counted instead of stopping the command.
struct LenientOption: ParsableArguments {
    @Flag(name: .customLong("lenient"), help: "Skip malformed VCF records (invalid REF/ALT, NUL bytes, values that do not match the header) and report how many, instead of stopping at the first.")
    var lenient = false

    var policy: MalformedRecordPolicy { lenient ? .skip : .fail }
}

/// Says on standard error how many malformed records a lenient read skipped (never silently).
func noteSkipped(_ skipped: SkippedRecords) {
    if let note = skipped.note { StandardError.write("onco: note: \(note)\n") }
}

/// Writes `text` to `path` atomically (temporary file + rename; `OutputFile`), or to standard output
/// when `path` is nil. A failure is an `OutputFileError` ("cannot write out/r.html: the folder out/ does not exist").
func emit(_ text: String, to path: String?) throws {
    if let path {
        try OutputFile.write(Data(text.utf8), to: path)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// `emit` for text already in bytes.
func emit(_ bytes: [UInt8], to path: String?) throws {
    let data = Data(bytes)
    if let path { try OutputFile.write(data, to: path) } else { FileHandle.standardOutput.write(data) }
}

/// True when standard output is a terminal.
var stdoutIsTTY: Bool { isatty(1) == 1 }
var stderrIsTTY: Bool { isatty(2) == 1 }
