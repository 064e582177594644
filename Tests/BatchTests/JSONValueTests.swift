import Batch
import Foundation
import Testing
import _TestSupport

@Suite struct JSONValueTests {
    /// Our text, read back by Foundation's JSONSerialization (the reference parser), gives the same values.
    @Test func serialisationReadsBackWithFoundation() throws {
        let o: JSONObject = [
            "s": .string("tab\tquote\"backslash\\newline\nbell\u{07}é😀"),
            "i": .int(-42), "d": .double(0.1), "big": .double(1e300), "tiny": .double(1e-7), "whole": .double(3),
            "b": .bool(true), "n": .null, "a": .array([.int(1), .string("x"), .object(["k": .bool(false)])]),
        ]
        let text = o.jsonText
        #expect(!text.contains("\n"))
        let ref = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(ref["s"] as? String == "tab\tquote\"backslash\\newline\nbell\u{07}é😀")
        #expect(ref["i"] as? Int == -42)
        #expect(ref["d"] as? Double == 0.1)
        #expect(ref["big"] as? Double == 1e300)
        #expect(ref["tiny"] as? Double == 1e-7)
        #expect(ref["whole"] as? Double == 3)
        #expect(ref["b"] as? Bool == true)
        #expect(ref["n"] is NSNull)
        #expect((ref["a"] as? [Any])?.count == 3)
        // Key order is insertion order.
        #expect(text.hasPrefix("{\"s\":"))
        #expect(try JSONValue(parsing: text) == .object(o))
    }

    @Test func parsesWhatFoundationWrites() throws {
        let src: [String: Any] = ["a": [1, 2.5, "x\u{1F}y", NSNull(), true], "b": ["c": "\u{10FFFF}"]]
        let data = try JSONSerialization.data(withJSONObject: src, options: [.sortedKeys])
        let v = try JSONValue(parsing: data)
        #expect(v.objectValue?["a"]?.arrayValue?[0] == .int(1))
        #expect(v.objectValue?["a"]?.arrayValue?[1] == .double(2.5))
        #expect(v.objectValue?["a"]?.arrayValue?[2] == .string("x\u{1F}y"))
        #expect(v.objectValue?["a"]?.arrayValue?[3] == .null)
        #expect(v.objectValue?["b"]?.objectValue?["c"] == .string("\u{10FFFF}"))
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: ["", "{", "{\"a\":1,}", "[1 2]", "01", "1.", "\"\\x\"", "tru", "{\"a\":1} x", "\"\u{01}\"", "\"\\ud800\""])
    func rejectsInvalidText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONValue.double(.nan).jsonText == "null")
        #expect(JSONValue.double(.infinity).jsonText == "null")
    }

    @Test func encodesCodableStructs() throws {
        struct R: Encodable { let therapy: String; let rank: Int }
        let o = try JSONObject(encoding: R(therapy: "dabrafenib/trametinib", rank: 1))
        #expect(o.jsonText == #"{"rank":1,"therapy":"dabrafenib/trametinib"}"#)
        #expect(throws: JSONParseError.self) { try JSONObject(encoding: [1, 2]) }
    }
}
