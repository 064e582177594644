import Batch
import Foundation
import Logging
import Synchronization
import _TestSupport

/// A scorer for engine tests: a deterministic payload computed from the case, planned failures,
/// an optional delay, and a record of how many cases ran at once.
final class RecordingScorer: CaseScorer {
    let name = "test"
    let failing: Set<String>
    let delay: Duration?
    let reservedKeyFor: Set<String>
    private let state = Mutex<(current: Int, max: Int, calls: Int)>((0, 0, 0))

    init(failing: Set<String> = [], delay: Duration? = nil, reservedKeyFor: Set<String> = []) {
        self.failing = failing
        self.delay = delay
        self.reservedKeyFor = reservedKeyFor
    }

    var maxConcurrent: Int { state.withLock { $0.max } }
    var calls: Int { state.withLock { $0.calls } }

    func score(_ c: BatchCase) async throws -> ScoredCase {
        state.withLock { s in
            s.current += 1
            s.calls += 1
            s.max = max(s.max, s.current)
        }
        defer { state.withLock { $0.current -= 1 } }
        if let delay { try await Task.sleep(for: delay) }
        if failing.contains(c.id) { throw CaseError(.other, "planned failure of case \(c.index)") }
        var payload: JSONObject = ["index": .int(c.index), "tumor_type": .string(c.tumourType),
                                   "checksum": .int(Self.fnv(c.id))]
        if reservedKeyFor.contains(c.id) { payload["status"] = .string("hijacked") }
        return ScoredCase(payload: payload, timings: [StageTiming("work", .microseconds(5))])
    }

    static func fnv(_ s: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}

let quietLogger = Logger(label: "test.batch", factory: { _ in SwiftLogNoOpLogHandler() })

/// A manifest of `n` cases with made-up paths (the recording scorer does not open them).
func syntheticManifest(_ n: Int) -> BatchManifest {
    BatchManifest(source: "memory", cases: (0..<n).map {
        BatchCase(id: String(format: "C%05d", $0), index: $0, line: $0 + 2, vcf: "/nonexistent/\($0).vcf.gz",
                  tumourType: ["LUAD", "SKCM", "BRCA"][$0 % 3])
    })
}

/// The lines of a JSON Lines file with `timings` removed, as a multiset-free sorted array of texts.
func linesWithoutTimings(_ path: String) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard case .object(var o) = try JSONValue(parsing: String(line)) else { throw TestSetupError(message: "not an object") }
        o["timings"] = nil
        return o.jsonText
    }
}

func caseIDs(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
        try JSONValue(parsing: String(line)).objectValue!["case_id"]!.stringValue!
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
