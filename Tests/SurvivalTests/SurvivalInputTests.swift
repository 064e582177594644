import Foundation
import OncoCore
import Survival
import SurvivalInput
import Testing
import _TestSupport

/// Survival tables read from CSV (module SurvivalInput): numbers, missing values, covariate kinds,
/// and aliased Cox covariates against R (`extra/aliased.json`, scripts/aliased_reference.R).
@Suite struct SurvivalInputTests {
    static func table(_ csv: String) throws -> DelimitedTable {
        try DelimitedTable(data: Data(csv.utf8), path: "t.csv")
    }

    static func rows(_ csv: String, _ columns: [String]) throws -> SurvivalRows {
        try SurvivalRows(try table(csv), time: "time", event: "event", columns: columns)
    }

    /// R's `read.csv` missing values (`NA`, empty) and cBioPortal's bracketed codes drop the row.
    @Test func missingValuesDropTheRow() throws {
        let r = try Self.rows("time,event,x\n1,1,2\n2,0,NA\n3,1,\n4,1,[Not Available]\nNA,1,5\n5,0,7\n", ["x"])
        #expect(r.count == 2 && r.dropped == 4 && r.total == 6)
        #expect(r.lines == [2, 7])
        #expect(try r.numeric("x") == [2, 7])
    }

    @Test(arguments: [
        ("time,event\n1,1\nabc,0\n", "t.csv line 3, column 'time': value 'abc' is not a number"),
        ("time,event\n1,1\ninf,0\n", "t.csv line 3, column 'time': value 'inf' is not a finite number"),
        ("time,event\n1,1\n1e400,0\n", "t.csv line 3, column 'time': value '1e400' is not a finite number"),
        ("time,event\n1,1\n0x10,0\n", "t.csv line 3, column 'time': value '0x10' is not a number"),
        ("time,event\n1,1\n-2,0\n", "t.csv line 3, column 'time': time is negative (value '-2')"),
    ])
    func badTimes(csv: String, message: String) throws {
        do { _ = try Self.rows(csv, []); Issue.record("accepted") } catch { #expect("\(error)" == message) }
    }

    /// One non-number in a numeric column is an error naming line, column and value, not ~40 factor levels.
    @Test func nonNumericValueInNumericCovariateIsAnError() throws {
        var csv = "time,event,age\n"
        for i in 0..<40 { csv += "\(i + 1),\(i % 2),\(40 + i)\n" }
        csv += "41,1,6O\n"
        let r = try Self.rows(csv, ["age"])
        do {
            _ = try r.coxCovariates(["age"], categorical: [])
            Issue.record("a mostly numeric column became a factor")
        } catch {
            #expect("\(error)" == "t.csv line 42, column 'age': value '6O' is not a number in a column that is otherwise numeric (40 of 41 values are numbers); fix the value, mark it missing (NA), or declare the column categorical (onco: --categorical age)")
        }
        // declared categorical, it is a factor with 41 levels
        let (cov, cats) = try r.coxCovariates(["age"], categorical: ["age"])
        #expect(cats == ["age"])
        guard case .categorical(_, let f) = cov[0] else { Issue.record("not categorical"); return }
        #expect(f.levels.count == 41)
    }

    @Test func kindsOfCovariates() throws {
        let r = try Self.rows("time,event,x,g,s\n1,1,1.5,a,1\n2,0,2,b,2\n3,1,4e0,a,x\n4,1,-1,c,y\n5,0,2,b,z\n", ["x", "g", "s"])
        let (cov, cats) = try r.coxCovariates(["x", "g", "s"], categorical: [])
        // x: all numbers; g: no numbers; s: 2 of 5 numbers (a minority), a factor as in read.csv
        #expect(cats == ["g", "s"])
        guard case .numeric(_, let x) = cov[0] else { Issue.record("x not numeric"); return }
        #expect(x == [1.5, 2, 4, -1, 2])
        // inf is not a number: a numeric column holding it is an error
        let bad = try Self.rows("time,event,x\n1,1,1\n2,0,inf\n3,1,2\n", ["x"])
        #expect(throws: DelimitedTableError(file: "t.csv", line: 3, column: "x",
                                            message: "value 'inf' is not a finite number in a column that is otherwise numeric (2 of 3 values are numbers); fix the value, mark it missing (NA), or declare the column categorical (onco: --categorical x)")) {
            try bad.coxCovariates(["x"], categorical: [])
        }
    }

    // MARK: aliased covariates against R

    static let aliased = try! SurvivalFixtures.extra("aliased.json")["cases"]!

    static func caseNames() -> [String] {
        guard case .object(let pairs) = aliased else { return [] }
        return pairs.map(\.0)
    }

    /// coxph gives a constant or linearly dependent column coef NA and se NA and fits the others as
    /// if it were absent; so do we, through the same path as `onco survival cox`.
    @Test(arguments: caseNames())
    func aliasedCovariateIsNA(name: String) throws {
        let c = Self.aliased[name]!
        let covs = c["covariates"]!.strings!
        let table = try DelimitedTable(path: SurvivalFixtures.root.appendingPathComponent("extra/aliased.csv").path)
        let rows = try SurvivalRows(table, time: "time", event: "event", columns: covs)
        let (design, cats) = try rows.coxCovariates(covs, categorical: [])
        #expect(cats.isEmpty)
        let fit = try CoxFit(time: rows.time, event: rows.event, design: try CoxDesign(design),
                             options: .init(ties: c["ties"]!.string == "breslow" ? .breslow : .efron))
        let rCoef = c.d("coef"), rSE = c.d("se")
        let aliasedColumns = rCoef.indices.filter { rCoef[$0].isNaN }
        #expect(!aliasedColumns.isEmpty)
        #expect(fit.problems == [.singular(columns: aliasedColumns)])
        for j in rCoef.indices {
            if rCoef[j].isNaN {
                #expect(fit.coefficients[j].isNaN, "\(name) \(covs[j]): R NA, ours \(fit.coefficients[j])")
                #expect(fit.standardErrors[j].isNaN)
            } else {
                #expect(isClose(fit.coefficients[j], rCoef[j], rel: 1e-10, abs: 1e-12), "\(name) coef \(covs[j]): R \(rCoef[j]), ours \(fit.coefficients[j])")
                #expect(isClose(fit.standardErrors[j], rSE[j], rel: 1e-10, abs: 1e-12), "\(name) se \(covs[j])")
            }
        }
        // the others as if the column were absent
        #expect(zip(rCoef.filter { !$0.isNaN }, c.d("reduced_coef")).allSatisfy { isClose($0, $1, rel: 1e-10, abs: 1e-12) })
        let ll = c.d("loglik")
        #expect(isClose(fit.logLikelihoodNull, ll[0], rel: 1e-10) && isClose(fit.logLikelihood, ll[1], rel: 1e-10))
        #expect(fit.iterations == c["iter"]!.int!)
        if c.n("wald").isNaN {   // R: no wald.test when every coefficient is NA
            #expect(fit.waldTest.degreesOfFreedom == 0)
        } else {
            #expect(isClose(fit.waldTest.statistic, c.n("wald"), rel: 1e-10))
        }
        #expect(isClose(fit.scoreTest.statistic, c.n("score"), rel: 1e-10, abs: 1e-12))
        #expect(fit.likelihoodRatioTest.degreesOfFreedom == rCoef.count - aliasedColumns.count)
    }
}
