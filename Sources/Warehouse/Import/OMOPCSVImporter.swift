import Foundation
import Genomics
import OncoCore

/// Imports an OMOP CDM v5.4 CSV export (one `<table>.csv` per table, header row with OMOP column
/// names, RFC 4180 quoting) of the tables onco uses: `person.csv` (required), `observation_period`,
/// `condition_occurrence`, `drug_exposure`, `death`, `measurement`, `specimen`, `episode`,
/// `episode_event`, and onco's `onco_somatic_variant` / `onco_clinical_attribute` if present.
///
/// - Ids of the export are kept as dataset-local ids (the store offsets them), so references between
///   the files stay valid.
/// - `person_source_value` (or, when empty, `person_id`) and `specimen_source_id` (or `specimen_id`)
///   are replaced by keyed hashes; nothing else identifying is read.
/// - `condition_source_value` is taken as the tumour type (OncoTree code); `drug_source_value` is
///   normalised to a lower-case generic name (`DrugNames`).
/// - Numbers follow `OncoCore.NumberField`: ids and counts are whole numbers ≥ 0 (exact scientific
///   notation accepted), `year_of_birth` 0–2200 (0 = unknown, as onco writes it), `pos` ≥ 1, `vaf` 0–1,
///   `value_as_number` finite; anything else is an `ImportError` naming file, line, field and value.
/// - Episodes: `episode_source_value` `line of therapy` / `disease progression` as onco writes them;
///   otherwise an episode with an `episode_number` is a line of therapy and one whose source value
///   mentions "progress" a progression; others are skipped.
public struct OMOPCSVImporter: Sendable {
    public static let mappingVersion = "omop-csv-import-v1"
    public var pseudonymizer: Pseudonymizer
    public init(pseudonymizer: Pseudonymizer) { self.pseudonymizer = pseudonymizer }

    static let tables = ["person", "observation_period", "condition_occurrence", "drug_exposure", "death", "measurement", "specimen",
                         "episode", "episode_event", "onco_somatic_variant", "onco_clinical_attribute"]

    public func prepare(directory: String, name: String? = nil) throws -> (DatasetDescriptor, any WarehouseBatchSource) {
        let dir = URL(fileURLWithPath: directory)
        let files = Self.tables.map { dir.appendingPathComponent("\($0).csv") }.filter { FileManager.default.fileExists(atPath: $0.path) }
        guard files.contains(where: { $0.lastPathComponent == "person.csv" }) else {
            throw ImportError(file: "person.csv", line: 0, field: nil, problem: "not found in the export folder")
        }
        let dataset = name ?? dir.lastPathComponent
        let hash = try CBioPortalImporter.contentHash(files, extra: [Self.mappingVersion, pseudonymizer.fingerprint])
        let d = DatasetDescriptor(name: dataset, sourceKind: "omop-csv", contentSHA256: hash, synthetic: false,
                                  pseudonymKeyFingerprint: pseudonymizer.fingerprint)
        return (d, OMOPSource(dir: dir, dataset: dataset, pseudonymizer: pseudonymizer))
    }
}

/// A parsed CSV file with access by column name and errors by line.
struct CSVTable {
    var file: String
    var header: [String: Int]
    var rows: [[String]]
    var lines: [Int]

    init(url: URL) throws {
        file = url.lastPathComponent
        guard let data = InputFile.read(path: url.path) else { throw ImportError(file: file, line: 0, field: nil, problem: "cannot be read") }
        let text = String(decoding: data, as: UTF8.self)
        var records: [[String]] = [], lineNos: [Int] = []
        var field = "", record: [String] = [], inQuotes = false, line = 1, recordLine = 1
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            record.append(field); field = ""
            if !(record.count == 1 && record[0].isEmpty) { records.append(record); lineNos.append(recordLine) }
            record = []
        }
        while let c = pending ?? it.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case ",": record.append(field); field = ""
            case "\r": continue
            case "\n": endRecord(); line += 1; recordLine = line
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw ImportError(file: file, line: recordLine, field: nil, problem: "has an unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let head = records.first else { throw ImportError(file: file, line: 1, field: nil, problem: "has no header row") }
        header = Dictionary(head.enumerated().map { ($0.element.trimmingCharacters(in: .whitespaces).lowercased(), $0.offset) }, uniquingKeysWith: { a, _ in a })
        rows = Array(records.dropFirst())
        lines = Array(lineNos.dropFirst())
        for (i, r) in rows.enumerated() where r.count != head.count {
            throw ImportError(file: file, line: lines[i], field: nil, problem: "has \(r.count) fields, the header has \(head.count)")
        }
    }

    func text(_ r: Int, _ col: String) -> String? {
        guard let i = header[col] else { return nil }
        let v = rows[r][i].trimmingCharacters(in: .whitespaces)
        return v.isEmpty ? nil : v
    }
    /// A whole number in `range` (`OncoCore.NumberField` rules), nil when empty and not required.
    func int(_ r: Int, _ col: String, required: Bool = false, in range: ClosedRange<Int> = 0...Int.max) throws -> Int64? {
        guard let v = text(r, col) else {
            if required { throw ImportError(file: file, line: lines[r], field: col, problem: "is empty") }
            return nil
        }
        do { return Int64(try NumberField.integer(v, field: col, in: range).value) } catch {
            throw ImportError(file: file, line: lines[r], number: error)
        }
    }
    func id(_ r: Int, _ col: String) throws -> Int64 {
        let v = try int(r, col, required: true)!
        guard v > 0 else { throw ImportError(file: file, line: lines[r], field: col, problem: "must be positive") }
        return v
    }
    /// A finite number (in `range` when given), nil when empty.
    func double(_ r: Int, _ col: String, in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = text(r, col) else { return nil }
        do { return try NumberField.double(v, field: col, in: range) } catch {
            throw ImportError(file: file, line: lines[r], number: error)
        }
    }
    func day(_ r: Int, _ col: String, required: Bool = true) throws -> Day? {
        guard let v = text(r, col) else {
            if required { throw ImportError(file: file, line: lines[r], field: col, problem: "is empty") }
            return nil
        }
        guard let d = Day(iso: v) else { throw ImportError(file: file, line: lines[r], field: col, problem: "is not a date (YYYY-MM-DD)") }
        return d
    }
}

final class OMOPSource: WarehouseBatchSource {
    let dir: URL, dataset: String, pseudonymizer: Pseudonymizer
    var done = false
    init(dir: URL, dataset: String, pseudonymizer: Pseudonymizer) {
        self.dir = dir; self.dataset = dataset; self.pseudonymizer = pseudonymizer
    }

    func table(_ name: String) throws -> CSVTable? {
        let url = dir.appendingPathComponent("\(name).csv")
        return FileManager.default.fileExists(atPath: url.path) ? try CSVTable(url: url) : nil
    }

    func nextBatch() throws -> WarehouseBatch? {
        if done { return nil }
        done = true
        var b = WarehouseBatch()
        let persons = try table("person")!
        var known = Set<Int64>()
        func person(_ t: CSVTable, _ r: Int) throws -> Int64 {
            let p = try t.id(r, "person_id")
            guard known.contains(p) else { throw ImportError(file: t.file, line: t.lines[r], field: "person_id", problem: "is not in person.csv") }
            return p
        }
        for r in persons.rows.indices {
            let id = try persons.id(r, "person_id")
            guard known.insert(id).inserted else { throw ImportError(file: persons.file, line: persons.lines[r], field: "person_id", problem: "repeats an earlier person") }
            let source = persons.text(r, "person_source_value") ?? String(id)
            let gender = persons.text(r, "gender_concept_id").map { $0 == "8532" ? Sex.female : $0 == "8507" ? .male : .unknown } ?? .unknown
            let sex = gender != .unknown ? gender : Sex(parsing: persons.text(r, "gender_source_value") ?? "")
            b.persons.append(PersonRow(id: id, key: pseudonymizer.patientKey(study: dataset, patient: source), sex: sex,
                                       yearOfBirth: Int(try persons.int(r, "year_of_birth", required: true, in: 0...NumberField.year.upperBound)!),
                                       race: persons.text(r, "race_source_value").map { String($0.prefix(50)) }, synthetic: false))
        }
        if let t = try table("observation_period") {
            for r in t.rows.indices {
                b.observationPeriods.append(ObservationPeriodRow(id: try t.id(r, "observation_period_id"), person: try person(t, r),
                                                                 start: try t.day(r, "observation_period_start_date")!,
                                                                 end: try t.day(r, "observation_period_end_date")!))
            }
        }
        if let t = try table("condition_occurrence") {
            for r in t.rows.indices {
                b.conditions.append(ConditionRow(id: try t.id(r, "condition_occurrence_id"), person: try person(t, r),
                                                 start: try t.day(r, "condition_start_date")!, tumourType: t.text(r, "condition_source_value")?.uppercased()))
            }
        }
        if let t = try table("death") {
            for r in t.rows.indices { b.deaths.append(DeathRow(person: try person(t, r), date: try t.day(r, "death_date")!)) }
        }
        var specimens = Set<Int64>()
        if let t = try table("specimen") {
            for r in t.rows.indices {
                let id = try t.id(r, "specimen_id")
                specimens.insert(id)
                let source = t.text(r, "specimen_source_id") ?? String(id)
                let date = try t.day(r, "specimen_date")!
                // OMOP's specimen_date is the collection date (required there): kept as such, never as a sequencing date.
                b.specimens.append(SpecimenRow(id: id, person: try person(t, r), date: date,
                                               key: pseudonymizer.sampleKey(study: dataset, sample: source),
                                               sampleType: t.text(r, "specimen_source_value"), tumourType: t.text(r, "disease_status_source_value")?.uppercased(),
                                               timing: SpecimenTiming(collected: date, sequenced: nil, source: "OMOP specimen_date")))
            }
        }
        func specimen(_ t: CSVTable, _ r: Int, _ col: String) throws -> Int64? {
            guard let s = try t.int(r, col) else { return nil }
            guard specimens.contains(s) else { throw ImportError(file: t.file, line: t.lines[r], field: col, problem: "is not in specimen.csv") }
            return s
        }
        var drugs = Set<Int64>()
        if let t = try table("drug_exposure") {
            for r in t.rows.indices {
                guard let name = t.text(r, "drug_source_value") else {
                    throw ImportError(file: t.file, line: t.lines[r], field: "drug_source_value", problem: "is empty (onco needs the drug name)")
                }
                let id = try t.id(r, "drug_exposure_id")
                drugs.insert(id)
                b.drugExposures.append(DrugExposureRow(id: id, person: try person(t, r), start: try t.day(r, "drug_exposure_start_date")!,
                                                       end: try t.day(r, "drug_exposure_end_date")!, verbatimEnd: try t.day(r, "verbatim_end_date", required: false),
                                                       drug: String(DrugNames.generic(name).prefix(50))))
            }
        }
        if let t = try table("measurement") {
            for r in t.rows.indices {
                guard let kind = t.text(r, "measurement_source_value") else { continue }
                b.measurements.append(MeasurementRow(id: try t.id(r, "measurement_id"), person: try person(t, r), date: try t.day(r, "measurement_date")!,
                                                     kind: kind, number: try t.double(r, "value_as_number"), text: t.text(r, "value_source_value"),
                                                     unit: t.text(r, "unit_source_value"), specimen: try specimen(t, r, "measurement_event_id")))
            }
        }
        var episodes = Set<Int64>()
        if let t = try table("episode") {
            for r in t.rows.indices {
                let source = t.text(r, "episode_source_value")
                let number = try t.int(r, "episode_number").map(Int.init)
                let kind: String
                if source == WarehouseSchema.EpisodeKind.lineOfTherapy || source == WarehouseSchema.EpisodeKind.progression { kind = source! }
                else if number != nil { kind = WarehouseSchema.EpisodeKind.lineOfTherapy }
                else if source?.lowercased().contains("progress") == true { kind = WarehouseSchema.EpisodeKind.progression }
                else { continue }
                let id = try t.id(r, "episode_id")
                episodes.insert(id)
                b.episodes.append(EpisodeRow(id: id, person: try person(t, r), start: try t.day(r, "episode_start_date")!,
                                             end: try t.day(r, "episode_end_date", required: false),
                                             number: kind == WarehouseSchema.EpisodeKind.lineOfTherapy ? number : nil, kind: kind))
            }
        }
        if let t = try table("episode_event") {
            for r in t.rows.indices {
                let e = try t.id(r, "episode_id"), x = try t.id(r, "event_id")
                guard episodes.contains(e), drugs.contains(x) else { continue }   // links to other domains are not used
                b.episodeEvents.append(EpisodeEventRow(episode: e, drugExposure: x))
            }
        }
        if let t = try table("onco_somatic_variant") {
            for r in t.rows.indices {
                guard let chrom = t.text(r, "chrom"), let pos = try t.int(r, "pos", required: true, in: NumberField.position), let ref = t.text(r, "ref"), let alt = t.text(r, "alt"),
                      let spec = try specimen(t, r, "specimen_id") else {
                    throw ImportError(file: t.file, line: t.lines[r], field: "chrom/pos/ref/alt/specimen_id", problem: "is empty")
                }
                let csq = t.text(r, "consequence")
                b.variants.append(VariantRow(person: try person(t, r), specimen: spec,
                                             key: VariantKey(build: GenomeBuild(parsing: t.text(r, "build") ?? ""), chrom: chrom, position: Int(pos), ref: ref, alt: alt),
                                             gene: t.text(r, "gene"), hgvsp: t.text(r, "hgvsp").map { AminoAcid.shortHGVSp($0) }, consequence: csq,
                                             consequenceClass: t.text(r, "consequence_class") ?? csq.map { Consequence.classify($0).rawValue },
                                             alteration: t.text(r, "alteration"), vaf: try t.double(r, "vaf", in: 0...1), depth: try t.int(r, "depth", in: NumberField.count).map(Int.init),
                                             filter: t.text(r, "filter")))
            }
        }
        if let t = try table("onco_clinical_attribute") {
            for r in t.rows.indices {
                guard let a = t.text(r, "attribute"), let v = t.text(r, "value_as_string") else { continue }
                b.attributes.append(AttributeRow(person: try person(t, r), specimen: try specimen(t, r, "specimen_id"), attribute: a, value: v,
                                                 number: try t.double(r, "value_as_number") ?? ImportNumber.finite(v)))
            }
        }
        return b
    }
}
