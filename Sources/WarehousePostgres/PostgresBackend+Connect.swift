import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import Warehouse

/// A `postgres://` URL taken apart: where to connect, as whom, and how long to wait.
///
/// `connect_timeout` (seconds, as in libpq; decimals allowed) bounds the whole connection attempt:
/// DNS, TCP and the PostgreSQL handshake. An explicit timeout from the caller (the CLI's
/// `--connect-timeout`) wins over the URL's; without either it is 5 s.
package struct PostgresTarget: Sendable, CustomStringConvertible {
    static let defaultConnectTimeout: Duration = .seconds(5)

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var schema: String?
    package var connectTimeout: Duration

    package init(url: String, connectTimeout override: Duration?) throws {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql",
              let host = c.host, !host.isEmpty else {
            throw WarehouseError(.badLocation, "not a PostgreSQL URL (expected postgres://user@host:port/database)")
        }
        let database = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        let schema = c.queryItems?.first { $0.name == "schema" }?.value
        if let schema, schema.isEmpty || !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw WarehouseError(.badLocation, "the schema name may contain only letters, digits and _")
        }
        var timeout = Self.defaultConnectTimeout
        if let text = c.queryItems?.first(where: { $0.name == "connect_timeout" })?.value {
            guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
                throw WarehouseError(.badLocation, "connect_timeout=\(text) in the PostgreSQL URL: expected a positive number of seconds")
            }
            timeout = .seconds(seconds)
        }
        if let override {
            guard override > .zero else { throw WarehouseError(.badLocation, "the connect timeout must be positive") }
            timeout = override
        }
        self.host = host
        self.port = c.port ?? 5432
        self.user = c.user ?? "postgres"
        self.password = c.password
        self.database = database.isEmpty ? nil : database
        self.schema = schema
        self.connectTimeout = timeout
    }

    /// Host, port, database and user; never the password.
    package var description: String {
        let db = database.map { "database \($0)" } ?? "database \(user) (the server's default: the user's name)"
        return "PostgreSQL at \(host):\(port) (\(db), user \(user)\(schema.map { ", schema \($0)" } ?? ""))"
    }

    var timeoutText: String {
        let (s, atto) = connectTimeout.components
        let seconds = Double(s) + Double(atto) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }

    func error(_ code: WarehouseConnectionError.Code, _ reason: String, _ underlying: (any Error)? = nil) -> WarehouseConnectionError {
        WarehouseConnectionError(code, backend: .postgres, target: description, reason: reason,
                                 detail: underlying.map { String(reflecting: $0) } ?? "")
    }
}

/// The connect timeout passed without an answer.
struct PostgresConnectDeadline: Error {}

extension PostgresBackend {
    /// One direct connection, bounded by the target's timeout, before the pool is made: the pool
    /// retries a failing server for about a minute and then reports only that its circuit breaker
    /// tripped. The connection is closed again at once.
    /// - Throws: `WarehouseConnectionError` naming the target and the cause.
    static func probe(_ target: PostgresTarget, logger: Logger) async throws {
        var config = PostgresConnection.Configuration(host: target.host, port: target.port, username: target.user,
                                                      password: target.password, database: target.database, tls: .disable)
        config.options.connectTimeout = TimeAmount(target.connectTimeout)
        var quietLogger = logger
        quietLogger.logLevel = .critical
        let (configuration, quiet) = (config, quietLogger)
        // postgres-nio's own deadline covers TCP and the handshake; this one also covers name resolution,
        // which runs on a thread that cannot be interrupted, so the caller does not wait for it. Both the
        // attempt's outcome and the deadline are decided on the connection's event loop, not by tasks of the
        // cooperative pool: a process whose pool is busy (a batch, a test run) must not see a timely answer
        // as a timeout because the task that would have received it was scheduled late.
        let eventLoop = PostgresConnection.defaultEventLoopGroup.any()
        let promise = eventLoop.makePromise(of: Void.self)
        let decided = NIOLockedValueBox(false)
        let deadline = eventLoop.scheduleTask(in: TimeAmount(target.connectTimeout + .milliseconds(250))) {
            if decided.withLockedValue({ d in defer { d = true }; return !d }) { promise.fail(PostgresConnectDeadline()) }
        }
        PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: quiet).whenComplete { result in
            deadline.cancel()
            let first = decided.withLockedValue { d in defer { d = true }; return !d }
            switch result {
            case .success(let connection):
                let closing: EventLoopFuture<Void> = connection.close()   // a late success after the deadline is closed too
                closing.whenComplete { _ in }
                if first { promise.succeed(()) }
            case .failure(let error):
                if first { promise.fail(error) }
            }
        }
        do {
            try await promise.futureResult.get()
        } catch {
            throw classify(error, target: target)
        }
    }

    /// Maps a failed connection attempt to its cause, once, at the boundary: postgres-nio's `PSQLError`
    /// (server SQLSTATEs from the PostgreSQL manual, appendix A) and SwiftNIO's transport errors.
    static func classify(_ error: any Error, target: PostgresTarget) -> WarehouseConnectionError {
        guard let e = error as? PSQLError else { return transport(error, target: target) }
        switch e.code {
        case .server:
            return PostgresTarget.serverRefusal(sqlState: e.serverInfo?[.sqlState] ?? "", message: e.serverInfo?[.message] ?? "", target: target, e)
        case .connectionError:
            return transport(e.underlying ?? e, target: target)
        case .authMechanismRequiresPassword:
            return target.error(.authenticationFailed, "the server asks for a password and the URL gives none", e)
        case .unsupportedAuthMechanism, .saslError:
            return target.error(.authenticationFailed, "authentication failed (\(e.code))", e)
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return target.error(.tlsFailed, "TLS negotiation failed (\(e.code))", e)
        case .serverClosedConnection, .uncleanShutdown:
            return target.error(.connectionClosed, "the server closed the connection during the handshake (is PostgreSQL listening on port \(target.port)?)", e)
        case .messageDecodingFailure, .unexpectedBackendMessage:
            return target.error(.connectionClosed, "the server does not answer in PostgreSQL's protocol (is PostgreSQL listening on port \(target.port)?)", e)
        default:
            return target.error(.serverRejected, "the connection failed (\(e.code))", e)
        }
    }

    /// DNS, TCP and timeout failures from SwiftNIO.
    static func transport(_ error: any Error, target: PostgresTarget) -> WarehouseConnectionError {
        if let e = error as? NIOConnectionError {
            // Connection attempts first: a failed AAAA lookup beside a refused IPv4 connection is "refused".
            if let first = e.connectionErrors.first { return transport(first.error, target: target) }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return transport(dns, target: target) }
        }
        if let e = error as? SocketAddressError.UnknownHost {
            return target.error(.unknownHost, "the host name \(target.host) does not resolve (DNS: \(e.errorDescription))", e)
        }
        if let e = error as? SocketAddressError, case .unknown = e {
            return target.error(.unknownHost, "the host name \(target.host) does not resolve (DNS)", e)
        }
        let timedOut = target.error(.timedOut, "no answer within \(target.timeoutText) (the host drops packets, or does not speak PostgreSQL on port \(target.port)); "
                                    + "raise --connect-timeout or connect_timeout= in the URL for a slow network", error)
        if error is PostgresConnectDeadline { return timedOut }
        if let e = error as? ChannelError, case .connectTimeout = e { return timedOut }
        if let e = error as? IOError {
            switch e.errnoCode {
            case ECONNREFUSED:
                return target.error(.connectionRefused, "connection refused (is the server running and accepting TCP connections on port \(target.port)?)", e)
            case ETIMEDOUT: return timedOut
            case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EACCES, EPERM:
                return target.error(.unreachable, "the host is unreachable (\(String(cString: strerror(e.errnoCode))))", e)
            default:
                return target.error(.unreachable, "the connection failed (\(String(cString: strerror(e.errnoCode))))", e)
            }
        }
        return target.error(.unreachable, "the connection failed (\(String(describing: error)))", error)
    }
}

extension PostgresTarget {
    /// A server's refusal at start-up, by SQLSTATE.
    package static func serverRefusal(sqlState: String, message: String, target: PostgresTarget, _ underlying: (any Error)? = nil) -> WarehouseConnectionError {
        switch sqlState {
        case "28P01":
            return target.error(.authenticationFailed, "authentication failed for user \(target.user) (wrong password?) (SQLSTATE 28P01: \(message))", underlying)
        case "28000" where message.contains("role") && message.contains("does not exist"):
            return target.error(.roleNotFound, "the role (user) \(target.user) does not exist on the server (SQLSTATE 28000)", underlying)
        case "28000":
            return target.error(.authenticationFailed, "the server does not accept user \(target.user) here (SQLSTATE 28000: \(message))", underlying)
        case "3D000":
            return target.error(.databaseNotFound, "the database \(target.database ?? target.user) does not exist on the server (SQLSTATE 3D000)", underlying)
        default:
            return target.error(.serverRejected, "the server refused the connection (SQLSTATE \(sqlState): \(message))", underlying)
        }
    }
}
