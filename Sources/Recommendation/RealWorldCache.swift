import Foundation
import Survival
import Warehouse

/// Memoised real-world work, shared by the cases a `Recommender` scores (a batch) or used within one
/// case. Thread-safe (one short lock; the work itself runs outside it) and bounded.
///
/// Three levels, each keyed by everything its result depends on, so a cached answer is the answer
/// the uncached computation gives:
/// - **Prepared lines** per biomarker cohort query (`LineOutcomeQuery` without explicit person ids):
///   the cohort's lines with their canonical drug sets; a case whose cohorts are all cached does not
///   read the warehouse for them.
/// - **Evidence** per (cohort, therapy drugs, expected direction, gates): the whole `RealWorldEvidence`.
/// - **Comparisons** per (cohort query, treated rows, comparator rows): the two arms (Kaplan–Meier) and
///   the Cox model with its PH test, so therapies that select the same lines (dabrafenib and
///   dabrafenib + trametinib when every dabrafenib line is a combination) are fitted once.
///
/// Bounds: the rows kept (cohort lines, plus the patients of each kept arm, which bound its Kaplan–Meier
/// points) stay within `maximumRows`, and each level keeps at most `maximumEntries` entries. When a bound
/// is reached, new entries are not kept (the computation still runs); nothing kept is evicted.
///
/// Like `BatchWarehouseCache`, it assumes the warehouse does not change while the cache lives: build
/// one per batch (or per process). Give a shared cache only cohorts defined by criteria; a case's
/// nearest-neighbour cohort (explicit person ids) belongs in a cache of that case alone (the
/// recommender does this).
public final class RealWorldCache: @unchecked Sendable {
    public let maximumRows: Int
    public let maximumEntries: Int
    private let lock = NSLock()
    private var prepared: [LineOutcomeQuery: RealWorldAnalysis.PreparedLines] = [:]
    private var keptRows = 0
    private var evidence: [EvidenceKey: RealWorldEvidence] = [:]
    private var comparisons: [ComparisonKey: Comparison] = [:]
    private var counters = Statistics()

    /// Hits and misses by level.
    public struct Statistics: Sendable, Hashable {
        public var preparedHits = 0, preparedMisses = 0
        public var evidenceHits = 0, evidenceMisses = 0
        public var comparisonHits = 0, comparisonMisses = 0
    }

    /// - Parameters:
    ///   - maximumRows: cohort lines plus arm patients kept (default 2,000,000; of the order of 100 bytes
    ///     each, so ~200 MB at most).
    ///   - maximumEntries: entries per level (default 20,000).
    public init(maximumRows: Int = 2_000_000, maximumEntries: Int = 20_000) {
        self.maximumRows = max(0, maximumRows)
        self.maximumEntries = max(0, maximumEntries)
    }

    /// Rows kept so far (see `maximumRows`).
    public var rowsKept: Int { lock.withLock { keptRows } }

    public var statistics: Statistics { lock.withLock { counters } }

    // MARK: prepared lines

    /// The prepared lines of a query, if kept.
    func preparedLines(_ q: LineOutcomeQuery) -> RealWorldAnalysis.PreparedLines? {
        lock.withLock {
            if let p = prepared[q] { counters.preparedHits += 1; return p }
            counters.preparedMisses += 1
            return nil
        }
    }

    /// Keeps the prepared lines of a criteria-defined cohort (not of explicit person ids), within the bound.
    func keep(_ q: LineOutcomeQuery, _ p: RealWorldAnalysis.PreparedLines) {
        guard q.cohort.personIDs == nil else { return }
        lock.withLock {
            guard prepared[q] == nil, prepared.count < maximumEntries, keptRows + p.table.count <= maximumRows else { return }
            prepared[q] = p
            keptRows += p.table.count
        }
    }

    // MARK: evidence

    struct EvidenceKey: Hashable {
        var cohort: RealWorldCohort
        var drugs: [String]
        var expected: ExpectedEffect
        var gates: RealWorldGates
    }

    /// `RealWorldAnalysis.analyse`, memoised for criteria-defined cohorts; explicit-id cohorts (a case's
    /// neighbours) share comparisons only.
    func evidence(_ lines: RealWorldAnalysis.PreparedLines, drugs: [String], cohort: RealWorldCohort,
                  expected: ExpectedEffect, gates: RealWorldGates) -> RealWorldEvidence {
        let shareable = cohort.query.cohort.personIDs == nil
        let key = EvidenceKey(cohort: cohort, drugs: drugs, expected: expected, gates: gates)
        if shareable {
            let hit: RealWorldEvidence? = lock.withLock {
                if let e = evidence[key] { counters.evidenceHits += 1; return e }
                counters.evidenceMisses += 1
                return nil
            }
            if let hit { return hit }
        }
        let e = RealWorldAnalysis.analyse(lines, drugs: drugs, cohort: cohort, expected: expected, gates: gates, comparisons: self)
        if shareable {
            let rows = e.treated.patients + e.comparator.patients
            lock.withLock {
                guard evidence[key] == nil, evidence.count < maximumEntries, keptRows + rows <= maximumRows else { return }
                evidence[key] = e
                keptRows += rows
            }
        }
        return e
    }

    // MARK: comparisons

    struct ComparisonKey: Hashable {
        var query: LineOutcomeQuery
        var treated: [Int]
        var comparator: [Int]
    }

    /// The arms of a split and, once asked for, its model.
    struct Comparison {
        var treated: RealWorldArm
        var comparator: RealWorldArm
        var fit: RealWorldAnalysis.FitOutcome?
    }

    func comparison(query: LineOutcomeQuery, treated: [Int], comparator: [Int], needsFit: Bool,
                    compute: (_ arms: (RealWorldArm, RealWorldArm)?) -> Comparison) -> Comparison {
        let key = ComparisonKey(query: query, treated: treated, comparator: comparator)
        let cached: Comparison? = lock.withLock {
            if let c = comparisons[key], !needsFit || c.fit != nil { counters.comparisonHits += 1; return c }
            counters.comparisonMisses += 1
            return comparisons[key]
        }
        if let cached, !needsFit || cached.fit != nil { return cached }
        let c = compute(cached.map { ($0.treated, $0.comparator) })
        let rows = c.treated.patients + c.comparator.patients
        lock.withLock {
            if comparisons[key] != nil { comparisons[key] = c; return }   // its model added
            guard comparisons.count < maximumEntries, keptRows + rows <= maximumRows else { return }
            comparisons[key] = c
            keptRows += rows
        }
        return c
    }
}
