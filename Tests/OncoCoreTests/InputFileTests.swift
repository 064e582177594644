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

    /// `contents(path:)` / `utf8(path:)`: an error naming the file and the reason, never Foundation's
    /// NSCocoaErrorDomain text; an empty file is empty data (the format decides whether that is an error).
    @Test func errorsNameTheFileAndTheReason() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.json").path
        let empty = dir.appendingPathComponent("empty.json"), latin1 = dir.appendingPathComponent("latin1.txt")
        try Data().write(to: empty)
        try Data([0x41, 0xE9, 0x0A]).write(to: latin1)
        let m = #expect(throws: InputFileError.self) { try InputFile.contents(path: missing) }
        #expect(m?.code == .missing && m?.description == "\(missing): does not exist")
        let f = #expect(throws: InputFileError.self) { try InputFile.utf8(path: dir.path) }
        #expect(f?.code == .folder && f?.description == "\(dir.path): is a folder, not a file")
        let u = #expect(throws: InputFileError.self) { try InputFile.utf8(path: latin1.path) }
        #expect(u?.code == .notUTF8 && u?.description == "\(latin1.path): is not UTF-8 text")
        #expect(try InputFile.contents(path: empty.path) == Data())
        #expect(try InputFile.utf8(path: empty.path) == "")
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
