import Foundation

/// Numbers as the reports print them: exact (shortest form, R's `Inf`/`NaN`), fixed decimals, or significant
/// digits (C's `%g` without trailing zeros). Shared by the renderers and by the models that put numbers in sentences.
public enum NumberText {
    /// The shortest exact form: an integral value without a decimal point, `NaN`, `Inf`, `-Inf`.
    public static func exact(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// `digits` decimals (`exact` when not finite).
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        if !x.isFinite { return exact(x) }
        return String(format: "%.\(digits)f", x)
    }

    /// `digits` significant digits, trailing zeros dropped (`exact` when not finite).
    public static func significant(_ x: Double, _ digits: Int) -> String {
        if !x.isFinite { return exact(x) }
        var s = String(format: "%.\(digits)g", x)
        if s.contains("e") { return s }
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s
    }
}
