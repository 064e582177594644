import Foundation
import Logging
import Warehouse

/// A warehouse seen by a batch: every call goes to the wrapped store, except that the answers a
/// batch asks for again and again are computed once and shared by all cases.
///
/// - `metadata` (the recommender reads it for every case's report header) is read once.
/// - `lineOutcomes` of a cohort defined by criteria only (tumour-type family plus biomarker: the
///   real-world cohorts of curated candidates, the same for every case with that biomarker in that
///   family) is read once per distinct query, up to `capacity` queries; concurrent cases asking for
///   the same query wait for the one read in flight. Queries naming explicit person ids (a case's
///   nearest neighbours) are different for almost every case and always go to the store.
///
/// This assumes what a batch is: a read-only look at the warehouse. An import into the same
/// warehouse while a batch runs is not seen by the cases scored after it (each line names the
/// warehouse version it used). A failed read is not kept: the next case asks the store again.
public final class BatchWarehouseCache: WarehouseStore, @unchecked Sendable {
    public let store: any WarehouseStore
    /// Most distinct cohort queries kept.
    public let capacity: Int
    private let lock = NSLock()
    private var metadataTask: Task<WarehouseMetadata, any Error>?
    private var lineTasks: [LineOutcomeQuery: Task<LineOutcomeTable, any Error>] = [:]
    private var counters = (hits: 0, misses: 0, bypassed: 0)

    public init(_ store: any WarehouseStore, capacity: Int = 4096) {
        self.store = store
        self.capacity = max(0, capacity)
    }

    /// Cohort reads answered from the cache, read from the store (and kept), and passed through.
    public var statistics: (hits: Int, misses: Int, bypassed: Int) { lock.withLock { counters } }

    public var backend: WarehouseBackend { store.backend }

    public func metadata(logger: Logger) async throws -> WarehouseMetadata {
        let task: Task<WarehouseMetadata, any Error> = lock.withLock {
            if let t = metadataTask { return t }
            let store = self.store
            let t = Task { try await store.metadata(logger: logger) }
            metadataTask = t
            return t
        }
        do { return try await task.value } catch {
            lock.withLock { if metadataTask == task { metadataTask = nil } }
            throw error
        }
    }

    public func lineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable {
        guard query.cohort.personIDs == nil else {
            lock.withLock { counters.bypassed += 1 }
            return try await store.lineOutcomes(query, logger: logger)
        }
        let task: Task<LineOutcomeTable, any Error>? = lock.withLock {
            if let t = lineTasks[query] { counters.hits += 1; return t }
            guard lineTasks.count < capacity else { counters.bypassed += 1; return nil }
            counters.misses += 1
            let store = self.store
            let t = Task { try await store.lineOutcomes(query, logger: logger) }
            lineTasks[query] = t
            return t
        }
        guard let task else { return try await store.lineOutcomes(query, logger: logger) }
        do { return try await task.value } catch {
            lock.withLock { if lineTasks[query] == task { lineTasks[query] = nil } }
            throw error
        }
    }

    /// Several cohorts at once: cached ones are awaited, the others read from the store in one batched
    /// read (and kept); explicit-person cohorts and those beyond the cache's capacity pass through.
    public func lineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable] {
        var waits: [(Int, Task<LineOutcomeTable, any Error>)] = []
        var bypass: [Int] = []
        lock.withLock {
            var fresh: [LineOutcomeQuery] = [], freshAt: [LineOutcomeQuery: Int] = [:], owners: [[Int]] = []
            for (i, q) in queries.enumerated() {
                if q.cohort.personIDs != nil { counters.bypassed += 1; bypass.append(i); continue }
                if let t = lineTasks[q] { counters.hits += 1; waits.append((i, t)); continue }
                if let j = freshAt[q] { counters.hits += 1; owners[j].append(i); continue }
                if lineTasks.count + fresh.count >= capacity { counters.bypassed += 1; bypass.append(i); continue }
                counters.misses += 1
                freshAt[q] = fresh.count
                fresh.append(q)
                owners.append([i])
            }
            guard !fresh.isEmpty else { return }
            let store = self.store
            let batch = fresh
            let all = Task { try await store.lineOutcomes(batch, logger: logger) }
            for (j, q) in fresh.enumerated() {
                let t = Task { try await all.value[j] }
                lineTasks[q] = t
                for i in owners[j] { waits.append((i, t)) }
            }
        }
        var out = [LineOutcomeTable?](repeating: nil, count: queries.count)
        if !bypass.isEmpty {
            let direct = try await store.lineOutcomes(bypass.map { queries[$0] }, logger: logger)
            for (k, i) in bypass.enumerated() { out[i] = direct[k] }
        }
        for (i, t) in waits {
            do { out[i] = try await t.value } catch {
                let q = queries[i]
                lock.withLock { if lineTasks[q] == t { lineTasks[q] = nil } }
                throw error
            }
        }
        return out.map { $0! }
    }

    public func similarityProfiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        try await store.similarityProfiles(cohort: cohort, options: options, logger: logger)
    }

    public func personKeys(cohort: CohortCriteria, logger: Logger) async throws -> PersonKeys {
        try await store.personKeys(cohort: cohort, logger: logger)
    }

    // Everything else goes straight to the store.

    public func migrate(logger: Logger) async throws { try await store.migrate(logger: logger) }

    public func stats(logger: Logger) async throws -> WarehouseStats { try await store.stats(logger: logger) }

    public func importDataset(_ descriptor: DatasetDescriptor, from source: any WarehouseBatchSource,
                              progress: (@Sendable (ImportProgress) -> Void)?, logger: Logger) async throws -> ImportOutcome {
        try await store.importDataset(descriptor, from: source, progress: progress, logger: logger)
    }

    public func outcomes(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                         logger: Logger) async throws -> [OutcomeGroup] {
        try await store.outcomes(endpoint, cohort: cohort, groupBy: groupBy, logger: logger)
    }

    public func outcomeCounts(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                              logger: Logger) async throws -> [OutcomeCountGroup] {
        try await store.outcomeCounts(endpoint, cohort: cohort, groupBy: groupBy, logger: logger)
    }

    public func profiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        try await store.profiles(cohort: cohort, options: options, logger: logger)
    }

    public func treatmentLines(cohort: CohortCriteria, logger: Logger) async throws -> [TreatmentLine] {
        try await store.treatmentLines(cohort: cohort, logger: logger)
    }

    public func selectCohort(_ cohort: CohortCriteria, logger: Logger) async throws -> [Int64] {
        try await store.selectCohort(cohort, logger: logger)
    }

    public func attributeValues(_ name: String, cohort: CohortCriteria, logger: Logger) async throws -> [AttributeValue] {
        try await store.attributeValues(name, cohort: cohort, logger: logger)
    }

    public func close() async throws { try await store.close() }
}
