import Foundation
import OncoCore
import Vocabulary
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The row buffer: 64-byte-aligned memory, owned or mapped from an index file (copy-on-write pages).
final class RowStorage: @unchecked Sendable {
    let blockWords: Int
    private(set) var capacityBlocks: Int
    private(set) var words: UnsafeMutablePointer<UInt64>
    /// The anonymous mapping that holds `words` (owned, zero-filled on demand), or nil for rows inside a
    /// file mapping (`file`, shared with the index's keys).
    private var mapping: (base: UnsafeMutableRawPointer, length: Int)?
    private var file: FileMapping?
    private var ownsAnonymous = false

    /// True when the rows are a file mapping (copied before the first update).
    var isMapped: Bool { !ownsAnonymous }

    init(blockWords: Int, capacityBlocks: Int) {
        self.blockWords = blockWords
        self.capacityBlocks = capacityBlocks
        let (p, len) = Self.allocate(words: blockWords * capacityBlocks)
        words = p
        mapping = (UnsafeMutableRawPointer(p), len)
        ownsAnonymous = true
    }

    /// Rows inside a private mapping of a file (`words` must be 64-byte aligned).
    init(blockWords: Int, capacityBlocks: Int, file: FileMapping, offset: Int) {
        self.blockWords = blockWords
        self.capacityBlocks = capacityBlocks
        words = (file.base + offset).assumingMemoryBound(to: UInt64.self)
        self.file = file
        mapping = nil
        ownsAnonymous = false
    }

    deinit {
        if let m = mapping { munmap(m.base, m.length) }
    }

    /// Page-aligned anonymous memory: the kernel zero-fills pages on first touch, so reserving capacity
    /// costs nothing until rows are written.
    static func allocate(words n: Int) -> (UnsafeMutablePointer<UInt64>, Int) {
        let bytes = max(4096, n * 8)
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            fatalError("out of memory (\(bytes) bytes)")
        }
        return (p.assumingMemoryBound(to: UInt64.self), bytes)
    }

    func copy(capacityBlocks c: Int) -> RowStorage {
        let s = RowStorage(blockWords: blockWords, capacityBlocks: c)
        memcpy(s.words, words, min(c, capacityBlocks) * blockWords * 8)
        return s
    }

    func grow(minBlocks: Int) {
        let c = max(minBlocks, capacityBlocks + capacityBlocks / 2 + 1)
        let (n, len) = Self.allocate(words: c * blockWords)
        memcpy(n, words, capacityBlocks * blockWords * 8)
        if let m = mapping { munmap(m.base, m.length) }
        file = nil
        words = n
        mapping = (UnsafeMutableRawPointer(n), len)
        ownsAnonymous = true
        capacityBlocks = c
    }

}

/// The key → row table of a `SimilarityIndex`, built on first use and then kept. Opening an index file
/// does not build it: hashing a million 32-byte keys into a dictionary took 0.45 s of a 0.79 s open at
/// 1,000,000 patients, and a search never needs it (the query's own key is excluded from the results by
/// key, not by row). Lookups by key (`contains`, `profile(of:)`, explanations, updates) build it once.
final class RowByKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [PatientKey: Int32]?

    init(_ table: [PatientKey: Int32]? = nil) { stored = table }

    /// The table, built by `build` if it is not yet (once, under the lock).
    func table(_ build: () -> [PatientKey: Int32]) -> [PatientKey: Int32] {
        lock.lock(); defer { lock.unlock() }
        if let t = stored { return t }
        let t = build()
        stored = t
        return t
    }

    /// The table if it has been built.
    func builtTable() -> [PatientKey: Int32]? {
        lock.lock(); defer { lock.unlock() }
        return stored
    }
}
