import Foundation

public enum WarehouseBackend: String, Sendable, Hashable, CustomStringConvertible {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"
    public var description: String { rawValue }
}

/// Where a warehouse lives, parsed from a `--db` string: `postgres://` / `postgresql://` URLs are
/// PostgreSQL, `:memory:` is an in-memory SQLite database, anything else is a SQLite file path.
public enum WarehouseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqliteFile(String)
    case sqliteInMemory
    case postgres(url: String)

    /// The default file in the working directory.
    public static let defaultPath = "./onco-warehouse.sqlite"

    public init(parsing db: String?) {
        guard let db, !db.isEmpty else { self = .sqliteFile(Self.defaultPath); return }
        let lower = db.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(url: db)
        } else if db == ":memory:" {
            self = .sqliteInMemory
        } else {
            self = .sqliteFile(db)
        }
    }

    /// Safe to print: a PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqliteFile(let p): return p
        case .sqliteInMemory: return ":memory:"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }
}
