import Foundation
import OncoCore
import Testing

/// `PrettyJSON` writes what Foundation's `JSONEncoder` writes with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]`, byte for byte.
@Suite struct PrettyJSONTests {
    static func foundation<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    enum Kind: String, Codable { case alpha, beta }
    struct Inner: Codable, Equatable { var name: String; var values: [Double]; var flag: Bool? }
    struct Outer: Codable {
        var id: Int
        var zebra: String
        var apple: [Inner]
        var empty: [Int]
        var emptyObject: [String: Int]
        var map: [String: Inner]
        var intKeys: [Int: String]
        var kind: Kind
        var optionalPresent: Int?
        var optionalAbsent: String?
        var nested: [[Int]]
        var url: URL
        var data: Data
        var small: Float
        var big: UInt64
        var negative: Int8
        var date: Date
    }

    /// A type with a hand-written `encode(to:)`: explicit nil, nested containers, a key encoded twice,
    /// a single value, the super encoder.
    struct Custom: Encodable {
        enum K: String, CodingKey { case a, b, c, z, list, sup }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encodeNil(forKey: .z)
            try c.encode(1, forKey: .a)
            try c.encode(2, forKey: .a)
            var n = c.nestedContainer(keyedBy: K.self, forKey: .b)
            try n.encode("x", forKey: .c)
            var l = c.nestedUnkeyedContainer(forKey: .list)
            try l.encode(1.5); try l.encodeNil(); try l.encode("s")
            var ln = l.nestedContainer(keyedBy: K.self)
            try ln.encode(true, forKey: .a)
            var lu = l.nestedUnkeyedContainer()
            try lu.encode(Int16(-3))
            let sup = c.superEncoder(forKey: .sup)
            var sv = sup.singleValueContainer()
            try sv.encode("super")
        }
    }

    struct Single: Encodable {
        func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(42.0) }
    }
    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

    @Test func sameBytesAsFoundation() throws {
        let v = Outer(
            id: 7, zebra: "quote \" backslash \\ slash / tab \t newline \n cr \r bell \u{07} unit \u{1F} ünïcödé → 🧬",
            apple: [Inner(name: "b", values: [1, 1.5, -0.0, 1e-7, 1e21, 123456789.125, .pi, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude * 3], flag: true),
                    Inner(name: "a", values: [], flag: nil)],
            empty: [], emptyObject: [:],
            map: ["b": Inner(name: "x", values: [2], flag: false), "B": Inner(name: "y", values: [], flag: nil), "a10": Inner(name: "z", values: [0.1], flag: nil), "a9": Inner(name: "", values: [3], flag: nil)],
            intKeys: [10: "ten", 9: "nine", -1: "minus"], kind: .beta, optionalPresent: 0, optionalAbsent: nil,
            nested: [[], [1, 2], [3]], url: URL(string: "https://civicdb.org/evidence/7422?a=b&c=/d")!,
            data: Data([0, 1, 2, 250]), small: 0.1, big: .max, negative: -128, date: Date(timeIntervalSinceReferenceDate: 12.5))
        #expect(try PrettyJSON.string(v) == Self.foundation(v))
        #expect(try PrettyJSON.string(Custom()) == Self.foundation(Custom()))
        #expect(try PrettyJSON.string([Single(), Single()]) == Self.foundation([Single(), Single()]))
        // Encoding nothing: an error at the top, an empty object inside (both as Foundation).
        #expect(throws: EncodingError.self) { try PrettyJSON.encode(Nothing()) }
        #expect(throws: EncodingError.self) { try Self.foundation(Nothing()) }
        #expect(try PrettyJSON.string(["k": [Nothing()]]) == Self.foundation(["k": [Nothing()]]))
        #expect(try PrettyJSON.string("top") == Self.foundation("top"))
        #expect(try PrettyJSON.string([String: [Int]]()) == Self.foundation([String: [Int]]()))
    }

    @Test func nonFiniteNumbersThrowLikeFoundation() {
        #expect(throws: EncodingError.self) { try PrettyJSON.encode([1.0, .nan]) }
        #expect(throws: EncodingError.self) { try PrettyJSON.encode(["x": Double.infinity]) }
        #expect(throws: EncodingError.self) { try Self.foundation([1.0, .nan]) }
    }

    /// The options onco's writers use, against the Foundation settings they replace.
    static let scaleKey = CodingUserInfoKey(rawValue: "test.scale")!

    /// Encodes a count scaled by the `userInfo` value, as `DisclosableCount` reads a `DisclosureControl`.
    struct Scaled: Encodable {
        let count: Int
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(count * ((encoder.userInfo[PrettyJSONTests.scaleKey] as? Int) ?? 1))
        }
    }

    @Test func optionsMatchFoundation() throws {
        let slashes: [String: [String]] = ["a/b": ["https://x.org/y", "no slash", "\\/"], "c": []]
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        #expect(try PrettyJSON.string(slashes, options: .init(escapesSlashes: true)) == String(decoding: try e.encode(slashes), as: UTF8.self))
        let url = ["u": URL(string: "https://civicdb.org/evidence/1")!]
        #expect(try PrettyJSON.string(url, options: .init(escapesSlashes: true)) == String(decoding: try e.encode(url), as: UTF8.self))

        let numbers: [String: [Double]] = ["v": [1, .nan, .infinity, -.infinity, 2.5]]
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
        #expect(try PrettyJSON.string(numbers, options: .init(nonFiniteStrings: ("Inf", "-Inf", "NaN"))) == String(decoding: try e.encode(numbers), as: UTF8.self))
        #expect(try PrettyJSON.string(["x": Double.nan], options: .init(nonFiniteStrings: ("Inf", "-Inf", "NaN"))) == String(decoding: try e.encode(["x": Double.nan]), as: UTF8.self))

        let counts = ["a": [Scaled(count: 3)], "b": [Scaled(count: 4), Scaled(count: 5)]]
        e.nonConformingFloatEncodingStrategy = .throw
        e.userInfo[Self.scaleKey] = 10
        let ours = try PrettyJSON.string(counts, options: .init(userInfo: [Self.scaleKey: 10]))
        #expect(ours == String(decoding: try e.encode(counts), as: UTF8.self))
        #expect(ours.contains("30") && ours.contains("50"))
    }
}
