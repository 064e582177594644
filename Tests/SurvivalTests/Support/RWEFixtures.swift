import Foundation
import Survival
import _TestSupport

/// The real-world-evidence references (Tests/Fixtures/survival/rwe, made by scripts/rwe_reference.R
/// from R's own data sets): numeric CSVs and the JSON R wrote.
enum RWEFixtures {
    static let root = RepoPaths.fixture("survival").appendingPathComponent("rwe")

    static func json(_ name: String) throws -> JSONValue { try JSONValue.load(root.appendingPathComponent(name)) }

    static func csvPath(_ name: String) -> String { root.appendingPathComponent("data/\(name)").path }

    /// A CSV of numbers (no missing values) as columns.
    static func table(_ name: String) throws -> [String: [Double]] {
        let text = try String(contentsOfFile: csvPath(name), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        var out = [String: [Double]]()
        for (k, name) in header.enumerated() { out[name] = lines.map { Double($0[k])! } }
        return out
    }

    /// The largest relative difference |a − b| / max(|a|, |b|) over pairs (0 for equal values).
    static func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { x, y in x == y ? 0 : Swift.abs(x - y) / Swift.max(Swift.abs(x), Swift.abs(y)) }.max() ?? 0
    }
}
