import Foundation

/// Synthetic batch cases from `Benchmarks/scripts/gen_cases.py` (python3, tabix), for the Batch and CLI tests.

/// Runs `Benchmarks/scripts/gen_cases.py` into a fresh folder; returns the folder.
public func generateCases(n: Int, seed: Int, corruptFraction: Double, minVariants: Int = 50, maxVariants: Int = 400) throws -> URL {
    let dir = try makeTemporaryDirectory("onco-batch-cases")
    let script = RepoPaths.root.appendingPathComponent("Benchmarks/scripts/gen_cases.py").path
    let r = try run("python3", [script, "--out", dir.path, "--n", "\(n)", "--seed", "\(seed)",
                                "--corrupt-fraction", "\(corruptFraction)", "--min-variants", "\(minVariants)",
                                "--max-variants", "\(maxVariants)"])
    guard r.status == 0 else { throw GeneratorError(message: "gen_cases.py failed: \(r.stderr)") }
    return dir
}

/// Rows of `expected.tsv` by case id.
public struct ExpectedCase: Sendable {
    public let status: String, code: String, corruption: String, variants: Int, build: String, annotation: String
}

public func readExpected(_ dir: URL) throws -> [String: ExpectedCase] {
    let text = try String(contentsOf: dir.appendingPathComponent("expected.tsv"), encoding: .utf8)
    var out: [String: ExpectedCase] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        out[f[0]] = ExpectedCase(status: f[1], code: f[2], corruption: f[3], variants: Int(f[4])!, build: f[5], annotation: f[6])
    }
    return out
}

/// gen_cases.py failed.
public struct GeneratorError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
