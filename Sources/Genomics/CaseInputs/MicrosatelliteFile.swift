import Foundation
import OncoCore

/// The MSI score of MSIsensor or MSIsensor-pro and the status it gives under stated cut-offs.
///
/// Both tools write a two-line table: `Total_Number_of_Sites`, `Number_of_Somatic_Sites` (MSIsensor) or
/// `Number_of_Unstable_Sites` (MSIsensor-pro), and `%`, the score: unstable sites per 100 sites examined.
/// Status: score ≥ `highAtLeast` is MSI-H; score < `stableBelow` is MSS; in between the status is
/// indeterminate (nil) and nothing is matched. The defaults are MSK-IMPACT's MSIsensor cut-offs
/// (Middha et al., JCO Precision Oncology 2017: ≥ 10 MSI-H, 3 to < 10 indeterminate, < 3 MSS).
/// MSIsensor-pro's own documentation suggests its own threshold per assay; give it when it differs.
public struct MicrosatelliteReading: Sendable, Hashable {
    public struct Cutoffs: Sendable, Hashable, Codable {
        public var highAtLeast: Double
        public var stableBelow: Double
        public init(highAtLeast: Double = 10, stableBelow: Double = 3) {
            self.highAtLeast = highAtLeast
            self.stableBelow = stableBelow
        }
    }

    public var sites: Int
    public var unstableSites: Int
    /// Unstable sites per 100 sites (the `%` column).
    public var score: Double
    /// MSI-H, MSS, or nil when the score is between the cut-offs.
    public var status: MSIStatus?
    public var cutoffs: Cutoffs
    public var method: String

    /// Reads an MSIsensor / MSIsensor-pro output file.
    /// - Throws: `CaseInputError` naming file, line and field: an unknown header, a bad number, no data row,
    ///   more than one data row, or `highAtLeast < stableBelow`.
    public init(path: String, cutoffs: Cutoffs = Cutoffs()) throws(CaseInputError) {
        let t = try TabTable(NumberedLines(path: path), isHeader: { !$0.allSatisfy(\.isWhitespace) })
        guard t.has("Total_Number_of_Sites"), t.has("%") else {
            throw t.fail(.unknownFormat, line: t.headerLine, field: t.header.first,
                         "not MSIsensor output (Total_Number_of_Sites, Number_of_Somatic_Sites or Number_of_Unstable_Sites, %)")
        }
        let total = try t.require("Total_Number_of_Sites"), unstable = try t.require("Number_of_Somatic_Sites", "Number_of_Unstable_Sites")
        let percent = try t.require("%")
        guard t.rows.count == 1 else {
            throw t.fail(.badValue, line: t.rows.dropFirst().first?.line ?? t.headerLine, field: nil,
                         "\(t.rows.count) data rows; MSIsensor writes one per sample")
        }
        guard cutoffs.highAtLeast >= cutoffs.stableBelow else {
            throw t.fail(.badValue, line: nil, field: "cut-offs", "the MSI-H cut-off \(cutoffs.highAtLeast) is below the MSS one \(cutoffs.stableBelow)")
        }
        let row = t.rows[0]
        sites = try t.integer(row, total, in: NumberField.count)
        unstableSites = try t.integer(row, unstable, in: NumberField.count)
        score = try t.double(row, percent, in: 0...100)
        guard unstableSites <= sites else {
            throw t.fail(.badValue, line: row.line, field: t.header[unstable], "\(unstableSites) unstable sites of \(sites)")
        }
        status = score >= cutoffs.highAtLeast ? .high : score < cutoffs.stableBelow ? .stable : nil
        self.cutoffs = cutoffs
        func n(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        method = "MSIsensor score \(n(score))% (\(unstableSites)/\(sites) sites): MSI-H at >= \(n(cutoffs.highAtLeast)), MSS below \(n(cutoffs.stableBelow))"
            + (status == nil ? ", indeterminate between" : "")
    }
}

/// The territory a TMB is counted over: a panel's target BED, merged.
///
/// BED: tab-separated `chrom`, `start` (0-based), `end` (exclusive); `track`, `browser` and `#` lines are
/// skipped; overlapping or adjacent intervals are merged before the size is summed.
public struct TargetTerritory: Sendable, Hashable {
    /// Merged intervals by normalised chromosome, 1-based inclusive, sorted.
    private let intervals: [String: [ClosedRange<Int>]]
    public let bases: Int
    public var megabases: Double { Double(bases) / 1_000_000 }

    /// - Throws: `CaseInputError` naming file, line and field: fewer than 3 fields, a bad number, start > end,
    ///   or an empty territory.
    public init(bedPath path: String) throws(CaseInputError) {
        let lines = try NumberedLines(path: path)
        var raw: [String: [ClosedRange<Int>]] = [:]
        for (n, text) in lines.lines {
            if text.allSatisfy(\.isWhitespace) || text.hasPrefix("#") || text.hasPrefix("track") || text.hasPrefix("browser") { continue }
            let f = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { throw lines.fail(.columnCount, line: n, field: nil, "\(f.count) fields; BED needs chrom, start, end") }
            let s: Int, e: Int
            do throws(NumberParseError) {
                s = try NumberField.integer(f[1], field: "start", in: 0...NumberField.position.upperBound).value
                e = try NumberField.integer(f[2], field: "end", in: NumberField.position).value
            } catch { throw lines.fail(.badValue, line: n, field: error.field, error.problem) }
            guard s <= e else { throw lines.fail(.badInterval, line: n, field: "start", "start \(s) is after end \(e)") }
            if s < e { raw[Chromosome.normalise(f[0]), default: []].append((s + 1)...e) }
        }
        var merged: [String: [ClosedRange<Int>]] = [:], bases = 0
        for (chrom, list) in raw {
            var out: [ClosedRange<Int>] = []
            for r in list.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = out.last, r.lowerBound <= last.upperBound + 1 {
                    out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
                } else { out.append(r) }
            }
            bases += out.reduce(0) { $0 + $1.count }
            merged[chrom] = out
        }
        guard bases > 0 else { throw lines.fail(.empty, line: nil, field: nil, "the BED covers no base") }
        intervals = merged
        self.bases = bases
    }

    /// The merged intervals of the territory.
    public var intervalCount: Int { intervals.values.reduce(0) { $0 + $1.count } }

    /// Whether the 1-based `position` is inside the territory.
    public func contains(_ chromosome: String, _ position: Int) -> Bool {
        guard let list = intervals[Chromosome.normalise(chromosome)] else { return false }
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].upperBound < position { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo].contains(position)
    }
}

extension TumourMutationalBurden {
    /// TMB over a panel: only variants inside `territory` count, over its size.
    public init(variants: [SomaticVariant], territory: TargetTerritory, rule: Rule = Rule()) {
        self.init(variants: variants.filter { territory.contains($0.key.chrom, $0.key.position) }, targetMegabases: territory.megabases, rule: rule)
    }

    /// One sentence for reports: what was counted, over what.
    public func method(territory: String) -> String {
        var s = "\(mutations) coding non-synonymous"
        if rule.passOnly { s += " PASS" }
        s += " variants"
        if let v = rule.minVAF { s += " with VAF >= \(v)" }
        s += " over \(String(format: "%.3f", megabases)) Mb (\(territory))"
        if unannotated > 0 { s += "; \(unannotated) unannotated variants could not be classified and are not counted" }
        return s
    }
}
