// Linux only: Swift's libFuzzer and sanitizer runtimes ship with the Linux toolchain.
import Glibc

/// What every harness needs: the readers under test take paths, so each input is written to a file
/// in a private temporary folder (one per process, reused for every input; libFuzzer runs inputs
/// one after another in a process), and multi-file inputs are split into named sections.
///
/// A harness's contract: any input gives either a value or a thrown error. A Swift trap, an
/// AddressSanitizer report, a leak or an input that runs longer than libFuzzer's `-timeout` is a
/// finding; thrown errors are expected and ignored.
public enum FuzzInput {
    /// The process's private folder, created on first use (`$TMPDIR` or /tmp, `onco-fuzz-<pid>`).
    public static let directory: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let dir = "\(base)/onco-fuzz-\(getpid())"
        mkdir(dir, 0o700)
        atexit { removeFolder(FuzzInput.directory) }
        return dir
    }()

    /// Writes `bytes` to `name` in the private folder (replacing it) and returns its path.
    public static func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> String {
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path): errno \(errno)")
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0, "cannot write \(path): errno \(errno)")
            done += n
        }
        close(fd)
        return path
    }

    /// Writes a byte array to `name` in the private folder and returns its path.
    public static func write(_ bytes: [UInt8], to name: String) -> String {
        bytes.withUnsafeBytes { write($0, to: name) }
    }

    /// Removes `name` from the private folder, if present.
    public static func remove(_ name: String) {
        unlink(directory + "/" + name)
    }

    /// A fresh, empty subfolder `name` of the private folder (its old files removed).
    public static func folder(_ name: String) -> String {
        let path = directory + "/" + name
        removeFolder(path)
        mkdir(path, 0o700)
        return path
    }

    /// Splits a multi-file input into sections. A line `=== NAME` starts a section named NAME (the
    /// rest of the line, trimmed); bytes before the first such line form a section named "". Only
    /// NAMEs in `allowed` are kept (the harness's file names; never a path, so nothing is written
    /// outside the private folder); a repeated NAME replaces the earlier one.
    public static func sections(_ data: UnsafeRawBufferPointer, allowed: Set<String>) -> [(name: String, bytes: [UInt8])] {
        var out: [(name: String, bytes: [UInt8])] = []
        var name = ""
        var current: [UInt8] = []
        func flush() {
            guard name.isEmpty || allowed.contains(name) else { return }
            if let i = out.firstIndex(where: { $0.name == name }) { out.remove(at: i) }
            out.append((name, current))
        }
        var lineStart = 0
        let bytes = Array(data)
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = bytes[lineStart..<lineEnd]
            if line.starts(with: Array("=== ".utf8)) {
                flush()
                name = String(decoding: line.dropFirst(4), as: UTF8.self).trimmingSpaces()
                current = []
            } else {
                current.append(contentsOf: line)
                if lineEnd < bytes.count { current.append(UInt8(ascii: "\n")) }
            }
            lineStart = lineEnd + 1
        }
        flush()
        return out
    }

    /// Keeps a result alive so the optimiser cannot drop the work that made it.
    @inline(never) public static func keep<T>(_ value: T) { withExtendedLifetime(value) {} }

    /// Removes a folder of plain files (the harness folders hold no subfolders).
    static func removeFolder(_ path: String) {
        guard let d = opendir(path) else { return }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(d)
        rmdir(path)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// htslib functions the harnesses call directly (BGZF compression, tabix indexing, log level).
/// onco's `CHTSlib` module is not a product of the onco package, so they are looked up in the
/// process (libhts is linked through `Genomics`) rather than imported.
public enum HTSlib {
    private static func symbol<T>(_ name: String, as: T.Type) -> T {
        guard let p = dlsym(nil /* RTLD_DEFAULT */, name) else {
            fatalError("htslib symbol \(name) not found: is libhts linked?")
        }
        return unsafeBitCast(p, to: T.self)
    }

    private typealias SetLogLevel = @convention(c) (Int32) -> Void
    private typealias Open = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> OpaquePointer?
    private typealias Write = @convention(c) (OpaquePointer, UnsafeRawPointer?, Int) -> Int
    private typealias Close = @convention(c) (OpaquePointer) -> Int32
    private typealias IndexBuild = @convention(c) (UnsafePointer<CChar>, Int32, UnsafeRawPointer) -> Int32
    private static let bgzfOpen = symbol("bgzf_open", as: Open.self)
    private static let bgzfWrite = symbol("bgzf_write", as: Write.self)
    private static let bgzfClose = symbol("bgzf_close", as: Close.self)
    private static let tbxIndexBuild = symbol("tbx_index_build", as: IndexBuild.self)
    nonisolated(unsafe) private static let tbxConfVCF = symbol("tbx_conf_vcf", as: UnsafeRawPointer.self)

    /// `hts_set_log_level(HTS_LOG_OFF)`: htslib would print to stderr on every malformed input.
    public static func silence() {
        symbol("hts_set_log_level", as: SetLogLevel.self)(0)
    }

    /// Writes `bytes` BGZF-compressed to `path` (with the end-of-file block). False when htslib fails.
    public static func writeBGZF(_ bytes: UnsafeRawBufferPointer, to path: String) -> Bool {
        guard let fp = bgzfOpen(path, "w") else { return false }
        let written = bytes.count == 0 ? 0 : bgzfWrite(fp, bytes.baseAddress, bytes.count)
        let closed = bgzfClose(fp)
        return written == bytes.count && closed == 0
    }

    /// `tbx_index_build(path, 0, &tbx_conf_vcf)`: writes `path.tbi`. False when htslib refuses
    /// (unsorted or malformed records): the harness then reads without a region.
    public static func tabixIndexVCF(_ path: String) -> Bool {
        tbxIndexBuild(path, 0, tbxConfVCF) == 0
    }
}

/// `HTSlib.silence()` once per process (the entry point does it before every target's first input).
enum HTSlibOnce {
    static let silence: Void = HTSlib.silence()
}
