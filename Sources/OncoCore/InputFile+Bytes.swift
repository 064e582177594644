#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX `read` (the name `read` inside `InputFile` is its own `read(path:)`).
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

extension InputFile {
    /// The bytes of the file at `path` in one owned array, read with POSIX `read` into a buffer
    /// sized from `fstat` (no `Data`, no second copy): the large-table readers (`DelimitedTable`)
    /// scan and rewrite it in place. nil when it cannot be opened or read, or is a folder.
    public static func bytes(path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
        // fill the size fstat reports, then read on until end of file (st_size is 0 for pipes and
        // /proc files, and a file may grow while it is read)
        let size = max(Int(info.st_size), 0)
        var failed = false
        var out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = posixRead(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true; break }
                if n == 0 { break }
                count += n
            }
        }
        if failed { return nil }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
