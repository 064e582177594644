import Foundation
import CohortStudy
import OncoCore

extension CohortReport {
    /// The screen's table (`tables()` adds it).
    func screenTable(_ s: ScreenSection, _ f: NumberStyle) -> Table {
        Table(id: "screen", title: "Screen: \(s.unit)s altered in at least \(s.minimumCarriers) patients, carriers vs the rest (by log-rank p)",
              headers: [s.unit, "carriers", "events", "others", "events (others)", "hazard ratio", "95% CI", "log-rank p", "q (BH)"],
              rows: s.rows.map { r in
                  [r.unit, r.carriers.description, r.carrierEvents.description, r.others.description, r.otherEvents.description,
                   f.ratio(r.hazardRatio), ci(r.lower, r.upper, f.ratio), f.p(r.logRankP), f.p(r.q)]
              },
              numericColumns: [1, 2, 3, 4, 5, 7, 8],
              note: "\(s.tested) \(s.unit)s tested, \(s.belowMinimum) with fewer carriers not tested; alteration classes: \(s.classes.joined(separator: ", ")); "
                  + "hazard ratio: Cox of the carrier indicator (Efron ties), NA when one group has no event; q: Benjamini–Hochberg over the \(s.tested) log-rank p-values")
    }

    /// A set screen's members: for each tested set (in the screen table's order), each member gene with a carrier
    /// among the analysed patients; nil for a gene screen.
    func screenMembersTable(_ s: ScreenSection) -> Table? {
        let rows = s.rows.flatMap { r in (r.members ?? []).map { [r.unit, $0.member, $0.carriers.description] } }
        guard s.rows.contains(where: { $0.members != nil }) else { return nil }
        return Table(id: "screen-members", title: "Members of the screened sets: carriers among the analysed patients",
                     headers: ["set", "member", "carriers"], rows: rows, numericColumns: [2],
                     note: "a patient may carry several members; members without a carrier are not listed")
    }

    /// The volcano plot of a screen (x: log2 hazard ratio, y: −log10 log-rank p; q < 0.05 in red, the ten
    /// smallest p labelled), or nil without a screen or without an estimable hazard ratio.
    public func screenVolcanoSVG() -> String? {
        guard let s = screen else { return nil }
        let pts = s.rows.compactMap { r -> (String, Double, Double, Bool)? in
            guard let hr = r.hazardRatio, hr > 0, r.logRankP > 0, r.logRankP.isFinite else { return nil }
            return (r.unit, log2(hr), -log10(r.logRankP), r.q < 0.05)
        }
        guard !pts.isEmpty else { return nil }
        let w = 640.0, h = 440.0, left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let xMax = max(1, pts.map { abs($0.1) }.max()!) * 1.1, yMax = max(2, pts.map { $0.2 }.max()!) * 1.1
        func x(_ v: Double) -> Double { left + (v + xMax) / (2 * xMax) * (w - left - right) }
        func y(_ v: Double) -> Double { h - bottom - v / yMax * (h - top - bottom) }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
        svg += "<title>\(_xmlEscape(title)): volcano plot</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(n(w / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">\(_xmlEscape(title))</text>\n"
        // axes, the null line and p = 0.05
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(h - bottom))\" x2=\"\(n(w - right))\" y2=\"\(n(h - bottom))\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(h - bottom))\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(n(x(0)))\" y1=\"\(n(top))\" x2=\"\(n(x(0)))\" y2=\"\(n(h - bottom))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        let p05 = -log10(0.05)
        if p05 < yMax {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(p05)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(p05)))\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>\n"
            svg += "<text x=\"\(n(w - right - 4))\" y=\"\(n(y(p05) - 4))\" text-anchor=\"end\" fill=\"#666\">p = 0.05</text>\n"
        }
        let xTicks = stride(from: -floor(xMax), through: floor(xMax), by: max(1, floor(xMax / 3)))
        for t in xTicks {
            svg += "<text x=\"\(n(x(t)))\" y=\"\(n(h - bottom + 16))\" text-anchor=\"middle\">\(NumberStyle.exact(t))</text>\n"
        }
        for t in stride(from: 0.0, through: floor(yMax), by: max(1, floor(yMax / 5))) {
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(NumberStyle.exact(t))</text>\n"
        }
        svg += "<text x=\"\(n((left + w - right) / 2))\" y=\"\(n(h - 12))\" text-anchor=\"middle\">log2 hazard ratio (carriers vs the rest)</text>\n"
        svg += "<text transform=\"translate(16 \(n((top + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">−log10 log-rank p</text>\n"
        let labelled = Set(pts.sorted { $0.2 > $1.2 }.prefix(10).map { $0.0 })
        for (name, lx, ly, significant) in pts {
            svg += "<circle cx=\"\(n(x(lx)))\" cy=\"\(n(y(ly)))\" r=\"3.5\" fill=\"\(significant ? "#b00020" : "#4a6fa5")\" fill-opacity=\"0.8\"><title>\(_xmlEscape(name))</title></circle>\n"
            if labelled.contains(name) {
                svg += "<text x=\"\(n(x(lx) + 5))\" y=\"\(n(y(ly) - 5))\">\(_xmlEscape(name))</text>\n"
            }
        }
        svg += "<text x=\"\(n(left + 4))\" y=\"\(n(top + 4))\" fill=\"#b00020\">● q &lt; 0.05 (Benjamini–Hochberg)</text>\n"
        svg += "<text x=\"\(n(left))\" y=\"\(n(h - 2))\" font-size=\"8\" fill=\"#666\">\(_xmlEscape(provenanceLine))</text>\n"
        return svg + "</svg>\n"
    }
}
