import Foundation
import Survival
import TargetTrial
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
/// - **Target trials** per (cohort query, therapy drugs, protocol): the whole `TargetTrialResult`, so the
///   cases of a batch sharing a cohort and a therapy (also with different expected directions) run it once.
///
/// Bounds: the rows kept (cohort lines, plus the entries of each kept trial, which bound its Kaplan–Meier
/// points) stay within `maximumRows`, and each level keeps at most `maximumEntries` entries. When a bound
/// is reached, new entries are not kept (the computation still runs); nothing kept is evicted.
///
/// Like the warehouse's read cache (`Warehouse.Options.readCache`), it assumes the warehouse does not change while the cache lives: build
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
    private var trials: [TrialKey: TrialOutcome] = [:]
    private var counters = Statistics()

    /// Hits and misses by level.
    public struct Statistics: Sendable, Hashable {
        public var preparedHits = 0, preparedMisses = 0
        public var evidenceHits = 0, evidenceMisses = 0
        /// Target trials (`RealWorldCache` level three).
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
        var trialProtocol: TargetTrialProtocol
    }

    /// `RealWorldAnalysis.analyse`, memoised for criteria-defined cohorts; explicit-id cohorts (a case's
    /// neighbours) share comparisons only.
    func evidence(_ lines: RealWorldAnalysis.PreparedLines, drugs: [String], cohort: RealWorldCohort,
                  expected: ExpectedEffect, gates: RealWorldGates, trialProtocol: TargetTrialProtocol) -> RealWorldEvidence {
        let shareable = cohort.query.cohort.personIDs == nil
        let key = EvidenceKey(cohort: cohort, drugs: drugs, expected: expected, gates: gates, trialProtocol: trialProtocol)
        if shareable {
            let hit: RealWorldEvidence? = lock.withLock {
                if let e = evidence[key] { counters.evidenceHits += 1; return e }
                counters.evidenceMisses += 1
                return nil
            }
            if let hit { return hit }
        }
        let e = RealWorldAnalysis.analyse(lines, drugs: drugs, cohort: cohort, expected: expected, gates: gates,
                                          trialProtocol: trialProtocol, comparisons: self)
        if shareable {
            let rows = (e.targetTrial?.flow.treatedEntries ?? 0) + (e.targetTrial?.flow.comparatorEntries ?? 0)
            lock.withLock {
                guard evidence[key] == nil, evidence.count < maximumEntries, keptRows + rows <= maximumRows else { return }
                evidence[key] = e
                keptRows += rows
            }
        }
        return e
    }

    // MARK: target trials

    struct TrialKey: Hashable {
        var query: LineOutcomeQuery
        var drugs: [String]
        var trialProtocol: TargetTrialProtocol
    }

    /// A target trial's result, or why it could not be run.
    enum TrialOutcome {
        case done(TargetTrial.Analysis)
        case failed(String)
    }

    func trial(query: LineOutcomeQuery, drugs: [String], trialProtocol: TargetTrialProtocol,
               compute: () -> TrialOutcome) -> TrialOutcome {
        let key = TrialKey(query: query, drugs: drugs.sorted(), trialProtocol: trialProtocol)
        let cached: TrialOutcome? = lock.withLock {
            if let t = trials[key] { counters.comparisonHits += 1; return t }
            counters.comparisonMisses += 1
            return nil
        }
        if let cached { return cached }
        let t = compute()
        var rows = 0
        if case .done(let a) = t { rows = a.result.flow.treatedEntries + a.result.flow.comparatorEntries }
        lock.withLock {
            guard trials[key] == nil, trials.count < maximumEntries, keptRows + rows <= maximumRows else { return }
            trials[key] = t
            keptRows += rows
        }
        return t
    }
}
