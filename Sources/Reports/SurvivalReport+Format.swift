import Foundation
import Survival
import SurvivalInput

// Text (laid out like R's print methods) and JSON of `onco survival`'s results: the shared layout.

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
