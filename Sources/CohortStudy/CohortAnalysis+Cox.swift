import OncoCore
import Survival
import Warehouse

extension CohortAnalysis {
    /// A Cox covariate over the analysed patients (nil: no value).
    enum CoxCovariate {
        case numeric(String, [Double?])
        case categorical(String, [Int32?], [String])
    }

    /// Cox (R: `coxph(Surv(time, event) ~ group + covariates + strata(s))`) on the complete cases, with the
    /// proportional-hazards test when asked; notes say who was left out and what could not be fitted.
    /// - Throws: `CohortStudyError.invalidDefinition` when a covariate declared numeric has values that are not numbers.
    static func fitCox(plan: CohortPlan, a: inout CohortAnalysis, _ data: AnalysedData) throws {
        let n = data.n
        var complete = [Bool](repeating: true, count: n)
        let covs = try coxCovariates(plan: plan, data, complete: &complete)
        var strata: (codes: [Int32?], levels: [String])?
        if !plan.coxStrata.isEmpty {
            let s = data.combined(plan.coxStrata)
            for k in 0..<n where s.codes[k] == nil { complete[k] = false }
            strata = s
            a.coxStrata = plan.coxStrata.map(\.label)
        }
        let rows = (0..<n).filter { complete[$0] }
        if rows.count < n { a.notes.append("Cox model: \(n - rows.count) patient(s) with a missing covariate or stratum left out (complete cases)") }
        guard let built = coxDesign(plan: plan, a: &a, data, covariates: covs, rows: rows) else { return }
        let (design, terms) = built
        guard !design.isEmpty, !rows.isEmpty else { return }
        let strataFactor: Factor? = strata.map { s in
            let used = Array(Set(rows.map { s.codes[$0]! })).sorted()
            let remap = Dictionary(used.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            return Factor(codes: rows.map { remap[s.codes[$0]!]! }, levels: used.map { s.levels[Int($0)] })
        }
        do {
            let d = try CoxDesign(design)
            let fit = try CoxFit(time: rows.map { data.time[$0] }, event: rows.map { data.event[$0] }, design: d, strata: strataFactor,
                                 options: CoxFit.Options(ties: plan.ties))
            a.cox = fit
            a.coxTerms = terms
            if plan.runPHTest {
                do { a.proportionalHazards = try fit.proportionalHazardsTest(transform: .km) }
                catch { a.notes.append("proportional-hazards test not computed: \(error)") }
            }
        } catch let e as SurvivalError {
            a.notes.append("Cox model not fitted: \(e)")
        }
    }

    /// The definition's covariates over the analysed patients, numeric or categorical (as declared, else as the
    /// values are); a patient without a value is marked incomplete.
    static func coxCovariates(plan: CohortPlan, _ data: AnalysedData, complete: inout [Bool]) throws -> [CoxCovariate] {
        var covs: [CoxCovariate] = []
        for (v, kind) in plan.covariates {
            let vals = VariableValues(column: data.column[v.column]!, variable: v)
            let numeric = kind.map { $0 == .numeric } ?? vals.isNumeric
            if numeric {
                let xs = data.tableRow.map { vals.numbers[$0] }
                if kind == .numeric, data.tableRow.contains(where: { vals.texts[$0] != nil && vals.numbers[$0] == nil }) {
                    throw CohortStudyError(.invalidDefinition, "\(plan.source): analysis.cox.covariates", "\(v) has values that are not numbers")
                }
                for k in 0..<data.n where xs[k] == nil { complete[k] = false }
                covs.append(.numeric(v.label, xs))
            } else {
                let f = data.factor(v)
                for k in 0..<data.n where f.codes[k] == nil { complete[k] = false }
                covs.append(.categorical(v.label, f.codes, f.levels))
            }
        }
        return covs
    }

    /// The design over the complete cases: the group (when the study has groups; levels without patients dropped)
    /// and the covariates, with the patients behind each term. Nil (and a note) with fewer than two non-empty groups.
    static func coxDesign(plan: CohortPlan, a: inout CohortAnalysis, _ data: AnalysedData, covariates covs: [CoxCovariate],
                          rows: [Int]) -> (design: [CoxDesign.Covariate], terms: [CoxTerm])? {
        var design: [CoxDesign.Covariate] = []
        var terms: [CoxTerm] = []
        if plan.definition.groups != nil {
            let labels = data.labels
            var c = [Int](repeating: 0, count: labels.count)
            for k in rows { c[Int(data.groupCodes[k])] += 1 }
            let present = labels.indices.filter { c[$0] > 0 }
            guard present.count >= 2 else {
                a.notes.append("Cox model not fitted: fewer than two non-empty groups")
                return nil
            }
            let remap = Dictionary(present.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            let lv = present.map { labels[$0] }
            design.append(.categorical("group", Factor(codes: rows.map { remap[Int(data.groupCodes[$0])]! }, levels: lv)))
            terms.append(CoxTerm(name: "group", levels: lv, counts: present.map { c[$0] }))
        }
        for cov in covs {
            switch cov {
            case .numeric(let name, let xs):
                design.append(.numeric(name, rows.map { xs[$0]! }))
                terms.append(CoxTerm(name: name, levels: nil, counts: [rows.count]))
            case .categorical(let name, let codes, let levels):
                var c = [Int](repeating: 0, count: levels.count)
                for k in rows { c[Int(codes[k]!)] += 1 }
                let present = levels.indices.filter { c[$0] > 0 }
                let remap = Dictionary(present.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
                design.append(.categorical(name, Factor(codes: rows.map { remap[Int(codes[$0]!)]! }, levels: present.map { levels[$0] })))
                terms.append(CoxTerm(name: name, levels: present.map { levels[$0] }, counts: present.map { c[$0] }))
            }
        }
        return (design, terms)
    }
}
