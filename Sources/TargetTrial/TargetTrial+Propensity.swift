import Foundation
import Survival

/// The propensity model's input after the kept/dropped rule and the missing-value rule.
struct PropensityDesign {
    /// Covariates for `CoxDesign` (numeric columns, categorical factors, missing indicators).
    var covariates: [CoxDesign.Covariate]
    /// One row per column of the balance table: covariate, level (nil for numeric), values per entry.
    var balanceColumns: [(covariate: String, level: String?, values: [Double])]
    /// R-style right-hand side (`age + factor(sex) + ...`).
    var formulaTerms: [String]
}

extension TargetTrial {
    /// Applies the kept/dropped rule: a covariate known for fewer than half of the entries, or constant
    /// among its known values, is dropped (stated in `CovariateUse`).
    static func selectCovariates(_ raw: [RawCovariate], entries n: Int) -> (kept: [RawCovariate], uses: [CovariateUse]) {
        var kept: [RawCovariate] = [], uses: [CovariateUse] = []
        for c in raw {
            let known = (0..<n).filter { c.isKnown($0) }.count
            var why: String?
            let kind: CovariateUse.Kind
            switch c.values {
            case .numeric(let v):
                kind = .numeric
                if isConstant(v) { why = "constant" }
            case .categorical(let v):
                kind = .categorical
                if isConstant(v) { why = "constant" }
            }
            if 2 * known < n { why = "known for \(known) of \(n) entries (fewer than half)" }
            if known == 0 { why = "not recorded" }
            uses.append(CovariateUse(name: c.name, kind: kind, kept: why == nil, droppedBecause: why, known: known, missing: n - known))
            if why == nil { kept.append(c) }
        }
        return (kept, uses)
    }

    /// Fewer than two distinct recorded values (missing ones ignored).
    static func isConstant<T: Equatable>(_ v: [T?]) -> Bool {
        guard let i = v.firstIndex(where: { $0 != nil }) else { return true }
        let first = v[i]
        return !v[(i + 1)...].contains { $0 != nil && $0 != first }
    }

    /// Entries missing a kept covariate (complete-case rule).
    static func incompleteEntries(_ kept: [RawCovariate], entries n: Int) -> Set<Int> {
        var out = Set<Int>()
        for c in kept { for i in 0..<n where !c.isKnown(i) { out.insert(i) } }
        return out
    }

    /// Sorted distinct labels in code-point order (R: `sort(unique(x), method = "radix")`).
    static func levels(_ values: [String]) -> [String] {
        Array(Set(values)).sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
    }

    /// The model's columns under the missing-indicator rule (complete cases: no value is missing any more).
    static func propensityDesign(_ kept: [RawCovariate], entries n: Int) -> PropensityDesign {
        var d = PropensityDesign(covariates: [], balanceColumns: [], formulaTerms: [])
        for c in kept {
            switch c.values {
            case .numeric(let v):
                let known = v.compactMap { $0 }
                let mean = known.reduce(0, +) / Double(known.count)
                let filled = v.map { $0 ?? mean }
                d.covariates.append(.numeric(c.name, filled))
                d.balanceColumns.append((c.name, nil, filled))
                d.formulaTerms.append("`\(c.name)`")
                if known.count < n {
                    let indicator = v.map { $0 == nil ? 1.0 : 0.0 }
                    d.covariates.append(.numeric("\(c.name) (missing)", indicator))
                    d.balanceColumns.append((c.name, "(missing)", indicator))
                    d.formulaTerms.append("`\(c.name) (missing)`")
                }
            case .categorical(let v):
                let filled = v.map { $0 ?? "(missing)" }
                let lv = levels(filled)
                // Levels come from the values themselves, so the factor cannot fail.
                let codes = filled.map { x in Int32(lv.firstIndex(of: x)!) }
                d.covariates.append(.categorical(c.name, Factor(codes: codes, levels: lv)))
                for l in lv { d.balanceColumns.append((c.name, l, filled.map { $0 == l ? 1 : 0 })) }
                d.formulaTerms.append("factor(`\(c.name)`)")
            }
        }
        return d
    }

    /// R's `quantile(x, p, type = 7)`.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// Weights from propensity scores, truncated as the protocol says.
    static func weights(ps: [Double], treated: [Bool], protocol p: TargetTrialProtocol) -> (weights: [Double], summary: WeightSummary) {
        let n = ps.count
        let share = Double(treated.filter { $0 }.count) / Double(n)
        var w = (0..<n).map { i -> Double in
            switch p.weighting {
            case .stabilisedIPTW: return treated[i] ? share / ps[i] : (1 - share) / (1 - ps[i])
            case .overlap: return treated[i] ? 1 - ps[i] : ps[i]
            }
        }
        var lower: Double?, upper: Double?, low = 0, high = 0
        if let tr = p.truncation {
            let sorted = w.sorted()
            let lo = quantile(sorted, tr.lower), hi = quantile(sorted, tr.upper)
            lower = lo; upper = hi
            for i in 0..<n {
                if w[i] < lo { w[i] = lo; low += 1 } else if w[i] > hi { w[i] = hi; high += 1 }
            }
        }
        func mean(_ arm: Bool) -> Double {
            let v = (0..<n).filter { treated[$0] == arm }.map { w[$0] }
            return v.reduce(0, +) / Double(v.count)
        }
        return (w, WeightSummary(scheme: p.weighting, treatedShare: share, truncationLower: lower, truncationUpper: upper,
                                 truncatedLow: low, truncatedHigh: high, minimum: w.min() ?? 0, maximum: w.max() ?? 0,
                                 treatedMean: mean(true), comparatorMean: mean(false)))
    }
}
