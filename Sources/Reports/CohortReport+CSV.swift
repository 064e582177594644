import Foundation
import CohortStudy

extension CohortReport {
    /// Tidy long CSV (RFC 4180): `table,row,column,value`, one line per cell of every table (numbers
    /// in full precision, suppressed counts as `<5`), plus `provenance` rows and the definition
    /// (`definition,1,json,<canonical JSON>`). Pivot with `tidyr::pivot_wider(names_from = column)`.
    public func csv() -> String {
        var out = "table,row,column,value\r\n"
        func add(_ t: String, _ r: Int, _ c: String, _ v: String) {
            out += [t, String(r), c, v].map(Self.csvField).joined(separator: ",") + "\r\n"
        }
        add("report", 1, "title", title)
        add("report", 1, "endpoint", endpoint)
        add("report", 1, "time unit", timeUnit)
        add("report", 1, "grouping", grouping)
        if provenance.synthetic { add("report", 1, "synthetic", Self.syntheticBanner) }
        for (k, v) in provenancePairs { add("provenance", 1, k, v) }
        for t in tables(full: true) {
            for (i, r) in t.rows.enumerated() {
                for (j, h) in t.headers.enumerated() where j < r.count { add(t.id, i + 1, h, r[j]) }
            }
        }
        var k = 0
        for c in curves {
            for pt in c.points {
                k += 1
                add("km_curve", k, "group", c.label)
                add("km_curve", k, "time", NumberStyle.exact(pt.time))
                add("km_curve", k, "at risk", pt.atRisk.description)
                add("km_curve", k, "events", pt.events.description)
                add("km_curve", k, "censored", pt.censored.description)
                add("km_curve", k, "survival", NumberStyle.exact(pt.survival))
                add("km_curve", k, "lower", pt.lower.map(NumberStyle.exact) ?? "NA")
                add("km_curve", k, "upper", pt.upper.map(NumberStyle.exact) ?? "NA")
            }
        }
        for (i, n) in notes.enumerated() { add("notes", i + 1, "note", n) }
        add("definition", 1, "json", definition)
        return out
    }
}
