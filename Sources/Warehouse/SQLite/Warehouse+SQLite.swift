import Foundation
import GRDB
import Logging

extension Warehouse {
    /// Opens the SQLite warehouse at `path` (creating it first when `mode` allows), or an in-memory one
    /// when nil, and migrates it.
    /// - Throws: `WarehouseConnectionError` saying why the file cannot be opened (missing file or folder,
    ///   a directory, not a database, read-only, locked, permission denied, not an onco warehouse);
    ///   `WarehouseError.schemaTooNew` for a warehouse written by a newer onco.
    public static func openSQLite(path: String?, mode: WarehouseOpenMode = .createIfMissing, options: Options = Options(),
                                  logger: Logger = Logger(label: "onco.warehouse")) async throws -> Warehouse {
        let created = try path.map { try SQLiteBackend.checkPath($0, mode: mode) } ?? false
        if let path, !created {
            // Before the pool switches the file to WAL mode: a file that is not ours stays untouched.
            let isWarehouse: Bool
            do { isWarehouse = try SQLiteBackend.holdsWarehouse(path) } catch { throw SQLiteBackend.openError(error, path: path) }
            // An empty file may become a new warehouse; another application's database never does.
            let empty = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) == 0
            if !isWarehouse && (mode == .existing || !empty) {
                throw WarehouseConnectionError(.notAWarehouse, backend: .sqlite, target: SQLiteBackend.target(path),
                                               reason: empty ? "the file is empty, not an onco warehouse"
                                                   : "the file is a SQLite database but not an onco warehouse (it has no onco_migration table); nothing was changed")
            }
        }
        var config = Configuration()
        config.allowsUnsafeTransactions = true   // one import = one transaction spanning many accesses
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -262144")   // 256 MiB page cache
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Pages are read from a memory map of the file (up to the library's limit, 2 GB in Debian's
            // build) instead of being copied into each connection's page cache: a one-shot recommend at
            // 1M patients reads ~130 MB of line pages. The map is read-only; SQLite still writes with
            // write(2). Its one cost: an I/O error while reading a mapped page is a SIGBUS instead of an
            // error code (SQLite's "memory-mapped I/O" notes), which a warehouse on a local disk does
            // not meet in practice.
            try db.execute(sql: "PRAGMA mmap_size = 2147418112")
        }
        let writer: any DatabaseWriter
        do {
            if let path {
                writer = try DatabasePool(path: path, configuration: config)
            } else {
                writer = try DatabaseQueue(configuration: config)
            }
        } catch {
            if created, let path { SQLiteBackend.removeCreated(path) }
            throw SQLiteBackend.openError(error, path: path ?? ":memory:")
        }
        let warehouse = Warehouse(SQLiteBackend(writer: writer, serialiseReads: path == nil), options: options)
        do {
            try await warehouse.migrate(logger: logger)
        } catch {
            try? await warehouse.close()
            if created, let path { SQLiteBackend.removeCreated(path) }
            throw SQLiteBackend.openError(error, path: path ?? ":memory:")
        }
        return warehouse
    }
}

/// Why a SQLite warehouse file cannot be opened, said before SQLite is asked where the file system can
/// tell (missing file or folder, a directory, permissions, a read-only file system), and mapped once
/// from SQLite's primary result codes (sqlite3.h) where only SQLite can tell.
extension SQLiteBackend {
    static func target(_ path: String) -> String { "the SQLite warehouse \(path)" }

    /// Checks the path with the file system, and creates the (empty) file of a new warehouse itself so
    /// that a failure comes with its `errno`. `access(2)` also reports a read-only file system (EROFS),
    /// for root too; plain permission bits do not stop root.
    /// - Returns: true when this call created the file (the caller removes it if opening then fails).
    static func checkPath(_ path: String, mode: WarehouseOpenMode) throws -> Bool {
        func fail(_ code: WarehouseConnectionError.Code, _ reason: String) -> WarehouseConnectionError {
            WarehouseConnectionError(code, backend: .sqlite, target: target(path), reason: reason)
        }
        let fm = FileManager.default
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw fail(.isADirectory, "\(path) is a directory, not a warehouse file") }
            if access(path, R_OK) != 0 { throw fail(.permissionDenied, "permission denied: this user may not read the file") }
            if access(path, W_OK) != 0 { throw writeFailure(errno, what: "the file", fail) }
            // WAL mode keeps PATH-wal and PATH-shm beside the file: the folder must be writable too.
            if access(folder, W_OK) != 0 { throw writeFailure(errno, what: "its folder \(folder)", fail) }
            return false
        }
        guard mode == .createIfMissing else {
            throw fail(.fileNotFound, "no such file; nothing was created (only onco warehouse init, import and synth create a warehouse)")
        }
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw fail(.folderNotFound, "the folder \(folder) does not exist")
        }
        guard isDirectory.boolValue else { throw fail(.folderNotFound, "\(folder) is not a folder") }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let err = errno
            if err == EEXIST { return false }   // created meanwhile by another process: SQLite opens it
            if err == EACCES || err == EPERM { throw fail(.permissionDenied, "permission denied: this user may not create files in the folder \(folder)") }
            throw writeFailure(err, what: "its folder \(folder)", fail)
        }
        closeDescriptor(fd)
        return true
    }

    /// Whether an existing file holds an onco warehouse, read through a plain connection (no WAL switch,
    /// no writes), so that SQLite's verdict on a foreign file (SQLITE_NOTADB, a lock) comes first.
    static func holdsWarehouse(_ path: String) throws -> Bool {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'onco_migration'") ?? 0
        } > 0
    }

    /// Removes a warehouse file this open created, with SQLite's companions, after a failed open.
    static func removeCreated(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }

    private static func writeFailure(_ err: Int32, what: String,
                                     _ fail: (WarehouseConnectionError.Code, String) -> WarehouseConnectionError) -> WarehouseConnectionError {
        switch err {
        case EROFS: fail(.readOnly, "\(what) is on a read-only file system (a warehouse is opened for writing: WAL mode, migrations)")
        case EACCES, EPERM: fail(.readOnly, "\(what) is read-only for this user (a warehouse is opened for writing: WAL mode, migrations)")
        default: fail(.cannotOpen, "\(what) cannot be written: \(String(cString: strerror(err)))")
        }
    }

    /// Maps GRDB's `DatabaseError` (SQLite result codes) raised while opening and migrating; anything
    /// else (e.g. `WarehouseError.schemaTooNew`, an already mapped error) passes through.
    static func openError(_ error: any Error, path: String) -> any Error {
        guard let e = error as? DatabaseError else { return error }
        let message = e.message ?? "\(e.resultCode)"
        func fail(_ code: WarehouseConnectionError.Code, _ reason: String) -> WarehouseConnectionError {
            WarehouseConnectionError(code, backend: .sqlite, target: target(path), reason: reason, detail: String(reflecting: e))
        }
        switch e.resultCode {
        case .SQLITE_NOTADB: return fail(.notADatabase, "the file is not a SQLite database")
        case .SQLITE_CORRUPT: return fail(.notADatabase, "the database file is damaged (SQLite: \(message))")
        case .SQLITE_READONLY: return fail(.readOnly, "the file or its folder is read-only (SQLite: \(message))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return fail(.locked, "another process holds the database lock (an import in progress?); try again when it has finished")
        case .SQLITE_PERM, .SQLITE_AUTH: return fail(.permissionDenied, "permission denied (SQLite: \(message))")
        case .SQLITE_FULL: return fail(.cannotOpen, "the disk is full")
        default: return fail(.cannotOpen, "SQLite error \(e.resultCode.rawValue): \(message)")
        }
    }
}

/// `close(2)`, out of reach of `SQLiteBackend.close()`.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
