/// Strict, byte-level parsing of the numbers in delimited text files (clinical tables, MAF, CSV).
///
/// One grammar for every reader, so a value means the same thing wherever it is read:
///
///     number   = [sign] mantissa [exponent]
///     sign     = "+" | "-"
///     mantissa = digits ["." [digits]] | "." digits
///     exponent = ("e" | "E") [sign] digits
///
/// - Surrounding ASCII spaces, tabs and carriage returns are ignored (R's `as.numeric(" 3")` is 3);
///   whitespace inside a number is a syntax error (`"3 4"`, `"- 3"`).
/// - Rejected, never read as something else: hexadecimal (`0x1A`, which Swift's `Double(_:)` accepts),
///   `inf`/`nan`/`Infinity`, decimal commas and thousands separators (`1,5`, `1,000`), underscores,
///   a dangling exponent (`1e`), and non-ASCII digits.
/// - A real (`double`) must be finite: a literal that overflows (`1e400`) or underflows to zero
///   (`1e-400`) is an error. Conversion is correctly rounded (Clinger's fast path, else the standard library's locale-independent `Double(_:)`).
/// - An integer (`integer`) is the exact value of the decimal text, so integer-valued scientific
///   or decimal notation is accepted exactly (`4.7e+07` = 47000000, `12.0` = 12, as R writes
///   large integers) and anything with a fractional part is not (`4.5e0`). It must fit in `Int`
///   (64 bits): `9.2233720368547758e18` = 9223372036854775800 fits, `9223372036854775808` does not.
/// - `-0` is 0 (an integer) or −0.0 (a real).
///
/// No allocation: the bytes are scanned once; only a literal with more than 19 significant digits
/// or an exponent outside the exact fast path is converted through one temporary `String`.
public enum ExactNumber {
    /// Why a text is not an acceptable number.
    public enum Failure: Error, Sendable, Hashable {
        /// Only whitespace.
        case empty
        /// Not a decimal number (letters, hexadecimal, commas, a dangling exponent, ...).
        case syntax
        /// `inf`, `nan`, or a literal outside the finite range of `Double`.
        case notFinite
        /// A number with a fractional part where a whole number is needed.
        case notInteger
        /// A number outside the stated range (including integers that do not fit in 64 bits).
        case outOfRange
    }

    /// How an accepted integer was written.
    public enum Notation: Sendable, Hashable {
        /// Digits only, with an optional sign (`47000000`).
        case plain
        /// With a decimal point or an exponent (`4.7e+07`, `12.0`): accepted because the value is whole.
        case scientific
    }

    /// The lexical parts of a decimal literal: significant digits (at most 19 kept exactly in
    /// `mantissa`), the power of ten, the sign, and whether there was a point or an exponent.
    @usableFromInline
    struct Scan {
        var negative = false
        /// The first up-to-19 significant digits as an integer.
        var mantissa: UInt64 = 0
        /// Digits beyond the 19 kept; `nonZeroDropped` tells whether any of them was non-zero.
        var droppedDigits = 0
        var nonZeroDropped = false
        /// A dropped non-zero digit after the point: the value has a fraction.
        var fractionDropped = false
        /// Power of ten applied to `mantissa` (fraction digits subtract, the exponent adds).
        var exponent = 0
        var notation: Notation = .plain
        /// The trimmed literal's byte range in the input.
        var start = 0, end = 0
    }

    /// Scans `bytes` against the grammar.
    @usableFromInline
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Scan, Failure> {
        var i = 0, n = bytes.count
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        while i < n && isSpace(bytes[i]) { i += 1 }
        while n > i && isSpace(bytes[n - 1]) { n -= 1 }
        if i == n { return .failure(.empty) }
        var s = Scan()
        s.start = i; s.end = n
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            s.negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        // inf / nan / infinity in any case: named, so the message can say "not finite"
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "i") || bytes[i] | 0x20 == UInt8(ascii: "n") {
            var word: UInt64 = 0, k = i
            while k < n, k - i < 8 { word = word << 8 | UInt64(bytes[k] | 0x20); k += 1 }
            if k == n, word == 0x696e66 || word == 0x6e616e || word == 0x696e66696e697479 { return .failure(.notFinite) }
            return .failure(.syntax)
        }
        var digits = 0, significant = 0
        var sawPoint = false
        while i < n {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                digits += 1
                let d = UInt64(b &- 0x30)
                if significant == 0 && d == 0 {
                    // leading zero: not significant
                    if sawPoint { s.exponent -= 1 }
                } else if significant < 19 {
                    s.mantissa = s.mantissa &* 10 &+ d
                    significant += 1
                    if sawPoint { s.exponent -= 1 }
                } else {
                    s.droppedDigits += 1
                    if d != 0 { s.nonZeroDropped = true; if sawPoint { s.fractionDropped = true } }
                    if !sawPoint { s.exponent += 1 }
                }
            } else if b == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
                s.notation = .scientific
            } else {
                break
            }
            i += 1
        }
        if digits == 0 { return .failure(.syntax) }
        if i < n {
            guard bytes[i] | 0x20 == UInt8(ascii: "e") else { return .failure(.syntax) }
            s.notation = .scientific
            i += 1
            var expNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0, expDigits = 0
            while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 0x30) }   // beyond this, over/underflow anyway
                expDigits += 1
                i += 1
            }
            if expDigits == 0 || i < n { return .failure(.syntax) }
            s.exponent += expNegative ? -e : e
        }
        return .success(s)
    }

    /// Exact powers of ten representable in a `Double` (10^0 ... 10^22), for Clinger's fast path.
    @usableFromInline
    static let exactPowers: [Double] = (0...22).map { k in var p = 1.0; for _ in 0..<k { p *= 10 }; return p }

    /// Parses a finite real number.
    /// - Returns: the correctly rounded value, or why the text is not one.
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        let s: Scan
        switch scan(bytes) {
        case .failure(let f): return .failure(f)
        case .success(let x): s = x
        }
        if s.mantissa == 0 && !s.nonZeroDropped { return .success(s.negative ? -0.0 : 0.0) }
        // Clinger's fast path: mantissa < 2^53 and |exponent| ≤ 22 give one correctly rounded operation.
        if s.droppedDigits == 0, s.mantissa < (1 << 53), s.exponent >= -22, s.exponent <= 22 {
            let m = Double(s.mantissa)
            let v = s.exponent >= 0 ? m * exactPowers[s.exponent] : m / exactPowers[-s.exponent]
            return .success(s.negative ? -v : v)
        }
        // Otherwise the standard library's correctly rounded, locale-independent conversion (the grammar
        // is already checked, so it cannot read hexadecimal or `inf` here). Rare: allocates one string.
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[s.start..<s.end]), as: UTF8.self)
        guard let v = Double(literal) else { return .failure(s.exponent > 0 ? .notFinite : .outOfRange) }
        if !v.isFinite { return .failure(.notFinite) }
        if v == 0 { return .failure(.outOfRange) }   // a non-zero literal that underflows to zero
        return .success(v)
    }

    /// Parses a whole number, accepting integer-valued decimal and scientific notation exactly.
    /// - Returns: the value and how it was written, or why the text is not a whole number in `Int`.
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<(value: Int, notation: Notation), Failure> {
        let s: Scan
        switch scan(bytes) {
        case .failure(let f): return .failure(f)
        case .success(let x): s = x
        }
        if s.mantissa == 0 && !s.nonZeroDropped { return .success((0, s.notation)) }
        if s.fractionDropped && s.exponent <= 0 { return .failure(.notInteger) }
        if s.nonZeroDropped { return .failure(s.exponent < 0 ? .notInteger : .outOfRange) }
        var m = s.mantissa, e = s.exponent
        // strip trailing zeros of the significant digits into the exponent
        while e < 0, m % 10 == 0 { m /= 10; e += 1 }
        if e < 0 { return .failure(.notInteger) }
        if e > 19 { return .failure(.outOfRange) }
        for _ in 0..<e {
            let (p, o) = m.multipliedReportingOverflow(by: 10)
            if o { return .failure(.outOfRange) }
            m = p
        }
        let limit = s.negative ? UInt64(Int.max) + 1 : UInt64(Int.max)
        if m > limit { return .failure(.outOfRange) }
        let v = s.negative ? (m == UInt64(Int.max) + 1 ? Int.min : -Int(m)) : Int(m)
        return .success((v, s.notation))
    }

    /// `double` of a string's UTF-8 bytes.
    public static func double(_ text: String) -> Result<Double, Failure> {
        var t = text
        return t.withUTF8 { double($0) }
    }

    /// `integer` of a string's UTF-8 bytes.
    public static func integer(_ text: String) -> Result<(value: Int, notation: Notation), Failure> {
        var t = text
        return t.withUTF8 { integer($0) }
    }
}

/// A number that could not be read: which field, the value as written, and why.
///
/// `description` names the field and the value (truncated to 32 characters); the reader that throws
/// it adds the file and line. Number fields hold measurements, not identifiers, and a misplaced
/// identifier column is cut to 32 characters.
public struct NumberParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String { case empty, notANumber, notFinite, notAnInteger, outOfRange }
        fileprivate let base: Base
        public static let empty = Code(base: .empty)
        public static let notANumber = Code(base: .notANumber)
        public static let notFinite = Code(base: .notFinite)
        public static let notAnInteger = Code(base: .notAnInteger)
        public static let outOfRange = Code(base: .outOfRange)
        public var description: String { base.rawValue }
    }
    public let code: Code
    public let field: String
    /// The value as written, at most 32 characters.
    public let value: String
    /// The accepted range, as text (`0...150`), when one was stated.
    public let range: String?

    public init(code: Code, field: String, value: String, range: String? = nil) {
        self.code = code
        self.field = field
        self.value = value.count > 32 ? String(value.prefix(32)) + "…" : value
        self.range = range
    }

    init(_ failure: ExactNumber.Failure, field: String, value: String, range: String?, integer: Bool) {
        let code: Code
        switch failure {
        case .empty: code = .empty
        case .syntax: code = .notANumber
        case .notFinite: code = .notFinite
        case .notInteger: code = .notAnInteger
        case .outOfRange: code = .outOfRange
        }
        self.init(code: code, field: field, value: value, range: range ?? (failure == .outOfRange && integer ? "a 64-bit integer" : nil))
    }

    /// What is wrong, without the field: `value 'inf' is not a finite number`.
    public var problem: String {
        let v = "value '\(value)'"
        switch code.base {
        case .empty: return "is empty"
        case .notANumber: return "\(v) is not a number"
        case .notFinite: return "\(v) is not a finite number"
        case .notAnInteger: return "\(v) is not a whole number"
        case .outOfRange: return "\(v) is out of range" + (range.map { " (\($0))" } ?? "")
        }
    }

    public var description: String { "field \(field): \(problem)" }
}

/// Reads one field as a number under the rules of `ExactNumber`, with a range check, throwing a
/// `NumberParseError` that names the field and the value.
///
/// The ranges of the quantities onco imports are here so that every reader states the same bounds.
public enum NumberField {
    /// Age at diagnosis in years.
    public static let ageYears: ClosedRange<Double> = 0...150
    /// Follow-up in months (cBioPortal `*_MONTHS`): up to 150 years, so days (× 30.4375) fit a date.
    public static let months: ClosedRange<Double> = 0...1800
    /// Days relative to diagnosis (cBioPortal timelines): ± 150 years.
    public static let relativeDays: ClosedRange<Int> = -54_787...54_787
    /// Calendar years (diagnosis, birth).
    public static let year: ClosedRange<Int> = 1800...2200
    /// A 1-based genomic position (MAF `Start_Position`): up to 2^40, beyond any chromosome.
    public static let position: ClosedRange<Int> = 1...(1 << 40)
    /// A read count.
    public static let count: ClosedRange<Int> = 0...Int(Int32.max)
    /// A finite non-negative quantity (TMB, weights).
    public static let nonNegative: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude

    /// A finite real number in `range` (when given).
    @inlinable
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>, field: String, in range: ClosedRange<Double>? = nil) throws(NumberParseError) -> Double {
        switch ExactNumber.double(bytes) {
        case .success(let v):
            if let range, !range.contains(v) { throw error(.outOfRange, field, bytes, range: text(range), integer: false) }
            return v
        case .failure(let f): throw error(f, field, bytes, range: range.map(text), integer: false)
        }
    }

    /// A whole number in `range`; `notation` tells whether it was written with a point or exponent.
    @inlinable
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>, field: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(NumberParseError) -> (value: Int, notation: ExactNumber.Notation) {
        switch ExactNumber.integer(bytes) {
        case .success(let r):
            if !range.contains(r.value) { throw error(.outOfRange, field, bytes, range: text(range), integer: true) }
            return r
        case .failure(let f): throw error(f, field, bytes, range: f == .outOfRange ? text(range) : nil, integer: true)
        }
    }

    /// `double` of a string.
    public static func double(_ text: String, field: String, in range: ClosedRange<Double>? = nil) throws(NumberParseError) -> Double {
        var t = text
        return try t.withUTF8 { b in Result { () throws(NumberParseError) in try double(b, field: field, in: range) } }.get()
    }

    /// `integer` of a string.
    public static func integer(_ text: String, field: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(NumberParseError) -> (value: Int, notation: ExactNumber.Notation) {
        var t = text
        return try t.withUTF8 { b in Result { () throws(NumberParseError) in try integer(b, field: field, in: range) } }.get()
    }

    @usableFromInline
    static func error(_ f: ExactNumber.Failure, _ field: String, _ bytes: UnsafeBufferPointer<UInt8>, range: String?, integer: Bool) -> NumberParseError {
        let value = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
        return NumberParseError(f, field: field, value: value, range: range, integer: integer)
    }

    @usableFromInline
    static func text(_ r: ClosedRange<Double>) -> String {
        r.upperBound == .greatestFiniteMagnitude ? "≥ \(format(r.lowerBound))" : "\(format(r.lowerBound))...\(format(r.upperBound))"
    }

    @usableFromInline
    static func text(_ r: ClosedRange<Int>) -> String {
        if r == Int.min...Int.max { return "a 64-bit integer" }
        return r.upperBound == Int.max ? "≥ \(r.lowerBound)" : "\(r.lowerBound)...\(r.upperBound)"
    }

    static func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

extension String {
    /// Without leading and trailing ASCII spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
