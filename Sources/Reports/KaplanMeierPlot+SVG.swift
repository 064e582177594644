import Foundation

// Small SVG helpers for KaplanMeierPlot. Not API.

/// Accumulates SVG elements, one per line; `finish` wraps them in the document with a clip path for
/// the plot area.
struct _SVGWriter {
    /// The clip path's id in a stand-alone document.
    static let defaultClipID = "km-plot-area"

    let width: Double
    let height: Double
    /// The elements' UTF-8, built byte by byte: coordinates are formatted straight into it.
    private var body: [UInt8] = []
    private var elements = 0

    init(width: Double, height: Double, capacity: Int = 4_096) {
        self.width = width
        self.height = height
        body.reserveCapacity(capacity)
    }

    mutating func raw(_ s: String) {
        startElement()
        append(s)
    }

    /// Starts an element written piecewise with `append` (long paths, without an intermediate string).
    mutating func startElement() {
        if elements > 0 { body.append(UInt8(ascii: "\n")) }
        elements += 1
    }

    mutating func append(_ s: String) { body.append(contentsOf: s.utf8) }

    /// Appends a coordinate as `_f` formats it.
    mutating func append(_ v: Double) {
        let appended = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: _coordinateBytes) { buf -> Bool in
            guard let n = _formatCoordinate(v, into: buf) else { return false }
            body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[..<n]))
            return true
        }
        if !appended { append(_fLarge(v)) }
    }

    mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String? = nil,
                       fill: String = "#222222") {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        raw("<text x=\"\(_f(x))\" y=\"\(_f(y))\" font-size=\"\(_f(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(w)>\(_xmlEscape(s))</text>")
    }

    /// The document. With `clipID` (an SVG to embed in HTML) there is no XML declaration, the root has
    /// `role="img"` and the clip path takes that id; the body must refer to the same id.
    func finish(clip: (Double, Double, Double, Double), embeddedAs clipID: String? = nil) -> String {
        var s = ""
        s.reserveCapacity(body.count + 600)
        if clipID == nil { s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" }
        s += clipID == nil ? "<svg xmlns=" : "<svg role=\"img\" xmlns="
        s += "\"http://www.w3.org/2000/svg\" width=\"\(_f(width))\" height=\"\(_f(height))\" viewBox=\"0 0 \(_f(width)) \(_f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        s += "<defs><clipPath id=\"\(clipID ?? Self.defaultClipID)\"><rect x=\"\(_f(clip.0 - 1))\" y=\"\(_f(clip.1 - 5))\" width=\"\(_f(clip.2 + 7))\" height=\"\(_f(clip.3 + 10))\"/></clipPath></defs>\n"
        s += String(decoding: body, as: UTF8.self)
        s += "\n</svg>\n"
        return s
    }
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

/// The confidence band of a series as closed step polygons, split where a bound is missing: one
/// `<path>` element per polygon, filled with `fill` at 15% opacity.
func _appendBandPaths(_ s: KaplanMeierPlot.Series, tMax: Double, px: (Double) -> Double, py: (Double) -> Double,
                      fill: String, to out: inout _SVGWriter) {
    // Polygons of consecutive intervals [t_j, t_{j+1}) with both bounds; before the first time S = 1
    // exactly. The upper edge is written left to right as it comes, the lower edge kept and written
    // back right to left when the polygon closes.
    var lower: [(x: Double, y: Double)] = []
    var isOpen = false
    func close(_ out: inout _SVGWriter) {
        guard isOpen else { return }
        for p in lower.reversed() { out.append("L"); out.append(p.x); out.append(","); out.append(p.y) }
        out.append("Z\" fill=\""); out.append(fill); out.append("\" fill-opacity=\"0.15\" stroke=\"none\"/>")
        lower.removeAll(keepingCapacity: true)
        isOpen = false
    }
    let n = s.time.count
    for j in 0..<n {
        let t0 = s.time[j]
        if t0 > tMax { break }
        let t1 = j + 1 < n ? min(s.time[j + 1], tMax) : min(t0, tMax)
        let lo = s.lower[j], up = s.upper[j]
        if lo.isNaN || up.isNaN { close(&out); continue }
        let x0 = px(t0), x1 = px(t1), yUp = py(up)
        if isOpen { out.append("L") } else { out.startElement(); out.append("<path d=\"M"); isOpen = true }
        out.append(x0); out.append(","); out.append(yUp)
        out.append("L"); out.append(x1); out.append(","); out.append(yUp)
        let yLo = py(lo)
        lower.append((x0, yLo)); lower.append((x1, yLo))
    }
    close(&out)
}
