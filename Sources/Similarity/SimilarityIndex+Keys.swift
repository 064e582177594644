import Foundation
import OncoCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mapped index file, unmapped when the last value using it (rows, keys) is gone.
final class FileMapping: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let length: Int
    init(base: UnsafeMutableRawPointer, length: Int) { self.base = base; self.length = length }
    deinit { munmap(base, length) }
}

/// The key of each row: `String`s, or — for an index opened from a file — the file's key bytes, left
/// in the mapping and made into a `PatientKey` only when one is asked for (a search's k results, a
/// tie-break, an explanation). Opening a 1M-patient index then makes no key strings: decoding a million
/// ~35-byte keys was ~1M allocations and ~64 MB of fresh heap on every one-shot open. The first change
/// of the index (an upsert) decodes them all once.
struct KeyColumn: @unchecked Sendable {
    private var owned: [PatientKey] = []
    /// (count + 1) little-endian end offsets (the first is 0) into `bytes`, inside `file`.
    private var mapped: (offsets: UnsafeRawPointer, bytes: UnsafeRawPointer, count: Int, file: FileMapping)?

    init() {}

    init(offsets: UnsafeRawPointer, bytes: UnsafeRawPointer, count: Int, file: FileMapping) {
        mapped = (offsets, bytes, count, file)
    }

    var count: Int { mapped?.count ?? owned.count }

    @inline(__always)
    private func range(_ m: (offsets: UnsafeRawPointer, bytes: UnsafeRawPointer, count: Int, file: FileMapping), _ r: Int) -> UnsafeRawBufferPointer {
        let lo = Int(UInt64(littleEndian: m.offsets.loadUnaligned(fromByteOffset: 8 * r, as: UInt64.self)))
        let hi = Int(UInt64(littleEndian: m.offsets.loadUnaligned(fromByteOffset: 8 * r + 8, as: UInt64.self)))
        return UnsafeRawBufferPointer(start: m.bytes + lo, count: hi - lo)
    }

    subscript(r: Int) -> PatientKey {
        if let m = mapped { return PatientKey(String(decoding: range(m, r), as: UTF8.self)) }
        return owned[r]
    }

    /// True when row `a`'s key precedes row `b`'s in UTF-8 byte order.
    func utf8Less(_ a: Int, _ b: Int) -> Bool {
        if let m = mapped { return range(m, a).lexicographicallyPrecedes(range(m, b)) }
        return owned[a].rawValue.utf8.lexicographicallyPrecedes(owned[b].rawValue.utf8)
    }

    /// Row `r`'s key as UTF-8 bytes, appended to `out`.
    func appendUTF8(_ r: Int, to out: inout Data) {
        if let m = mapped { out.append(contentsOf: range(m, r)) } else { out.append(contentsOf: Array(owned[r].rawValue.utf8)) }
    }

    /// Decodes mapped keys into strings (before the first change).
    private mutating func materialise() {
        guard let m = mapped else { return }
        var keys: [PatientKey] = []
        keys.reserveCapacity(m.count)
        for r in 0..<m.count { keys.append(PatientKey(String(decoding: range(m, r), as: UTF8.self))) }
        owned = keys
        mapped = nil
    }

    mutating func append(_ key: PatientKey) {
        materialise()
        owned.append(key)
    }

    mutating func reserveCapacity(_ n: Int) {
        materialise()
        owned.reserveCapacity(n)
    }
}
