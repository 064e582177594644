import Foundation
import Warehouse

/// A per-patient variable a definition can name: built-in clinical fields, a gene's alteration
/// status, or an imported clinical attribute.
public enum CohortVariable: Sendable, Hashable, CustomStringConvertible {
    case tumourType, age, sex, stage, tmb, diagnosisYear
    /// 1 altered / 0 wild-type (genotyped patients), non-synonymous classes.
    case altered(String)
    case attribute(String)

    /// `tumour_type` (also `tumor_type`, `oncotree_code`), `age`, `sex`, `stage`, `tmb`,
    /// `diagnosis_year`, `altered:GENE` (also `mutation:GENE`), `attribute:NAME`; any other name is an
    /// attribute. Built-in names are lower-case; attributes keep their case.
    public init(parsing s: String) {
        let t = s.trimmingCharacters(in: .whitespaces)
        switch t {
        case "tumour_type", "tumor_type", "tumourType", "tumorType", "oncotree_code": self = .tumourType
        case "age": self = .age
        case "sex": self = .sex
        case "stage": self = .stage
        case "tmb": self = .tmb
        case "diagnosis_year": self = .diagnosisYear
        default:
            if let r = t.range(of: ":"), ["altered", "mutation", "mutated"].contains(String(t[..<r.lowerBound])) {
                self = .altered(String(t[r.upperBound...]).uppercased())
            } else if t.hasPrefix("attribute:") {
                self = .attribute(String(t.dropFirst("attribute:".count)))
            } else {
                self = .attribute(t)
            }
        }
    }

    public var description: String {
        switch self {
        case .tumourType: return "tumour_type"
        case .age: return "age"
        case .sex: return "sex"
        case .stage: return "stage"
        case .tmb: return "tmb"
        case .diagnosisYear: return "diagnosis_year"
        case .altered(let g): return "altered:\(g)"
        case .attribute(let n): return n
        }
    }

    /// A readable name for reports (`tumour type`, `TMB`, `TP53 altered`).
    public var label: String {
        switch self {
        case .tumourType: return "tumour type"
        case .tmb: return "TMB"
        case .diagnosisYear: return "diagnosis year"
        case .altered(let g): return "\(g) altered"
        default: return description
        }
    }

    /// The scope field a project needs to use this variable (`ResearchProject.fields`).
    /// Named as the variable (`description`) but for two: a diagnosis year needs `diagnosis_date`, an
    /// altered gene `mutations`.
    public var field: String {
        switch self {
        case .diagnosisYear: return "diagnosis_date"
        case .altered: return "mutations"
        default: return description
        }
    }

    /// The warehouse column that carries it.
    var column: CohortColumn {
        switch self {
        case .tumourType: return .tumourType
        case .age: return .age
        case .sex: return .sex
        case .stage: return .stage
        case .tmb: return .tmb
        case .diagnosisYear: return .diagnosisYear
        case .altered(let g): return .alteration(AlterationFilter(gene: g))
        case .attribute(let n): return .attribute(n)
        }
    }

    /// Whether values are numbers by nature (attributes: decided by their values).
    var isNumericBuiltIn: Bool? {
        switch self {
        case .age, .tmb, .diagnosisYear: return true
        case .tumourType, .sex, .stage, .altered: return false
        case .attribute: return nil
        }
    }
}

/// One variable's values over the analysed rows.
struct VariableValues {
    var texts: [String?]
    var numbers: [Double?]
    /// True when every present value is a number.
    var isNumeric: Bool

    init(column: CohortTable.Column, variable: CohortVariable) {
        switch variable {
        case .altered(let g):
            numbers = column.numbers ?? []
            texts = numbers.map { v in v.map { $0 != 0 ? "\(g) altered" : "\(g) wild-type" } }
            isNumeric = false
        default:
            let n = column.numbers
            let t = column.texts ?? n?.map { v in v.map { CohortAnalysis.numberText($0) } } ?? []
            texts = t
            numbers = n ?? Array(repeating: nil, count: t.count)
            if let builtIn = variable.isNumericBuiltIn {
                isNumeric = builtIn
            } else {
                var numeric = n != nil
                if numeric {
                    for i in t.indices where t[i] != nil && numbers[i] == nil { numeric = false; break }
                    if !numbers.contains(where: { $0 != nil }) { numeric = false }
                }
                isNumeric = numeric
            }
        }
    }
}
