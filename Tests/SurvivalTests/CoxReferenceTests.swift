import Survival

/// A Cox model of the spec: covariate terms as R formula terms, optional strata.
struct SpecModel {
    let dataset: Dataset
    let rows: [Int]
    let time: [Double]
    let event: [Bool]
    let design: CoxDesign
    let strata: Factor?
    let strataVar: String?
    let entry: JSONValue

    /// Builds the model `id` of data set `name` from spec.json, with R's complete-case rule.
    init(dataset name: String, id: String) throws {
        let ds = try SurvivalFixtures.dataset(name)
        let entry = SurvivalFixtures.datasetSpec(name)["cox"]!.array!.first { $0["id"]?.string == id }!
        let terms = entry["covariates"]!.strings!
        let strataVar = entry["strata"]?.string
        let vars = terms.map(SpecModel.variable(of:))
        let rows = ds.completeRows(["time", "event"] + vars + (strataVar.map { [$0] } ?? []))
        var covs = [CoxDesign.Covariate]()
        for (term, v) in zip(terms, vars) {
            if term.hasPrefix("factor(") || ds.factorLevels[v] != nil {
                covs.append(.categorical(term, try ds.factor(v, rows)))
            } else {
                covs.append(.numeric(term, ds.numeric(v).enumerated().filter { rows.contains($0.offset) }.map { $0.element! }))
            }
        }
        self.dataset = ds
        self.rows = rows
        self.time = ds.time(rows)
        self.event = ds.event(rows)
        self.design = try CoxDesign(covs)
        self.strata = try strataVar.map { try ds.factor($0, rows) }
        self.strataVar = strataVar
        self.entry = entry
    }

    /// `factor(x)` → `x`.
    static func variable(of term: String) -> String {
        term.hasPrefix("factor(") ? String(term.dropFirst(7).dropLast()) : term
    }

    /// Our column name in R's spelling: `factor(stage)=2` → `factor(stage)2`, `celltype=adeno` → `celltypeadeno`.
    static func rName(_ ours: String) -> String { ours.replacingOccurrences(of: "=", with: "") }

    func fit(ties: CoxFit.Ties, epsilon: Double = 1e-9, cholTolerance: Double? = nil, maxIterations: Int = 20) throws -> CoxFit {
        var o = CoxFit.Options(ties: ties, epsilon: epsilon, maxIterations: maxIterations)
        if let cholTolerance { o.cholTolerance = cholTolerance }
        return try CoxFit(time: time, event: event, design: design, strata: strata, options: o)
    }
}

/// Cox fits against `reference/<ds>/cox__<model>__<ties>.json` (R `coxph`, `summary`, `concordance`).
enum CoxReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let parts = id.components(separatedBy: "__")
        let model = try SpecModel(dataset: name, id: parts[0])
        let ties = CoxFit.Ties(rawValue: parts[1])!
        c.equal("ties", ref["ties"]!.string!, ties.rawValue)
        let fit = try model.fit(ties: ties)
        let p = fit.columnNames.count
        c.equal("n", fit.n, ref["n"]!.int!)
        c.equal("nevent", fit.eventCount, ref["nevent"]!.int!)
        c.equal("n_dropped_na", model.dataset.rowCount - model.rows.count, ref["n_dropped_na"]!.int!)
        c.equal("terms", fit.columnNames.map(SpecModel.rName), ref["terms"]!.strings!)
        c.equal("problems", fit.problems, [])
        let table = fit.coefficientTable
        c.close("cox", "coef", fit.coefficients, ref.d("coef"), rel: Tolerance.cox)
        c.close("cox", "exp_coef", table.map(\.hazardRatio), ref.d("exp_coef"), rel: Tolerance.cox)
        c.close("cox", "se", fit.standardErrors, ref.d("se"), rel: Tolerance.cox)
        c.close("cox", "z", table.map(\.z), ref.d("z"), rel: Tolerance.cox)
        c.close("p", "p", table.map(\.pValue), ref.d("p"), rel: Tolerance.pValue)
        c.close("cox", "hr_lower95", table.map(\.lower), ref.d("hr_lower95"), rel: Tolerance.cox)
        c.close("cox", "hr_upper95", table.map(\.upper), ref.d("hr_upper95"), rel: Tolerance.cox)
        let rv = ref["var"]!.matrix!
        for a in 0..<p {
            let scale = (fit.variance[a * p + a]).squareRoot()
            for b in 0..<p {
                c.close("cox", "var[\(a)][\(b)]", fit.variance[a * p + b], rv[a][b], rel: Tolerance.cox,
                        abs: scale * (fit.variance[b * p + b]).squareRoot() * Tolerance.cox)
            }
        }
        c.close("cox", "means", fit.means, ref.d("means"), rel: 1e-13)
        c.close("cox", "loglik_null", fit.logLikelihoodNull, ref.n("loglik_null"), rel: 1e-13)
        c.close("cox", "loglik_final", fit.logLikelihood, ref.n("loglik_final"), rel: Tolerance.cox)
        for (key, test) in [("lr_test", fit.likelihoodRatioTest), ("score_test", fit.scoreTest), ("wald_test", fit.waldTest)] {
            let r = ref[key]!
            c.close("cox", "\(key).stat", test.statistic, r.n("stat"), rel: Tolerance.cox)
            c.equal("\(key).df", test.degreesOfFreedom, r["df"]!.int!)
            c.close("p", "\(key).p", test.pValue, r.n("p"), rel: Tolerance.pValue)
        }
        if let k = fit.concordance {
            let r = ref["concordance"]!
            c.close("concordance", "concordance.C", k.c, r.n("C"), rel: Tolerance.concordance)
            c.close("concordance", "concordance.se", k.standardError, r.n("se"), rel: Tolerance.concordance)
            c.equal("concordance.concordant", k.concordant, r.n("concordant"))
            c.equal("concordance.discordant", k.discordant, r.n("discordant"))
            c.equal("concordance.tied_x", k.tiedX, r.n("tied_x"))
            c.equal("concordance.tied_y", k.tiedY, r.n("tied_y"))
            c.equal("concordance.tied_xy", k.tiedXY, r.n("tied_xy"))
        } else {
            c.fail("no concordance")
        }
        c.equal("iter", fit.iterations, ref["iter"]!.int!)
        let lp10 = Array(fit.linearPredictors.prefix(10))
        c.close("cox", "lp_first10", lp10, ref.d("lp_first10"), rel: Tolerance.cox, abs: 1e-10)
        // the tight refit (eps 1e-13, toler.chol 1e-14, iter.max 200)
        let t = ref["tight"]!
        let tight = try model.fit(ties: ties, epsilon: 1e-13, cholTolerance: 1e-14, maxIterations: 200)
        c.close("coxTight", "tight.coef", tight.coefficients, t.d("coef"), rel: Tolerance.coxTight)
        c.close("coxTight", "tight.se", tight.standardErrors, t.d("se"), rel: Tolerance.coxTight)
        c.close("coxTight", "tight.loglik_final", tight.logLikelihood, t.n("loglik_final"), rel: Tolerance.coxTight)
        c.equal("tight.iter", tight.iterations, t["iter"]!.int!)
    }
}
