import Foundation

// Small SVG helpers for KaplanMeierPlot. Not API.

/// Accumulates SVG elements; `finish` wraps them in the document with a clip path for the plot area.
struct _SVGWriter {
    let width: Double
    let height: Double
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func raw(_ s: String) { body.append(s) }

    mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String? = nil,
                       fill: String = "#222222") {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        body.append("<text x=\"\(_f(x))\" y=\"\(_f(y))\" font-size=\"\(_f(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(w)>\(_xmlEscape(s))</text>")
    }

    func finish(clip: (Double, Double, Double, Double)) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(_f(width))\" height=\"\(_f(height))\" viewBox=\"0 0 \(_f(width)) \(_f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        s += "<defs><clipPath id=\"km-plot-area\"><rect x=\"\(_f(clip.0 - 1))\" y=\"\(_f(clip.1 - 5))\" width=\"\(_f(clip.2 + 7))\" height=\"\(_f(clip.3 + 10))\"/></clipPath></defs>\n"
        s += body.joined(separator: "\n")
        s += "\n</svg>\n"
        return s
    }
}

/// A coordinate with at most two decimals and no trailing zeros.
func _f(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    var s = String(format: "%.2f", r)
    while s.hasSuffix("0") { s.removeLast() }
    return s
}

func _xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(ch)
        }
    }
    return out
}

/// Round tick positions from 0 to the first tick at or beyond `maxValue`: steps of 1, 2, 2.5 or 5 × 10^k,
/// at most 8 intervals.
func _niceTicks(covering maxValue: Double) -> [Double] {
    guard maxValue > 0, maxValue.isFinite else { return [0] }
    let raw = maxValue / 6
    let mag = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { (maxValue / $0).rounded(.up) <= 8 } ?? 10 * mag
    let count = Int((maxValue / step * (1 - 1e-12)).rounded(.up))
    return (0...max(count, 1)).map { Double($0) * step }
}

func _tickLabel(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
    var s = String(format: "%.3g", v)
    if s.contains("e") { return s }
    while s.contains(".") && s.hasSuffix("0") { s.removeLast() }
    return s
}

func _abbreviate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

/// The confidence band of a series as closed step polygons, split where a bound is missing.
func _bandPaths(_ s: KaplanMeierPlot.Series, tMax: Double, px: (Double) -> Double, py: (Double) -> Double) -> [String] {
    // segments of consecutive intervals [t_j, t_{j+1}) with both bounds; before the first time S = 1 exactly
    var paths = [String]()
    var upperPts = [(Double, Double)](), lowerPts = [(Double, Double)]()
    func flush() {
        if upperPts.count >= 2 {
            var d = "M\(_f(upperPts[0].0)),\(_f(upperPts[0].1))"
            for p in upperPts.dropFirst() { d += "L\(_f(p.0)),\(_f(p.1))" }
            for p in lowerPts.reversed() { d += "L\(_f(p.0)),\(_f(p.1))" }
            paths.append(d + "Z")
        }
        upperPts = []; lowerPts = []
    }
    let n = s.time.count
    for j in 0..<n {
        let t0 = s.time[j]
        if t0 > tMax { break }
        let t1 = j + 1 < n ? min(s.time[j + 1], tMax) : min(t0, tMax)
        let lo = s.lower[j], up = s.upper[j]
        if lo.isNaN || up.isNaN { flush(); continue }
        let x0 = px(t0), x1 = px(t1)
        upperPts.append((x0, py(up))); upperPts.append((x1, py(up)))
        lowerPts.append((x0, py(lo))); lowerPts.append((x1, py(lo)))
    }
    flush()
    return paths
}
