import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Local TCP endpoints that fail the way remote servers do, for connection-error tests (no privileges,
/// no network, nothing outside the test process), and a SQLite lock held by another process.
public struct SocketSetupFailed: Error, CustomStringConvertible {
    public let step: String
    public let errno: Int32
    public var description: String { "\(step) failed: \(String(cString: strerror(errno)))" }
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks; returns (descriptor, port).
private func boundLoopbackSocket() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketSetupFailed(step: "socket", errno: errno) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard ok == 0 else { let e = errno; close(fd); throw SocketSetupFailed(step: "bind", errno: e) }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    guard (withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }) == 0 else {
        let e = errno; close(fd); throw SocketSetupFailed(step: "getsockname", errno: e)
    }
    return (fd, Int(UInt16(bigEndian: addr.sin_port)))
}

/// A loopback socket listening with `backlog`; returns (descriptor, port).
private func listeningLoopbackSocket(backlog: Int32) throws -> (Int32, Int) {
    let (fd, port) = try boundLoopbackSocket()
    guard listen(fd, backlog) == 0 else { let e = errno; close(fd); throw SocketSetupFailed(step: "listen", errno: e) }
    return (fd, port)
}

/// A loopback port with nothing listening (bound, then released): connecting is refused (TCP RST).
public func refusedLoopbackPort() throws -> Int {
    let (fd, port) = try boundLoopbackSocket()
    close(fd)
    return port
}

/// A loopback port that accepts TCP connections and never says a word: a client's handshake times out.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    public init() throws {
        (fd, port) = try listeningLoopbackSocket(backlog: 16)
    }
    deinit { close(fd) }
}

/// A loopback port where something other than PostgreSQL answers: each connection gets an HTTP error
/// and is closed.
public final class WrongProtocolListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    public init() throws {
        (fd, port) = try listeningLoopbackSocket(backlog: 16)
        let fd = self.fd
        Thread.detachNewThread {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }   // the listener was closed
                var buf = [UInt8](repeating: 0, count: 256)
                _ = read(c, &buf, buf.count)
                let answer = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)
                _ = answer.withUnsafeBytes { write(c, $0.baseAddress!, $0.count) }
                close(c)
            }
        }
    }
    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}

/// A loopback port whose SYNs are dropped, like a firewall that drops packets: a listener with a
/// backlog of 0 that never accepts, its queue filled by one connection of our own. Linux drops a SYN
/// while the accept queue is full, so a client's `connect` waits until its own timeout.
public final class DroppingListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let filler: Int32
    public init() throws {
        (fd, port) = try listeningLoopbackSocket(backlog: 0)
        filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { let e = errno; close(filler); close(fd); throw SocketSetupFailed(step: "connect (filling the backlog)", errno: e) }
    }
    deinit { close(filler); close(fd) }
}

/// Another process (`sqlite3 PATH`) holding an exclusive lock on a SQLite file, in rollback-journal
/// mode, until `release()`: what a running import looks like to a second opener.
public final class SQLiteLockHolder {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    public init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("PRAGMA journal_mode=DELETE;\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        var seen = Data()   // wait until the shell says it holds the lock
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
    }
    public func release() {
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
