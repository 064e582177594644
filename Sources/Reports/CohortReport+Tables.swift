import Foundation
import CohortStudy
import OncoCore

extension CohortReport {
    /// A table of the report as strings, shared by the text, Markdown, HTML and CSV renderers.
    public struct Table: Sendable, Hashable {
        public var id: String
        public var title: String
        public var headers: [String]
        public var rows: [[String]]
        /// Columns (by index) right-aligned in text output.
        public var numericColumns: Set<Int>
        public var note: String?
        /// Text output: the last column is wrapped under its header instead of padding every row to the longest cell.
        public var wrapLastColumn = false
    }

    /// Numbers for people (`full == false`: rounded for reading) or machines (`full`: shortest exact form).
    struct NumberStyle {
        let full: Bool
        func time(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.fixed($0, 2) } ?? "NA" }
        func prob(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.fixed($0, 3) } ?? "NA" }
        func ratio(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.fixed($0, 3) } ?? "NA" }
        func stat(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.fixed($0, 3) } ?? "NA" }
        func p(_ x: Double?) -> String {
            guard let x else { return "NA" }
            if full { return Self.exact(x) }
            if x < 1e-4 { return String(format: "%.2e", x) }
            return Self.significant(x, 3)
        }
        func value(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.significant($0, 6) } ?? "NA" }
        /// A cut-off as R prints `quantile()` (7 significant digits, `options(digits = 7)`), or exact.
        func cutoff(_ x: Double?) -> String { x.map { full ? Self.exact($0) : Self.significant($0, 7) } ?? "NA" }

        static func exact(_ x: Double) -> String { NumberText.exact(x) }
        static func fixed(_ x: Double, _ digits: Int) -> String { NumberText.fixed(x, digits) }
        static func significant(_ x: Double, _ digits: Int) -> String { NumberText.significant(x, digits) }
    }

    func ci(_ lo: Double?, _ hi: Double?, _ f: (Double?) -> String) -> String {
        if lo == nil && hi == nil { return "NA" }
        return "\(f(lo)) – \(f(hi))"
    }

    /// The report's tables, in reading order.
    public func tables(full: Bool = false) -> [Table] {
        let f = NumberStyle(full: full)
        var out: [Table] = []
        out.append(Table(id: "flow", title: "Patient flow", headers: ["step", "patients"],
                         rows: flow.map { [$0.label, $0.count.description] }, numericColumns: [1], note: nil))
        if !cutoffs.isEmpty {
            out.append(Table(id: "cutoffs", title: "Cut-offs (\(grouping); ties at the cut-off included)",
                             headers: ["level", "patients with a value", "cut-off", cutoffs.contains { $0.below == true } ? "at or below the cut-off" : "at or above the cut-off"],
                             rows: cutoffs.map { [$0.level, $0.n.description, f.cutoff($0.value), $0.nAbove.description] },
                             numericColumns: [1, 2, 3], note: nil))
        }
        if let s = screen {
            out.append(screenTable(s, f))
            if let m = screenMembersTable(s) { out.append(m) }
        }
        if !groups.isEmpty { out.append(Table(id: "groups", title: "Groups: counts and median \(endpoint) (\(timeUnit), 95% CI)",
                         headers: ["group", "patients", "events", "censored", "median", "95% CI"],
                         rows: groups.map { g in
                             g.withheld ? [g.label, g.n.description, g.events.description, g.censored.description, "withheld", "withheld"]
                                        : [g.label, g.n.description, g.events.description, g.censored.description, f.time(g.median),
                                           ci(g.medianLower, g.medianUpper, f.time)]
                         }, numericColumns: [1, 2, 3, 4], note: "median NA: not reached; withheld: group below the minimum cell count")) }
        if let members = setMembers, let altered = groups.last {
            out.append(Table(id: "members", title: "Members of the set: carriers in the group \(altered.label)",
                             headers: ["member", "carriers"], rows: members.map { [$0.member, $0.carriers.description] },
                             numericColumns: [1], note: "a patient may carry several members"))
        }
        if let lc = levelCounts {
            out.append(Table(id: "counts", title: "Patients by \(lc.variable) and group",
                             headers: [lc.variable] + lc.groups, rows: zip(lc.levels, lc.counts).map { [$0] + $1.map(\.description) },
                             numericColumns: Set(1...max(1, lc.groups.count)), note: nil))
        }
        let atRows = groups.flatMap { g in
            g.survivalAt.map { s in [g.label, f.time(s.time), s.atRisk.description, f.prob(s.survival), ci(s.lower, s.upper, f.prob)] }
        }
        if !atRows.isEmpty {
            out.append(Table(id: "survival", title: "Kaplan–Meier survival at set times (\(timeUnit))",
                             headers: ["group", "time", "at risk", "survival", "95% CI"], rows: atRows, numericColumns: [1, 2, 3], note: nil))
        }
        if let lr = logRank {
            var rows = lr.groups.indices.map { i in [lr.groups[i], lr.observed[i].description, lr.expected.map { f.stat($0[i]) } ?? "withheld"] }
            if let t = lr.test, !lr.withheld {
                rows.append(["χ² = \(f.stat(t.chiSquare)), df \(t.degreesOfFreedom)", "p", f.p(t.p)])
            } else {
                rows.append(["χ² withheld", "p", "withheld"])
            }
            out.append(Table(id: "logrank", title: "Log-rank test" + (lr.strata.isEmpty ? "" : " stratified by \(lr.strata.joined(separator: ", "))"),
                             headers: ["group", "observed events", "expected events"], rows: rows, numericColumns: [1, 2],
                             note: lr.withheld ? "withheld: a group is below the minimum cell count (the test would describe it)" : nil))
        }
        if let cx = cox {
            let rows = cx.terms.map { t -> [String] in
                t.isReference ? [t.term, t.level ?? "", t.n.description, "reference", "", "", ""]
                    : t.withheld ? [t.term, t.level ?? "", t.n.description, "withheld", "withheld", "withheld", "withheld"]
                    : [t.term, t.level ?? "", t.n.description, f.ratio(t.hazardRatio), ci(t.lower, t.upper, f.ratio), f.p(t.p), f.stat(t.coefficient)]
            }
            var note = "n = \(cx.n), events = \(cx.events), ties: \(cx.ties)"
            if !cx.strata.isEmpty { note += ", stratified by \(cx.strata.joined(separator: ", "))" }
            note += "; likelihood ratio χ² = \(f.stat(cx.likelihoodRatio.chiSquare)) on \(cx.likelihoodRatio.degreesOfFreedom) df, p = \(f.p(cx.likelihoodRatio.p))"
            note += "; Wald p = \(f.p(cx.wald.p)); score p = \(f.p(cx.score.p))"
            if let c = cx.concordance { note += "; concordance \(f.prob(c))" + (cx.concordanceStandardError.map { " (se \(f.prob($0)))" } ?? "") }
            if !cx.problems.isEmpty { note += "; WARNING: \(cx.problems.joined(separator: "; "))" }
            out.append(Table(id: "cox", title: "Cox proportional hazards model (hazard ratios, 95% CI)",
                             headers: ["term", "level", "patients", "hazard ratio", "95% CI", "p", "coefficient"],
                             rows: rows, numericColumns: [2, 3, 5, 6], note: note))
        }
        if let ph = proportionalHazards {
            var rows = zip(ph.terms, ph.tests).map { [$0, f.stat($1.chiSquare), String($1.degreesOfFreedom), f.p($1.p)] }
            rows.append(["GLOBAL", f.stat(ph.global.chiSquare), String(ph.global.degreesOfFreedom), f.p(ph.global.p)])
            out.append(Table(id: "ph", title: "Proportional-hazards test (R cox.zph, transform \(ph.transform))",
                             headers: ["term", "χ²", "df", "p"], rows: rows, numericColumns: [1, 2, 3],
                             note: "a small p suggests the hazard ratio changes over time"))
        }
        out += competingRiskTables(f)
        if let tt = targetTrial { out += tt.tables(full: full) }
        return out
    }

    /// Key/value provenance, as every format embeds it.
    public var provenancePairs: [(String, String)] {
        var p: [(String, String)] = [
            ("onco version", provenance.oncoVersion),
            ("warehouse", "\(provenance.warehouseBackend), version \(provenance.warehouseVersion), schema \(provenance.schemaVersion)"),
            ("datasets", provenance.datasets.joined(separator: ", ")),
            ("synthetic data", provenance.synthetic ? "yes" : "no"),
            ("generated", provenance.generatedAt),
            ("project", provenance.project ?? "none (governance off)"),
            ("definition sha256", provenance.definitionSHA256),
            ("small-cell suppression", "counts 1–\(provenance.minimumCellCount - 1) shown as <\(provenance.minimumCellCount)"
                + (provenance.minimumCellCount > 1 ? ", others rounded to a multiple of \(provenance.minimumCellCount)" : "")),
        ]
        if let a = provenance.auditEntry { p.append(("audit entry", String(a))) }
        return p
    }
}
