import Foundation
import Survival
import _TestSupport

/// The R survival fixtures copied into Tests/Fixtures/survival (see SOURCE.md there).
enum SurvivalFixtures {
    static let root = RepoPaths.fixture("survival")

    /// Every reference JSON, sorted by path relative to `reference/`.
    static func referenceFiles() throws -> [String] {
        let base = root.appendingPathComponent("reference")
        var out = [String]()
        for ds in try FileManager.default.contentsOfDirectory(atPath: base.path).sorted() {
            let dir = base.appendingPathComponent(ds)
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where f.hasSuffix(".json") {
                out.append("\(ds)/\(f)")
            }
        }
        return out
    }

    static func reference(_ relative: String) throws -> JSONValue {
        try JSONValue.load(root.appendingPathComponent("reference").appendingPathComponent(relative))
    }

    /// `extra/<name>`: values made by scripts/extra_reference.R.
    static func extra(_ name: String) throws -> JSONValue {
        try JSONValue.load(root.appendingPathComponent("extra").appendingPathComponent(name))
    }

    static let spec: JSONValue = try! JSONValue.load(root.appendingPathComponent("scripts/spec.json"))

    /// The spec entry of a dataset.
    static func datasetSpec(_ name: String) -> JSONValue {
        spec["datasets"]!.array!.first { $0["name"]?.string == name }!
    }

    nonisolated(unsafe) private static var cache: [String: Dataset] = [:]
    private static let lock = NSLock()

    static func dataset(_ name: String) throws -> Dataset {
        lock.lock(); defer { lock.unlock() }
        if let d = cache[name] { return d }
        let d = try Dataset(csv: root.appendingPathComponent("data/\(name).csv"), spec: datasetSpec(name))
        cache[name] = d
        return d
    }
}

/// A CSV data set as string columns (`NA` = missing), with the spec's factor level orders.
struct Dataset: @unchecked Sendable {
    let columns: [String: [String?]]
    let header: [String]
    let rowCount: Int
    let factorLevels: [String: [String]]

    init(csv url: URL, spec: JSONValue) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var cols = [String: [String?]]()
        for h in header { cols[h] = [] }
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            precondition(f.count == header.count, "ragged CSV \(url.lastPathComponent)")
            for (h, v) in zip(header, f) { cols[h]!.append(v == "NA" ? nil : v) }
        }
        columns = cols
        rowCount = lines.count
        var fl = [String: [String]]()
        if let facs = spec["factors"] { for k in facs.keys { fl[k] = facs[k]!.strings! } }
        factorLevels = fl
    }

    func numeric(_ name: String) -> [Double?] { columns[name]!.map { $0.flatMap(Double.init) } }

    /// Rows complete in all `names` (R's na.omit over the variables a call uses).
    func completeRows(_ names: [String]) -> [Int] {
        (0..<rowCount).filter { i in names.allSatisfy { columns[$0]![i] != nil } }
    }

    func time(_ rows: [Int], column: String = "time") -> [Double] { rows.map { Double(columns[column]![$0]!)! } }
    func event(_ rows: [Int]) -> [Bool] { rows.map { columns["event"]![$0]! == "1" } }

    /// A grouping or strata variable as a factor: the spec's level order for declared factors,
    /// R's sorted order otherwise.
    func factor(_ name: String, _ rows: [Int]) throws -> Factor {
        let values = rows.map { columns[name]![$0]! }
        return try Factor(values, levels: factorLevels[name])
    }
}

/// Collects comparisons of our values with R's for one reference file.
struct Comparison {
    let file: String
    private(set) var compared = 0
    private(set) var mismatches: [String] = []
    /// The largest relative difference seen, per kind of value.
    private(set) var worst: [String: Double] = [:]

    init(file: String) { self.file = file }

    /// |ours − r| ≤ max(rel·max(|ours|,|r|), abs). R's NA (NaN here) matches a non-finite value.
    mutating func close(_ kind: String, _ field: String, _ ours: Double, _ r: Double, rel: Double, abs: Double = 1e-14) {
        compared += 1
        if r.isNaN {
            if ours.isFinite { mismatches.append("\(field): R NA, ours \(ours)") }
            return
        }
        if !ours.isFinite && r.isFinite { mismatches.append("\(field): R \(r), ours \(ours)"); return }
        if ours == r { return }
        let diff = Swift.abs(ours - r)
        let scale = Swift.max(Swift.abs(ours), Swift.abs(r))
        let relDiff = scale > 0 ? diff / scale : 0
        if scale > abs { worst[kind] = Swift.max(worst[kind] ?? 0, relDiff) }
        if diff > Swift.max(rel * scale, abs) {
            mismatches.append("\(field): R \(r), ours \(ours), rel diff \(relDiff) > \(rel)")
        }
    }

    mutating func close(_ kind: String, _ field: String, _ ours: [Double], _ r: [Double], rel: Double, abs: Double = 1e-14) {
        guard ours.count == r.count else {
            compared += 1
            mismatches.append("\(field): length R \(r.count), ours \(ours.count)")
            return
        }
        for i in r.indices { close(kind, "\(field)[\(i)]", ours[i], r[i], rel: rel, abs: abs) }
    }

    mutating func equal<T: Equatable>(_ field: String, _ ours: T, _ r: T) {
        compared += 1
        if ours != r { mismatches.append(String("\(field): R \(r), ours \(ours)".prefix(400))) }
    }

    mutating func fail(_ message: String) {
        compared += 1
        mismatches.append(message)
    }
}

extension JSONValue {
    /// A required array of doubles (null → NaN).
    func d(_ key: String) -> [Double] { self[key]?.doubles ?? [] }
    func n(_ key: String) -> Double { self[key]?.double ?? .nan }
}
