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

    /// The bytes of the file at `path`.
    /// - Throws: `InputFileError` naming the file and why: it does not exist, is a folder, or cannot be
    ///   read (permission, I/O). An empty file is not an error here (the caller's format decides).
    public static func contents(path: String) throws(InputFileError) -> Data {
        if let data = read(path: path) { return data }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputFileError(.missing, path: path)
        }
        throw InputFileError(isFolder.boolValue ? .folder : .unreadable, path: path)
    }

    /// The file at `path` as UTF-8 text.
    /// - Throws: `InputFileError` as `contents(path:)`, or `.notUTF8`.
    public static func utf8(path: String) throws(InputFileError) -> String {
        guard let text = String(data: try contents(path: path), encoding: .utf8) else {
            throw InputFileError(.notUTF8, path: path)
        }
        return text
    }
}

/// Why a whole-file input could not be read. `description` is "PATH: REASON"; readers that have their
/// own error type put `reason` into it with the file name.
public struct InputFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable { case missing, folder, unreadable, notUTF8 }
    public let code: Code
    /// The file as the caller named it.
    public let path: String

    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    /// The reason in words: "does not exist", "is a folder, not a file", "cannot be read (permission or
    /// I/O error)", "is not UTF-8 text".
    public var reason: String {
        switch code {
        case .missing: "does not exist"
        case .folder: "is a folder, not a file"
        case .unreadable: "cannot be read (permission or I/O error)"
        case .notUTF8: "is not UTF-8 text"
        }
    }

    public var description: String { "\(path): \(reason)" }
}
