import ArgumentParser
import Foundation
import Logging
import Warehouse
import WarehousePostgres

/// Exit status when the warehouse cannot be opened or reached (sysexits `EX_UNAVAILABLE`): a missing
/// or unreadable SQLite file, a PostgreSQL server that refuses, does not answer, or rejects the login.
let exitWarehouseUnavailable = ExitCode(69)

/// `--connect-timeout SECONDS`: shared by every command that opens a warehouse.
struct ConnectTimeoutOption: ParsableArguments {
    @Option(name: .customLong("connect-timeout"),
            help: "PostgreSQL: seconds to wait for the server (DNS, TCP and login) before giving up (default: the URL's connect_timeout, else 5).")
    var connectTimeout: Double?

    func validate() throws {
        if let t = connectTimeout, !(t.isFinite && t > 0) {
            throw ValidationError("--connect-timeout must be a positive number of seconds")
        }
    }

    var duration: Duration? { connectTimeout.map { .seconds($0) } }
}

/// `--db` and `--connect-timeout`: the warehouse a command works on.
struct WarehouseOptions: ParsableArguments {
    @Option(help: "SQLite file path, :memory:, or postgres://user@host:port/database[?connect_timeout=SECONDS] (default ./onco-warehouse.sqlite).")
    var db: String?
    @OptionGroup var connection: ConnectTimeoutOption

    /// Opens the warehouse; `.createIfMissing` only for the commands that fill one.
    func open(_ mode: WarehouseOpenMode, logger: Logger) async throws -> Warehouse {
        try await Warehouse.open(db: db, mode: mode, connectTimeout: connection.duration, logger: logger)
    }
}

/// `--db` (also spelled `--warehouse`) and `--connect-timeout`: the warehouse of a command that also runs without one,
/// on curated evidence only (`recommend`, `batch`); no default location.
struct OptionalWarehouseOptions: ParsableArguments {
    @Option(name: [.customLong("db"), .customLong("warehouse")],
            help: "Warehouse: a SQLite file, or postgres://user@host:port/database[?connect_timeout=SECONDS] (default: none; curated evidence only).")
    var db: String?
    @OptionGroup var connection: ConnectTimeoutOption

    /// Opens the warehouse when one is named (existing only: these commands read it).
    func open(logger: Logger) async throws -> Warehouse? {
        try await db.asyncMap { try await Warehouse.open(db: $0, mode: .existing, connectTimeout: connection.duration, logger: logger) }
    }
}
