import Knowledge
import OncoCore
import Recommendation

extension RecommendationReport {
    /// The case's facts heading every report, as (label, value); the HTML report spells two labels out.
    func caseFacts(knowledgeBase: String = "KB", neighbours: String = "Neighbours") -> [(label: String, value: String)] {
        var facts: [(label: String, value: String)] = [("Case", caseLine()), ("Tumour", tumourLine())]
        for m in inputMethodLines() { facts.append(("Inputs", m)) }
        facts += [("Variants", variantsLine()), (knowledgeBase, kbLine()), ("Warehouse", warehouseLine()), (neighbours, neighbourLine)]
        return facts
    }

    /// A run of the evidence trace: entries (`prefix` "" for candidates, "N" not recommended, "R" real-world
    /// only) that are all shown, or all collapsed on the first screen (`collapsed` then says what they are).
    struct TraceRun {
        var collapsed: String?
        var entries: [(prefix: String, therapy: RankedTherapy)]
    }

    /// Every ranked therapy in trace order, in runs; a run of T3/T4 candidates or resistance entries that the
    /// first screen collapses (`collapsed`, `resistanceCollapsed`) is marked so the renderer can fold it.
    func traceRuns(collapsed: [RankedTherapy], resistanceCollapsed: [RankedTherapy]) -> [TraceRun] {
        let traced = r.therapies.map { ("", $0) } + r.notRecommended.map { ("N", $0) } + r.realWorldOnly.map { ("R", $0) }
        var runs: [TraceRun] = []
        for (prefix, t) in traced {
            let hidden = (prefix.isEmpty && collapsed.contains { $0.rank == t.rank }) || (prefix == "N" && resistanceCollapsed.contains { $0.rank == t.rank })
            let kind = hidden ? (prefix.isEmpty ? "candidates" : "resistance entries") : nil
            if let last = runs.last, last.collapsed == kind {
                runs[runs.count - 1].entries.append((prefix, t))
            } else {
                runs.append(TraceRun(collapsed: kind, entries: [(prefix, t)]))
            }
        }
        return runs
    }

    /// One line of a therapy's evidence trace below its heading: `depth` 0 for a fact of the therapy, 1 for
    /// an item under a rule or a heading, 2 for a line of the real-world analysis.
    struct TraceLine {
        var depth: Int
        var text: String
    }

    /// The evidence trace of `t` after its heading, in the order the text and Markdown reports print it:
    /// previously received, the sources, each matched rule with its items, conflicts here and elsewhere, the
    /// real-world analysis (or why there is none) and the versions. `escape` is applied to text that comes
    /// from the KB or the case (Markdown's `cell`); `rule` writes a rule group's line.
    func traceLines(_ t: RankedTherapy, escape: (String) -> String, rule: (TraceGroup) -> String) -> [TraceLine] {
        var out: [TraceLine] = []
        if !t.previouslyReceived.isEmpty { out.append(.init(depth: 0, text: "previously received: \(t.previouslyReceived.joined(separator: ", "))")) }
        if let sl = Self.sourceLine(t) { out.append(.init(depth: 0, text: escape(sl))) }
        let tr = Self.traceGroups(t)
        for g in tr.groups {
            out.append(.init(depth: 0, text: rule(g)))
            for e in g.items { out.append(.init(depth: 1, text: escape(Self.evidenceLine(e)))) }
        }
        if !tr.conflictsHere.isEmpty {
            out.append(.init(depth: 0, text: "conflicts in this indication:"))
            for e in tr.conflictsHere { out.append(.init(depth: 1, text: "\(escape(Self.evidenceLine(e))); \(escape(e.profile))")) }
        }
        if !tr.conflictsElsewhere.isEmpty { out.append(.init(depth: 0, text: escape(Self.elsewhereLine(tr.conflictsElsewhere)))) }
        if let ev = t.realWorld {
            out.append(.init(depth: 0, text: "real world:"))
            for l in realWorldTrace(ev, therapy: t.name) { out.append(.init(depth: 2, text: escape(l))) }
        } else if let why = t.realWorldUnavailable {
            out.append(.init(depth: 0, text: "real world: not assessed: \(escape(why))"))
        } else if r.warehouse == nil {
            out.append(.init(depth: 0, text: "real world: no warehouse configured"))
        }
        out.append(.init(depth: 0, text: "versions: \(escape(versionsLine()))"))
        return out
    }
}
