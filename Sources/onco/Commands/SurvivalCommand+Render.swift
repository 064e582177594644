import Foundation
import Survival
import SurvivalInput

// Text (laid out like R's print methods) and JSON renderings of the survival results.

/// A JSON value with ordered keys; non-finite numbers are written as null (R's NA).
indirect enum SurvivalJSON {
    case object([(String, SurvivalJSON)])
    case array([SurvivalJSON])
    case number(Double)
    case int(Int)
    case string(String)
    case bool(Bool)
    case null

    static func numbers(_ v: [Double]) -> SurvivalJSON { .array(v.map { .number($0) }) }
    static func ints(_ v: [Int]) -> SurvivalJSON { .array(v.map { .int($0) }) }

    func rendered(_ indent: String = "") -> String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d): return d.isFinite ? "\(d)" : "null"
        case .string(let s): return SurvivalJSON.quote(s)
        case .array(let a):
            if a.isEmpty { return "[]" }
            if a.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
                return "[" + a.map { $0.rendered() }.joined(separator: ", ") + "]"
            }
            let inner = indent + "  "
            return "[\n" + a.map { inner + $0.rendered(inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let kv):
            if kv.isEmpty { return "{}" }
            let inner = indent + "  "
            return "{\n" + kv.map { inner + SurvivalJSON.quote($0.0) + ": " + $0.1.rendered(inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// Text layout helpers of the survival commands.
enum SurvivalText {
    /// R-style number formatting: `digits` significant digits, NA for NaN.
    static func number(_ x: Double, _ digits: Int = 4) -> String {
        if x.isNaN { return "NA" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.\(digits)g", x)
    }

    /// p-values as R's `format.pval`: < 2e-16 below machine precision, else 2 significant digits.
    static func pValue(_ p: Double) -> String {
        if p.isNaN { return "NA" }
        if p < 2.2e-16 { return "<2e-16" }
        return String(format: "%.2g", p)
    }

    /// Right-aligned columns; the first column left-aligned when it holds labels.
    static func table(_ header: [String], _ rows: [[String]], labels: Bool = true) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for r in all { for (k, c) in r.enumerated() { widths[k] = max(widths[k], c.count) } }
        return all.map { r in
            r.enumerated().map { k, c in
                let pad = String(repeating: " ", count: widths[k] - c.count)
                return k == 0 && labels ? c + pad : pad + c
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func inputLine(_ file: String, _ rows: SurvivalRows) -> String {
        "Input \(file): \(rows.count) rows used, \(rows.dropped) dropped for missing values (of \(rows.total))\n"
    }
}

// MARK: - Kaplan–Meier

struct SurvivalKMReport {
    let file: String
    let group: String?
    let labels: [String]
    let curves: [KaplanMeier]
    let rows: SurvivalRows
    let tau: Double
    let times: [Double]

    func name(_ k: Int) -> String { group.map { "\($0)=\(labels[k])" } ?? labels[k] }

    func text() -> String {
        let c0 = curves[0]
        let pct = SurvivalText.number(c0.confidenceLevel.level * 100, 3)
        var s = "Kaplan-Meier estimate (R: survfit), \(pct)% pointwise bounds, conf.type \(c0.confidenceType.rawValue)" +
            (c0.weighted != nil ? ", case weights, \(c0.varianceMethod.rawValue) variance" : "") + "\n"
        s += SurvivalText.inputLine(file, rows) + "\n"
        let lev = SurvivalText.number(c0.confidenceLevel.level, 3)
        var body = [[String]]()
        for (k, c) in curves.enumerated() {
            let m = c.median
            let r = c.restrictedMean(upTo: tau)
            body.append([name(k), String(c.n), String(c.eventCount), SurvivalText.number(m.estimate), SurvivalText.number(m.lower), SurvivalText.number(m.upper),
                         SurvivalText.number(r.mean), SurvivalText.number(r.standardError)])
        }
        s += SurvivalText.table(["", "n", "events", "median", "\(lev)LCL", "\(lev)UCL", "rmean*", "se(rmean)"], body)
        s += "    * restricted mean with upper limit = \(SurvivalText.number(tau, 6))\n"
        for (k, c) in curves.enumerated() {
            s += "\n" + (curves.count > 1 || group != nil ? "\(name(k))\n" : "")
            var rows = [[String]]()
            if times.isEmpty {
                let se = c.survivalStandardError
                for j in c.time.indices where c.events[j] > 0 {
                    let risk = c.weighted.map { SurvivalText.number($0.atRisk[j]) } ?? String(c.atRisk[j])
                    let events = c.weighted.map { SurvivalText.number($0.events[j]) } ?? String(c.events[j])
                    rows.append([SurvivalText.number(c.time[j], 6), risk, events, SurvivalText.number(c.survival[j], 4),
                                 SurvivalText.number(se[j], 3), SurvivalText.number(c.lower[j], 4), SurvivalText.number(c.upper[j], 4)])
                }
                s += SurvivalText.table(["time", "n.risk", "n.event", "survival", "std.err", "lower \(pct)% CI", "upper \(pct)% CI"], rows, labels: false)
            } else {
                for p in c.summary(at: times) {
                    rows.append([SurvivalText.number(p.time, 6), SurvivalText.number(p.atRisk), SurvivalText.number(p.survival, 4), SurvivalText.number(p.standardError, 3),
                                 SurvivalText.number(p.lower, 4), SurvivalText.number(p.upper, 4)])
                }
                s += SurvivalText.table(["time", "n.risk", "survival", "std.err", "lower \(pct)% CI", "upper \(pct)% CI"], rows, labels: false)
            }
        }
        return s
    }

    func json() -> String {
        var out = [SurvivalJSON]()
        for (k, c) in curves.enumerated() {
            let m = c.median
            let r = c.restrictedMean(upTo: tau)
            var obj: [(String, SurvivalJSON)] = [
                ("group", group == nil ? .null : .string(labels[k])),
                ("strata", .string(name(k))),
                ("n", .int(c.n)),
                ("events", .int(c.eventCount)),
                ("time", .numbers(c.time)),
                ("n_risk", c.weighted.map { .numbers($0.atRisk) } ?? .ints(c.atRisk)),
                ("n_event", c.weighted.map { .numbers($0.events) } ?? .ints(c.events)),
                ("n_censor", c.weighted.map { .numbers($0.censored) } ?? .ints(c.censored)),
                ("survival", .numbers(c.survival)),
                ("std_err", .numbers(c.standardError)),
                ("std_err_surv", .numbers(c.survivalStandardError)),
                ("lower", .numbers(c.lower)),
                ("upper", .numbers(c.upper)),
                ("cumhaz", .numbers(c.cumulativeHazard)),
                ("cumhaz_std_err", .numbers(c.cumulativeHazardStandardError)),
                ("median", .number(m.estimate)),
                ("median_lower", .number(m.lower)),
                ("median_upper", .number(m.upper)),
                ("quantiles", .array(c.quantiles().map { q in
                    .object([("probability", .number(q.probability)), ("time", .number(q.estimate)),
                             ("lower", .number(q.lower)), ("upper", .number(q.upper))])
                })),
                ("rmst", .number(r.mean)),
                ("rmst_se", .number(r.standardError)),
                ("rmst_tau", .number(tau)),
            ]
            if !times.isEmpty {
                obj.append(("at_times", .array(c.summary(at: times).map { p in
                    .object([("time", .number(p.time)), ("n_risk", .number(p.atRisk)), ("survival", .number(p.survival)),
                             ("std_err", .number(p.standardError)), ("lower", .number(p.lower)), ("upper", .number(p.upper))])
                })))
            }
            out.append(.object(obj))
        }
        return SurvivalJSON.object([
            ("analysis", .string("km")),
            ("conf_type", .string(curves[0].confidenceType.rawValue)),
            ("conf_level", .number(curves[0].confidenceLevel.level)),
            ("variance", .string(curves[0].varianceMethod.rawValue)),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
            ("curves", .array(out)),
        ]).rendered() + "\n"
    }
}

// MARK: - log-rank

struct SurvivalLogRankReport {
    let file: String
    let group: String
    let strataColumn: String?
    let test: LogRank
    let rows: SurvivalRows

    func text() -> String {
        let name = test.rho == 0 ? "Log-rank test" : "G-rho test (rho = \(SurvivalText.number(test.rho)), Peto & Peto for rho = 1)"
        var s = "\(name) (R: survdiff)" + (strataColumn.map { ", stratified by \($0)" } ?? "") + "\n"
        s += SurvivalText.inputLine(file, rows) + "\n"
        let k = test.groups.count
        var body = [[String]]()
        for g in 0..<k {
            let o = test.observed[g], e = test.expected[g]
            body.append(["\(group)=\(test.groups[g])", String(test.counts[g]), SurvivalText.number(o, 5), SurvivalText.number(e, 3),
                         SurvivalText.number((o - e) * (o - e) / e, 3), SurvivalText.number((o - e) * (o - e) / test.variance[g * k + g], 3)])
        }
        s += SurvivalText.table(["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"], body)
        s += "\n Chisq= \(SurvivalText.number(test.chiSquare, 3))  on \(test.degreesOfFreedom) degrees of freedom, p= \(SurvivalText.pValue(test.pValue))\n"
        return s
    }

    func json() -> String {
        let k = test.groups.count
        var obj: [(String, SurvivalJSON)] = [
            ("analysis", .string("logrank")),
            ("rho", .number(test.rho)),
            ("chisq", .number(test.chiSquare)),
            ("df", .int(test.degreesOfFreedom)),
            ("p", .number(test.pValue)),
            ("groups", .array((0..<k).map { g in
                .object([("group", .string(test.groups[g])), ("n", .int(test.counts[g])),
                         ("observed", .number(test.observed[g])), ("expected", .number(test.expected[g]))])
            })),
            ("variance", .array((0..<k).map { a in .numbers(Array(test.variance[(a * k)..<((a + 1) * k)])) })),
            ("n", .int(rows.count)),
            ("n_dropped_missing", .int(rows.dropped)),
        ]
        if !test.strata.isEmpty {
            obj.append(("strata", .array(test.strata.enumerated().map { s, label in
                .object([("stratum", .string(label)), ("n", .int(test.strataCounts[s])),
                         ("observed", .numbers(test.observedByStratum.map { $0[s] })),
                         ("expected", .numbers(test.expectedByStratum.map { $0[s] }))])
            })))
        }
        return SurvivalJSON.object(obj).rendered() + "\n"
    }
}

// MARK: - Cox

struct SurvivalCoxReport {
    let file: String
    let fit: CoxFit
    let zph: ProportionalHazardsTest?
    let rows: SurvivalRows
    let categorical: [String]
    let strataColumn: String?
    let clusterColumn: String?

    /// How the variance was computed: "model", "robust" or "robust, cluster <column>".
    var varianceLabel: String {
        guard fit.naiveVariance != nil else { return "model" }
        return clusterColumn.map { "robust, cluster \($0)" } ?? "robust"
    }

    func text() -> String {
        var s = "Cox proportional hazards (R: coxph), ties = \(fit.options.ties.rawValue)" +
            (strataColumn.map { ", stratified by \($0)" } ?? "") +
            (fit.naiveVariance != nil ? ", \(varianceLabel) variance" : "") + "\n"
        s += SurvivalText.inputLine(file, rows)
        s += "  n= \(fit.n), number of events= \(fit.eventCount)\n\n"
        s += SurvivalCoxReport.coefficientText(fit)
        s += "\n"
        if let c = fit.concordance { s += "Concordance= \(SurvivalText.number(c.c, 3))  (se = \(SurvivalText.number(c.standardError, 3)) )\n" }
        for (label, test) in [("Likelihood ratio test", fit.likelihoodRatioTest), ("Wald test            ", fit.waldTest),
                              ("Score (logrank) test ", fit.scoreTest)] {
            s += "\(label)= \(SurvivalText.number(test.statistic, 4))  on \(test.degreesOfFreedom) df,   p=\(SurvivalText.pValue(test.pValue))\n"
        }
        s += "Iterations: \(fit.iterations)\n"
        if let zph {
            s += "\nProportional hazards test (R: cox.zph, transform = \(zph.transform.rawValue))\n"
            s += SurvivalText.table(["", "chisq", "df", "p"], (zph.terms + [zph.global]).map {
                [$0.name, SurvivalText.number($0.chiSquare, 4), String($0.degreesOfFreedom), SurvivalText.pValue($0.pValue)]
            })
        }
        if !fit.problems.isEmpty {
            s += "\nWarning: " + fit.problems.map { problemText($0) }.joined(separator: "; ") + "\n"
        }
        return s
    }

    /// R's `print(summary(fit))` coefficient and hazard-ratio tables (with "robust se" beside
    /// "se(coef)" when the variance is robust).
    static func coefficientText(_ fit: CoxFit) -> String {
        var s = ""
        let t = fit.coefficientTable
        if let naive = fit.naiveStandardErrors {
            s += SurvivalText.table(["", "coef", "exp(coef)", "se(coef)", "robust se", "z", "Pr(>|z|)"], t.indices.map { k in
                let c = t[k]
                return [c.name, SurvivalText.number(c.coefficient), SurvivalText.number(c.hazardRatio), SurvivalText.number(naive[k]),
                        SurvivalText.number(c.standardError), SurvivalText.number(c.z, 3), SurvivalText.pValue(c.pValue)]
            })
        } else {
            s += SurvivalText.table(["", "coef", "exp(coef)", "se(coef)", "z", "Pr(>|z|)"], t.map {
                [$0.name, SurvivalText.number($0.coefficient), SurvivalText.number($0.hazardRatio), SurvivalText.number($0.standardError), SurvivalText.number($0.z, 3), SurvivalText.pValue($0.pValue)]
            })
        }
        let lev = SurvivalText.number(fit.options.confidenceLevel, 3).replacingOccurrences(of: "0.", with: ".")
        s += "\n" + SurvivalText.table(["", "exp(coef)", "exp(-coef)", "lower \(lev)", "upper \(lev)"], t.map {
            [$0.name, SurvivalText.number($0.hazardRatio), SurvivalText.number(1 / $0.hazardRatio), SurvivalText.number($0.lower), SurvivalText.number($0.upper)]
        })
        return s
    }

    /// `terms[]`: name, coef, hazard_ratio, se (robust when asked), naive_se (robust fits), z, p, lower, upper.
    static func termsJSON(_ fit: CoxFit) -> SurvivalJSON {
        let t = fit.coefficientTable
        return .array(t.indices.map { k in
            let c = t[k]
            var term: [(String, SurvivalJSON)] = [("name", .string(c.name)), ("coef", .number(c.coefficient)), ("hazard_ratio", .number(c.hazardRatio)),
                                                  ("se", .number(c.standardError))]
            if let naive = fit.naiveStandardErrors { term.append(("naive_se", .number(naive[k]))) }
            term += [("z", .number(c.z)), ("p", .number(c.pValue)), ("lower", .number(c.lower)), ("upper", .number(c.upper))]
            return .object(term)
        })
    }

    func problemText(_ p: CoxFit.Problem) -> String {
        func names(_ c: [Int]) -> String { c.map { fit.columnNames[$0] }.joined(separator: ", ") }
        switch p {
        case .noEvents: return "no events; nothing to estimate"
        case .singular(let c): return "X matrix deemed to be singular; not estimable: \(names(c))"
        case .infiniteCoefficient(let c): return "log-likelihood converged before \(names(c)); coefficient may be infinite"
        case .iterationLimit: return "ran out of iterations and did not converge"
        }
    }

    func testJSON(_ t: ChiSquareTest) -> SurvivalJSON {
        .object([("statistic", .number(t.statistic)), ("df", .int(t.degreesOfFreedom)), ("p", .number(t.pValue))])
    }

    func json() -> String {
        let t = fit.coefficientTable
        var obj: [(String, SurvivalJSON)] = [
            ("analysis", .string("cox")),
            ("n", .int(fit.n)),
            ("events", .int(fit.eventCount)),
            ("n_dropped_missing", .int(rows.dropped)),
            ("ties", .string(fit.options.ties.rawValue)),
            ("strata", strataColumn.map { _ in .array(fit.strata.map { .string($0) }) } ?? .null),
            ("iterations", .int(fit.iterations)),
            ("converged", .bool(!fit.problems.contains(.iterationLimit))),
            ("loglik_null", .number(fit.logLikelihoodNull)),
            ("loglik", .number(fit.logLikelihood)),
            ("conf_level", .number(fit.options.confidenceLevel)),
            ("variance_type", .string(varianceLabel)),
            ("terms", SurvivalCoxReport.termsJSON(fit)),
            ("categorical", .array(categorical.map { .string($0) })),
            ("means", .numbers(fit.means)),
            ("variance", .array((0..<t.count).map { a in .numbers(Array(fit.variance[(a * t.count)..<((a + 1) * t.count)])) })),
            ("likelihood_ratio", testJSON(fit.likelihoodRatioTest)),
            ("wald", testJSON(fit.waldTest)),
            ("score", testJSON(fit.scoreTest)),
            ("concordance", fit.concordance.map { .object([("c", .number($0.c)), ("se", .number($0.standardError))]) } ?? .null),
        ]
        if let zph {
            obj.append(("zph", .object([
                ("transform", .string(zph.transform.rawValue)),
                ("terms", .array(zph.terms.map {
                    .object([("name", .string($0.name)), ("chisq", .number($0.chiSquare)), ("df", .int($0.degreesOfFreedom)), ("p", .number($0.pValue))])
                })),
                ("global", .object([("chisq", .number(zph.global.chiSquare)), ("df", .int(zph.global.degreesOfFreedom)),
                                    ("p", .number(zph.global.pValue))])),
            ])))
        } else {
            obj.append(("zph", .null))
        }
        obj.append(("problems", .array(fit.problems.map { .string(problemText($0)) })))
        return SurvivalJSON.object(obj).rendered() + "\n"
    }
}
