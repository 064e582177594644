import Foundation

/// A reproducer that fuzzing found (`Fuzz/regressions/<target>/<name>`), unpacked as its harness does:
/// a line `=== NAME` starts a file named NAME (a repeated NAME replaces the earlier one); bytes before
/// the first such line are the file named "" (the single-file targets' input). See Fuzz/README.md.
public struct FuzzReproducer {
    public let files: [String: Data]

    public init(target: String, name: String) throws {
        let data = try Data(contentsOf: RepoPaths.root.appendingPathComponent("Fuzz/regressions/\(target)/\(name)"))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var files: [String: Data] = [:]
        var name = "", current = Data()
        for (i, line) in lines.enumerated() {
            if line.starts(with: Data("=== ".utf8)) {
                files[name] = current
                name = String(decoding: line.dropFirst(4), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                current = Data()
            } else {
                current.append(contentsOf: line)
                if i < lines.count - 1 { current.append(UInt8(ascii: "\n")) }
            }
        }
        files[name] = current
        self.files = files
    }

    /// Writes the named files into a new temporary folder and returns its path.
    public func writeFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onco-fuzz-regression-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in files where !name.isEmpty {
            try bytes.write(to: dir.appendingPathComponent(name))
        }
        return dir
    }
}
