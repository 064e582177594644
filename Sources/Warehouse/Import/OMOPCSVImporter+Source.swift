import Foundation
import Genomics
import OncoCore
import Vocabulary

/// The one batch of an OMOP CSV export: its tables read in the order their references need (persons
/// first, specimens before what names them, episodes and drug exposures before their links), a step
/// per table or pair of tables.
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

    /// The ids read so far that later tables may reference; a reference to an unknown id is an error
    /// naming file, line and field.
    struct Known {
        var persons = Set<Int64>()
        var specimens = Set<Int64>()
        var drugExposures = Set<Int64>()
        var episodes = Set<Int64>()

        func person(_ t: CSVTable, _ r: Int) throws -> Int64 {
            let p = try t.id(r, "person_id")
            guard persons.contains(p) else { throw ImportError(file: t.file, line: t.lines[r], field: "person_id", problem: "is not in person.csv") }
            return p
        }

        func specimen(_ t: CSVTable, _ r: Int, _ col: String) throws -> Int64? {
            guard let s = try t.int(r, col) else { return nil }
            guard specimens.contains(s) else { throw ImportError(file: t.file, line: t.lines[r], field: col, problem: "is not in specimen.csv") }
            return s
        }
    }

    func nextBatch() throws -> WarehouseBatch? {
        if done { return nil }
        done = true
        var b = WarehouseBatch()
        var known = Known()
        try readPersons(into: &b, known: &known)
        try readObservationsConditionsDeaths(into: &b, known: known)
        try readSpecimens(into: &b, known: &known)
        try readDrugExposures(into: &b, known: &known)
        try readMeasurements(into: &b, known: known)
        try readEpisodes(into: &b, known: &known)
        try readVariants(into: &b, known: known)
        try readAttributes(into: &b, known: known)
        return b
    }

    /// `person.csv` (required): pseudonymised keys, sex from the gender concept or its source value.
    func readPersons(into b: inout WarehouseBatch, known: inout Known) throws {
        let persons = try table("person")!
        for r in persons.rowIndices {
            let id = try persons.id(r, "person_id")
            guard known.persons.insert(id).inserted else { throw ImportError(file: persons.file, line: persons.lines[r], field: "person_id", problem: "repeats an earlier person") }
            let source = persons.text(r, "person_source_value") ?? String(id)
            let gender = persons.text(r, "gender_concept_id").map { $0 == "8532" ? Sex.female : $0 == "8507" ? .male : .unknown } ?? .unknown
            let sex = gender != .unknown ? gender : Sex(parsing: persons.text(r, "gender_source_value") ?? "")
            b.persons.append(PersonRow(id: id, key: pseudonymizer.patientKey(study: dataset, patient: source), sex: sex,
                                       yearOfBirth: Int(try persons.int(r, "year_of_birth", required: true, in: 0...NumberField.year.upperBound)!),
                                       race: persons.text(r, "race_source_value").map { String($0.prefix(50)) }, synthetic: false))
        }
    }

    /// `observation_period`, `condition_occurrence` (the tumour type) and `death`.
    func readObservationsConditionsDeaths(into b: inout WarehouseBatch, known: Known) throws {
        if let t = try table("observation_period") {
            for r in t.rowIndices {
                b.observationPeriods.append(ObservationPeriodRow(id: try t.id(r, "observation_period_id"), person: try known.person(t, r),
                                                                 start: try t.day(r, "observation_period_start_date")!,
                                                                 end: try t.day(r, "observation_period_end_date")!))
            }
        }
        if let t = try table("condition_occurrence") {
            for r in t.rowIndices {
                b.conditions.append(ConditionRow(id: try t.id(r, "condition_occurrence_id"), person: try known.person(t, r),
                                                 start: try t.day(r, "condition_start_date")!, tumourType: t.text(r, "condition_source_value")?.uppercased()))
            }
        }
        if let t = try table("death") {
            for r in t.rowIndices { b.deaths.append(DeathRow(person: try known.person(t, r), date: try t.day(r, "death_date")!)) }
        }
    }

    /// `specimen`: pseudonymised sample keys; `specimen_date` is the collection date.
    func readSpecimens(into b: inout WarehouseBatch, known: inout Known) throws {
        guard let t = try table("specimen") else { return }
        for r in t.rowIndices {
            let id = try t.id(r, "specimen_id")
            known.specimens.insert(id)
            let source = t.text(r, "specimen_source_id") ?? String(id)
            let date = try t.day(r, "specimen_date")!
            // OMOP's specimen_date is the collection date (required there): kept as such, never as a sequencing date.
            b.specimens.append(SpecimenRow(id: id, person: try known.person(t, r), date: date,
                                           key: pseudonymizer.sampleKey(study: dataset, sample: source),
                                           sampleType: t.text(r, "specimen_source_value"), tumourType: t.text(r, "disease_status_source_value")?.uppercased(),
                                           timing: SpecimenTiming(collected: date, sequenced: nil, source: "OMOP specimen_date")))
        }
    }

    /// `drug_exposure`: the drug name is required and normalised to its generic name.
    func readDrugExposures(into b: inout WarehouseBatch, known: inout Known) throws {
        guard let t = try table("drug_exposure") else { return }
        for r in t.rowIndices {
            guard let name = t.text(r, "drug_source_value") else {
                throw ImportError(file: t.file, line: t.lines[r], field: "drug_source_value", problem: "is empty (onco needs the drug name)")
            }
            let id = try t.id(r, "drug_exposure_id")
            known.drugExposures.insert(id)
            b.drugExposures.append(DrugExposureRow(id: id, person: try known.person(t, r), start: try t.day(r, "drug_exposure_start_date")!,
                                                   end: try t.day(r, "drug_exposure_end_date")!, verbatimEnd: try t.day(r, "verbatim_end_date", required: false),
                                                   drug: String(DrugName.generic(name).prefix(50))))
        }
    }

    /// `measurement` rows with a source value, linked to a specimen through `measurement_event_id`.
    func readMeasurements(into b: inout WarehouseBatch, known: Known) throws {
        guard let t = try table("measurement") else { return }
        for r in t.rowIndices {
            guard let kind = t.text(r, "measurement_source_value") else { continue }
            b.measurements.append(MeasurementRow(id: try t.id(r, "measurement_id"), person: try known.person(t, r), date: try t.day(r, "measurement_date")!,
                                                 kind: kind, number: try t.double(r, "value_as_number"), text: t.text(r, "value_source_value"),
                                                 unit: t.text(r, "unit_source_value"), specimen: try known.specimen(t, r, "measurement_event_id")))
        }
    }

    /// `episode` (lines of therapy and progressions; others skipped) and `episode_event` (an episode's
    /// drug exposures; links to other domains are not used).
    func readEpisodes(into b: inout WarehouseBatch, known: inout Known) throws {
        if let t = try table("episode") {
            for r in t.rowIndices {
                let source = t.text(r, "episode_source_value")
                let number = try t.int(r, "episode_number").map(Int.init)
                let kind: String
                if source == WarehouseSchema.EpisodeKind.lineOfTherapy || source == WarehouseSchema.EpisodeKind.progression { kind = source! }
                else if number != nil { kind = WarehouseSchema.EpisodeKind.lineOfTherapy }
                else if source?.lowercased().contains("progress") == true { kind = WarehouseSchema.EpisodeKind.progression }
                else { continue }
                let id = try t.id(r, "episode_id")
                known.episodes.insert(id)
                b.episodes.append(EpisodeRow(id: id, person: try known.person(t, r), start: try t.day(r, "episode_start_date")!,
                                             end: try t.day(r, "episode_end_date", required: false),
                                             number: kind == WarehouseSchema.EpisodeKind.lineOfTherapy ? number : nil, kind: kind))
            }
        }
        if let t = try table("episode_event") {
            for r in t.rowIndices {
                let e = try t.id(r, "episode_id"), x = try t.id(r, "event_id")
                guard known.episodes.contains(e), known.drugExposures.contains(x) else { continue }   // links to other domains are not used
                b.episodeEvents.append(EpisodeEventRow(episode: e, drugExposure: x))
            }
        }
    }

    /// onco's `onco_somatic_variant`: chrom/pos/ref/alt and the specimen are required.
    func readVariants(into b: inout WarehouseBatch, known: Known) throws {
        guard let t = try table("onco_somatic_variant") else { return }
        for r in t.rowIndices {
            guard let chrom = t.text(r, "chrom"), let pos = try t.int(r, "pos", required: true, in: NumberField.position), let ref = t.text(r, "ref"), let alt = t.text(r, "alt"),
                  let spec = try known.specimen(t, r, "specimen_id") else {
                throw ImportError(file: t.file, line: t.lines[r], field: "chrom/pos/ref/alt/specimen_id", problem: "is empty")
            }
            let csq = t.text(r, "consequence")
            b.variants.append(VariantRow(person: try known.person(t, r), specimen: spec,
                                         key: VariantKey(build: GenomeBuild(parsing: t.text(r, "build") ?? ""), chrom: chrom, position: Int(pos), ref: ref, alt: alt),
                                         gene: t.text(r, "gene"), hgvsp: t.text(r, "hgvsp").map { AminoAcid.shortHGVSp($0) }, consequence: csq,
                                         consequenceClass: t.text(r, "consequence_class") ?? csq.map { Consequence.classify($0).rawValue },
                                         alteration: t.text(r, "alteration"), vaf: try t.double(r, "vaf", in: 0...1), depth: try t.int(r, "depth", in: NumberField.count).map(Int.init),
                                         filter: t.text(r, "filter")))
        }
    }

    /// onco's `onco_clinical_attribute`: a number when the value reads as a finite one.
    func readAttributes(into b: inout WarehouseBatch, known: Known) throws {
        guard let t = try table("onco_clinical_attribute") else { return }
        for r in t.rowIndices {
            guard let a = t.text(r, "attribute"), let v = t.text(r, "value_as_string") else { continue }
            b.attributes.append(AttributeRow(person: try known.person(t, r), specimen: try known.specimen(t, r, "specimen_id"), attribute: a, value: v,
                                             number: try t.double(r, "value_as_number") ?? ImportNumber.finite(v)))
        }
    }
}
