import Foundation
import Knowledge
import OncoCore
import Recommendation

extension RecommendationReport {
    /// The report as Markdown (GitHub-flavoured tables). Like the text report, T3/T4 candidates and
    /// T3/T4 diagnostic/prognostic items sit in a collapsed `<details>` block unless `all`.
    public func markdown(all: Bool = false) -> String {
        func cell(_ s: String) -> String { Self.markdownCell(s) }
        var o = "# Therapy ranking\n\n"
        if r.isSynthetic { o += "> **\(Self.syntheticBanner)**: the warehouse holds synthetic patients only; real-world figures are simulated, not evidence.\n\n" }
        o += "| | |\n|---|---|\n"
        for (label, value) in caseFacts() { o += "| \(label) | \(cell(value)) |\n" }
        o += "| onco | \(r.oncoVersion) |\n\n"
        if !r.notes.isEmpty {
            for n in r.notes { o += "> **Note.** \(n)\n>\n" }
            o.removeLast(2)
            o += "\n\n"
        }
        func table(_ list: [RankedTherapy], empty: String) -> String {
            guard !list.isEmpty else { return "_\(empty)_\n\n" }
            var s = "| " + Self.rankingHeader.joined(separator: " | ") + " |\n"
            s += "|---:" + String(repeating: "|---", count: Self.rankingHeader.count - 1) + "|\n"
            for row in rankingRows(list) { s += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
            return s + "\n"
        }
        o += "## Actionable alterations\n\n"
        let alterations = actionableAlterations()
        if alterations.isEmpty { o += "_none_\n\n" } else { for a in alterations { o += "- \(cell(a))\n" }; o += "\n" }
        let (shown, collapsed) = Self.partition(r.therapies, all: all)
        o += "## Ranked therapies\n\nCurated evidence decides the tier; real-world evidence only orders ties.\n\n"
        if !r.hasActionableAlteration && !r.therapies.isEmpty { o += "**No actionable alteration**: the candidates below rest on weaker evidence only.\n\n" }
        o += table(shown, empty: r.hasActionableAlteration ? "none" : (r.therapies.isEmpty ? "None: no actionable alteration in this case." : "None at T1/T2: no actionable alteration in this case."))
        if !collapsed.isEmpty {
            o += "<details>\n<summary>\(Self.collapsedSummary(collapsed))</summary>\n\n" + table(collapsed, empty: "none") + "</details>\n\n"
        }
        let (resShown, resCollapsed) = Self.partition(r.notRecommended, all: all)
        o += "## Not recommended (resistance in this indication)\n\n"
        o += table(resShown, empty: resCollapsed.isEmpty ? "none" : "none at T1/T2")
        if !resCollapsed.isEmpty {
            o += "<details>\n<summary>\(Self.collapsedSummary(resCollapsed, what: "resistance entries"))</summary>\n\n" + table(resCollapsed, empty: "none") + "</details>\n\n"
        }
        o += "## Diagnostic and prognostic evidence\n\nNot part of the therapy ranking.\n\n"
        let (imShown, imCollapsed) = implicationsPartition(all: all)
        if r.implications.isEmpty { o += "_none_\n\n" }
        if !imShown.isEmpty { for i in imShown { o += "- \(cell(Self.implicationLine(i)))\n" }; o += "\n" }
        if !imCollapsed.isEmpty {
            o += "<details>\n<summary>\(imCollapsed.count) more at T3/T4</summary>\n\n"
            for i in imCollapsed { o += "- \(cell(Self.implicationLine(i)))\n" }
            o += "\n</details>\n\n"
        }
        o += "## Local real-world signal (provisional)\n\nTherapies given to similar warehouse patients, without curated evidence for this case.\n\n"
        if case .used = r.neighbourStatus { o += table(r.realWorldOnly, empty: "none passed the gates") }
        else { o += "_\(cell(neighbourLine))_\n\n" }

        let runs = traceRuns(collapsed: collapsed, resistanceCollapsed: resCollapsed)
        if !runs.isEmpty { o += "## Evidence trace\n\n" }
        for run in runs {
            if let kind = run.collapsed { o += "<details>\n<summary>Evidence trace of the T3/T4 \(kind)</summary>\n\n" }
            for (prefix, t) in run.entries {
                o += "### [\(prefix)\(t.rank)] \(cell(t.name))\n\n"
                if let tier = t.tier { o += "- \(tier), \(t.relation?.rawValue ?? "-") relation, \(t.resolution?.description ?? "-") match; \(t.biomarkers.joined(separator: ", "))\n" }
                if let n = t.neighboursTreated { o += "- given to \(count(n)) of the nearest neighbours\n" }
                let lines = traceLines(t, escape: cell) { g in
                    "**\(cell(g.profile))**: rule \(cell(g.rule)) (\(g.ruleKind), \(g.resolution) match); case \(cell(g.matched.joined(separator: "; ")))"
                }
                for l in lines { o += (l.depth == 0 ? "- " : "  - ") + l.text + "\n" }
                o += "\n"
                if let trial = trialSection(t) { o += trialMarkdown(trial, prefix: prefix, t) }
            }
            if run.collapsed != nil { o += "</details>\n\n" }
        }
        o += "## Sort keys, in order\n\n"
        for (i, k) in RankingPolicy.sortKeys.enumerated() { o += "\(i + 1). \(k)\n" }
        o += "\n## Real-world methods\n\n"
        for m in methodsRealWorld() + gradeDefinitions() { o += "- \(m)\n" }
        o += "- \(disclosureNote)\n"
        if r.isSynthetic { o += "\n**\(Self.syntheticBanner)**: outcomes come from a synthetic warehouse and are not evidence.\n" }
        return o
    }

    /// A table cell's text: `|` escaped as `\|`, line breaks as spaces. Most cells have neither and are
    /// returned as they are (the check is a byte scan; `replacingOccurrences` cost ~1 µs a call).
    static func markdownCell(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\n": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
