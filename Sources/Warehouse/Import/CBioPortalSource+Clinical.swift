import Foundation
import Genomics
import OncoCore
import Vocabulary

/// The clinical files of a cBioPortal study (patients, samples, the treatment timeline) as one batch.
extension CBioPortalSource {
    struct Patient {
        var local: Int64
        var sourceID: String
        var anchor: Day
        var firstTumourType: String?
    }

    static let stageColumns = ["STAGE", "AJCC_PATHOLOGIC_TUMOR_STAGE", "PATHOLOGIC_STAGE", "CLINICAL_STAGE", "TUMOR_STAGE"]
    static let skipPatientAttributes: Set<String> = ["PATIENT_ID", "SAMPLE_ID", "STUDY_ID"]

    static func isIdentifierColumn(_ c: String) -> Bool {
        let u = c.uppercased()
        return u.hasSuffix("_ID") || u.contains("BARCODE") || u == "PATIENT" || u == "SAMPLE" || u.hasSuffix("_UUID")
    }

    /// Months (0–1800, `NumberField.months`) → whole days, round(months × 30.4375).
    static func days(months: String, field: String) throws(NumberParseError) -> Int {
        let m = try NumberField.double(months, field: field, in: NumberField.months)
        return Int((m * 30.4375).rounded())
    }

    /// A whole number under `NumberField`'s rules; counts values accepted from scientific notation.
    func integer(_ text: String, field: String, in range: ClosedRange<Int>, file: String, line: Int) throws -> Int {
        do {
            let r = try NumberField.integer(text, field: field, in: range)
            if r.notation == .scientific { scientificIntegers += 1 }
            return r.value
        } catch {
            throw ImportError(file: file, line: line, number: error)
        }
    }

    var importNotes: [String] {
        let n = scientificIntegers + (maf?.scientificIntegers ?? 0)
        let numbers = n == 0 ? [] : ["\(n) whole number\(n == 1 ? "" : "s") written in scientific or decimal notation (such as 4.7e+07) accepted at \(n == 1 ? "its" : "their") exact value"]
        return numbers + alterations.notes + panels.notes
    }

    /// `1:DECEASED` → true, `0:LIVING` → false; also bare words.
    static func isEvent(_ status: String) -> Bool? {
        let s = status.trimmingCharacters(in: .whitespaces)
        if let colon = s.firstIndex(of: ":"), let n = Int(s[..<colon]) { return n != 0 }
        switch s.uppercased() {
        case "DECEASED", "DEAD", "1", "PROGRESSED", "RECURRED", "RECURRED/PROGRESSED", "YES": return true
        case "LIVING", "ALIVE", "0", "CENSORFREE", "DISEASEFREE", "NO": return false
        default: return nil
        }
    }

    /// Local ids numbering the rows of one batch (measurements, episodes, observation periods).
    struct RowIDs {
        var measurement: Int64 = 0, episode: Int64 = 0, observationPeriod: Int64 = 0
    }

    /// The patients, samples, timelines and attributes of the study's clinical files, as one batch: the
    /// sample file's first pass (each patient's first tumour type), the patient file, the samples, then the
    /// treatment timeline; the patient map and the row ids pass from one step to the next.
    func clinicalBatch() throws -> WarehouseBatch {
        var b = WarehouseBatch()
        let patientsTable: ClinicalTable?
        let samplesTable: ClinicalTable?
        if let webTable {
            patientsTable = webTable
            samplesTable = webTable
        } else {
            patientsTable = try study!.patientFile.map { try ClinicalTable(path: $0.path) }
            samplesTable = try study!.sampleFile.map { try ClinicalTable(path: $0.path) }
        }
        var ids = RowIDs()
        var patients: [String: Patient] = [:]
        if let t = patientsTable {
            patients = try readPatients(t, firstTumourTypes: Self.firstTumourTypes(samplesTable), into: &b, ids: &ids)
        }
        if let t = samplesTable { try readSamples(t, patients: patients, into: &b, ids: &ids) }
        if let study {
            let anchors = Dictionary(patients.values.map { ($0.local, $0.anchor) }, uniquingKeysWith: { a, _ in a })
            b.specimenPanels = try readGenePanels(study, anchors: anchors)
            // Samples whose TMB is computed over their panel get that measurement after the MAF (`panelTMBBatch`).
            let tmb = WarehouseSchema.MeasurementKind.tmb
            b.measurements.removeAll { m in m.kind == tmb && m.specimen.map { panels.targets[$0] != nil } == true }
        }
        if let url = study?.treatmentTimelineFile {
            try addTimeline(url, patients: patients, batch: &b, episodeID: &ids.episode)
        }
        nextMeasurementID = ids.measurement
        return b
    }

    /// The sample file's first pass: the tumour type of each patient's first sample.
    static func firstTumourTypes(_ samples: ClinicalTable?) -> [String: String] {
        var firstType: [String: String] = [:]
        if let st = samples, let pc = st.column("PATIENT_ID"), let oc = st.column("ONCOTREE_CODE") {
            for row in st.rows { if firstType[row[pc]] == nil, let v = Missing.value(row[oc]) { firstType[row[pc]] = v.uppercased() } }
        }
        return firstType
    }

    /// The patient file (or the web table, one row per sample): a person, a condition, overall and
    /// progression-free survival, the stage and the other patient attributes per patient.
    func readPatients(_ t: ClinicalTable, firstTumourTypes firstType: [String: String], into b: inout WarehouseBatch,
                      ids: inout RowIDs) throws -> [String: Patient] {
        let p = importer.pseudonymizer
        var patients: [String: Patient] = [:]
        guard let pc = t.column("PATIENT_ID") else {
            throw ImportError(file: t.fileName, line: 0, field: "PATIENT_ID", problem: "column is missing")
        }
        let yearC = t.column(anyOf: ["INITIAL_PATHOLOGIC_DX_YEAR", "YEAR_OF_DIAGNOSIS", "DX_YEAR"])
        let ageC = t.column(anyOf: ["AGE", "AGE_AT_DIAGNOSIS", "DIAGNOSIS_AGE"])
        let sexC = t.column(anyOf: ["SEX", "GENDER"])
        let raceC = t.column("RACE")
        let osS = t.column("OS_STATUS"), osM = t.column("OS_MONTHS")
        let pfsS = t.column("PFS_STATUS"), pfsM = t.column("PFS_MONTHS")
        let stageC = Self.stageColumns.compactMap { t.column($0) }
        let oncoC = t.column("ONCOTREE_CODE")
        let sampleLevel: Set<Int> = webTable == nil ? [] : Set(["SAMPLE_ID", "ONCOTREE_CODE", "CANCER_TYPE", "CANCER_TYPE_DETAILED",
            "TMB_NONSYNONYMOUS", "SAMPLE_TYPE", "MUTATION_COUNT", "FRACTION_GENOME_ALTERED"].compactMap { t.column($0) })
        // The attribute columns, decided once per file.
        let attributeColumns = t.columns.indices.filter { i in
            let name = t.columns[i]
            return !sampleLevel.contains(i) && !Self.skipPatientAttributes.contains(name.uppercased()) && !Self.isIdentifierColumn(name)
        }
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            guard let pid = Missing.value(row[pc]) else {
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "is empty")
            }
            if patients[pid] != nil {
                if webTable != nil { continue }   // one row per sample in the web table
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "repeats an earlier patient")
            }
            let local = Int64(patients.count + 1)
            var year = 2000   // documented default when the diagnosis year is absent
            if let yearC, let v = Missing.value(row[yearC]) {
                year = try integer(v, field: t.columns[yearC], in: NumberField.year, file: t.fileName, line: line)
            }
            let anchor = Day(year: year, month: 1, day: 1) + p.dateShift(study: studyID, patient: pid, range: 365)
            var age: Int?
            if let ageC, let v = Missing.value(row[ageC]) {
                do {
                    age = Int(try NumberField.double(v, field: t.columns[ageC], in: NumberField.ageYears).rounded(.down))
                } catch { throw ImportError(file: t.fileName, line: line, number: error) }
            }
            let sex = sexC.map { Sex(parsing: row[$0]) } ?? .unknown
            b.persons.append(PersonRow(id: local, key: p.patientKey(study: studyID, patient: pid), sex: sex,
                                       yearOfBirth: age.map { anchor.year - $0 } ?? 0,
                                       race: raceC.flatMap { Missing.value(row[$0]) }.map { String($0.prefix(50)) }, synthetic: false))
            let tumour = firstType[pid] ?? oncoC.flatMap { Missing.value(row[$0]) }?.uppercased()
            b.conditions.append(ConditionRow(id: local, person: local, start: anchor, tumourType: tumour))
            // Overall survival.
            if let os = try Self.endpoint(t, row: row, line: line, status: osS, months: osM, field: "OS_STATUS",
                                          problem: "is not a survival status such as 1:DECEASED or 0:LIVING") {
                ids.observationPeriod += 1
                b.observationPeriods.append(ObservationPeriodRow(id: ids.observationPeriod, person: local, start: anchor, end: anchor + os.days))
                if os.event { b.deaths.append(DeathRow(person: local, date: anchor + os.days)) }
            }
            if let pfs = try Self.endpoint(t, row: row, line: line, status: pfsS, months: pfsM, field: "PFS_STATUS",
                                           problem: "is not a status such as 1:Progressed or 0:CensorFree") {
                let days = pfs.days
                if pfs.event {
                    ids.episode += 1
                    b.episodes.append(EpisodeRow(id: ids.episode, person: local, start: anchor + days, end: nil, number: nil,
                                                 kind: WarehouseSchema.EpisodeKind.progression))
                }
            }
            if let stage = stageC.lazy.compactMap({ Missing.value(row[$0]) }).first {
                ids.measurement += 1
                b.measurements.append(MeasurementRow(id: ids.measurement, person: local, date: anchor, kind: WarehouseSchema.MeasurementKind.stage,
                                                     number: OncoCore.Stage.ordinal(stage).map(Double.init), text: String(stage.prefix(50))))
            }
            for i in attributeColumns {
                guard let v = Missing.value(row[i]), !Missing.mentions(v, pid) else { continue }
                b.attributes.append(AttributeRow(person: local, specimen: nil, attribute: t.columns[i], value: v, number: ImportNumber.finite(v)))
            }
            patients[pid] = Patient(local: local, sourceID: pid, anchor: anchor, firstTumourType: tumour)
        }
        return patients
    }

    /// A survival endpoint of a patient row: whether the event happened and after how many days; nil when
    /// the status or the months are missing. An unknown status or bad months are errors naming file, line and field.
    static func endpoint(_ t: ClinicalTable, row: [String], line: Int, status sc: Int?, months mc: Int?, field: String,
                         problem: String) throws -> (event: Bool, days: Int)? {
        guard let sc, let mc, let status = Missing.value(row[sc]), let months = Missing.value(row[mc]) else { return nil }
        guard let event = isEvent(status) else { throw ImportError(file: t.fileName, line: line, field: field, problem: problem) }
        do { return (event, try days(months: months, field: t.columns[mc])) } catch {
            throw ImportError(file: t.fileName, line: line, number: error)
        }
    }

    /// The samples: a specimen each with its timing, the TMB as a measurement, the other sample attributes.
    func readSamples(_ t: ClinicalTable, patients: [String: Patient], into b: inout WarehouseBatch, ids: inout RowIDs) throws {
        guard let sc = t.column("SAMPLE_ID"), let pc = t.column("PATIENT_ID") else {
            throw ImportError(file: t.fileName, line: 0, field: "SAMPLE_ID", problem: "or PATIENT_ID column is missing")
        }
        let typeC = t.column("SAMPLE_TYPE"), oncoC = t.column("ONCOTREE_CODE")
        let tmbC = t.column(anyOf: ["TMB_NONSYNONYMOUS", "TMB"])
        let patientLevel: Set<Int> = webTable == nil ? [] : Set(t.columns.indices.filter { i in
            let c = t.columns[i]
            return !["SAMPLE_ID", "ONCOTREE_CODE", "CANCER_TYPE", "CANCER_TYPE_DETAILED", "TMB_NONSYNONYMOUS", "SAMPLE_TYPE",
                     "MUTATION_COUNT", "FRACTION_GENOME_ALTERED"].contains(c)
        })
        var specimenID: Int64 = 0
        let timelineFile = study?.specimenTimelineFile
        let timeline = try timelineFile.map { try readSpecimenTimeline($0, patients: patients) } ?? [:]
        let attributeColumns = t.columns.indices.filter { i in
            let name = t.columns[i], u = name.uppercased()
            return !patientLevel.contains(i) && u != "SAMPLE_ID" && u != "PATIENT_ID" && !Self.isIdentifierColumn(name)
        }
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            guard let sid = Missing.value(row[sc]) else {
                throw ImportError(file: t.fileName, line: line, field: "SAMPLE_ID", problem: "is empty")
            }
            guard let pid = Missing.value(row[pc]), let patient = patients[pid] else {
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "names a patient that is not in the clinical patient file")
            }
            if sampleIndex[sid] != nil {
                throw ImportError(file: t.fileName, line: line, field: "SAMPLE_ID", problem: "repeats an earlier sample")
            }
            specimenID += 1
            sampleIndex[sid] = (specimenID, patient.local)
            let timing = try specimenTiming(row: row, line: line, table: t, sampleID: sid, anchor: patient.anchor,
                                            timeline: timeline, timelineFile: timelineFile?.lastPathComponent)
            b.specimens.append(SpecimenRow(id: specimenID, person: patient.local, date: timing.collected ?? timing.sequenced ?? patient.anchor,
                                           key: importer.pseudonymizer.sampleKey(study: studyID, sample: sid),
                                           sampleType: typeC.flatMap { Missing.value(row[$0]) }.map { String($0.prefix(50)) },
                                           tumourType: oncoC.flatMap { Missing.value(row[$0]) }?.uppercased(), timing: timing))
            if let tmbC, let v = Missing.value(row[tmbC]) {
                let x: Double
                do { x = try NumberField.double(v, field: t.columns[tmbC], in: NumberField.nonNegative) } catch {
                    throw ImportError(file: t.fileName, line: line, number: error)
                }
                ids.measurement += 1
                b.measurements.append(MeasurementRow(id: ids.measurement, person: patient.local, date: patient.anchor,
                                                     kind: WarehouseSchema.MeasurementKind.tmb, number: x, unit: "mutations/Mb",
                                                     specimen: specimenID))
            }
            for i in attributeColumns {
                guard let v = Missing.value(row[i]), !Missing.mentions(v, pid), !Missing.mentions(v, sid) else { continue }
                b.attributes.append(AttributeRow(person: patient.local, specimen: specimenID, attribute: t.columns[i], value: v,
                                                 number: ImportNumber.finite(v)))
            }
        }
        if let file = timelineFile,
           let stray = timeline.filter({ sampleIndex[$0.key] == nil }).min(by: { $0.value.line < $1.value.line }) {
            throw ImportError(file: file.lastPathComponent, line: stray.value.line, field: "SAMPLE_ID",
                              problem: "names a sample that is not in the clinical sample file")
        }
    }

    func addTimeline(_ url: URL, patients: [String: Patient], batch b: inout WarehouseBatch, episodeID: inout Int64) throws {
        let t = try ClinicalTable(path: url.path)
        guard let pc = t.column("PATIENT_ID"), let startC = t.column("START_DATE") else {
            throw ImportError(file: t.fileName, line: 0, field: "PATIENT_ID", problem: "or START_DATE column is missing")
        }
        let stopC = t.column("STOP_DATE"), eventC = t.column("EVENT_TYPE")
        guard let agentC = t.column(anyOf: ["AGENT", "TREATMENT"]) else {
            throw ImportError(file: t.fileName, line: 0, field: "AGENT", problem: "column is missing")
        }
        let subtypeC = t.column("SUBTYPE")
        struct Given { var drug: Int64; var start: Int; var stop: Int?; var ancillary: Bool }
        var given: [Int64: [Given]] = [:]
        var drugID: Int64 = 0
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            if let eventC, row[eventC].uppercased() != "TREATMENT" { continue }
            guard let pid = Missing.value(row[pc]), let patient = patients[pid] else {
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "names a patient that is not in the clinical patient file")
            }
            guard let startText = Missing.value(row[startC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[startC], problem: "is empty")
            }
            let start = try integer(startText, field: t.columns[startC], in: NumberField.relativeDays, file: t.fileName, line: line)
            var stop: Int?
            if let stopC, let v = Missing.value(row[stopC]) {
                let s = try integer(v, field: t.columns[stopC], in: NumberField.relativeDays, file: t.fileName, line: line)
                guard s >= start else {
                    throw ImportError(file: t.fileName, line: line, field: t.columns[stopC], problem: "value '\(s)' is before START_DATE")
                }
                stop = s
            }
            guard let agent = Missing.value(row[agentC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[agentC], problem: "is empty")
            }
            drugID += 1
            let startDay = patient.anchor + start
            b.drugExposures.append(DrugExposureRow(id: drugID, person: patient.local, start: startDay,
                                                   end: patient.anchor + (stop ?? start), verbatimEnd: stop.map { patient.anchor + $0 },
                                                   drug: String(DrugName.generic(agent).prefix(50))))
            let ancillary = subtypeC.map { row[$0].lowercased() == "ancillary" } ?? false
            given[patient.local, default: []].append(Given(drug: drugID, start: start, stop: stop, ancillary: ancillary))
        }
        // Lines: same-start non-ancillary agents, numbered by start day.
        let anchors = Dictionary(uniqueKeysWithValues: patients.values.map { ($0.local, $0.anchor) })
        for person in given.keys.sorted() {
            let rows = given[person]!.filter { !$0.ancillary }
            let starts = Set(rows.map(\.start)).sorted()
            for (n, s) in starts.enumerated() {
                let members = rows.filter { $0.start == s }
                let stops = members.compactMap(\.stop)
                episodeID += 1
                let anchor = anchors[person]!
                b.episodes.append(EpisodeRow(id: episodeID, person: person, start: anchor + s, end: stops.max().map { anchor + $0 },
                                             number: n + 1, kind: WarehouseSchema.EpisodeKind.lineOfTherapy))
                for m in members { b.episodeEvents.append(EpisodeEventRow(episode: episodeID, drugExposure: m.drug)) }
            }
        }
    }
}
