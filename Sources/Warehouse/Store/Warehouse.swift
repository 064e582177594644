import Foundation
import Logging
import OncoCore

/// The clinical data warehouse: one type over an `SQLBackend`, which is either SQLite (GRDB: one file
/// in WAL mode, or in memory; `Warehouse.openSQLite(path:)`) or PostgreSQL (postgres-nio;
/// `Warehouse.openPostgres(url:)` in module `WarehousePostgres`).
///
/// A backend gives only the primitives (a session for reads, a session in a write transaction, the SQL
/// dialect, close); every query, import and governance operation is written once, in the extensions
/// on this type, grouped by concern (`Warehouse+Queries`, `+CohortTable`, `+LineOutcomes`, `+TimeZero`,
/// `+Similarity`, `+Import`, `+Governance`), as GRDB writes its API once over `DatabaseWriter`.
///
/// Every query answer is deterministic and identical on both backends: rows come ordered by
/// `person_id` (then line or gene), numbers are exact, and derived outcomes are computed by the
/// same code. Outcomes are derived by query, never stored (see `OutcomeEndpoint`). All SQL binds its
/// values; nothing from the caller is spliced into SQL text.
///
/// Open one from a `--db` string with `Warehouse.open(db:mode:)` (module `WarehousePostgres`, which
/// knows both backends), or directly with `Warehouse.openSQLite(path:)`.
public final class Warehouse: Sendable {
    /// What the warehouse does besides reading and writing the database.
    public struct Options: Sendable, Hashable {
        /// For a read-only session (a batch): the most criteria-defined cohorts whose `lineOutcomes`
        /// answers are kept (and `metadata`, read once); nil: every read goes to the database. See
        /// `Warehouse+ReadCache.swift` for what is kept and what is not.
        public var readCacheCapacity: Int?
        public init(readCacheCapacity: Int? = nil) { self.readCacheCapacity = readCacheCapacity }
        /// A read cache of the default size (4,096 cohorts).
        public static let readCache = Options(readCacheCapacity: 4096)
    }

    /// The backend's primitives (sessions, transactions, dialect).
    public let sql: any SQLBackend
    public let options: Options
    let cache: ReadCache?

    /// A warehouse over a backend that is already open and migrated (the openers do both).
    public init(_ sql: any SQLBackend, options: Options = Options()) {
        self.sql = sql
        self.options = options
        cache = options.readCacheCapacity.map { ReadCache(capacity: $0) }
    }

    /// The same database with other options (e.g. `.readCache` for a batch); closing either closes both.
    public func with(options: Options) -> Warehouse { Warehouse(sql, options: options) }

    /// Which backend this is.
    public var backend: WarehouseBackend { sql.dialect == .postgres ? .postgres : .sqlite }

    var dialect: SQLDialect { sql.dialect }

    /// Releases connections. The warehouse must not be used afterwards.
    public func close() async throws { try await sql.close() }

    /// Schema version, warehouse version (bumped by every import that changed something), the
    /// synthetic flag, and the datasets imported so far. With a read cache, read once.
    public func metadata(logger: Logger) async throws -> WarehouseMetadata {
        guard let cache else { return try await readMetadata(logger: logger) }
        return try await cache.metadata { try await self.readMetadata(logger: logger) }
    }

    /// Every line of therapy of a cohort (criteria plus molecular conditions) with OS from the line's
    /// start, age, stage and drugs, for real-world-evidence analyses; see `LineOutcomeTable`. Written
    /// to stay fast on large warehouses: the cohort is built from its most selective indexed condition.
    /// With a read cache, a criteria-defined cohort is read once.
    public func lineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable {
        guard let cache else { return try await readLineOutcomes(query, logger: logger) }
        return try await cache.lineOutcomes(query) { try await self.readLineOutcomes($0, logger: logger) }
    }

    /// `lineOutcomes` of several cohorts at once (in order), reading the lines of their union once.
    public func lineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable] {
        guard let cache else { return try await readLineOutcomes(queries, logger: logger) }
        return try await cache.lineOutcomes(queries) { try await self.readLineOutcomes($0, logger: logger) }
    }

    /// Cohort reads of the read cache: answered from it, read from the database (and kept), and passed
    /// through (explicit person ids, or beyond capacity); nil without a read cache.
    public var readCacheStatistics: (hits: Int, misses: Int, bypassed: Int)? { cache?.statistics }
}
