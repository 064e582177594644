import OncoCore
import Survival

/// A Kaplan–Meier plot as a self-contained SVG: one step curve per group with its pointwise
/// confidence band, censoring ticks, axes with ticks, a legend, and the numbers at risk under the
/// time axis (R: `plot(survfit(...))` plus a risk table, as `survminer::ggsurvplot` draws it).
///
/// Numbers at risk (and group sizes in the legend) go through `disclosure`: a count below its
/// minimum prints as `<5`. The SVG has no external references (no fonts, images or scripts), so it
/// can be embedded in HTML reports or saved as a file.
public struct KaplanMeierPlot: Sendable {
    /// One curve to draw (the data, `Survival.KaplanMeierSeries`).
    public typealias Series = KaplanMeierSeries

    public var series: [Series]
    public var title: String?
    public var xLabel: String = "Time"
    public var yLabel: String = "Survival probability"
    /// Total width and the height of the plotting area, in px.
    public var width: Double = 760
    public var plotHeight: Double = 360
    public var showConfidenceBands = true
    public var showCensorTicks = true
    /// The right end of the time axis; the largest time of all series when nil.
    public var xMax: Double?
    /// Time-axis ticks (also the times of the at-risk table); chosen automatically when nil.
    public var xTicks: [Double]?
    /// Small-cell suppression of the numbers at risk.
    public var disclosure = DisclosureControl()
    /// Colours of the series, in order (Okabe–Ito, readable with colour-vision deficiencies).
    public var palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public init(curves: [Series]) {
        self.series = curves
    }

    /// One series per group of a `KaplanMeierCurves`, labelled `name=level` when `name` is given.
    public init(_ curves: KaplanMeierCurves, name: String? = nil) {
        self.series = zip(curves.groups, curves.curves).map { g, c in Series(label: name.map { "\($0)=\(g)" } ?? g, curve: c) }
    }

    /// The plot as an SVG document.
    public func svg() -> String { svg(embeddedAs: nil) }

    /// The plot as an SVG document, or, with `clipID`, as an element to place in an HTML page: no XML
    /// declaration, `role="img"`, and the plot area's clip path named `clipID` (unique in the page).
    func svg(embeddedAs clipID: String?) -> String {
        let longest = Double(series.map(\.label.count).max() ?? 0)
        let left = max(84.0, min(8 + 7.3 * min(longest, 28) + 30, width / 3)), right = 30.0
        let top = title == nil ? 24.0 : 50.0
        let plotW = width - left - right
        let axisBlock = 58.0                           // tick labels and the axis title
        let riskRow = 20.0
        let riskBlock = series.isEmpty ? 0 : 34 + riskRow * Double(series.count)
        let height = (top + plotHeight + axisBlock + riskBlock + 12).rounded()
        let lastTime = max(series.compactMap { $0.time.last }.max() ?? 1, 1e-12)
        // default axis: up to the first round tick at or after the last time
        let ticks = xTicks ?? _niceTicks(covering: xMax ?? lastTime)
        let tMax = xMax ?? max(ticks.last ?? lastTime, lastTime)
        let x0 = left, y0 = top
        func px(_ t: Double) -> Double { x0 + plotW * min(max(t / tMax, 0), 1) }
        func py(_ s: Double) -> Double { y0 + plotHeight * (1 - min(max(s, 0), 1)) }

        // ~20 bytes per step and series (curve, band, censoring tick), plus ~6 kB of axes and labels
        var out = _SVGWriter(width: width, height: height, capacity: 6_000 + 20 * series.reduce(0) { $0 + 2 * $1.time.count + $1.censorTimes.count })
        out.raw("<rect x=\"0\" y=\"0\" width=\"\(_f(width))\" height=\"\(_f(height))\" fill=\"#ffffff\"/>")
        if let title {
            out.text(title, x: left, y: 28, size: 16, anchor: "start", weight: "bold")
        }
        // grid and axes
        for s in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = py(s)
            out.raw("<line x1=\"\(_f(x0))\" y1=\"\(_f(y))\" x2=\"\(_f(x0 + plotW))\" y2=\"\(_f(y))\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>")
            out.raw("<line x1=\"\(_f(x0 - 5))\" y1=\"\(_f(y))\" x2=\"\(_f(x0))\" y2=\"\(_f(y))\" stroke=\"#333333\" stroke-width=\"1\"/>")
            out.text(_tickLabel(s), x: x0 - 8, y: y + 4, size: 12, anchor: "end")
        }
        for t in ticks where t <= tMax * (1 + 1e-9) {
            let x = px(t)
            out.raw("<line x1=\"\(_f(x))\" y1=\"\(_f(y0 + plotHeight))\" x2=\"\(_f(x))\" y2=\"\(_f(y0 + plotHeight + 5))\" stroke=\"#333333\" stroke-width=\"1\"/>")
            out.text(_tickLabel(t), x: x, y: y0 + plotHeight + 19, size: 12, anchor: "middle")
        }
        out.raw("<rect x=\"\(_f(x0))\" y=\"\(_f(y0))\" width=\"\(_f(plotW))\" height=\"\(_f(plotHeight))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>")
        out.text(xLabel, x: x0 + plotW / 2, y: y0 + plotHeight + 42, size: 13, anchor: "middle")
        let ylx = _f(x0 - 52), yly = _f(y0 + plotHeight / 2)
        out.raw("<text x=\"\(ylx)\" y=\"\(yly)\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222222\" transform=\"rotate(-90 \(ylx) \(yly))\">\(_xmlEscape(yLabel))</text>")

        // bands first, then curves and ticks on top
        out.raw("<g clip-path=\"url(#\(clipID ?? _SVGWriter.defaultClipID))\">")
        if showConfidenceBands {
            for (k, s) in series.enumerated() { _appendBandPaths(s, tMax: tMax, px: px, py: py, fill: color(k), to: &out) }
        }
        for (k, s) in series.enumerated() {
            // the step curve: a horizontal run to every distinct time, a vertical drop where S changes
            out.startElement()
            out.append("<path d=\"M"); out.append(px(0)); out.append(","); out.append(py(1))
            var cur = 1.0
            for (j, t) in s.time.enumerated() where t <= tMax {
                out.append("H"); out.append(px(t))
                if s.survival[j] != cur { out.append("V"); out.append(py(s.survival[j])); cur = s.survival[j] }
            }
            if let last = s.time.last { out.append("H"); out.append(px(min(last, tMax))) }
            out.append("\" fill=\"none\" stroke=\""); out.append(color(k)); out.append("\" stroke-width=\"2\" stroke-linejoin=\"miter\"/>")
            if showCensorTicks && s.censorTimes.contains(where: { $0 <= tMax }) {
                let ascending = s.timesAscend
                out.startElement()
                out.append("<path d=\"")
                for t in s.censorTimes where t <= tMax {
                    let x = px(t), y = py(s.survival(at: t, timesAscend: ascending))
                    out.append("M"); out.append(x); out.append(","); out.append(y - 4); out.append("V"); out.append(y + 4)
                }
                out.append("\" stroke=\""); out.append(color(k)); out.append("\" stroke-width=\"1.5\" fill=\"none\"/>")
            }
        }
        out.raw("</g>")

        // legend, top right inside the plot
        if !series.isEmpty {
            let entries = series.map { "\($0.label) (n=\(disclosure.display($0.n)))" }
            let boxW = min(plotW - 20, Double(entries.map(\.count).max() ?? 0) * 7.2 + 44)
            let boxH = Double(entries.count) * 20 + 10
            let bx = x0 + plotW - boxW - 10, by = y0 + 10
            out.raw("<rect x=\"\(_f(bx))\" y=\"\(_f(by))\" width=\"\(_f(boxW))\" height=\"\(_f(boxH))\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#cccccc\"/>")
            for (k, e) in entries.enumerated() {
                let y = by + 18 + Double(k) * 20
                out.raw("<line x1=\"\(_f(bx + 10))\" y1=\"\(_f(y - 4))\" x2=\"\(_f(bx + 32))\" y2=\"\(_f(y - 4))\" stroke=\"\(color(k))\" stroke-width=\"2.5\"/>")
                out.text(e, x: bx + 38, y: y, size: 12, anchor: "start")
            }
        }

        // numbers at risk
        if !series.isEmpty {
            let ry = y0 + plotHeight + axisBlock + 8
            out.text("Number at risk", x: 8, y: ry, size: 12, anchor: "start", weight: "bold")
            for (k, s) in series.enumerated() {
                let y = ry + 22 + Double(k) * riskRow
                out.text(_abbreviate(s.label, 28), x: 8, y: y, size: 12, anchor: "start", fill: color(k))
                for t in ticks where t <= tMax * (1 + 1e-9) {
                    out.text(disclosure.display(s.atRisk(at: t)), x: px(t), y: y, size: 12, anchor: "middle")
                }
            }
        }
        return out.finish(clip: (x0, y0, plotW, plotHeight), embeddedAs: clipID)
    }

    func color(_ k: Int) -> String { palette[k % palette.count] }
}

/// What drawing a series needs to look up.
extension KaplanMeierSeries {
    /// S just after t (1 before the first time).
    func survival(at t: Double) -> Double {
        var s = 1.0
        for (k, u) in time.enumerated() { if u <= t { s = survival[k] } else { break } }
        return s
    }

    /// `survival(at:)` by binary search, for `time` in ascending order (`timesAscend`); the scan otherwise.
    /// A plot looks up every censoring time: the scan made that quadratic in the number of times.
    func survival(at t: Double, timesAscend: Bool) -> Double {
        guard timesAscend else { return survival(at: t) }
        var lo = 0, hi = time.count                 // first index with time > t
        while lo < hi {
            let mid = (lo + hi) / 2
            if time[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 1 : survival[lo - 1]
    }

    /// Whether `time` is non-decreasing (no NaN), so that `survival(at:timesAscend:)` may search.
    var timesAscend: Bool { zip(time, time.dropFirst()).allSatisfy { $0 <= $1 } && !(time.first?.isNaN ?? false) }

    /// Number at risk at t: those still followed just before t (R: `summary(fit, times = t)$n.risk`).
    func atRisk(at t: Double) -> Int {
        for (k, u) in time.enumerated() where u >= t { return atRisk[k] }
        return 0
    }
}
