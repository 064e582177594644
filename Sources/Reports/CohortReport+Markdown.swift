import Foundation
import CohortStudy

extension CohortReport {
    /// GitHub-flavoured Markdown: headings, pipe tables, the definition in a code block.
    public func markdown() -> String {
        var out = "# " + Self.mdEscape(title) + "\n\n"
        if provenance.synthetic { out += "> **\(Self.syntheticBanner)**\n\n" }
        for line in definitionSummary { out += "- " + Self.mdEscape(line) + "\n" }
        for t in tables() { out += t.markdown() }
        if !notes.isEmpty {
            out += "\n## Notes\n\n"
            for n in notes { out += "- " + Self.mdEscape(n) + "\n" }
        }
        out += "\n## Provenance\n\n"
        for (k, v) in provenancePairs { out += "- **\(k)**: \(Self.mdEscape(v))\n" }
        out += "\n## Definition\n\n```json\n" + definition + "\n```\n"
        return out
    }

    static func mdEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "|": out += "\\|"
            case "\n": out += " "
            case "*", "_", "`", "<", ">", "[", "]": out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }
}
