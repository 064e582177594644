import Foundation
import Survival
import SurvivalInput

// `onco survival cox` and `onco survival finegray`: text as R prints summary(coxph), and JSON.

// MARK: - Cox

public struct SurvivalCoxReport {
    public let file: String
    public let fit: CoxFit
    public let zph: ProportionalHazardsTest?
    public let rows: SurvivalRows
    public let categorical: [String]
    public let strataColumn: String?
    public let clusterColumn: String?

    public init(file: String, fit: CoxFit, zph: ProportionalHazardsTest?, rows: SurvivalRows, categorical: [String], strataColumn: String?, clusterColumn: String?) {
        self.file = file
        self.fit = fit
        self.zph = zph
        self.rows = rows
        self.categorical = categorical
        self.strataColumn = strataColumn
        self.clusterColumn = clusterColumn
    }

    /// How the variance was computed: "model", "robust" or "robust, cluster <column>".
    var varianceLabel: String {
        guard fit.naiveVariance != nil else { return "model" }
        return clusterColumn.map { "robust, cluster \($0)" } ?? "robust"
    }

    public func text() -> String {
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

    public func json() -> String {
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

/// Text and JSON of a Fine–Gray fit; `terms[]` as `survival cox` writes them.
public struct SurvivalFineGrayReport {
    public let file: String
    public let fineGray: FineGray
    public let rows: SurvivalRows
    public let categorical: [String]
    /// The `--strata` column, when the baseline subdistribution hazard is stratified.
    public let strataColumn: String?

    public init(file: String, fineGray: FineGray, rows: SurvivalRows, categorical: [String], strataColumn: String? = nil) {
        self.file = file
        self.fineGray = fineGray
        self.rows = rows
        self.categorical = categorical
        self.strataColumn = strataColumn
    }

    var events: [Int: Int] { rows.status.reduce(into: [:]) { if $1 > 0 { $0[$1, default: 0] += 1 } } }

    public func text() -> String {
        let fit = fineGray.fit
        var s = "Fine-Gray subdistribution hazards (R: finegray + coxph(weights = fgwt, cluster = id)), cause \(fineGray.data.eventOfInterest)"
            + (strataColumn.map { ", stratified by \($0)" } ?? "")
            + ", ties = \(fit.options.ties.rawValue), robust variance clustered by subject\n"
        s += SurvivalText.inputLine(file, rows)
        s += "  events by cause: " + events.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n"
        s += "  n= \(fineGray.n) subjects, \(fineGray.data.count) weighted (start, stop] rows, events of interest= \(fit.eventCount)\n\n"
        s += SurvivalCoxReport.coefficientText(fit)
        s += "\nexp(coef) is the subdistribution hazard ratio.\n"
        if !fit.problems.isEmpty { s += "\nWarning: " + fit.problems.map(\.description).joined(separator: "; ") + "\n" }
        return s
    }

    public func json() -> String {
        let fit = fineGray.fit
        return SurvivalJSON.object([
            ("analysis", .string("finegray")),
            ("event_of_interest", .int(fineGray.data.eventOfInterest)),
            ("n", .int(fineGray.n)),
            ("n_expanded", .int(fineGray.data.count)),
            ("events", .int(fit.eventCount)),
            ("events_by_cause", .object(events.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) })),
            ("n_dropped_missing", .int(rows.dropped)),
            ("ties", .string(fit.options.ties.rawValue)),
            ("iterations", .int(fit.iterations)),
            ("converged", .bool(!fit.problems.contains(.iterationLimit))),
            ("loglik_null", .number(fit.logLikelihoodNull)),
            ("loglik", .number(fit.logLikelihood)),
            ("conf_level", .number(fit.options.confidenceLevel)),
            ("variance_type", .string("robust, cluster subject")),
            ("terms", SurvivalCoxReport.termsJSON(fit)),
            ("categorical", .array(categorical.map { .string($0) })),
            ("strata", strataColumn.map { _ in .array(fit.strata.map { .string($0) }) } ?? .null),
            ("problems", .array(fit.problems.map { .string($0.description) })),
        ]).rendered() + "\n"
    }
}
