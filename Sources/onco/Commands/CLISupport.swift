import ArgumentParser
import Foundation

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

/// Writes `text` to `path` atomically (temporary file + rename), or to standard output when `path` is nil.
func emit(_ text: String, to path: String?) throws {
    if let path {
        let url = URL(fileURLWithPath: path)
        try Data(text.utf8).write(to: url, options: .atomic)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// True when standard output is a terminal.
var stdoutIsTTY: Bool { isatty(1) == 1 }
var stderrIsTTY: Bool { isatty(2) == 1 }
