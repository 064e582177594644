import OncoCore
import Survival

/// The rows of a table that are complete in the columns an analysis uses: follow-up time, event, and
/// the raw cells of the other columns (covariates, groups, strata, weights).
///
/// R: `model.frame(..., na.action = na.omit)` on a `read.csv` table: a row with a missing value
/// (`DelimitedTable.isMissing`) in any used column is dropped and counted.
public struct SurvivalRows: Sendable {
    public var time: [Double] = []
    public var event: [Bool] = []
    /// Competing risks only (`competingRisks: true`): 0 = censored, k ≥ 1 = an event of cause k.
    public var status: [Int] = []
    /// Raw cells (trimmed) of the other used columns, by column name.
    public var cells: [String: [String]] = [:]
    /// 1-based file line of each kept row.
    public var lines: [Int] = []
    public var dropped = 0
    public var total = 0
    /// The file, for error messages.
    public let file: String

    public var count: Int { time.count }

    /// Reads time, event and `columns`.
    /// - Parameter weightColumn: a column of case weights among `columns`: a `NaN` there is an error
    ///   (a weight computed as not-a-number), not a missing value as elsewhere.
    /// - Throws: `DelimitedTableError` naming the line and column of a time that is not a finite number
    ///   (with its value) or is negative, an unknown event value, a NaN weight, or an unknown column.
    ///   With `competingRisks`, the event column holds 0 (censored) or a cause 1, 2, … (R: a factor
    ///   status in `Surv(time, status)`), kept in `status`; anything else is an error naming the line.
    public init(_ table: DelimitedTable, time timeColumn: String, event eventColumn: String, columns: [String],
                weightColumn: String? = nil, competingRisks: Bool = false) throws(DelimitedTableError) {
        file = table.path
        let ti = try table.column(timeColumn), ei = try table.column(eventColumn)
        var others = [(String, Int)]()
        for c in columns { others.append((c, try table.column(c))) }
        for (name, _) in others { cells[name] = [] }
        total = table.rows.count
        let weightIndex = try weightColumn.map { c throws(DelimitedTableError) in try table.column(c) }
        for (r, row) in table.rows.enumerated() {
            let line = table.lines[r]
            if let weightIndex, row[weightIndex].trimmingCharacters(in: .whitespaces).uppercased() == "NAN" {
                throw DelimitedTableError(file: table.path, line: line, column: weightColumn,
                                          message: "weight is NaN; a weight must be a positive finite number")
            }
            if DelimitedTable.isMissing(row[ti]) || DelimitedTable.isMissing(row[ei])
                || others.contains(where: { DelimitedTable.isMissing(row[$0.1]) }) {
                dropped += 1
                continue
            }
            let t: Double
            do { t = try NumberField.double(row[ti], field: timeColumn) } catch {
                throw DelimitedTableError(file: table.path, line: line, number: error)
            }
            guard t >= 0 else {
                throw DelimitedTableError(file: table.path, line: line, column: timeColumn, message: "time is negative (value '\(row[ti].trimmingCharacters(in: .whitespaces))')")
            }
            if competingRisks {
                guard let k = Int(row[ei].trimmingCharacters(in: .whitespaces)), k >= 0 else {
                    throw DelimitedTableError(file: table.path, line: line, column: eventColumn,
                                              message: "unknown event value '\(row[ei].trimmingCharacters(in: .whitespaces))' (expected 0 for censored or a cause 1, 2, …)")
                }
                status.append(k)
            }
            guard let e = competingRisks ? status.last.map({ $0 > 0 }) : SurvivalRows.parseEvent(row[ei]) else {
                throw DelimitedTableError(file: table.path, line: line, column: eventColumn,
                                          message: "unknown event value '\(row[ei].trimmingCharacters(in: .whitespaces))' (expected 1/0, TRUE/FALSE, or 1:… / 0:… as in cBioPortal)")
            }
            time.append(t)
            event.append(e)
            lines.append(line)
            for (name, k) in others { cells[name]!.append(row[k].trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// 1/0, TRUE/FALSE (T/F, yes/no), cBioPortal's `1:DECEASED`, `0:LIVING`, `1:PROGRESSION`, …
    public static func parseEvent(_ raw: String) -> Bool? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if let colon = s.firstIndex(of: ":") {
            switch s[..<colon] {
            case "1": return true
            case "0": return false
            default: return nil
            }
        }
        switch s.uppercased() {
        case "1", "1.0", "TRUE", "T", "YES", "Y", "DECEASED", "DEAD", "EVENT": return true
        case "0", "0.0", "FALSE", "F", "NO", "N", "LIVING", "ALIVE", "CENSORED": return false
        default: return nil
        }
    }

    /// A grouping column as a factor (R's level order: numeric when all values are numbers).
    public func factor(_ column: String) throws -> Factor { try Factor(cells[column]!) }

    /// A numeric column; the first value that is not a finite number is an error naming line, column and value.
    public func numeric(_ column: String) throws(DelimitedTableError) -> [Double] {
        let c = cells[column]!
        var out = [Double]()
        out.reserveCapacity(c.count)
        for k in c.indices {
            do { out.append(try NumberField.double(c[k], field: column)) } catch {
                throw DelimitedTableError(file: file, line: lines[k], number: error)
            }
        }
        return out
    }

    /// Positive, finite case weights from `column` (a negative, zero or NaN weight is an error naming line and value).
    public func weights(_ column: String) throws(DelimitedTableError) -> [Double] {
        let w = try numeric(column)
        if let k = w.firstIndex(where: { $0 <= 0 }) {
            throw DelimitedTableError(file: file, line: lines[k], column: column, message: "weight must be positive")
        }
        return w
    }

    /// Entry times of counting-process rows (start, stop] from `column` (R: `Surv(start, stop, event)`).
    /// - Throws: `DelimitedTableError` naming the line, column and value of a start that is not a
    ///   finite number, is negative, or is not before the row's stop time.
    public func entry(_ column: String) throws(DelimitedTableError) -> [Double] {
        let start = try numeric(column)
        for k in start.indices where !(start[k] >= 0 && start[k] < time[k]) {
            throw DelimitedTableError(file: file, line: lines[k], column: column,
                                      message: "start \(SurvivalRows.shortest(start[k])) is \(start[k] < 0 ? "negative" : "not before the stop time \(SurvivalRows.shortest(time[k]))") (an interval (start, stop] needs 0 ≤ start < stop)")
        }
        return start
    }

    /// A number as written in a message: integers without a decimal point.
    static func shortest(_ v: Double) -> String {
        v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// Cox covariates: each column is numeric when every kept value is a number, categorical when it
    /// is listed in `categorical` or when its values are mostly not numbers (R's `read.csv` makes
    /// such a column a factor). A column whose values are mostly numbers but not all is an error
    /// naming the line and value of the first non-number, never a silent factor: a typo such as
    /// `6O` in an age column would otherwise turn age into dozens of levels. Ties (half and half)
    /// count as mostly numbers.
    /// - Returns: the covariates and the names of those coded as categorical.
    public func coxCovariates(_ columns: [String], categorical: Set<String>) throws -> (covariates: [CoxDesign.Covariate], categorical: [String]) {
        var design = [CoxDesign.Covariate](), used = [String]()
        for c in columns {
            let values = cells[c]!
            if categorical.contains(c) {
                design.append(.categorical(c, try Factor(values)))
                used.append(c)
                continue
            }
            var firstBad: Int?, numbers = 0
            for k in values.indices {
                if case .success = ExactNumber.double(values[k]) { numbers += 1 } else if firstBad == nil { firstBad = k }
            }
            guard let bad = firstBad else {
                design.append(.numeric(c, try numeric(c)))
                continue
            }
            if 2 * numbers >= values.count {
                var problem = "is not a number"
                do { _ = try NumberField.double(values[bad], field: c) } catch { problem = error.problem }
                throw DelimitedTableError(file: file, line: lines[bad], column: c,
                                          message: "\(problem) in a column that is otherwise numeric (\(numbers) of \(values.count) values are numbers); fix the value, mark it missing (NA), or declare the column categorical (onco: --categorical \(c))")
            }
            design.append(.categorical(c, try Factor(values)))
            used.append(c)
        }
        return (design, used)
    }

    /// Requires at least `minimum` complete rows.
    public func requireRows(_ minimum: Int) throws(DelimitedTableError) {
        guard count >= minimum else {
            throw DelimitedTableError(file: file, line: nil, column: nil,
                                      message: "too few rows: \(count) complete row\(count == 1 ? "" : "s") (\(dropped) dropped for missing values), at least \(minimum) needed")
        }
    }
}
