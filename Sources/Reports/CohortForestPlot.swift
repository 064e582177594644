import Foundation
import CohortStudy
import OncoCore

/// A forest plot of Cox hazard ratios as a self-contained SVG: one row per coefficient (reference
/// levels shown as "reference"), the number of patients of each row, the hazard ratio with its 95% CI
/// on a log axis with a line at 1, and the p-value (R: `survminer::ggforest`).
///
/// Row counts come already suppressed (`SuppressedCount`), so the plot prints `<5` where the report does.
public struct CohortForestPlot: Sendable {
    public struct Row: Sendable, Hashable {
        public var term: String
        public var level: String?
        public var n: SuppressedCount
        public var isReference: Bool
        /// Estimates withheld by disclosure control.
        public var withheld: Bool = false
        public var hazardRatio: Double?
        public var lower: Double?
        public var upper: Double?
        public var p: Double?
        public init(term: String, level: String?, n: SuppressedCount, isReference: Bool, hazardRatio: Double?, lower: Double?,
                    upper: Double?, p: Double?) {
            self.term = term; self.level = level; self.n = n; self.isReference = isReference; self.hazardRatio = hazardRatio
            self.lower = lower; self.upper = upper; self.p = p
        }
    }

    public var rows: [Row]
    public var title: String?
    /// A line under the plot (provenance).
    public var footer: String?
    public var width: Double = 860
    public var rowHeight: Double = 24

    public init(rows: [Row], title: String? = nil, footer: String? = nil) {
        self.rows = rows
        self.title = title
        self.footer = footer
    }

    /// Rows from a report's Cox table.
    public init(_ cox: CohortReport.CoxSummary, title: String? = nil, footer: String? = nil) {
        self.init(rows: cox.terms.map { t in
                      var r = Row(term: t.term, level: t.level, n: t.n, isReference: t.isReference, hazardRatio: t.hazardRatio,
                                  lower: t.lower, upper: t.upper, p: t.p)
                      r.withheld = t.withheld
                      return r
                  },
                  title: title, footer: footer)
    }

    /// The axis range (log scale): covers every finite bound and 1, widened to round values.
    func axisRange() -> (Double, Double) {
        var lo = 1.0, hi = 1.0
        for r in rows where !r.isReference {
            for v in [r.lower, r.hazardRatio, r.upper].compactMap({ $0 }) where v.isFinite && v > 0 {
                lo = min(lo, v); hi = max(hi, v)
            }
        }
        lo = max(lo, 1e-3); hi = min(hi, 1e3)
        let nice: [Double] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100, 200, 500, 1000]
        let l = nice.last { $0 <= lo * 0.999 } ?? 0.001
        let h = nice.first { $0 >= hi * 1.001 } ?? 1000
        return (min(l, 0.5), max(h, 2))
    }

    public func svg() -> String {
        let top = title == nil ? 36.0 : 62.0
        let labelW = 250.0, nW = 70.0, plotW = width - labelW - nW - 250, textW = 250.0
        let x0 = labelW + nW
        let height = top + rowHeight * Double(max(rows.count, 1)) + 60 + (footer == nil ? 0 : 22)
        let (lo, hi) = axisRange()
        func px(_ v: Double) -> Double {
            let t = (log(max(min(v, hi), lo)) - log(lo)) / (log(hi) - log(lo))
            return x0 + 10 + (plotW - 20) * t
        }
        var out = _SVGWriter(width: width, height: height)
        out.raw("<rect x=\"0\" y=\"0\" width=\"\(_f(width))\" height=\"\(_f(height))\" fill=\"#ffffff\"/>")
        if let title { out.text(title, x: 10, y: 28, size: 16, anchor: "start", weight: "bold") }
        let hy = top - 10
        out.text("term", x: 10, y: hy, size: 12, anchor: "start", weight: "bold")
        out.text("n", x: labelW + nW - 10, y: hy, size: 12, anchor: "end", weight: "bold")
        out.text("hazard ratio (95% CI)", x: x0 + plotW + 10, y: hy, size: 12, anchor: "start", weight: "bold")
        out.text("p", x: x0 + plotW + textW - 10, y: hy, size: 12, anchor: "end", weight: "bold")
        let plotTop = top, plotBottom = top + rowHeight * Double(max(rows.count, 1))
        // reference line at HR = 1
        out.raw("<line x1=\"\(_f(px(1)))\" y1=\"\(_f(plotTop - 4))\" x2=\"\(_f(px(1)))\" y2=\"\(_f(plotBottom + 4))\" stroke=\"#888888\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>")
        for (i, r) in rows.enumerated() {
            let y = top + rowHeight * (Double(i) + 0.5)
            if i % 2 == 0 {
                out.raw("<rect x=\"4\" y=\"\(_f(y - rowHeight / 2))\" width=\"\(_f(width - 8))\" height=\"\(_f(rowHeight))\" fill=\"#f4f6f8\"/>")
            }
            let label = r.level.map { "\(r.term): \($0)" } ?? r.term
            out.text(_abbreviate(label, 34), x: 10, y: y + 4, size: 12, anchor: "start")
            out.text(r.n.description, x: labelW + nW - 10, y: y + 4, size: 12, anchor: "end")
            if r.isReference {
                out.raw("<rect x=\"\(_f(px(1) - 4))\" y=\"\(_f(y - 4))\" width=\"8\" height=\"8\" fill=\"#ffffff\" stroke=\"#333333\"/>")
                out.text("reference", x: x0 + plotW + 10, y: y + 4, size: 12, anchor: "start", fill: "#555555")
                continue
            }
            if r.withheld {
                out.text("withheld (fewer patients than the minimum)", x: x0 + plotW + 10, y: y + 4, size: 12, anchor: "start", fill: "#555555")
                continue
            }
            if let l = r.lower, let u = r.upper, l.isFinite, u.isFinite {
                out.raw("<line x1=\"\(_f(px(l)))\" y1=\"\(_f(y))\" x2=\"\(_f(px(u)))\" y2=\"\(_f(y))\" stroke=\"#0072B2\" stroke-width=\"2\"/>")
            }
            if let h = r.hazardRatio, h.isFinite, h > 0 {
                out.raw("<rect x=\"\(_f(px(h) - 5))\" y=\"\(_f(y - 5))\" width=\"10\" height=\"10\" fill=\"#0072B2\"/>")
            }
            let hr = r.hazardRatio.map { String(format: "%.2f", $0) } ?? "NA"
            let ci = (r.lower.map { String(format: "%.2f", $0) } ?? "NA") + "–" + (r.upper.map { String(format: "%.2f", $0) } ?? "NA")
            out.text("\(hr) (\(ci))", x: x0 + plotW + 10, y: y + 4, size: 12, anchor: "start")
            out.text(r.p.map(Self.pText) ?? "NA", x: x0 + plotW + textW - 10, y: y + 4, size: 12, anchor: "end")
        }
        // axis
        let ay = plotBottom + 8
        out.raw("<line x1=\"\(_f(x0 + 10))\" y1=\"\(_f(ay))\" x2=\"\(_f(x0 + plotW - 10))\" y2=\"\(_f(ay))\" stroke=\"#333333\" stroke-width=\"1\"/>")
        let candidates: [Double] = [0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 100, 1000]
        for t in candidates where t >= lo * 0.999 && t <= hi * 1.001 {
            out.raw("<line x1=\"\(_f(px(t)))\" y1=\"\(_f(ay))\" x2=\"\(_f(px(t)))\" y2=\"\(_f(ay + 5))\" stroke=\"#333333\" stroke-width=\"1\"/>")
            out.text(_tickLabel(t), x: px(t), y: ay + 18, size: 11, anchor: "middle")
        }
        out.text("hazard ratio (log scale)", x: x0 + plotW / 2, y: ay + 36, size: 12, anchor: "middle")
        if let footer { out.text(footer, x: 10, y: height - 8, size: 10, anchor: "start", fill: "#555555") }
        return out.finish(clip: (0, 0, width, height))
    }

    static func pText(_ p: Double) -> String {
        if p < 1e-4 { return String(format: "%.1e", p) }
        return String(format: "%.3g", p)
    }
}
