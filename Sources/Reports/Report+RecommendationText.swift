import Foundation
import Knowledge
import OncoCore
import Recommendation

extension RecommendationReport {
    /// The terminal report: header, notes, the actionable alterations, the ranked table, 'not
    /// recommended', diagnostic and prognostic evidence, the real-world-only section, the evidence trace
    /// and the methods. The first screen is the board's view: T1/T2 candidates and resistance; T3/T4
    /// candidates (and diagnostic/prognostic items) are counted and collapsed unless `all`.
    /// `color` adds ANSI bold/colour (use on a TTY only).
    public func text(color: Bool = false, all: Bool = false) -> String {
        func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func red(_ s: String) -> String { color ? "\u{1B}[1;31m\(s)\u{1B}[0m" : s }
        var o = ""
        let title = "onco recommend \(r.oncoVersion): therapy ranking"
        o += bold(title) + (r.isSynthetic ? "   " + red("*** \(Self.syntheticBanner) ***") : "") + "\n"
        for (label, value) in caseFacts() { o += label.padding(toLength: 12, withPad: " ", startingAt: 0) + value + "\n" }
        if !r.notes.isEmpty {
            o += "\n"
            for n in r.notes { o += (n.hasPrefix("SYNTHETIC") ? red("! " + n) : "! " + n) + "\n" }
        }

        let alterations = actionableAlterations()
        o += "\n" + bold("Actionable alterations") + "\n"
        if alterations.isEmpty { o += "  none\n" }
        for a in alterations { o += "  \(a)\n" }
        let (shown, collapsed) = Self.partition(r.therapies, all: all)
        o += "\n" + bold("Ranked therapies") + " (curated evidence decides the tier; real-world evidence only orders ties)\n"
        if !r.hasActionableAlteration && !r.therapies.isEmpty { o += "  No actionable alteration: the candidates below rest on weaker evidence only.\n" }
        o += table(shown, empty: r.hasActionableAlteration ? "none" : (r.therapies.isEmpty ? "none: no actionable alteration in this case" : "none at T1/T2: no actionable alteration in this case"))
        if !collapsed.isEmpty { o += "  + \(Self.collapsedSummary(collapsed)): run with --all to list them\n" }
        let (resShown, resCollapsed) = Self.partition(r.notRecommended, all: all)
        o += "\n" + bold("Not recommended") + " (resistance in this indication)\n"
        o += table(resShown, empty: resCollapsed.isEmpty ? "none" : "none at T1/T2")
        if !resCollapsed.isEmpty { o += "  + \(Self.collapsedSummary(resCollapsed, what: "resistance entries")): run with --all to list them\n" }
        let (imShown, imCollapsed) = implicationsPartition(all: all)
        o += "\n" + bold("Diagnostic and prognostic evidence") + " (not part of the therapy ranking)\n"
        if r.implications.isEmpty { o += "  none\n" }
        for i in imShown { o += "  \(Self.implicationLine(i))\n" }
        if !imCollapsed.isEmpty { o += "  + \(imCollapsed.count) more at T3/T4: run with --all to list them\n" }
        o += "\n" + bold("Local real-world signal (provisional)") + " (given to similar patients; no curated evidence for this case)\n"
        if case .used = r.neighbourStatus { o += table(r.realWorldOnly, empty: "none passed the gates") }
        else { o += "  \(neighbourLine)\n" }

        let traced = shown.map { ("", $0) } + resShown.map { ("N", $0) } + r.realWorldOnly.map { ("R", $0) }
        if !traced.isEmpty {
            o += "\n" + bold("Evidence trace") + (collapsed.isEmpty && resCollapsed.isEmpty ? "" : " (of the therapies shown; --all traces every one)") + "\n"
            for (prefix, t) in traced {
                o += "\n[\(prefix)\(t.rank)] \(bold(t.name))"
                if let tier = t.tier { o += " — \(tier), \(t.relation?.rawValue ?? "-") relation, \(t.resolution?.description ?? "-") match" }
                if !t.biomarkers.isEmpty { o += "; \(t.biomarkers.joined(separator: ", "))" }
                if let n = t.neighboursTreated { o += "; given to \(count(n)) of the nearest neighbours" }
                o += "\n"
                for l in traceLines(t, escape: { $0 }, rule: Self.ruleLine) {
                    o += String(repeating: " ", count: 4 + 2 * l.depth) + l.text + "\n"
                }
            }
        }
        o += trialAppendixText(traced, all: all, bold: bold)
        o += "\n" + bold("Sort keys, in order") + "\n"
        for (i, k) in RankingPolicy.sortKeys.enumerated() { o += "  \(i + 1). \(k)\n" }
        o += "\n" + bold("Real-world methods") + "\n"
        for m in methodsRealWorld() + gradeDefinitions() { o += "  - \(m)\n" }
        o += "  - \(disclosureNote)\n"
        if r.isSynthetic { o += "\n" + red("\(Self.syntheticBanner): outcomes come from a synthetic warehouse and are not evidence.") + "\n" }
        return o
    }

    /// The ranking table laid out in fixed-width columns (each capped; longer cells end in `…`).
    func table(_ list: [RankedTherapy], empty: String) -> String {
        guard !list.isEmpty else { return "  \(empty)\n" }
        let header = Self.rankingHeader
        let rows = rankingRows(list)
        let maxw = [3, 34, 4, 10, 6, 28, 14, 40]
        var w = header.map(\.count)
        for row in rows { for (i, c) in row.enumerated() { w[i] = min(max(w[i], c.count), maxw[i]) } }
        func fit(_ s: String, _ n: Int) -> String {
            s.count > n ? String(s.prefix(n - 1)) + "…" : s.padding(toLength: n, withPad: " ", startingAt: 0)
        }
        var head = "  " + header.enumerated().map { fit($1, w[$0]) }.joined(separator: "  ")
        while head.hasSuffix(" ") { head.removeLast() }
        var o = head + "\n"
        o += "  " + w.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows {
            var line = "  " + row.enumerated().map { fit($1, w[$0]) }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            o += line + "\n"
        }
        return o
    }
}
