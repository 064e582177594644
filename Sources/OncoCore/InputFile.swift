import Foundation

/// A file an onco reader takes whole (a CSV table, a cohort definition, a study's meta file), read
/// through `FileHandle`.
///
/// Not `Data(contentsOf:)`, `FileManager.contents(atPath:)` or `String(contentsOfFile:)`: on Linux,
/// swift-foundation reads a file whose size is 0 into a 4 KiB buffer it never frees when nothing is
/// read (`readBytesFromFile`, the zero-size path kept for `/proc` files), so each empty input leaks
/// 4 KiB; LeakSanitizer reports it under fuzzing (Fuzz/regressions/omop-csv, cohort-definition).
public enum InputFile {
    /// The bytes of the file at `path`; nil when it cannot be opened or read (missing, a folder, no
    /// permission). An empty file gives empty `Data`.
    public static func read(path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            return nil
        }
    }

    /// The file at `path` as UTF-8 text; nil when it cannot be read or is not valid UTF-8.
    public static func text(path: String) -> String? {
        read(path: path).flatMap { String(data: $0, encoding: .utf8) }
    }
}
