import Foundation

/// Relative closeness with an absolute floor: |a-b| <= max(rel * max(|a|,|b|), abs).
public func isClose(_ a: Double, _ b: Double, rel: Double = 1e-9, abs absTol: Double = 1e-12) -> Bool {
    if a == b { return true }
    if a.isNaN || b.isNaN { return false }
    return Swift.abs(a - b) <= Swift.max(rel * Swift.max(Swift.abs(a), Swift.abs(b)), absTol)
}

/// A seeded, replayable generator (SplitMix64).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Paths inside the repository, resolved from this file's location (works from any working directory).
public enum RepoPaths {
    /// The repository root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/Fixtures/<relative>`.
    public static func fixture(_ relative: String) -> URL {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }
    /// `KnowledgeBase/<relative>`.
    public static func knowledgeBase(_ relative: String) -> URL {
        root.appendingPathComponent("KnowledgeBase").appendingPathComponent(relative)
    }
    /// `Cohorts/<relative>`.
    public static func cohorts(_ relative: String) -> URL {
        root.appendingPathComponent("Cohorts").appendingPathComponent(relative)
    }
    /// The `onco` binary built by `swift build` (debug unless ONCO_BIN is set).
    public static var oncoBinary: URL {
        if let p = ProcessInfo.processInfo.environment["ONCO_BIN"] { return URL(fileURLWithPath: p) }
        for dir in [".build/debug", ".build/release"] {
            let u = root.appendingPathComponent(dir).appendingPathComponent("onco")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return root.appendingPathComponent(".build/debug/onco")
    }
}

/// The result of running a process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs an executable with arguments, capturing output. `stdin` is fed if given.
@discardableResult
public func run(_ executable: String, _ arguments: [String], stdin: String? = nil,
                environment: [String: String]? = nil, currentDirectory: URL? = nil) throws -> ProcessResult {
    let p = Process()
    if executable.hasPrefix("/") {
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + arguments
    }
    if let environment {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let currentDirectory { p.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently to avoid deadlock on large outputs.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// Runs the built `onco` binary.
@discardableResult
public func runOnco(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil,
                    currentDirectory: URL? = nil) throws -> ProcessResult {
    try run(RepoPaths.oncoBinary.path, arguments, stdin: stdin, environment: environment,
            currentDirectory: currentDirectory)
}

/// Whether an executable is on PATH.
public func toolAvailable(_ name: String) -> Bool {
    (try? run("which", [name]).status) == 0
}

/// A fresh temporary directory, removed when the test process exits (before, every run left its folders
/// behind: 2,216 had piled up in /tmp on the build machine, synthetic warehouses of 37 MB among them).
/// `ONCO_KEEP_TEST_FILES=1` keeps them for a post-mortem.
public func makeTemporaryDirectory(_ prefix: String = "onco-test") throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    TemporaryDirectories.shared.add(u.path)
    return u
}

/// The folders `makeTemporaryDirectory` made, removed at exit.
final class TemporaryDirectories: @unchecked Sendable {
    static let shared = TemporaryDirectories()
    private let lock = NSLock()
    private var paths: [String] = []
    private var installed = false

    func add(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.append(path)
        if !installed, ProcessInfo.processInfo.environment["ONCO_KEEP_TEST_FILES"] != "1" {
            installed = true
            atexit { TemporaryDirectories.shared.removeAll() }
        }
    }

    func removeAll() {
        lock.lock(); let all = paths; paths = []; lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
