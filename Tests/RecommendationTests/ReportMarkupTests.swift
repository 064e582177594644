import Foundation
import Testing
import _TestSupport
@testable import Reports

/// The report's number formatting and escaping against their references: C `printf("%.2f")` (through
/// `String(format:)`) for plot coordinates, the five XML entities for escaping.
@Suite("Report markup helpers")
struct ReportMarkupTests {
    /// `_f` as it was written with Foundation: round to hundredths, `%.2f`, strip trailing zeros.
    static func reference(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    @Test func coordinatesMatchPrintf() {
        var g = SeededGenerator(seed: 7)
        var values: [Double] = [0, -0.0, 0.004, 0.005, 0.015, 0.125, -0.125, 0.995, 1.005, 2.675, -2.675, 99.995, 123.456,
                                -0.004, -0.005, -0.006, -1.5, 1e-9, 12.3, 700, 735.8000000001, 1e10 + 0.37, -1e10 - 0.37, 4e12 + 0.5]
        for _ in 0..<200_000 {
            let scale = [1.0, 10, 100, 1000, 1e6][Int.random(in: 0..<5, using: &g)]
            values.append(Double.random(in: -scale...scale, using: &g))
        }
        // exact hundredths and half-hundredths, where rounding ties live
        for k in -20_000...20_000 { values.append(Double(k) / 100); values.append((Double(k) + 0.5) / 100) }
        var mismatches: [String] = []
        for v in values where _f(v) != Self.reference(v) {
            if mismatches.count < 10 { mismatches.append("\(v): \(_f(v)) vs \(Self.reference(v))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(_f(12) == "12" && _f(12.5) == "12.5" && _f(-0.25) == "-0.25" && _f(3.14159) == "3.14" && _f(-0.001) == "0")
    }

    @Test func escaping() {
        #expect(_xmlEscape("BRAF V600E") == "BRAF V600E")
        #expect(_xmlEscape(#"a & b < c > d "e" 'f'"#) == "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;")
        #expect(_xmlEscape("Kaplan–Meier ≥ 5★ <x>") == "Kaplan–Meier ≥ 5★ &lt;x&gt;")
        #expect(_xmlEscape("&&") == "&amp;&amp;" && _xmlEscape("") == "")
        var out = "x"
        _appendXMLEscaped("é<1>", to: &out)
        #expect(out == "xé&lt;1&gt;")
        #expect(RecommendationReport.markdownCell("a|b\nc") == #"a\|b c"# && RecommendationReport.markdownCell("plain") == "plain")
    }
}
