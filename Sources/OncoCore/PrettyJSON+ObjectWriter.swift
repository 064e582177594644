/// Writes one JSON object straight into a byte buffer in `PrettyJSON`'s layout (Foundation's
/// `[.prettyPrinted, .sortedKeys]`), for documents with hundreds of thousands of flat records (`onco
/// variants --format json`) where building a tree of nodes per record costs more than reading them.
///
/// The caller writes the members in sorted key order (by UTF-8 bytes, as `PrettyJSON` sorts them) and
/// skips absent optionals (what a synthesised `Encodable` does with `encodeIfPresent`); the bytes then
/// equal `PrettyJSON.encode` of the same value, which the tests check. A key out of order is a
/// programming error caught by an assertion in debug builds.
///
/// ```swift
/// var w = PrettyJSON.ObjectWriter(into: &out, indent: 2)
/// w.string("alt", "T", into: &out); w.integer("pos", 140453136, into: &out)
/// w.finish(into: &out)
/// ```
extension PrettyJSON {
    public struct ObjectWriter {
        private let indent: Int
        private let slashes: Bool
        private var members = 0
        private var lastKey: StaticString?

        /// Starts an object (`{`) at nesting level `indent` (its members sit at `indent + 1`), appending to `out`.
        /// The buffer is the caller's (passed `inout` to every call), so appending never copies it.
        public init(into out: inout [UInt8], indent: Int, options: Options = Options()) {
            self.indent = indent
            self.slashes = options.escapesSlashes
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
        }

        private mutating func key(_ k: StaticString, _ out: inout [UInt8]) {
            assert(lastKey.map { Self.precedes($0, k) } ?? true, "PrettyJSON.ObjectWriter: key \(k) out of sorted order")
            lastKey = k
            if members > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
            members += 1
            PrettyJSONNode.writeIndent(indent + 1, into: &out)
            out.append(UInt8(ascii: "\""))
            k.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\"")); out.append(UInt8(ascii: " ")); out.append(UInt8(ascii: ":")); out.append(UInt8(ascii: " "))
        }

        private static func precedes(_ a: StaticString, _ b: StaticString) -> Bool {
            a.withUTF8Buffer { x in b.withUTF8Buffer { y in x.lexicographicallyPrecedes(y) } }
        }

        /// `"key" : "value"`, escaped as Foundation escapes; nothing when `value` is nil.
        public mutating func string(_ k: StaticString, _ value: String?, into out: inout [UInt8]) {
            guard let value else { return }
            key(k, &out)
            PrettyJSONScalars.appendQuoted(value, to: &out, slashes: slashes)
        }

        /// `"key" : "value"` from UTF-8 bytes (ill-formed sequences written as U+FFFD, as the `String`
        /// made from them would be); nothing when `value` is nil.
        public mutating func string(_ k: StaticString, utf8 value: UnsafeRawBufferPointer?, into out: inout [UInt8]) {
            guard let value else { return }
            key(k, &out)
            PrettyJSONScalars.appendQuoted(bytes: value, to: &out, slashes: slashes)
        }

        /// `"key" : 12`; nothing when `value` is nil.
        public mutating func integer(_ k: StaticString, _ value: Int?, into out: inout [UInt8]) {
            guard let value else { return }
            key(k, &out)
            Self.appendDecimal(value, to: &out)
        }

        /// `"key" : 0.25` as `Double.description` without a trailing `.0`; nothing when nil.
        /// - Throws: `EncodingError.invalidValue` for NaN or an infinity (Foundation's default).
        public mutating func double(_ k: StaticString, _ value: Double?, into out: inout [UInt8]) throws {
            guard let value else { return }
            guard value.isFinite else {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
            }
            key(k, &out)
            var s = value.description
            if s.hasSuffix(".0") { s.removeLast(2) }
            s.withUTF8 { out.append(contentsOf: $0) }
        }

        /// `"key" : [ … ]` of strings, one per line; an empty array as Foundation writes it (`[\n\n<indent>]`).
        public mutating func strings(_ k: StaticString, _ values: [String], into out: inout [UInt8]) {
            key(k, &out)
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                PrettyJSONNode.writeIndent(indent + 2, into: &out)
                PrettyJSONScalars.appendQuoted(v, to: &out, slashes: slashes)
            }
            out.append(UInt8(ascii: "\n"))
            PrettyJSONNode.writeIndent(indent + 1, into: &out)
            out.append(UInt8(ascii: "]"))
        }

        /// `strings` of `count` UTF-8 byte arrays, the `i`-th given by `element(i)` (not generic: a generic
        /// collection would run unspecialised outside this module).
        public mutating func strings(_ k: StaticString, count: Int, into out: inout [UInt8], utf8 element: (Int) -> [UInt8]) {
            key(k, &out)
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                PrettyJSONNode.writeIndent(indent + 2, into: &out)
                element(i).withUnsafeBytes { PrettyJSONScalars.appendQuoted(bytes: $0, to: &out, slashes: slashes) }
            }
            out.append(UInt8(ascii: "\n"))
            PrettyJSONNode.writeIndent(indent + 1, into: &out)
            out.append(UInt8(ascii: "]"))
        }

        /// `"key" : ` followed by what `value` writes: a member whose value the caller lays out itself
        /// (at this object's depth + 1, in the same layout), such as a long array written elsewhere.
        public mutating func rawMember(_ k: StaticString, into out: inout [UInt8], _ value: (inout [UInt8]) -> Void) {
            key(k, &out)
            value(&out)
        }

        /// Closes the object (`}`). An object without members is written
        /// `{\n\n<indent>}`, as Foundation writes it.
        public func finish(into out: inout [UInt8]) {
            out.append(UInt8(ascii: "\n"))
            PrettyJSONNode.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }

        /// The decimal digits of `n` without a `String`.
        public static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
            if n == 0 { out.append(UInt8(ascii: "0")); return }
            if n == Int.min { out.append(contentsOf: n.description.utf8); return }
            var x = n < 0 ? -n : n
            if n < 0 { out.append(UInt8(ascii: "-")) }
            let start = out.count
            while x > 0 { out.append(UInt8(ascii: "0") + UInt8(x % 10)); x /= 10 }
            out[start...].reverse()
        }
    }
}
