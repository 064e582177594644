import Foundation
import OncoCore

/// When each sample's biomarkers became known (issue #22): a target-trial emulation may count a
/// biomarker as known at time zero only if the specimen was sequenced (or, failing a sequencing date,
/// collected) on or before it.
///
/// Sources, all in days relative to the patient's anchor (diagnosis), like every cBioPortal timeline:
/// - sample attribute `DAYS_TO_SEQUENCING` → the sequencing day;
/// - sample attribute `DAYS_TO_COLLECTION`, or the `START_DATE` of the sample's `EVENT_TYPE=SPECIMEN`
///   row in `data_timeline_specimen.txt` → the collection day (both present and different: an error);
/// - neither: the timing is **unknown** (stated as such in `onco_specimen_timing`); OMOP's required
///   `specimen_date` then holds the anchor, which says nothing about when the sample was sequenced.
/// A sequencing day before the collection day is an error naming the file, line and field.
extension CBioPortalSource {
    /// One `SPECIMEN` row of the specimen timeline.
    struct TimelineSpecimen { var day: Int; var line: Int }

    /// `data_timeline_specimen.txt`: sample id → collection day. Rows of other event types are skipped.
    func readSpecimenTimeline(_ url: URL, patients: [String: Patient]) throws -> [String: TimelineSpecimen] {
        let t = try ClinicalTable(path: url.path)
        guard let pc = t.column("PATIENT_ID"), let startC = t.column("START_DATE"), let sampleC = t.column("SAMPLE_ID") else {
            throw ImportError(file: t.fileName, line: 1, field: "PATIENT_ID", problem: "or START_DATE or SAMPLE_ID column is missing")
        }
        let eventC = t.column("EVENT_TYPE")
        var out: [String: TimelineSpecimen] = [:]
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            if let eventC, row[eventC].uppercased() != "SPECIMEN" { continue }
            guard let pid = Missing.value(row[pc]), patients[pid] != nil else {
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "names a patient that is not in the clinical patient file")
            }
            guard let sid = Missing.value(row[sampleC]) else {
                throw ImportError(file: t.fileName, line: line, field: "SAMPLE_ID", problem: "is empty in a SPECIMEN row")
            }
            guard let text = Missing.value(row[startC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[startC], problem: "is empty")
            }
            let day = try integer(text, field: t.columns[startC], in: NumberField.relativeDays, file: t.fileName, line: line)
            if let earlier = out[sid], earlier.day != day {
                throw ImportError(file: t.fileName, line: line, field: t.columns[startC],
                                  problem: "value '\(day)' differs from the same sample's SPECIMEN row on line \(earlier.line) ('\(earlier.day)')")
            }
            out[sid] = out[sid] ?? TimelineSpecimen(day: day, line: line)
        }
        return out
    }

    /// The timing of one sample row of the clinical sample file.
    func specimenTiming(row: [String], line: Int, table t: ClinicalTable, sampleID: String, anchor: Day,
                        timeline: [String: TimelineSpecimen], timelineFile: String?) throws -> SpecimenTiming {
        func day(_ column: String) throws -> Int? {
            guard let c = t.column(column), let v = Missing.value(row[c]) else { return nil }
            return try integer(v, field: t.columns[c], in: NumberField.relativeDays, file: t.fileName, line: line)
        }
        var sources: [String] = []
        let sequenced = try day("DAYS_TO_SEQUENCING")
        if sequenced != nil { sources.append("DAYS_TO_SEQUENCING") }
        var collected = try day("DAYS_TO_COLLECTION")
        if collected != nil { sources.append("DAYS_TO_COLLECTION") }
        if let s = timeline[sampleID], let file = timelineFile {
            if let c = collected, c != s.day {
                throw ImportError(file: t.fileName, line: line, field: "DAYS_TO_COLLECTION",
                                  problem: "value '\(c)' disagrees with \(file) line \(s.line) (START_DATE '\(s.day)')")
            }
            if collected == nil { sources.append(file) }
            collected = s.day
        }
        if let s = sequenced, let c = collected, s < c {
            throw ImportError(file: t.fileName, line: line, field: "DAYS_TO_SEQUENCING",
                              problem: "value '\(s)' is before the sample's collection day '\(c)'")
        }
        guard !sources.isEmpty else { return .unknown }
        return SpecimenTiming(collected: collected.map { anchor + $0 }, sequenced: sequenced.map { anchor + $0 },
                              source: sources.joined(separator: " + "))
    }
}
