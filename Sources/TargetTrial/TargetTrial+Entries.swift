import Foundation
import Survival
import Vocabulary
import Warehouse

/// One trial entry: a line of a patient, eligible at its start, in the arm of what was started.
struct TrialEntry: Sendable, Hashable {
    /// The patient (cluster of the robust variances).
    var person: Int64
    /// The line's row in the table (−1 for entries not built from a table, e.g. in tests).
    var row: Int
    var treated: Bool
    /// Months after time zero at which follow-up starts: 0, or the day the biomarker became known
    /// within the grace period (delayed entry).
    var entry: Double
    /// Months from time zero to death or censoring.
    var stop: Double
    var event: Bool
    var setting: String
}

/// A covariate's values at time zero, one per entry; nil = not recorded.
struct RawCovariate: Sendable {
    enum Values: Sendable { case numeric([Double?]), categorical([String?]) }
    var name: String
    var values: Values
    var count: Int {
        switch values { case .numeric(let v): return v.count; case .categorical(let v): return v.count }
    }
    func isKnown(_ i: Int) -> Bool {
        switch values { case .numeric(let v): return v[i] != nil; case .categorical(let v): return v[i] != nil }
    }
}

extension TargetTrial {
    struct BuiltEntries {
        var entries: [TrialEntry]
        var settings: [String]
        var flow: TargetTrialFlow
    }

    /// Eligibility at time zero, in this order (a line is counted at the first criterion it fails):
    /// recorded drugs; one of the two strategies (all of the therapy's drugs, or the comparator);
    /// new user (no earlier line of the patient with any of the therapy's drugs); biomarker timing
    /// known (unless the protocol includes unknown timing); biomarker known by time zero or within the
    /// grace period; follow-up lasting past the day it became known; the compared settings (the
    /// protocol's, else those of the eligible treated lines).
    static func buildEntries(_ L: PreparedLines, therapy: Set<String>, comparator: Comparator,
                             protocol p: TargetTrialProtocol) -> BuiltEntries {
        let t = L.table
        var flow = TargetTrialFlow()
        flow.lines = t.count
        flow.patients = L.personRanges.count
        let comparatorDrugs: Set<String>? = {
            if case .drugs(let d) = comparator { return Set(d.map(DrugName.canonical)) }
            return nil
        }()
        // the strategies as drug codes of the table: a drug the table never mentions is in no line
        let therapyCodes = therapy.compactMap { L.drugCode[$0] }
        let therapyRecorded = therapyCodes.count == therapy.count
        let comparatorCodes = comparatorDrugs?.compactMap { L.drugCode[$0] } ?? []
        let comparatorRecorded = comparatorDrugs.map { comparatorCodes.count == $0.count } ?? true
        var candidates: [TrialEntry] = []
        for r in L.personRanges {
            var exposed = false
            for i in r {
                let drugs = L.drugCodes(ofLine: i)
                // therapy ⊆ drugs, drugs ∩ therapy = ∅, comparator ⊆ drugs (codes are few per line: linear scans)
                let shared = therapyCodes.reduce(0) { $0 + (drugs.contains($1) ? 1 : 0) }
                let disjoint = shared == 0
                defer { if !disjoint { exposed = true } }
                if drugs.isEmpty { flow.linesWithoutDrugs += 1; continue }
                let treated = therapyRecorded && shared == therapyCodes.count
                let isComparator = disjoint && comparatorRecorded && comparatorCodes.allSatisfy { drugs.contains($0) }
                guard treated || isComparator else {
                    if disjoint { flow.linesOtherTreatments += 1 } else { flow.linesPartialTherapy += 1 }
                    continue
                }
                if exposed { flow.linesNotNewUsers += 1; continue }
                var entryDays = 0.0
                if let known = t.biomarkerKnownDays[i] {
                    let delay = known - t.startDays[i]
                    if delay > 0 {
                        guard delay <= p.graceDays else { flow.linesKnownAfterGrace += 1; continue }
                        guard t.osDays[i] > Double(delay) else { flow.linesEndedBeforeKnown += 1; continue }
                        entryDays = Double(delay)
                    }
                } else {
                    flow.linesTimingUnknown += 1
                    guard p.includeUnknownTiming else { continue }
                    flow.linesTimingUnknownIncluded += 1
                }
                candidates.append(TrialEntry(person: t.personIDs[i], row: i, treated: treated,
                                             entry: entryDays / TargetTrialProtocol.daysPerMonth,
                                             stop: t.osDays[i] / TargetTrialProtocol.daysPerMonth, event: t.osEvents[i],
                                             setting: settingLabel(t.lineNumbers[i])))
            }
        }
        // settings are a handful of labels ("1", "2", "3+"): small arrays, not sets
        var treatedSettings: [String] = []
        for e in candidates where e.treated && !treatedSettings.contains(e.setting) { treatedSettings.append(e.setting) }
        let settings = p.settings.map { Array(Set($0)).sorted() } ?? treatedSettings.sorted()
        var entries: [TrialEntry] = []
        entries.reserveCapacity(candidates.count)
        for e in candidates {
            guard settings.contains(e.setting) else { flow.linesOutsideSettings += 1; continue }
            if e.entry > 0 { flow.linesDelayedEntry += 1 }
            entries.append(e)
        }
        return BuiltEntries(entries: entries, settings: settings, flow: flow)
    }

    /// The drug classes (`DrugClasses.builtIn`) of each canonical drug name, without the umbrella
    /// classes (a class holding every drug of another class, e.g. `chemotherapy`).
    static let drugClasses: [String: [String]] = {
        let sets = DrugClasses.builtIn.map { Set($0.drugs) }
        var out: [String: [String]] = [:]
        for (k, c) in DrugClasses.builtIn.enumerated() {
            let umbrella = sets.indices.contains { $0 != k && sets[$0].isStrictSubset(of: sets[k]) }
            guard !umbrella else { continue }
            for d in c.drugs { out[DrugName.canonical(d), default: []].append(c.name) }
        }
        return out
    }()

    /// The protocol's covariates at time zero for each entry (before the kept/dropped rule).
    static func covariateColumns(_ L: PreparedLines, entries: [TrialEntry], protocol p: TargetTrialProtocol) -> [RawCovariate] {
        let t = L.table
        var out: [RawCovariate] = []
        for c in p.covariates {
            switch c {
            case .age: out.append(RawCovariate(name: "age", values: .numeric(entries.map { e in t.ages[e.row].map { Double($0) } })))
            case .sex: out.append(RawCovariate(name: "sex", values: .categorical(entries.map { t.sexes[$0.row] })))
            case .stage: out.append(RawCovariate(name: "stage", values: .numeric(entries.map { e in t.stages[e.row].map { Double($0) } })))
            case .setting: out.append(RawCovariate(name: "setting", values: .categorical(entries.map { e -> String? in e.setting })))
            case .logTMB:
                out.append(RawCovariate(name: "log-tmb", values: .numeric(entries.map { e in
                    t.tmb[e.row].flatMap { $0.isFinite && $0 >= 0 ? log1p($0) : nil } })))
            case .tumourType: out.append(RawCovariate(name: "tumour-type", values: .categorical(entries.map { t.tumourTypes[$0.row] })))
            case .startYear: out.append(RawCovariate(name: "start-year", values: .numeric(entries.map { e in t.startYears[e.row].map { Double($0) } })))
            case .performanceStatus:
                out.append(RawCovariate(name: "performance-status", values: .numeric(entries.map { e in
                    t.performanceStatus[e.row].flatMap { $0.isFinite ? $0 : nil } })))
            case .priorTherapyClasses:
                // classes as codes: each drug code's classes, one flag per (entry, class)
                let classNames = Array(Set(drugClasses.values.joined())).sorted()
                var classCode: [String: Int] = [:]
                for (k, c) in classNames.enumerated() { classCode[c] = k }
                let classesOfDrug = L.drugNames.map { d in (drugClasses[d] ?? []).map { classCode[$0]! } }
                let nc = classNames.count
                var flags = [Bool](repeating: false, count: entries.count * nc), any = [Bool](repeating: false, count: nc)
                for (j, e) in entries.enumerated() {
                    for i in L.personRanges[L.personOfRow[e.row]] where i < e.row {
                        for d in L.drugCodes(ofLine: i) {
                            for k in classesOfDrug[Int(d)] { flags[j * nc + k] = true; any[k] = true }
                        }
                    }
                }
                for k in 0..<nc where any[k] {
                    out.append(RawCovariate(name: "prior: \(classNames[k])",
                                            values: .numeric((0..<entries.count).map { flags[$0 * nc + k] ? 1 : 0 })))
                }
            }
        }
        return out
    }
}

