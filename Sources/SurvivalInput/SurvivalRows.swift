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
    /// 1-based file line of each kept row.
    public var lines: [Int] = []
    public var dropped = 0
    public var total = 0
    /// The file, for error messages.
    public let file: String
    /// The table and, per kept row, its row in the table: the other used columns are read from the
    /// table's bytes when asked for (`numeric`, `factor`, `strings`), never as one string per cell first.
    let table: DelimitedTable
    var kept: [Int32] = []
    var columnIndex: [String: Int] = [:]

    public var count: Int { time.count }

    /// Raw cells (trimmed) of the other used columns, by column name (made on each call: prefer `strings`).
    public var cells: [String: [String]] {
        Dictionary(uniqueKeysWithValues: columnIndex.keys.map { ($0, strings($0)) })
    }

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
        self.table = table
        let ti = try table.column(timeColumn), ei = try table.column(eventColumn)
        var others = [Int]()
        for c in columns {
            let k = try table.column(c)
            columnIndex[c] = k
            others.append(k)
        }
        total = table.rowCount
        let weightIndex = try weightColumn.map { c throws(DelimitedTableError) in try table.column(c) }
        time.reserveCapacity(total); event.reserveCapacity(total); lines.reserveCapacity(total); kept.reserveCapacity(total)
        var failure: DelimitedTableError?
        table.withCells { b, range in
            for r in 0..<table.rowCount {
                let line = table.lines[r]
                @inline(__always) func cell(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[range(r, k)]) }
                if let weightIndex, SurvivalRows.isNaN(cell(weightIndex)) {
                    failure = DelimitedTableError(file: table.path, line: line, column: weightColumn,
                                                  message: "weight is NaN; a weight must be a positive finite number")
                    return
                }
                if DelimitedTable.isMissing(cell(ti)) || DelimitedTable.isMissing(cell(ei))
                    || others.contains(where: { DelimitedTable.isMissing(cell($0)) }) {
                    dropped += 1
                    continue
                }
                let t: Double
                do throws(NumberParseError) { t = try SurvivalRows.double(cell(ti), field: timeColumn) } catch {
                    failure = DelimitedTableError(file: table.path, line: line, number: error)
                    return
                }
                guard t >= 0 else {
                    failure = DelimitedTableError(file: table.path, line: line, column: timeColumn, message: "time is negative (value '\(DelimitedTable.trimmedString(cell(ti)))')")
                    return
                }
                if competingRisks {
                    guard let k = Int(DelimitedTable.trimmedString(cell(ei))), k >= 0 else {
                        failure = DelimitedTableError(file: table.path, line: line, column: eventColumn,
                                                      message: "unknown event value '\(DelimitedTable.trimmedString(cell(ei)))' (expected 0 for censored or a cause 1, 2, …)")
                        return
                    }
                    status.append(k)
                }
                guard let e = competingRisks ? status.last.map({ $0 > 0 }) : SurvivalRows.parseEvent(cell(ei)) else {
                    failure = DelimitedTableError(file: table.path, line: line, column: eventColumn,
                                                  message: "unknown event value '\(DelimitedTable.trimmedString(cell(ei)))' (expected 1/0, TRUE/FALSE, or 1:… / 0:… as in cBioPortal)")
                    return
                }
                time.append(t)
                event.append(e)
                lines.append(line)
                kept.append(Int32(truncatingIfNeeded: r))
            }
        }
        if let failure { throw failure }
    }

    /// `NaN` in any case, surrounding spaces ignored.
    static func isNaN(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let t = DelimitedTable.trimmed(cell) else { return DelimitedTable.trimmedString(cell).uppercased() == "NAN" }
        guard t.count == 3 else { return false }
        return cell[t.lowerBound] | 0x20 == 0x6E && cell[t.lowerBound + 1] | 0x20 == 0x61 && cell[t.lowerBound + 2] | 0x20 == 0x6E
    }

    /// `parseEvent` of a cell's bytes: `0` and `1` directly, anything else through the string form.
    static func parseEvent(_ cell: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let t = DelimitedTable.trimmed(cell), t.count == 1 {
            switch cell[t.lowerBound] {
            case 0x31: return true
            case 0x30: return false
            default: break
            }
        }
        return parseEvent(String(decoding: cell, as: UTF8.self))
    }

    /// Calls `body(k, cell)` for each kept row k with the cell of `column` (trimmed of ASCII spaces
    /// and tabs; Unicode spaces are left to the caller, whose number parser or `trimmedString` handles them).
    func forEachCell(_ column: String, _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        let c = columnIndex[column]!
        table.withCells { b, range in
            for k in kept.indices {
                body(k, UnsafeBufferPointer(rebasing: b[range(Int(kept[k]), c)]))
            }
        }
    }

    /// The trimmed cells of a used column, one string per kept row.
    public func strings(_ column: String) -> [String] {
        var out = [String]()
        out.reserveCapacity(count)
        forEachCell(column) { _, cell in out.append(DelimitedTable.trimmedString(cell)) }
        return out
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
    /// Values are coded by their bytes (no string per row); the levels are those of `Factor(strings(column))`.
    public func factor(_ column: String) throws -> Factor {
        var short: [ShortKey: Int32] = [:]
        var long: [String: Int32] = [:]
        var distinct = [String](), codes = [Int32]()
        codes.reserveCapacity(count)
        var last: (key: ShortKey, code: Int32)?
        func code(short key: ShortKey, _ text: @autoclosure () -> String) -> Int32 {
            if let last, last.key == key { return last.code }
            let c: Int32
            if let known = short[key] { c = known } else {
                c = Int32(distinct.count)
                short[key] = c
                distinct.append(text())
            }
            last = (key, c)
            return c
        }
        forEachCell(column) { _, cell in
            if let t = DelimitedTable.trimmed(cell), t.count <= 15 {
                let bytes = UnsafeBufferPointer(rebasing: cell[t])
                codes.append(code(short: ShortKey(bytes), String(decoding: bytes, as: UTF8.self)))
                return
            }
            var s = DelimitedTable.trimmedString(cell)
            if let key = s.withUTF8({ $0.count <= 15 ? ShortKey($0) : nil }) {
                codes.append(code(short: key, s))
            } else if let known = long[s] {
                codes.append(known)
            } else {
                long[s] = Int32(distinct.count)
                codes.append(Int32(distinct.count))
                distinct.append(s)
            }
        }
        let levels = Factor.sortedLevels(distinct)
        var rank = [Int32](repeating: 0, count: distinct.count)
        let position = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
        for (k, v) in distinct.enumerated() { rank[k] = position[v]! }
        return Factor(codes: codes.map { rank[Int($0)] }, levels: levels)
    }

    /// Up to 15 bytes and their count in two words: a dictionary key without a string.
    struct ShortKey: Hashable {
        let low: UInt64, high: UInt64
        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var low: UInt64 = 0, high = UInt64(bytes.count) << 56
            for k in bytes.indices {
                if k < 8 { low |= UInt64(bytes[k]) << (8 * k) } else { high |= UInt64(bytes[k]) << (8 * (k - 8)) }
            }
            self.low = low
            self.high = high
        }
    }

    /// A cell as a finite real number (`NumberField.double`); a cell with Unicode spaces at an edge
    /// is trimmed as a string first, as R's `strip.white` would.
    static func double(_ cell: UnsafeBufferPointer<UInt8>, field: String) throws(NumberParseError) -> Double {
        do { return try NumberField.double(cell, field: field) } catch {
            guard DelimitedTable.trimmed(cell) == nil else { throw error }
            return try NumberField.double(DelimitedTable.trimmedString(cell), field: field)
        }
    }

    /// `ExactNumber.double` of a cell (Unicode spaces at an edge trimmed first), nil when not a number.
    static func value(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        if case .success(let v) = ExactNumber.double(cell) { return v }
        guard DelimitedTable.trimmed(cell) == nil, case .success(let v) = ExactNumber.double(DelimitedTable.trimmedString(cell)) else { return nil }
        return v
    }

    /// A numeric column; the first value that is not a finite number is an error naming line, column and value.
    public func numeric(_ column: String) throws(DelimitedTableError) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(count)
        var failure: DelimitedTableError?
        forEachCell(column) { k, cell in
            guard failure == nil else { return }
            do throws(NumberParseError) { out.append(try SurvivalRows.double(cell, field: column)) } catch {
                failure = DelimitedTableError(file: file, line: lines[k], number: error)
            }
        }
        if let failure { throw failure }
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
            if categorical.contains(c) {
                design.append(.categorical(c, try factor(c)))
                used.append(c)
                continue
            }
            var values = [Double](), firstBad: Int?, numbers = 0
            values.reserveCapacity(count)
            forEachCell(c) { k, cell in
                if let v = SurvivalRows.value(cell) {
                    numbers += 1
                    values.append(v)
                } else if firstBad == nil { firstBad = k }
            }
            guard let bad = firstBad else {
                design.append(.numeric(c, values))
                continue
            }
            if 2 * numbers >= count {
                var problem = "is not a number"
                do { _ = try NumberField.double(strings(c)[bad], field: c) } catch { problem = error.problem }
                throw DelimitedTableError(file: file, line: lines[bad], column: c,
                                          message: "\(problem) in a column that is otherwise numeric (\(numbers) of \(count) values are numbers); fix the value, mark it missing (NA), or declare the column categorical (onco: --categorical \(c))")
            }
            design.append(.categorical(c, try factor(c)))
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
