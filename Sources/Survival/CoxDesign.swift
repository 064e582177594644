/// The covariates of a Cox model as a design matrix: one row per observation, one column per
/// coefficient, with names and term structure.
///
/// R: `model.matrix` without the intercept. A numeric covariate is one column named as the
/// covariate; a categorical covariate is coded by treatment contrasts (R: `contr.treatment`), one
/// 0/1 column per level after the first (the reference), named `name=level`. Terms group the
/// columns of one covariate: tests per term (`cox.zph`) use them.
/// Values are stored row-major, `values[row * columnCount + column]`.
public struct CoxDesign: Sendable {
    /// A covariate as supplied.
    public enum Covariate: Sendable {
        case numeric(String, [Double])
        case categorical(String, Factor)

        public var name: String {
            switch self {
            case .numeric(let n, _), .categorical(let n, _): return n
            }
        }
        var count: Int {
            switch self {
            case .numeric(_, let v): return v.count
            case .categorical(_, let f): return f.count
            }
        }
    }

    /// One covariate's columns.
    public struct Term: Sendable, Hashable {
        public let name: String
        public let columns: Range<Int>
        /// The factor levels of a categorical term (reference first), nil for a numeric term.
        public let levels: [String]?
    }

    /// A covariate value for a new observation (prediction).
    public enum Value: Sendable, Hashable {
        case number(Double)
        case level(String)
    }

    public let rowCount: Int
    public let columnNames: [String]
    public let terms: [Term]
    /// Row-major values, `rowCount × columnCount`.
    public let values: [Double]

    @inlinable public var columnCount: Int { columnNames.count }

    /// Builds the design matrix.
    /// - Throws: `SurvivalError.lengthMismatch` when covariates differ in length,
    ///   `.invalidValue` for a NaN or infinite numeric value (row and covariate named),
    ///   `.emptyInput` when there are no rows.
    public init(_ covariates: [Covariate]) throws {
        let n = covariates.first?.count ?? 0
        for c in covariates where c.count != n { throw SurvivalError(.lengthMismatch, "covariate \(c.name)") }
        var names = [String](), terms = [Term]()
        for c in covariates {
            let start = names.count
            switch c {
            case .numeric(let name, _):
                names.append(name)
                terms.append(Term(name: name, columns: start..<(start + 1), levels: nil))
            case .categorical(let name, let f):
                for l in f.levels.dropFirst() { names.append("\(name)=\(l)") }
                terms.append(Term(name: name, columns: start..<names.count, levels: f.levels))
            }
        }
        let p = names.count
        // validate, then fill row by row (sequential writes; each column is read sequentially too)
        for c in covariates {
            if case .numeric(let name, let x) = c, let i = x.firstIndex(where: { !$0.isFinite }) {
                throw SurvivalError(.invalidValue, "covariate \(name) row \(i)")
            }
        }
        // fill row by row: sequential writes, one sequential read stream per covariate
        var numeric = [(column: Int, values: [Double])](), categorical = [(first: Int, codes: [Int32])]()
        for (t, c) in zip(terms, covariates) {
            switch c {
            case .numeric(_, let x): numeric.append((t.columns.lowerBound, x))
            case .categorical(_, let f): categorical.append((t.columns.lowerBound, f.codes))
            }
        }
        var v = [Double](repeating: 0, count: n * p)
        v.withUnsafeMutableBufferPointer { out in
            // blocks of rows small enough that the block's part of the output stays in cache
            let block = 1024
            var start = 0
            while start < n {
                let end = Swift.min(start + block, n)
                for (j, x) in numeric {
                    x.withUnsafeBufferPointer { xb in
                        var o = start &* p &+ j
                        for i in start..<end { out[o] = xb[i]; o &+= p }
                    }
                }
                for (j0, codes) in categorical {
                    codes.withUnsafeBufferPointer { cb in
                        var o = start &* p &+ j0
                        for i in start..<end {
                            if cb[i] > 0 { out[o &+ Int(cb[i]) &- 1] = 1 }
                            o &+= p
                        }
                    }
                }
                start = end
            }
        }
        rowCount = n
        columnNames = names
        self.terms = terms
        values = v
    }

    /// Wraps an existing row-major matrix; each column is its own numeric term unless `terms` is given.
    public init(rowMajor values: [Double], rowCount: Int, columnNames: [String], terms: [Term]? = nil) throws {
        guard values.count == rowCount * columnNames.count else { throw SurvivalError(.lengthMismatch, "values") }
        for i in values.indices where !values[i].isFinite {
            throw SurvivalError(.invalidValue, "row \(i / max(columnNames.count, 1)) column \(i % max(columnNames.count, 1))")
        }
        self.values = values
        self.rowCount = rowCount
        self.columnNames = columnNames
        self.terms = terms ?? columnNames.enumerated().map { Term(name: $1, columns: $0..<($0 + 1), levels: nil) }
    }

    /// The design row of a new observation, from values by covariate name.
    /// - Throws: `SurvivalError.invalidArgument` for a missing covariate or a wrong kind of value,
    ///   `.unknownLevel` for a level the model has not seen.
    public func row(_ newValues: [String: Value]) throws -> [Double] {
        var x = [Double](repeating: 0, count: columnCount)
        for t in terms {
            guard let v = newValues[t.name] else { throw SurvivalError(.invalidArgument, "covariate \(t.name) missing") }
            switch (v, t.levels) {
            case (.number(let d), nil):
                x[t.columns.lowerBound] = d
            case (.level(let l), let levels?):
                guard let k = levels.firstIndex(of: l) else { throw SurvivalError(.unknownLevel, "covariate \(t.name)") }
                if k > 0 { x[t.columns.lowerBound + k - 1] = 1 }
            case (.number(let d), let levels?):
                // a numeric code for a categorical covariate, matched against labels such as "2"
                guard let k = levels.firstIndex(of: Factor.label(for: d)) else {
                    throw SurvivalError(.unknownLevel, "covariate \(t.name)")
                }
                if k > 0 { x[t.columns.lowerBound + k - 1] = 1 }
            case (.level(let l), nil):
                guard let d = Double(l) else { throw SurvivalError(.invalidArgument, "covariate \(t.name) is numeric") }
                x[t.columns.lowerBound] = d
            }
        }
        return x
    }
}
