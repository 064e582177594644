import Logging
import OncoCore

/// Where the recommender finds a case's nearest warehouse patients. The therapies those patients
/// received become candidates, and their lines of therapy are the cohort of a neighbour-based
/// real-world analysis.
///
/// The Similarity module's warehouse-backed index conforms through an adapter in the CLI (or any
/// caller); the recommender itself does not care how neighbours are found, only that they are
/// warehouse person ids, most similar first.
public protocol NeighbourSource: Sendable {
    /// A short description for the report (`exact top-k similarity search over the warehouse's profiles`); no count of
    /// patients (reports show those through their disclosure control).
    var summary: String { get }
    /// The `k` warehouse patients most similar to the case, most similar first.
    func neighbours(of case: RecommendationCase, k: Int, logger: Logger) async throws -> NeighbourSet
}

/// The neighbours of one case: warehouse person ids (not patient keys: they never leave the
/// warehouse layer) with their similarity in [0, 1].
public struct NeighbourSet: Sendable, Hashable {
    public var personIDs: [Int64]
    public var similarities: [Double]
    public init(personIDs: [Int64], similarities: [Double]) {
        precondition(personIDs.count == similarities.count, "one similarity per neighbour")
        self.personIDs = personIDs
        self.similarities = similarities
    }
    public var count: Int { personIDs.count }
}

/// Whether neighbour-based candidates were looked for, and how it went.
public enum NeighbourStatus: Sendable, Hashable {
    /// No warehouse: no neighbours.
    case noWarehouse
    /// A warehouse but no similarity index (not built, not configured): neighbour candidates are off.
    case unavailable(reason: String)
    /// Neighbours were searched: `requested` asked for, `found` returned.
    case used(summary: String, requested: Int, found: Int)

    /// Plain words for reports.
    public var description: String { description(found: String.init) }

    /// Plain words for reports, the number of neighbours found written by `found` (a report's disclosure control:
    /// fewer than `k` found is a count of patients).
    public func description(found: (Int) -> String) -> String {
        switch self {
        case .noWarehouse: return "no warehouse configured: no similar patients searched"
        case .unavailable(let r): return "similarity index unavailable (\(r)): neighbour-based candidates disabled"
        case .used(let s, let k, let n): return "\(n == k ? String(n) : found(n)) nearest warehouse patients (k = \(k); \(s))"
        }
    }
}

/// A neighbour source still being prepared — a similarity index opened, updated or built while the
/// recommender matches the case and reads its biomarker cohorts — that `neighbours` waits for. The
/// preparation starts when this value is made. When it yields no source, `neighbours` throws
/// `NeighbourSourceUnavailable` with its reason, and the recommender reports the neighbours unavailable
/// for that reason, as when it is given no source. Results do not depend on the overlap.
public struct DeferredNeighbourSource: NeighbourSource {
    public let summary: String
    let pending: Task<(source: (any NeighbourSource)?, reason: String), Never>

    /// - Parameters:
    ///   - summary: the prepared source's `summary` (known before it is ready).
    ///   - preparing: makes the source, or says why there is none.
    public init(summary: String, preparing: @escaping @Sendable () async -> (source: (any NeighbourSource)?, reason: String)) {
        self.summary = summary
        pending = Task { await preparing() }
    }

    public func neighbours(of c: RecommendationCase, k: Int, logger: Logger) async throws -> NeighbourSet {
        let (source, reason) = await pending.value
        guard let source else { throw NeighbourSourceUnavailable(reason: reason) }
        return try await source.neighbours(of: c, k: k, logger: logger)
    }
}

/// A neighbour source that turned out to have no neighbours to offer (`DeferredNeighbourSource`): the
/// recommender reports `NeighbourStatus.unavailable(reason:)`.
public struct NeighbourSourceUnavailable: Error, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
