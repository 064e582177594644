import Foundation
import Testing
import Warehouse
import _TestSupport

/// Inputs that fuzzing (Fuzz/, scripts/fuzz.sh) found, replayed as ordinary tests: each must end in a
/// clean thrown error naming the file.
@Suite struct WarehouseFuzzRegressionTests {
    /// `omop-csv`: a repeated `person.csv` section leaves person.csv empty. Foundation's reader leaked
    /// 4 KiB on the empty file (LeakSanitizer); `InputFile` reads it without the leak.
    @Test func omopEmptyPersonTable() throws {
        let input = try FuzzReproducer(target: "omop-csv", name: "leak-2af8b51773f8cc3995872b8a3bb9c29b6f248a28")
        #expect(input.files["person.csv"] == Data())
        let dir = try input.writeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: ImportError.self) {
            let (_, source) = try OMOPCSVImporter(pseudonymizer: Fixture.pseudonymizer).prepare(directory: dir.path, name: "fuzz")
            while try source.nextBatch() != nil {}
        }
        #expect(error?.file == "person.csv")
        #expect(error?.description == "person.csv:1: has no header row")
    }
}
