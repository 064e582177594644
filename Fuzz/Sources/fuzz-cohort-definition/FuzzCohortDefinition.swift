import CohortStudy
import Foundation
import FuzzSupport

/// The cohort definition parser and checker, as `onco cohort run DEFINITION [flags]` uses them:
/// `CohortDefinition.load` (JSON or YAML by content) → `CohortFlags.apply` → `CohortPlan` →
/// `tableRequest` and `canonicalJSON`.
///
/// Input: the definition text, optionally followed by a `=== flags` section of `--flag VALUE`
/// lines (one flag a line, the value is the rest of the line; `--exact-tumour-types` takes none).
/// An empty definition section means "flags only", as on the command line.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let sections = FuzzInput.sections(bytes, allowed: ["flags"])
    let text = sections.first { $0.name.isEmpty }?.bytes ?? []
    let flags = CohortFlagLines.parse(sections.first { $0.name == "flags" }?.bytes ?? [])
    var base: CohortDefinition?
    if !text.isEmpty || flags.isEmpty {
        let json = text.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D } == UInt8(ascii: "{")
        base = try CohortDefinition.load(path: FuzzInput.write(text, to: json ? "definition.json" : "definition.yaml"))
    }
    let d = try flags.apply(to: base)
    FuzzInput.keep(try CohortPlan(d, source: "fuzz").tableRequest(exportRows: true))
    FuzzInput.keep(try d.canonicalJSON())
}

/// `--flag VALUE` lines → `CohortFlags`, spelled as the CLI spells them (unknown flags are dropped;
/// a number that does not parse leaves the flag unset, as ArgumentParser would refuse it).
enum CohortFlagLines {
    static func parse(_ bytes: [UInt8]) -> CohortFlags {
        var f = CohortFlags()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let flag = parts.first else { continue }
            let v = parts.count > 1 ? String(parts[1]) : ""
            switch flag {
            case "--name": f.name = v
            case "--tumour-type": f.tumourTypes.append(v)
            case "--exact-tumour-types": f.exactTumourTypes = true
            case "--stage": f.stages.append(v)
            case "--age": f.age = v
            case "--sex": f.sex.append(v)
            case "--altered": f.altered.append(v)
            case "--wild-type": f.wildType.append(v)
            case "--tmb": f.tmb = v
            case "--therapy": f.therapies.append(v)
            case "--diagnosed": f.diagnosed = v
            case "--where": f.whereAttribute.append(v)
            case "--dataset": f.datasets.append(v)
            case "--group-by": f.groupBy = v
            case "--top": f.top = Double(v)
            case "--of": f.of = v
            case "--within": f.within = v
            case "--therapy-a": f.therapyA = v
            case "--therapy-b": f.therapyB = v
            case "--line": f.line = Int(v)
            case "--endpoint": f.endpoint = v
            case "--from": f.from = v
            case "--time-attribute": f.timeAttribute = v
            case "--status-attribute": f.statusAttribute = v
            case "--time-attribute-unit": f.timeAttributeUnit = v
            case "--landmark": f.landmark = v
            case "--time-unit": f.timeUnit = v
            case "--adjust": f.adjust.append(v)
            case "--strata": f.strata.append(v)
            case "--logrank-strata": f.logRankStrata.append(v)
            case "--ties": f.ties = v
            case "--km-times": f.kmTimes += v.split(separator: " ").compactMap { Double($0) }
            case "--skip": f.skip.append(v)
            default: break
            }
        }
        return f
    }
}
