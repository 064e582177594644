import Foundation
import CohortStudy

extension CohortReport {
    /// One self-contained HTML page: inline CSS, the Kaplan–Meier and forest plots as inline SVG, every
    /// table, notes, provenance and the definition (also as JSON in a non-executed
    /// `<script type="application/json" id="onco-cohort-definition">`). No external references.
    public func html() -> String {
        func esc(_ s: String) -> String { _xmlEscape(s) }
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"generator\" content=\"onco \(esc(provenance.oncoVersion))\">\n"
        h += "<title>\(esc(title))</title>\n<style>\n"
        h += """
            body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:.5em 0}th,td{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:left}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555;font-size:.9em}
            .synthetic{background:#fde8ea;border:2px solid #b00020;color:#b00020;font-weight:bold;padding:.6em 1em}
            pre{background:#f6f8fa;padding:1em;overflow-x:auto;font-size:.85em}figure{margin:1em 0}dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{font-weight:bold}
            """
        h += "\n</style>\n</head>\n<body>\n"
        if provenance.synthetic { h += "<p class=\"synthetic\">\(esc(Self.syntheticBanner))</p>\n" }
        h += "<h1>\(esc(title))</h1>\n<ul>\n"
        for line in definitionSummary { h += "<li>\(esc(line))</li>\n" }
        h += "</ul>\n"
        if let km = kaplanMeierSVG() {
            h += "<figure>\n" + Self.inlineSVG(km) + "</figure>\n"
        }
        if let v = screenVolcanoSVG() {
            h += "<figure>\n" + Self.inlineSVG(v) + "</figure>\n"
        }
        if let fp = forestPlotSVG() {
            h += "<figure>\n" + Self.inlineSVG(fp) + "</figure>\n"
        }
        for t in tables() { h += t.html() }
        if !notes.isEmpty {
            h += "<h2>Notes</h2>\n<ul>\n"
            for n in notes { h += "<li>\(esc(n))</li>\n" }
            h += "</ul>\n"
        }
        h += "<h2>Provenance</h2>\n<dl>\n"
        for (k, v) in provenancePairs { h += "<dt>\(esc(k))</dt><dd>\(esc(v))</dd>\n" }
        h += "</dl>\n<h2>Definition</h2>\n<pre>\(esc(definition))</pre>\n"
        h += "<script type=\"application/json\" id=\"onco-cohort-definition\">"
            + definition.replacingOccurrences(of: "</", with: "<\\/") + "</script>\n"
        if provenance.synthetic { h += "<p class=\"synthetic\">\(esc(Self.syntheticBanner))</p>\n" }
        h += "</body>\n</html>\n"
        return h
    }

    /// An SVG document without its XML declaration, for inline use in HTML.
    static func inlineSVG(_ svg: String) -> String {
        if let r = svg.range(of: "?>\n") { return String(svg[r.upperBound...]) }
        return svg
    }
}
