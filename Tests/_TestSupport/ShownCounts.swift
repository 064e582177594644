import Foundation

/// The counts an output shows, read back from the rendered text of each format (text, Markdown, HTML, SVG,
/// prose), per table or section, for the small-cell tests: no count 1…k−1 may be shown, and no two counts
/// shown in one table may differ by 1…k−1 (a suppressed count derived by subtraction).
public enum ShownCounts {
    /// A table as rendered: its title, column headers, cells, and the note under it.
    public struct Table: Sendable {
        public var title: String
        public var headers: [String]
        public var rows: [[String]]
        public var note: String?
    }

    /// Columns that hold counts of patients or events (cohort reports), by header.
    public static let countHeaders: Set<String> = ["patients", "events", "censored", "at risk", "observed events", "at or above the cut-off", "at or below the cut-off", "events of interest", "competing events",
                                                   "patients with a value"]

    /// A shown integer: digits (thousands separators allowed), nothing else; nil for `<5`, decimals, text.
    public static func integer(_ cell: String) -> Int? {
        let t = cell.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        guard !t.isEmpty, t.allSatisfy(\.isASCII), t.allSatisfy(\.isNumber) else { return nil }
        return Int(t)
    }

    /// The counts of one table: its count columns (every column but the first of a cross-table of counts,
    /// "Patients by … and group"), and `n = …`, `events = …` in its note.
    public static func counts(_ t: Table) -> [Int] {
        let columns = t.title.hasPrefix("Patients by ") ? Array(t.headers.indices.dropFirst())
                                                        : t.headers.indices.filter { countHeaders.contains(t.headers[$0]) }
        var out = t.rows.flatMap { r in columns.compactMap { $0 < r.count ? integer(r[$0]) : nil } }
        if let note = t.note { out += numbers(in: note, after: ["n = ", "events = "]) }
        return out
    }

    /// Integers written right after one of `prefixes` (`n = 505`, `events = 220`).
    public static func numbers(in text: String, after prefixes: [String]) -> [Int] {
        prefixes.flatMap { p in matches("(?<![A-Za-z])" + NSRegularExpression.escapedPattern(for: p) + "([0-9][0-9,]*)(?![0-9.])", in: text).compactMap(integer) }
    }

    /// Integers written right before one of `suffixes` (`80 deaths`, `505 patients`).
    public static func numbers(in text: String, before suffixes: [String]) -> [Int] {
        suffixes.flatMap { s in matches("(?<![0-9.,])([0-9][0-9,]*) " + NSRegularExpression.escapedPattern(for: s), in: text).compactMap(integer) }
    }

    /// The first capture group of every match of `pattern`.
    public static func matches(_ pattern: String, in text: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// Tables of the aligned-text format: a title line, a header line, a line of dashes (one run per column,
    /// which gives the columns' spans), rows up to a blank line, and an optional `  (note)` line.
    public static func textTables(_ text: String) -> [Table] {
        let lines = text.components(separatedBy: "\n").map { Array($0) }
        var out: [Table] = []
        for (i, line) in lines.enumerated() where i >= 2 {
            let s = String(line)
            guard s.hasPrefix("  -"), s.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            var spans: [Range<Int>] = []
            var j = 0
            while j < line.count {
                if line[j] == "-" {
                    let start = j
                    while j < line.count && line[j] == "-" { j += 1 }
                    spans.append(start..<j)
                } else { j += 1 }
            }
            func cells(_ l: [Character]) -> [String] {
                spans.enumerated().map { k, r in
                    // a cell may overflow into the gap before the next column's span, never into the span itself
                    let end = k + 1 < spans.count ? spans[k + 1].lowerBound : l.count
                    let start = k == 0 ? 0 : spans[k - 1].upperBound
                    guard start < l.count else { return "" }
                    return String(l[start..<min(end, l.count)]).trimmingCharacters(in: .whitespaces)
                }
            }
            var rows: [[String]] = []
            var note: String?
            var k = i + 1
            while k < lines.count, !lines[k].isEmpty {
                let l = String(lines[k])
                if l.hasPrefix("  (") { note = l; break }
                rows.append(cells(lines[k]))
                k += 1
            }
            out.append(Table(title: String(lines[i - 2]), headers: cells(lines[i - 1]), rows: rows, note: note))
        }
        return out
    }

    /// Pipe tables of Markdown (after a `## title`), with the `_note_` paragraph after each; escapes removed.
    public static func markdownTables(_ md: String) -> [Table] {
        var out: [Table] = []
        var title = ""
        var current: Table?
        func cells(_ l: String) -> [String] {
            var parts: [String] = []
            var cell = ""
            var escaped = false
            for ch in l.dropFirst().dropLast() {
                if escaped { cell.append(ch); escaped = false; continue }
                if ch == "\\" { escaped = true; continue }
                if ch == "|" { parts.append(cell.trimmingCharacters(in: .whitespaces)); cell = ""; continue }
                cell.append(ch)
            }
            parts.append(cell.trimmingCharacters(in: .whitespaces))
            return parts
        }
        for l in md.components(separatedBy: "\n") {
            if l.hasPrefix("## ") { if let c = current { out.append(c) }; current = nil; title = unescapeMarkdown(String(l.dropFirst(3))); continue }
            if l.hasPrefix("|") && l.hasSuffix("|") {
                if current == nil { current = Table(title: title, headers: cells(l), rows: [], note: nil) }
                else if !l.hasPrefix("|---") && !l.hasPrefix("|:--") { current!.rows.append(cells(l)) }
                continue
            }
            if l.hasPrefix("_"), l.hasSuffix("_"), current != nil { current!.note = unescapeMarkdown(String(l.dropFirst().dropLast())) }
        }
        if let c = current { out.append(c) }
        return out
    }

    static func unescapeMarkdown(_ s: String) -> String {
        var out = "", escaped = false
        for ch in s {
            if escaped { out.append(ch); escaped = false } else if ch == "\\" { escaped = true } else { out.append(ch) }
        }
        return out
    }

    /// `<table>`s of HTML, each titled by the `<h2>` before it, with the `<p class="note">` right after it; entities
    /// decoded, tags inside cells dropped.
    public static func htmlTables(_ html: String) -> [Table] {
        var out: [Table] = []
        let flat = html.replacingOccurrences(of: "\n", with: " ")
        let re = try! NSRegularExpression(pattern: "<h2[^>]*>(.*?)</h2>\\s*<table>(.*?)</table>\\s*(?:<p class=\"note\">(.*?)</p>)?")
        for m in re.matches(in: flat, range: NSRange(flat.startIndex..., in: flat)) {
            func group(_ i: Int) -> String? { Range(m.range(at: i), in: flat).map { String(flat[$0]) } }
            let body = group(2) ?? ""
            let headers = matches("<th[^>]*>(.*?)</th>", in: body).map(htmlText)
            let rows = matches("<tr[^>]*>(.*?)</tr>", in: body).map { matches("<td[^>]*>(.*?)</td>", in: $0).map(htmlText) }.filter { !$0.isEmpty }
            out.append(Table(title: htmlText(group(1) ?? ""), headers: headers, rows: rows, note: group(3).map(htmlText)))
        }
        return out
    }

    /// The text of markup: tags dropped, the five XML entities decoded.
    public static func htmlText(_ s: String) -> String {
        let noTags = s.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        return noTags.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every `<text>` of an SVG in document order: its `x` attribute and its text.
    public static func svgTexts(_ svg: String) -> [(x: String, text: String)] {
        let re = try! NSRegularExpression(pattern: "<text x=\"([^\"]*)\"[^>]*>([^<]*)</text>")
        return re.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { m in
            guard let x = Range(m.range(at: 1), in: svg), let t = Range(m.range(at: 2), in: svg) else { return nil }
            return (String(svg[x]), htmlText(String(svg[t])))
        }
    }

    /// A Kaplan–Meier plot's shown counts: the legend's `(n=…)` and each group's numbers-at-risk row, as sections.
    public static func kaplanMeierSections(_ svg: String) -> [(title: String, counts: [Int])] {
        let texts = svgTexts(svg)
        var out: [(String, [Int])] = [("legend", texts.flatMap { numbers(in: $0.text, after: ["(n="]) })]
        guard let start = texts.firstIndex(where: { $0.text == "Number at risk" }) else { return out }
        var row: (String, [Int])?
        for t in texts[(start + 1)...] {
            if let n = integer(t.text) { row?.1.append(n); continue }
            if t.text.hasPrefix("<") { continue }
            if let r = row { out.append(r) }
            if t.x == "8" { row = ("at risk: " + t.text, []) } else { row = nil; break }
        }
        if let r = row { out.append(r) }
        return out
    }

    /// A forest plot's `n` column (the texts at the x of its `n` header) and the footer's `n = …, events = …`.
    public static func forestCounts(_ svg: String) -> [Int] {
        let texts = svgTexts(svg)
        guard let header = texts.first(where: { $0.text == "n" }) else { return [] }
        return texts.filter { $0.x == header.x }.compactMap { integer($0.text) }
            + texts.flatMap { numbers(in: $0.text, after: ["n = ", "events = "]) }
    }

    /// Pairs of shown counts (larger, smaller) whose difference is a small count 1…k−1.
    public static func smallDifferences(_ xs: [Int], k: Int = 5) -> [(Int, Int)] {
        let v = Array(Set(xs)).sorted()
        var out: [(Int, Int)] = []
        for i in v.indices { for j in v.indices where j > i && (1..<k).contains(v[j] - v[i]) { out.append((v[j], v[i])) } }
        return out
    }

    /// Counts 1…k−1 shown exactly.
    public static func smallCounts(_ xs: [Int], k: Int = 5) -> [Int] { xs.filter { (1..<k).contains($0) } }
}
