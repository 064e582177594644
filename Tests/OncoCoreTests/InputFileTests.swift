import Foundation
import OncoCore
import Testing

/// `InputFile`: the whole-file reader that avoids Foundation's 4 KiB leak on empty files (Linux).
@Suite struct InputFileTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onco-inputfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func readsBytesAndEmptyFiles() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("a.csv"), empty = dir.appendingPathComponent("empty.csv")
        try Data("person_id\n1\n".utf8).write(to: full)
        try Data().write(to: empty)
        #expect(InputFile.read(path: full.path) == Data("person_id\n1\n".utf8))
        #expect(InputFile.text(path: full.path) == "person_id\n1\n")
        #expect(InputFile.read(path: empty.path) == Data())
        #expect(InputFile.text(path: empty.path) == "")
    }

    @Test func unreadableIsNil() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("latin1.txt")
        try Data([0x41, 0xE9, 0x0A]).write(to: bad)
        #expect(InputFile.read(path: dir.appendingPathComponent("missing.csv").path) == nil)
        #expect(InputFile.read(path: dir.path) == nil)  // a folder
        #expect(InputFile.read(path: bad.path) == Data([0x41, 0xE9, 0x0A]))
        #expect(InputFile.text(path: bad.path) == nil)  // not UTF-8
    }

    /// `DelimitedTable(path:)` (the survival tables) reads through `InputFile`: an empty file is a clean
    /// "no header line" error, without Foundation's empty-file leak (fuzz target `survival-csv`).
    @Test func emptySurvivalTableIsAnError() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("survival.csv")
        try Data().write(to: empty)
        let error = #expect(throws: DelimitedTableError.self) { try DelimitedTable(path: empty.path) }
        #expect(error?.message == "no header line")
        #expect(error?.file == empty.path)
    }
}
