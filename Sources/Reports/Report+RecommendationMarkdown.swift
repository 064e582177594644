import Foundation
import Knowledge
import OncoCore
import Recommendation

extension RecommendationReport {
    /// The report as Markdown (GitHub-flavoured tables).
    public func markdown() -> String {
        func cell(_ s: String) -> String { Self.markdownCell(s) }
        var o = "# Therapy ranking\n\n"
        if r.isSynthetic { o += "> **\(Self.syntheticBanner)**: the warehouse holds synthetic patients only; real-world figures are simulated, not evidence.\n\n" }
        o += "| | |\n|---|---|\n"
        o += "| Case | \(cell(caseLine())) |\n"
        o += "| Tumour | \(cell(tumourLine())) |\n"
        o += "| Variants | \(cell(variantsLine())) |\n"
        o += "| KB | \(cell(kbLine())) |\n"
        o += "| Warehouse | \(cell(warehouseLine())) |\n"
        o += "| Neighbours | \(cell(r.neighbourStatus.description)) |\n"
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
        o += "## Ranked therapies\n\nCurated evidence decides the tier; real-world evidence only orders ties.\n\n"
        if !r.hasActionableAlteration && !r.therapies.isEmpty { o += "**No actionable alteration**: the candidates below rest on weaker evidence only.\n\n" }
        o += table(r.therapies, empty: r.hasActionableAlteration ? "none" : "None: no actionable alteration in this case.")
        o += "## Not recommended (resistance in this indication)\n\n"
        o += table(r.notRecommended, empty: "none")
        o += "## Local real-world signal (provisional)\n\nTherapies given to similar warehouse patients, without curated evidence for this case.\n\n"
        if case .used = r.neighbourStatus { o += table(r.realWorldOnly, empty: "none passed the gates") }
        else { o += "_\(cell(r.neighbourStatus.description))_\n\n" }

        let all = r.therapies.map { ("", $0) } + r.notRecommended.map { ("N", $0) } + r.realWorldOnly.map { ("R", $0) }
        if !all.isEmpty {
            o += "## Evidence trace\n\n"
            for (prefix, t) in all {
                o += "### [\(prefix)\(t.rank)] \(cell(t.name))\n\n"
                if let tier = t.tier { o += "- \(tier), \(t.relation?.rawValue ?? "-") relation, \(t.resolution?.description ?? "-") match; \(t.biomarkers.joined(separator: ", "))\n" }
                if let n = t.neighboursTreated { o += "- given to \(count(n)) of the nearest neighbours\n" }
                if !t.previouslyReceived.isEmpty { o += "- previously received: \(t.previouslyReceived.joined(separator: ", "))\n" }
                let tr = Self.traceGroups(t)
                for g in tr.groups {
                    o += "- **\(cell(g.profile))**: rule \(cell(g.rule)) (\(g.ruleKind), \(g.resolution) match); case \(cell(g.matched.joined(separator: "; ")))\n"
                    for e in g.items { o += "  - \(cell(Self.evidenceLine(e)))\n" }
                }
                if !tr.conflictsHere.isEmpty {
                    o += "- conflicts in this indication:\n"
                    for e in tr.conflictsHere { o += "  - \(cell(Self.evidenceLine(e))); \(cell(e.profile))\n" }
                }
                if !tr.conflictsElsewhere.isEmpty { o += "- \(cell(Self.elsewhereLine(tr.conflictsElsewhere)))\n" }
                if let ev = t.realWorld {
                    o += "- real world:\n"
                    for l in realWorldTrace(ev, therapy: t.name) { o += "  - \(cell(l))\n" }
                } else if let why = t.realWorldUnavailable {
                    o += "- real world: not assessed: \(cell(why))\n"
                } else if r.warehouse == nil {
                    o += "- real world: no warehouse configured\n"
                }
                o += "- versions: \(cell(versionsLine()))\n\n"
            }
        }
        o += "## Sort keys, in order\n\n"
        for (i, k) in RankingPolicy.sortKeys.enumerated() { o += "\(i + 1). \(k)\n" }
        o += "\n## Real-world methods\n\n"
        for m in Self.methodsRealWorld + gradeDefinitions() { o += "- \(m)\n" }
        o += "- Counts below \(dc.minimumCount) are shown as <\(dc.minimumCount).\n"
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
