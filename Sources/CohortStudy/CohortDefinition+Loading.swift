import Foundation
import Yams
import OncoCore

extension CohortDefinition {
    /// Reads a definition from a `.json`, `.yaml` or `.yml` file (by extension; content starting with
    /// `{` is read as JSON).
    /// - Throws: `CohortStudyError.invalidDefinition` naming the file and the field (`groups.percent`)
    ///   or, for a YAML syntax error, the line.
    public static func load(path: String) throws -> CohortDefinition {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let data = InputFile.read(path: path) else {
            throw CohortStudyError(.invalidDefinition, name, "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CohortStudyError(.invalidDefinition, name, "is not UTF-8 text")
        }
        return try parse(text, source: name, yaml: !(path.lowercased().hasSuffix(".json") || text.drop { $0.isWhitespace }.first == "{"))
    }

    /// Parses definition text (JSON, or YAML when `yaml`).
    public static func parse(_ text: String, source: String, yaml: Bool) throws -> CohortDefinition {
        do {
            if yaml {
                return try YAMLDecoder().decode(CohortDefinition.self, from: text)
            }
            return try JSONDecoder().decode(CohortDefinition.self, from: Data(text.utf8))
        } catch let e as DecodingError {
            throw CohortStudyError(.invalidDefinition, source, describe(e))
        } catch let e as YamlError {
            throw CohortStudyError(.invalidDefinition, source, "is not valid YAML: \(e)")
        } catch let e as CohortStudyError {
            throw e
        } catch {
            throw CohortStudyError(.invalidDefinition, source, "cannot be parsed: \(error.localizedDescription)")
        }
    }

    /// A mapping of alteration sets (`NAME: [MEMBER, ...]`) as YAML or JSON (`--alteration-sets FILE`).
    static func decodeAlterationSets(_ text: String, source: String) throws -> [String: [String]] {
        do {
            let sets = try YAMLDecoder().decode([String: [String]].self, from: text)
            guard !sets.isEmpty else { throw CohortStudyError(.invalidDefinition, source, "defines no alteration set") }
            for (name, members) in sets where members.isEmpty {
                throw CohortStudyError(.invalidDefinition, "\(source): \(name)", "the set has no member")
            }
            return sets
        } catch let e as DecodingError {
            throw CohortStudyError(.invalidDefinition, source, describe(e) + " (expected NAME: [MEMBER, ...])")
        } catch let e as YamlError {
            throw CohortStudyError(.invalidDefinition, source, "is not valid YAML: \(e)")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var s = ""
        for k in codingPath {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s.isEmpty ? "(top level)" : s
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, let c):
            let at = path(c.codingPath)
            return "\(at == "(top level)" ? "" : at + ": ")missing \"\(k.stringValue)\"" + (c.debugDescription.contains("need") ? " (\(c.debugDescription))" : "")
        case .typeMismatch(let t, let c):
            return "\(path(c.codingPath)): expected \(typeName(t))"
        case .valueNotFound(let t, let c):
            return "\(path(c.codingPath)): expected \(typeName(t)), found nothing"
        case .dataCorrupted(let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default:
            return "\(e)"
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "text"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let n = String(describing: t)
            if n.hasPrefix("Array") { return "a list" }
            if n.hasPrefix("Dictionary") { return "a mapping" }
            return "a mapping (\(n))"
        }
    }
}
