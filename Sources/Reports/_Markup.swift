import Foundation

// Number formatting and XML/HTML escaping shared by the SVG plots and the HTML reports. Not API.
// A tumour-board report holds ~10^5 plot coordinates; these run without Foundation and, where they can,
// without an intermediate string.

/// A coordinate with at most two decimals and no trailing zeros: `12`, `12.5`, `-0.25`.
///
/// The same text as rounding to hundredths and printing with C `%.2f` minus trailing zeros (what this
/// function did through `String(format:)`, ~1 µs a call). Why the digits agree: `r` is the double nearest
/// to `k/100` for the integer `k = (v·100).rounded()`; below 10^11 it lies far closer than 0.005 to
/// `k/100`, so `%.2f` prints exactly the digits of `k/100`, and `r` is whole exactly when 100 divides `k`.
func _f(_ v: Double) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: _coordinateBytes) { buf in
        guard let n = _formatCoordinate(v, into: buf) else { return _fLarge(v) }
        // at most 15 ASCII bytes: a small string, stored inline without allocation
        return String(decoding: UnsafeBufferPointer(rebasing: buf[..<n]), as: UTF8.self)
    }
}

/// The most bytes `_formatCoordinate` writes: sign, 11 digits, point, 2 decimals.
let _coordinateBytes = 15

/// Writes `_f(v)` as ASCII into `buf` (at least `_coordinateBytes` long) and returns the byte count;
/// nil for |v| ≥ 10^11, NaN and infinities, which `_fLarge` formats.
@inline(__always)
func _formatCoordinate(_ v: Double, into buf: UnsafeMutableBufferPointer<UInt8>) -> Int? {
    let scaled = (v * 100).rounded()
    guard abs(scaled) < 1e13 else { return nil }        // false for NaN too
    let k = Int(scaled), m = k.magnitude
    let hundredths = m % 100
    var i = 0
    if k < 0 { buf[i] = UInt8(ascii: "-"); i += 1 }
    var whole = m / 100, lo = i
    repeat { buf[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: whole % 10); whole /= 10; i += 1 } while whole > 0
    var hi = i - 1
    while lo < hi { buf.swapAt(lo, hi); lo += 1; hi -= 1 }
    if hundredths != 0 {
        buf[i] = UInt8(ascii: "."); i += 1
        buf[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hundredths / 10); i += 1
        if hundredths % 10 != 0 { buf[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hundredths % 10); i += 1 }
    }
    return i
}

/// `_f` outside the plot range, through Foundation as before.
func _fLarge(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    var s = String(format: "%.2f", r)
    while s.hasSuffix("0") { s.removeLast() }
    return s
}

/// Escapes `& < > " '` for XML/HTML text and attribute values (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`).
///
/// Works on UTF-8 bytes (the five are ASCII, never part of a multi-byte sequence) and returns the string
/// itself when there is nothing to escape, the common case. Unlike the former walk over `Character`s,
/// a markup character followed by a combining mark (one grapheme cluster, e.g. `<` + U+0301) is escaped
/// too, as an HTML parser needs; no other input changes.
func _xmlEscape(_ s: String) -> String {
    guard _containsXMLMarkup(s) else { return s }
    var out = ""
    out.reserveCapacity(s.utf8.count + 16)
    _appendXMLEscaped(s, to: &out)
    return out
}

/// Appends `s` to `out`, escaped as `_xmlEscape` does, without an intermediate string.
func _appendXMLEscaped(_ s: String, to out: inout String) {
    guard _containsXMLMarkup(s) else { out += s; return }
    var s = s
    s.withUTF8 { bytes in
        var run = 0
        for i in bytes.indices where _isXMLMarkup(bytes[i]) {
            if run < i { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<i]), as: UTF8.self) }
            switch bytes[i] {
            case UInt8(ascii: "&"): out += "&amp;"
            case UInt8(ascii: "<"): out += "&lt;"
            case UInt8(ascii: ">"): out += "&gt;"
            case UInt8(ascii: "\""): out += "&quot;"
            default: out += "&apos;"
            }
            run = i + 1
        }
        if run < bytes.count { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[run...]), as: UTF8.self) }
    }
}

@inline(__always) func _isXMLMarkup(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
}

@inline(__always) func _containsXMLMarkup(_ s: String) -> Bool {
    s.utf8.withContiguousStorageIfAvailable { $0.contains(where: _isXMLMarkup) } ?? s.utf8.contains(where: _isXMLMarkup)
}
