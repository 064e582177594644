import Foundation
import CohortStudy
import Knowledge
import OncoCore
import Recommendation
import Survival

extension RecommendationReport {
    /// The report as one self-contained HTML page: inline CSS (A4 `@page` rules for printing), inline
    /// SVG Kaplan–Meier plots of the real-world arms with numbers at risk, no scripts, fonts or other
    /// external assets. T3/T4 candidates, their trace and T3/T4 diagnostic/prognostic items sit in
    /// collapsed `<details>` elements.
    public func html() -> String {
        var plotIndex = 0
        let title = "Therapy ranking · \(r.caseSummary.tumourType) · \(r.caseSummary.source.fileName ?? "case")"
        var o = htmlHead(title: title)
        let (shown, collapsed) = Self.partition(r.therapies, all: false)
        let (resShown, resCollapsed) = Self.partition(r.notRecommended, all: false)
        o += htmlRankings(shown: shown, collapsed: collapsed, resistanceShown: resShown, resistanceCollapsed: resCollapsed)
        o += htmlImplications()
        o += "<h2>Local real-world signal <span class=\"sub\">(provisional)</span></h2>\n<p class=\"sub\">Therapies given to similar warehouse patients, without curated evidence for this case.</p>\n"
        if case .used = r.neighbourStatus { o += htmlTable(r.realWorldOnly, prefix: "R", empty: "None passed the gates.") }
        else { o += "<p class=\"empty\">\(esc(neighbourLine))</p>\n" }

        let runs = traceRuns(collapsed: collapsed, resistanceCollapsed: resCollapsed)
        if !runs.isEmpty { o += "<h2>Evidence trace</h2>\n" }
        for run in runs {
            if let kind = run.collapsed { o += "<details class=\"collapsed\">\n<summary>Evidence trace of the T3/T4 \(kind)</summary>\n" }
            for (prefix, t) in run.entries { o += htmlTraceCard(t, prefix: prefix, plotIndex: &plotIndex) }
            if run.collapsed != nil { o += "</details>\n" }
        }
        o += "<h2>Method</h2>\n<h3>Sort keys, in order</h3>\n<ol>\n"
        for k in RankingPolicy.sortKeys { o += "<li>\(esc(k))</li>\n" }
        o += "</ol>\n<h3>Real-world evidence</h3>\n<ul>\n"
        for m in methodsRealWorld() + gradeDefinitions() { o += "<li>\(esc(m))</li>\n" }
        o += "<li>\(esc(disclosureNote))</li>\n</ul>\n"
        o += "<p class=\"versions\">onco \(esc(r.oncoVersion)) · \(esc(kbLine()))\(r.warehouse.map { " · warehouse version \($0.warehouseVersion)" } ?? "")</p>\n"
        if r.isSynthetic { o += "<div class=\"synthetic\">\(Self.syntheticBanner)</div>\n" }
        o += "</body>\n</html>\n"
        return o
    }

    /// The page up to the rankings: head with the inline CSS, the synthetic banner, the case's facts and the notes.
    func htmlHead(title: String) -> String {
        var o = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="generator" content="onco \(esc(r.oncoVersion))">
        <title>\(esc((r.isSynthetic ? "[\(Self.syntheticBanner)] " : "") + title))</title>
        <style>
        \(Self.css)
        \(pageFooterCSS(title: title))
        </style>
        </head>
        <body>

        """
        if r.isSynthetic {
            o += "<div class=\"synthetic\">\(Self.syntheticBanner): the warehouse holds synthetic patients only; real-world figures are simulated, not evidence.</div>\n"
        }
        o += "<h1>Therapy ranking</h1>\n<table class=\"facts\">\n"
        for (k, v) in caseFacts(knowledgeBase: "Knowledge base", neighbours: "Similar patients") {
            o += "<tr><th>\(esc(k))</th><td>\(esc(v))</td></tr>\n"
        }
        o += "</table>\n"
        for n in r.notes {
            let cls = n.hasPrefix("SYNTHETIC") ? "note synthetic-note" : (n.hasPrefix("No actionable") ? "note strong-note" : "note")
            o += "<p class=\"\(cls)\">\(esc(n))</p>\n"
        }
        return o
    }

    /// A ranking table; each therapy links to its card in the evidence trace (`t-<prefix><rank>`).
    func htmlTable(_ list: [RankedTherapy], prefix: String, empty: String) -> String {
        guard !list.isEmpty else { return "<p class=\"empty\">\(esc(empty))</p>\n" }
        var s = "<table class=\"ranking\">\n<thead><tr><th>#</th><th>Therapy</th><th>Tier</th><th>Relation</th><th>Match</th><th>Biomarkers</th><th>Evidence</th><th>Real-world OS (HR vs otherwise)</th></tr></thead>\n<tbody>\n"
        for t in list {
            let tier = t.tier.map { "<span class=\"tier \($0)\">\($0)</span>" } ?? "–"
            var name = "<a href=\"#t-\(prefix)\(t.rank)\">\(esc(t.name))</a>"
            if !t.previouslyReceived.isEmpty { name += " <span class=\"prior\">prior</span>" }
            let grade = t.realWorld.map { "grade-\($0.grade.rawValue)" } ?? "grade-none"
            s += "<tr><td class=\"num\">\(t.rank)</td><td>\(name)</td><td>\(tier)</td><td>\(esc(t.relation?.rawValue ?? "–"))</td>"
            s += "<td>\(esc(t.resolution?.description ?? "–"))</td><td>\(esc(t.biomarkers.isEmpty ? "–" : t.biomarkers.joined(separator: ", ")))</td>"
            s += "<td>\(esc(t.direction == .realWorld ? "–" : Self.levelCounts(t)))</td><td class=\"rw-cell \(grade)\">\(esc(realWorldCell(t)))</td></tr>\n"
        }
        return s + "</tbody>\n</table>\n"
    }

    /// Actionable alterations, ranked therapies and the not-recommended ones (T3/T4 collapsed).
    func htmlRankings(shown: [RankedTherapy], collapsed: [RankedTherapy], resistanceShown resShown: [RankedTherapy],
                      resistanceCollapsed resCollapsed: [RankedTherapy]) -> String {
        var o = ""
        o += "<h2>Actionable alterations</h2>\n"
        let alterations = actionableAlterations()
        if alterations.isEmpty { o += "<p class=\"empty\">None.</p>\n" }
        else { o += "<ul class=\"actionable\">\n" + alterations.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n" }
        o += "<h2>Ranked therapies</h2>\n<p class=\"sub\">Curated evidence decides the tier; real-world evidence only orders ties.</p>\n"
        if !r.hasActionableAlteration && !r.therapies.isEmpty { o += "<p class=\"note strong-note\">No actionable alteration: the candidates below rest on weaker evidence only.</p>\n" }
        o += htmlTable(shown, prefix: "", empty: r.hasActionableAlteration ? "None." : (r.therapies.isEmpty ? "None: no actionable alteration in this case." : "None at T1/T2: no actionable alteration in this case."))
        if !collapsed.isEmpty {
            o += "<details class=\"collapsed\">\n<summary>\(esc(Self.collapsedSummary(collapsed)))</summary>\n" + htmlTable(collapsed, prefix: "", empty: "None.") + "</details>\n"
        }
        o += "<h2>Not recommended <span class=\"sub\">(resistance in this indication)</span></h2>\n"
        o += htmlTable(resShown, prefix: "N", empty: resCollapsed.isEmpty ? "None." : "None at T1/T2.")
        if !resCollapsed.isEmpty {
            o += "<details class=\"collapsed\">\n<summary>\(esc(Self.collapsedSummary(resCollapsed, what: "resistance entries")))</summary>\n" + htmlTable(resCollapsed, prefix: "N", empty: "None.") + "</details>\n"
        }
        return o
    }

    /// Diagnostic and prognostic items (T3/T4 collapsed).
    func htmlImplications() -> String {
        var o = ""
        o += "<h2>Diagnostic and prognostic evidence <span class=\"sub\">(not part of the therapy ranking)</span></h2>\n"
        let (imShown, imCollapsed) = implicationsPartition(all: false)
        if r.implications.isEmpty { o += "<p class=\"empty\">None.</p>\n" }
        if !imShown.isEmpty { o += implicationRows(imShown) }
        if !imCollapsed.isEmpty {
            o += "<details class=\"collapsed\">\n<summary>\(imCollapsed.count) more at T3/T4</summary>\n" + implicationRows(imCollapsed) + "</details>\n"
        }
        return o
    }

    /// The rows of diagnostic and prognostic items.
    func implicationRows(_ list: [ImplicationItem]) -> String {
        var x = "<table class=\"evidence\">\n<thead><tr><th>Type</th><th>Item</th><th>Level</th><th>Tier</th><th>Significance</th><th>Disease [relation]</th><th>Biomarker</th><th>Citation</th><th>Date</th></tr></thead>\n<tbody>\n"
        for i in list {
            x += "<tr><td>\(esc(i.type.rawValue.lowercased()))</td><td>\(esc(i.source))&nbsp;<a href=\"\(esc(i.url))\">\(esc(i.id))</a></td>"
            x += "<td>\(esc(i.level))\(i.rating.map { "&nbsp;(\($0)★)" } ?? "")\(i.sourceLevel.isEmpty || i.sourceLevel == i.level ? "" : " (\(esc(i.sourceLevel)))")</td>"
            x += "<td>\(i.tier)</td><td>\(esc((i.supports ? "" : "does not support ") + i.significance))</td>"
            x += "<td>\(esc(i.disease)) <span class=\"path\">[\(esc(i.relation.rawValue))]</span></td><td>\(esc(i.profile))</td>"
            x += "<td>\(esc(Self.citationText(pmids: i.pmids, doi: i.doi, nctIDs: i.nctIDs, url: i.url, source: i.source)))</td><td>\(esc(i.date))</td></tr>\n"
        }
        return x + "</tbody>\n</table>\n"
    }

    /// One therapy's card in the evidence trace: its facts, the KB items by matched profile, conflicts,
    /// and its real-world outcomes (the target-trial section, or a KM plot published as cohort reports publish curves).
    func htmlTraceCard(_ t: RankedTherapy, prefix: String, plotIndex: inout Int) -> String {
        var o = ""
        o += "<section class=\"card\" id=\"t-\(prefix)\(t.rank)\">\n<h3>[\(prefix)\(t.rank)] \(esc(t.name))"
        if let tier = t.tier { o += " <span class=\"tier \(tier)\">\(tier)</span>" }
        o += "</h3>\n<p class=\"sub\">"
        var facts: [String] = []
        if t.tier != nil { facts.append("\(t.relation?.rawValue ?? "-") relation, \(t.resolution?.description ?? "-") match") }
        if !t.biomarkers.isEmpty { facts.append(t.biomarkers.joined(separator: ", ")) }
        if let n = t.neighboursTreated { facts.append("given to \(count(n)) of the nearest neighbours") }
        if !t.previouslyReceived.isEmpty { facts.append("previously received: \(t.previouslyReceived.joined(separator: ", "))") }
        o += esc(facts.joined(separator: " · ")) + "</p>\n"
        if let sl = Self.sourceLine(t) { o += "<p class=\"sub\">\(esc(sl))</p>\n" }
        let tr = Self.traceGroups(t)
        if !tr.groups.isEmpty || !tr.conflictsHere.isEmpty {
            o += "<table class=\"evidence\">\n<thead><tr><th>Item</th><th>Level</th><th>Tier</th><th>Role</th><th>Disease [relation: ontology path]</th><th>Citation</th><th>Date</th></tr></thead>\n<tbody>\n"
            func row(_ e: EvidenceTraceItem) -> String {
                var x = "<tr class=\"role-\(e.role.rawValue)\"><td>\(esc(e.source))&nbsp;<a href=\"\(esc(e.url))\">\(esc(e.id))</a></td>"
                x += "<td>\(esc(e.level))\(e.rating.map { "&nbsp;(\($0)★)" } ?? "")\(e.sourceLevel.isEmpty || e.sourceLevel == e.level ? "" : " (\(esc(e.sourceLevel)))")</td><td>\(e.tier)</td><td>\(esc(Self.roleText(e)))</td>"
                let path = e.relation == .other ? "other tumour type" : "\(e.relation.rawValue): \(e.ontologyPath.joined(separator: " ; "))"
                x += "<td>\(esc(e.disease)) <span class=\"path\">[\(esc(path))]</span></td>"
                x += "<td>\(esc(Self.citationText(pmids: e.pmids, doi: e.doi, nctIDs: e.nctIDs, url: e.url, source: e.source)))</td><td>\(esc(e.date))</td></tr>\n"
                return x
            }
            for g in tr.groups {
                o += "<tr class=\"group\"><td colspan=\"7\"><b>\(esc(g.profile))</b> · rule \(esc(g.rule)) (\(esc(g.ruleKind)), \(g.resolution) match)"
                o += "<br><span class=\"k\">case</span> \(esc(g.matched.joined(separator: "; ")))</td></tr>\n"
                for e in g.items { o += row(e) }
            }
            if !tr.conflictsHere.isEmpty {
                o += "<tr class=\"group\"><td colspan=\"7\"><b>Conflicts in this indication</b> (resistance or counter-evidence on one of its drugs given otherwise)</td></tr>\n"
                for e in tr.conflictsHere { o += row(e) }
            }
            o += "</tbody>\n</table>\n"
        }
        if !tr.conflictsElsewhere.isEmpty { o += "<p class=\"sub\">\(esc(Self.elsewhereLine(tr.conflictsElsewhere)))</p>\n" }
        if let ev = t.realWorld {
            o += "<div class=\"rw\">\n<h4>Real-world outcomes <span class=\"grade grade-\(ev.grade.rawValue)\">\(ev.grade.rawValue)</span></h4>\n<ul>\n"
            for l in realWorldTrace(ev, therapy: t.name) { o += "<li>\(esc(l))</li>\n" }
            o += "</ul>\n"
            let trial = trialSection(t)
            if let trial { o += trialHTML(trial, prefix: prefix, t, plotIndex: &plotIndex) }
            if trial == nil, ev.gatesPassed, let tc = ev.treated.curve, let cc = ev.comparator.curve {
                plotIndex += 1
                // published as cohort reports publish curves: steps of ≥ k events, rounded numbers at risk
                let published = KaplanMeierDisclosure(k: dc.minimumCount)
                var plot = KaplanMeierPlot(curves: [
                    published.series(label: "\(t.name)", tc),
                    published.series(label: "otherwise (same setting)", cc),
                ])
                plot.xLabel = "Months from the start of the line"
                plot.yLabel = "Overall survival"
                plot.disclosure = dc
                plot.width = 700
                plot.plotHeight = 250
                let tMax = max(tc.time.last ?? 0, cc.time.last ?? 0)
                plot.xMax = min(tMax, 120)
                o += "<figure class=\"km\">\n"
                o += plot.svg(embeddedAs: "\(_SVGWriter.defaultClipID)-\(plotIndex)")
                o += "<figcaption>Kaplan–Meier OS from the line's start, 95% log bands; numbers at risk below (\(esc(dc.roundingStatement.map { $0 + "; steps of at least \(dc.minimumCount) deaths" } ?? "exact counts"))).</figcaption>\n</figure>\n"
            }
            o += "</div>\n"
        } else if let why = t.realWorldUnavailable {
            o += "<p class=\"sub\">Real world: not assessed: \(esc(why)).</p>\n"
        } else if r.warehouse == nil {
            o += "<p class=\"sub\">Real world: no warehouse configured.</p>\n"
        }
        o += "<p class=\"versions\">\(esc(versionsLine()))</p>\n</section>\n"
        return o
    }

    private func esc(_ s: String) -> String { _xmlEscape(s) }

    /// The running footer of every printed page (a CSS page-margin box, so it never overlaps the
    /// content): the synthetic label when the warehouse is synthetic, onco's version and the title.
    func pageFooterCSS(title: String) -> String {
        let text = (r.isSynthetic ? "\(Self.syntheticBanner) · " : "") + "onco \(r.oncoVersion) · \(title)"
        // A CSS string inside <style>: no markup characters, quotes and backslashes escaped for CSS.
        let css = String(text.filter { $0 != "<" && $0 != ">" && $0 != "\n" })
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let colour = r.isSynthetic ? "#b2182b" : "#666"
        return "@page { @bottom-center { content: \"\(css) · page \" counter(page) \" / \" counter(pages); font-family: \"DejaVu Sans\", Helvetica, Arial, sans-serif; font-size: 7.5pt; color: \(colour); } }"
    }

    static let css = """
    @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
    * { box-sizing: border-box; }
    body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 10pt; line-height: 1.35; color: #222; max-width: 186mm; margin: 0 auto; padding: 4mm 0 12mm; }
    h1 { font-size: 17pt; margin: 3mm 0 2mm; }
    h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #0072B2; break-after: avoid; page-break-after: avoid; }
    h3 { font-size: 11pt; margin: 0 0 1mm; }
    h4 { font-size: 10pt; margin: 2mm 0 1mm; }
    a { color: #0b5394; text-decoration: none; }
    .sub { color: #555; font-weight: normal; font-size: 9pt; margin: 0 0 2mm; }
    table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; }
    th, td { border: 1px solid #c8c8c8; padding: 2.5px 5px; vertical-align: top; text-align: left; }
    thead th { background: #e9f0f7; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    table.facts th { width: 30mm; background: #f4f4f4; }
    table.ranking td.num { text-align: right; width: 7mm; }
    table.evidence { font-size: 8.5pt; }
    table.evidence tr.group td { background: #f6f6f6; font-size: 8.5pt; }
    table.evidence .path { color: #666; font-size: 7.5pt; }
    table.evidence tr.role-conflict td, table.evidence tr.role-counter-evidence td { color: #7a4a00; }
    .k { display: inline-block; min-width: 15mm; color: #888; }
    .tier { display: inline-block; padding: 0 5px; border-radius: 3px; font-weight: bold; color: #fff; font-size: 8.5pt; }
    .tier.T1 { background: #1b7837; } .tier.T2 { background: #5aae61; } .tier.T3 { background: #b8860b; } .tier.T4 { background: #888; }
    .prior { font-size: 8pt; color: #fff; background: #7b3294; padding: 0 4px; border-radius: 3px; }
    .grade { padding: 0 5px; border-radius: 3px; font-size: 8.5pt; border: 1px solid #999; }
    .grade-strong { color: #1b7837; font-weight: bold; } .grade-supportive { color: #4d9221; }
    .grade-discordant { color: #b2182b; font-weight: bold; } .grade-inconclusive, .grade-none { color: #666; }
    .note { border-left: 4px solid #E69F00; background: #fff8e6; padding: 3px 8px; margin: 2mm 0; }
    .note.strong-note { border-left-color: #b2182b; background: #fdecea; font-weight: bold; }
    .note.synthetic-note { border-left-color: #b2182b; }
    .empty { color: #555; font-style: italic; }
    .card { border: 1px solid #c8c8c8; border-radius: 4px; padding: 2mm 3mm; margin: 3mm 0; }
    .card h3, .card > p.sub, table.evidence tr.group { break-after: avoid; page-break-after: avoid; }
    .rw ul { margin: 0 0 1mm; padding-left: 5mm; }
    figure.km { margin: 1mm 0 0; break-inside: avoid; page-break-inside: avoid; }
    figure.km svg { width: 100%; height: auto; display: block; }
    figcaption { font-size: 8pt; color: #555; }
    .versions { font-size: 8pt; color: #666; margin: 1mm 0 0; }
    .synthetic { background: #b2182b; color: #fff; font-weight: bold; text-align: center; letter-spacing: 0.08em; padding: 2mm; margin: 0 0 2mm; }
    table.ranking { font-size: 9pt; }
    table.ranking td.rw-cell { white-space: nowrap; }
    details.collapsed { margin: 1mm 0 2mm; } details.collapsed > summary { color: #555; cursor: pointer; }
    ul.actionable { margin: 0 0 2mm; padding-left: 5mm; }
    details.trial h5 { font-size: 9pt; margin: 2mm 0 1mm; }
    table.trial td { font-size: 8pt; }
    @media print {
      body { padding: 0; }
      .synthetic, .tier, .prior, thead th, .note { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      a { color: inherit; }
    }
    """
}
