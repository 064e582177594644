import Foundation

/// The read cache of a `Warehouse` opened with `Options.readCacheCapacity` (a batch): the answers a
/// batch asks for again and again are read once and shared by all cases.
///
/// - `metadata` (the recommender reads it for every case's report header) is read once.
/// - `lineOutcomes` of a cohort defined by criteria only (tumour-type family plus biomarker: the
///   real-world cohorts of curated candidates, the same for every case with that biomarker in that
///   family) is read once per distinct query, up to `capacity` queries; concurrent cases asking for
///   the same query wait for the one read in flight. Queries naming explicit person ids (a case's
///   nearest neighbours) are different for almost every case and always go to the database.
///
/// This assumes what a batch is: a read-only look at the warehouse. An import into the same
/// warehouse while a batch runs is not seen by the cases scored after it (each line names the
/// warehouse version it used). A failed read is not kept: the next case asks the database again.
///
/// Recommendation's `RealWorldCache` is another level: it keeps what is computed from these reads
/// (prepared lines, evidence, target trials), not the reads themselves.
final class ReadCache: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private var metadataTask: Task<WarehouseMetadata, any Error>?
    private var lineTasks: [LineOutcomeQuery: Task<LineOutcomeTable, any Error>] = [:]
    private var counters = (hits: 0, misses: 0, bypassed: 0)

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var statistics: (hits: Int, misses: Int, bypassed: Int) { lock.withLock { counters } }

    func metadata(read: @escaping @Sendable () async throws -> WarehouseMetadata) async throws -> WarehouseMetadata {
        let task: Task<WarehouseMetadata, any Error> = lock.withLock {
            if let t = metadataTask { return t }
            let t = Task { try await read() }
            metadataTask = t
            return t
        }
        do { return try await task.value } catch {
            lock.withLock { if metadataTask == task { metadataTask = nil } }
            throw error
        }
    }

    func lineOutcomes(_ query: LineOutcomeQuery,
                      read: @escaping @Sendable (LineOutcomeQuery) async throws -> LineOutcomeTable) async throws -> LineOutcomeTable {
        guard query.cohort.personIDs == nil else {
            lock.withLock { counters.bypassed += 1 }
            return try await read(query)
        }
        let task: Task<LineOutcomeTable, any Error>? = lock.withLock {
            if let t = lineTasks[query] { counters.hits += 1; return t }
            guard lineTasks.count < capacity else { counters.bypassed += 1; return nil }
            counters.misses += 1
            let t = Task { try await read(query) }
            lineTasks[query] = t
            return t
        }
        guard let task else { return try await read(query) }
        do { return try await task.value } catch {
            lock.withLock { if lineTasks[query] == task { lineTasks[query] = nil } }
            throw error
        }
    }

    /// Several cohorts at once: cached ones are awaited, the others read in one batched read (and
    /// kept); explicit-person cohorts and those beyond the capacity pass through.
    func lineOutcomes(_ queries: [LineOutcomeQuery],
                      read: @escaping @Sendable ([LineOutcomeQuery]) async throws -> [LineOutcomeTable]) async throws -> [LineOutcomeTable] {
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
            let batch = fresh
            let all = Task { try await read(batch) }
            for (j, q) in fresh.enumerated() {
                let t = Task { try await all.value[j] }
                lineTasks[q] = t
                for i in owners[j] { waits.append((i, t)) }
            }
        }
        var out = [LineOutcomeTable?](repeating: nil, count: queries.count)
        if !bypass.isEmpty {
            let direct = try await read(bypass.map { queries[$0] })
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
}
