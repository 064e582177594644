import Foundation

/// A little-endian byte writer for the KB index (varints, length-prefixed UTF-8 strings).
struct BinaryWriter {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(1 << 22) }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func varint(_ v: UInt64) {
        var x = v
        while x >= 0x80 { bytes.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
        bytes.append(UInt8(x))
    }
    mutating func int(_ v: Int) { varint(UInt64(bitPattern: Int64(v)) << 1 ^ UInt64(bitPattern: Int64(v) >> 63)) }
    mutating func optInt(_ v: Int?) { if let v { u8(1); int(v) } else { u8(0) } }
    mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { p in varint(UInt64(p.count)); bytes.append(contentsOf: p) }
    }
    mutating func optString(_ s: String?) { if let s { u8(1); string(s) } else { u8(0) } }
    mutating func strings(_ a: [String]) { varint(UInt64(a.count)); for s in a { string(s) } }
    mutating func ints(_ a: [Int]) { varint(UInt64(a.count)); for v in a { int(v) } }
}

/// Reads what `BinaryWriter` wrote; every read is bounds-checked and throws `badIndex` on truncation.
struct BinaryReader {
    let base: UnsafeRawBufferPointer
    var pos: Int
    let file: String

    init(_ base: UnsafeRawBufferPointer, at pos: Int = 0, file: String) { self.base = base; self.pos = pos; self.file = file }

    func fail(_ what: String) -> KnowledgeError {
        KnowledgeError(.badIndex, file: file, field: what, "index is truncated or corrupt at byte \(pos); rebuild it with `onco kb update`")
    }
    mutating func u8() throws -> UInt8 {
        guard pos < base.count else { throw fail("byte") }
        defer { pos += 1 }
        return base[pos]
    }
    mutating func varint() throws -> UInt64 {
        var shift: UInt64 = 0, v: UInt64 = 0
        while true {
            let b = try u8()
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
            if shift > 63 { throw fail("varint") }
        }
    }
    mutating func int() throws -> Int {
        let z = try varint()
        return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
    }
    mutating func optInt() throws -> Int? { try u8() == 1 ? try int() : nil }
    mutating func bool() throws -> Bool { try u8() == 1 }
    mutating func string() throws -> String {
        let n = Int(try varint())
        guard n >= 0, pos + n <= base.count else { throw fail("string") }
        defer { pos += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[pos..<(pos + n)]), as: UTF8.self)
    }
    mutating func optString() throws -> String? { try u8() == 1 ? try string() : nil }
    mutating func strings() throws -> [String] { try array { try $0.string() } }
    mutating func ints() throws -> [Int] { try array { try $0.int() } }
    /// A count, then that many elements read by `element`; a count larger than the bytes left is corrupt.
    mutating func array<T>(_ element: (inout BinaryReader) throws -> T) throws -> [T] {
        let n = Int(try varint())
        guard n <= base.count - pos else { throw fail("array") }
        var a: [T] = []; a.reserveCapacity(n)
        for _ in 0..<n { a.append(try element(&self)) }
        return a
    }
}
