import Foundation

/// SHA-256 (FIPS 180-4), used for the KB manifest and the index checksum. Knowledge depends on OncoCore
/// only, so this small implementation avoids pulling swift-crypto into the module; tests compare it
/// with the FIPS test vectors and with `sha256sum`.
public struct SHA256Hasher {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() {}

    public mutating func update(_ data: some Sequence<UInt8>) {
        let a = Array(data)
        a.withUnsafeBytes { update(bytes: $0) }
    }

    /// Fast path for contiguous bytes.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var i = 0
        length &+= UInt64(bytes.count) &* 8
        if !buffer.isEmpty {
            while i < bytes.count && buffer.count < 64 { buffer.append(bytes[i]); i += 1 }
            if buffer.count == 64 { compress(buffer, 0); buffer.removeAll(keepingCapacity: true) }
        }
        let arr = [UInt8](bytes[i...])
        var off = 0
        while off + 64 <= arr.count { compress(arr, off); off += 64 }
        buffer.append(contentsOf: arr[off...])
    }

    private mutating func compress(_ block: [UInt8], _ off: Int) {
        var w = [UInt32](repeating: 0, count: 64)
        for t in 0..<16 {
            let j = off + t * 4
            w[t] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
        }
        for t in 16..<64 {
            let s0 = w[t - 15].rotr(7) ^ w[t - 15].rotr(18) ^ (w[t - 15] >> 3)
            let s1 = w[t - 2].rotr(17) ^ w[t - 2].rotr(19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        for t in 0..<64 {
            let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ Self.k[t] &+ w[t]
            let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }

    /// The digest as 64 lower-case hex characters.
    public mutating func finalizeHex() -> String {
        return finalize().map { String(format: "%02x", $0) }.joined()
    }

    public mutating func finalize() -> [UInt8] {
        let total = length
        var pad: [UInt8] = [0x80]
        let mod = (buffer.count + 1) % 64
        pad += [UInt8](repeating: 0, count: mod <= 56 ? 56 - mod : 120 - mod)
        for i in (0..<8).reversed() { pad.append(UInt8((total >> (UInt64(i) * 8)) & 0xff)) }
        let saved = buffer
        buffer = []
        var all = saved + pad
        var off = 0
        while off < all.count { compress(all, off); off += 64 }
        all.removeAll()
        var out: [UInt8] = []
        for v in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
            out += [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
        }
        return out
    }

    /// SHA-256 of a byte buffer, hex.
    public static func hex(_ data: Data) -> String {
        var s = SHA256Hasher()
        data.withUnsafeBytes { s.update(bytes: $0) }
        return s.finalizeHex()
    }

    /// SHA-256 of a file, hex.
    public static func hex(file url: URL) throws -> String {
        guard let d = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.fileUnreadable, file: url.path, "cannot read file")
        }
        return hex(d)
    }
}

private extension UInt32 {
    @inline(__always) func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
