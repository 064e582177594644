import ArgumentParser
import Foundation
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

/// Writes `text` to `path` atomically (temporary file + rename; `OutputFile`), or to standard output
/// when `path` is nil. A failure is an `OutputFileError` ("cannot write out/r.html: the folder out/ does not exist").
func emit(_ text: String, to path: String?) throws {
    if let path {
        try OutputFile.write(Data(text.utf8), to: path)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// True when standard output is a terminal.
var stdoutIsTTY: Bool { isatty(1) == 1 }
var stderrIsTTY: Bool { isatty(2) == 1 }
