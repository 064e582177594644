import CohortStudy
import Foundation
import Testing
import _TestSupport

/// Inputs that fuzzing (Fuzz/, scripts/fuzz.sh) found, replayed as ordinary tests: each must end in a
/// clean thrown error naming the file.
@Suite struct CohortStudyFuzzRegressionTests {
    /// `cohort-definition`: an empty definition before the `=== flags` section. Foundation's reader
    /// leaked 4 KiB on the empty file (LeakSanitizer); `InputFile` reads it without the leak.
    @Test func emptyDefinitionFile() throws {
        let input = try FuzzReproducer(target: "cohort-definition", name: "leak-5ae39e3f8cfabd82febea96fa3ab6049c9be1897")
        let text = try #require(input.files[""])
        #expect(text.isEmpty)
        let dir = try input.writeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("definition.yaml")
        try text.write(to: path)
        let error = #expect(throws: CohortStudyError.self) { try CohortDefinition.load(path: path.path) }
        #expect(error?.code == .invalidDefinition)
        #expect(error?.location == "definition.yaml")
    }
}
