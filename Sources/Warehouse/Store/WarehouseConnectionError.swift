import Foundation

/// Whether opening a warehouse may create it.
///
/// Only the commands that fill a warehouse (`onco warehouse init|import|synth`, and `onco demo`'s own)
/// create one; everything else opens `.existing` and fails with `WarehouseConnectionError` when the
/// file, or the PostgreSQL schema, holds no onco warehouse yet.
public enum WarehouseOpenMode: Sendable, Hashable {
    /// Open a warehouse that exists; never create a file, a schema or tables (pending migrations of an
    /// existing warehouse are still applied).
    case existing
    /// Create the warehouse (file or tables) when it does not exist yet.
    case createIfMissing
}

/// Why a warehouse could not be opened or reached, with what to do about it.
///
/// `description` names where (SQLite: the path as given; PostgreSQL: host, port, database and user,
/// never the password) and the cause. The CLI exits 69 (sysexits `EX_UNAVAILABLE`) on this error, so
/// scripts can tell "the warehouse is not there" from bad data (exit 1).
public struct WarehouseConnectionError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            // PostgreSQL
            case connectionRefused, unknownHost, unreachable, timedOut, authenticationFailed
            case databaseNotFound, roleNotFound, tlsFailed, connectionClosed, serverRejected
            // SQLite
            case fileNotFound, folderNotFound, isADirectory, notADatabase, readOnly, locked, permissionDenied, cannotOpen
            // both
            case notAWarehouse
        }
        fileprivate let base: Base
        /// PostgreSQL: nothing listens on the port (TCP RST).
        public static let connectionRefused = Code(base: .connectionRefused)
        /// PostgreSQL: the host name does not resolve (DNS).
        public static let unknownHost = Code(base: .unknownHost)
        /// PostgreSQL: no route to the host or network.
        public static let unreachable = Code(base: .unreachable)
        /// PostgreSQL: no answer within the connect timeout (packets dropped, or a server that never speaks).
        public static let timedOut = Code(base: .timedOut)
        /// PostgreSQL: wrong password, no password given, or refused by `pg_hba.conf` (SQLSTATE 28P01, 28000).
        public static let authenticationFailed = Code(base: .authenticationFailed)
        /// PostgreSQL: the database named in the URL does not exist (SQLSTATE 3D000).
        public static let databaseNotFound = Code(base: .databaseNotFound)
        /// PostgreSQL: the user named in the URL does not exist (SQLSTATE 28000, "role … does not exist").
        public static let roleNotFound = Code(base: .roleNotFound)
        /// PostgreSQL: TLS negotiation failed.
        public static let tlsFailed = Code(base: .tlsFailed)
        /// PostgreSQL: the peer closed the connection during the handshake, or answered in another
        /// protocol (not a PostgreSQL server?).
        public static let connectionClosed = Code(base: .connectionClosed)
        /// PostgreSQL: any other refusal at connection time (too many connections, starting up, …).
        public static let serverRejected = Code(base: .serverRejected)
        /// SQLite: no file at the path (and the command does not create warehouses).
        public static let fileNotFound = Code(base: .fileNotFound)
        /// SQLite: the folder that should hold a new warehouse does not exist.
        public static let folderNotFound = Code(base: .folderNotFound)
        /// SQLite: the path is a directory.
        public static let isADirectory = Code(base: .isADirectory)
        /// SQLite: the file is not a SQLite database, or is damaged (SQLITE_NOTADB, SQLITE_CORRUPT).
        public static let notADatabase = Code(base: .notADatabase)
        /// SQLite: the file or its folder cannot be written (SQLITE_READONLY, a read-only file system).
        public static let readOnly = Code(base: .readOnly)
        /// SQLite: another process holds the database lock (SQLITE_BUSY, SQLITE_LOCKED).
        public static let locked = Code(base: .locked)
        /// SQLite: the file or its folder may not be read or written by this user (EACCES, SQLITE_PERM).
        public static let permissionDenied = Code(base: .permissionDenied)
        /// SQLite: any other reason SQLite gives for not opening the file (SQLITE_CANTOPEN, I/O errors).
        public static let cannotOpen = Code(base: .cannotOpen)
        /// Either backend: the database is reachable but holds no onco warehouse (no `onco_migration` table).
        public static let notAWarehouse = Code(base: .notAWarehouse)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let backend: WarehouseBackend
    /// Where, safe to print: `the SQLite warehouse PATH` or `PostgreSQL at HOST:PORT (database D, user U)`.
    public let target: String
    /// Why, and what to try.
    public let reason: String
    let detail: String

    public init(_ code: Code, backend: WarehouseBackend, target: String, reason: String, detail: String = "") {
        self.code = code; self.backend = backend; self.target = target; self.reason = reason; self.detail = detail
    }

    public var description: String { "cannot \(backend == .postgres ? "connect to" : "open") \(target): \(reason)" }
    public var debugDescription: String { "WarehouseConnectionError(\(code), \(target), \(reason), \(detail))" }
}
