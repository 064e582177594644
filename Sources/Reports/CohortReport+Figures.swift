import Foundation
import CohortStudy
import OncoCore

extension CohortReport {
    /// The Kaplan–Meier plot of the groups (95% CI bands, censoring ticks, numbers at risk with small
    /// cells as `<k`), with the provenance line and synthetic label under it and the definition in
    /// the SVG's `<metadata>`. Nil when no group may be shown.
    public func kaplanMeierSVG() -> String? {
        guard !plotSeries.isEmpty else { return nil }
        var plot = KaplanMeierPlot(curves: plotSeries)
        plot.title = title
        plot.xLabel = "Time (\(timeUnit))"
        plot.yLabel = "Survival probability"
        if targetTrial != nil {
            plot.xLabel = "Time from time zero, the line's start (\(timeUnit))"
            plot.yLabel = "Overall survival (weighted)"
        }
        plot.disclosure = DisclosureControl(minimumCount: provenance.minimumCellCount)
        return framed(plot.svg(), idPrefix: "km")
    }

    /// The forest plot of the Cox model, framed like `kaplanMeierSVG()`. Nil without a Cox model.
    public func forestPlotSVG() -> String? {
        guard let cox else { return nil }
        let strata = cox.strata.isEmpty ? "" : ", stratified by \(cox.strata.joined(separator: ", "))"
        let plot = CohortForestPlot(cox, title: "Hazard ratios: \(title)",
                                    footer: "Cox model, n = \(cox.n), events = \(cox.events), ties \(cox.ties)\(strata)")
        return framed(plot.svg().replacingOccurrences(of: "km-plot-area", with: "cohort-forest-area"), idPrefix: "forest")
    }

    /// Wraps an SVG document in an outer one that adds the provenance lines (and the synthetic banner)
    /// under it and the definition as metadata.
    func framed(_ inner: String, idPrefix: String) -> String {
        var body = inner
        if let r = body.range(of: "?>\n") { body = String(body[r.upperBound...]) }
        let width = Self.attribute("width", in: body) ?? 760
        let height = Self.attribute("height", in: body) ?? 480
        let lines = [provenanceLine] + (provenance.synthetic ? [Self.syntheticBanner] : [])
        let extra = 8 + 16 * Double(lines.count)
        let total = height + extra
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(_f(width))\" height=\"\(_f(total))\" viewBox=\"0 0 \(_f(width)) \(_f(total))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        s += "<title>\(_xmlEscape(title))</title>\n"
        s += "<metadata id=\"\(idPrefix)-onco-provenance\">" + _xmlEscape(provenancePairs.map { "\($0): \($1)" }.joined(separator: "; "))
            + "; definition: " + _xmlEscape(definition) + "</metadata>\n"
        s += body
        s += "<rect x=\"0\" y=\"\(_f(height))\" width=\"\(_f(width))\" height=\"\(_f(extra))\" fill=\"#ffffff\"/>\n"
        for (i, l) in lines.enumerated() {
            let bold = i == 1 ? " font-weight=\"bold\"" : ""
            let fill = i == 1 ? "#b00020" : "#555555"
            s += "<text x=\"8\" y=\"\(_f(height + 14 + 16 * Double(i)))\" font-size=\"10\" fill=\"\(fill)\"\(bold)>\(_xmlEscape(l))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    /// The numeric value of `name="…"` in the first tag of an SVG document.
    static func attribute(_ name: String, in svg: String) -> Double? {
        guard let tagEnd = svg.firstIndex(of: ">"), let r = svg[..<tagEnd].range(of: " \(name)=\"") else { return nil }
        let rest = svg[r.upperBound...]
        guard let q = rest.firstIndex(of: "\"") else { return nil }
        return Double(rest[..<q])
    }
}
