extension WarehouseSchema {
    /// Migration `0008_line_outcome_summary`: `onco_line_outcome`, one row per line of therapy with what
    /// a real-world comparison needs (`Warehouse.lineOutcomes`), so that a cohort's lines are one
    /// index range read per patient instead of episode → episode_event → drug_exposure look-ups.
    ///
    /// Columns: `person_id`; `line_number` (`episode.episode_number`); `episode_id` (the line's episode,
    /// a tie-breaker for the order); `start_day` (days from diagnosis, the first `condition_occurrence`,
    /// to the line's start); `os_days` and `os_event` (overall survival from the line's start: days to
    /// death, event 1, else to the end of the last observation period, event 0); `age` (year of
    /// diagnosis − year of birth, NULL when the birth year is unknown); `stage` (the largest `stage`
    /// measurement, NULL when none); `drugs` (the line's distinct drug names, ordered as the database
    /// sorts them, packed by `LineSummaryPacking`).
    ///
    /// Derived data: written for every imported dataset inside the import's transaction, deleted with
    /// its dataset, and backfilled by this migration for warehouses created before it. Only lines that
    /// `lineOutcomes` returns are stored (a numbered line whose start lies before the end of follow-up,
    /// of a person with a diagnosis and an observation period). SQLite stores it clustered by person
    /// (`WITHOUT ROWID`); PostgreSQL by its primary-key index.
    static let lineOutcomeColumns = """
        person_id $ID NOT NULL,
        line_number integer NOT NULL,
        episode_id $ID NOT NULL,
        start_day integer NOT NULL,
        os_days integer NOT NULL,
        os_event integer NOT NULL,
        age integer NULL,
        stage double precision NULL,
        drugs TEXT NOT NULL,
        PRIMARY KEY (person_id, line_number, episode_id)
        """

    ///
    /// The backfill of older warehouses is done by `0012_line_outcome_time_zero`, which adds columns to
    /// the table and rebuilds every row (until 0012, this migration backfilled the rows itself).
    static let lineOutcomeSummary = Migration(
        name: "0008_line_outcome_summary", statements: [],
        sqliteStatements: ["CREATE TABLE onco_line_outcome (\n\(lineOutcomeColumns)) WITHOUT ROWID"],
        postgresStatements: ["CREATE TABLE onco_line_outcome (\n\(lineOutcomeColumns))"])

    /// Migration `0012_line_outcome_time_zero`: the per-person facts an emulated target trial (issue #22)
    /// needs at each line's start, added to `onco_line_outcome` so that `lineOutcomes` reads them with the
    /// lines (no further look-up per patient):
    /// `sex` (`person.gender_source_value` as stored: `female`, `male`, `unknown`); `tumour_type` (the
    /// upper-cased `condition_source_value` of the earliest `condition_occurrence`, the diagnosis; equal
    /// dates: the smaller code in the database's order); `start_year` (calendar year of the line's
    /// `episode_start_date`); `tmb` (the first `TMB` measurement: earliest `measurement_date`, then lowest
    /// `measurement_id`; NULL when none); `specimens` (the person's `specimen` rows) and, when there is
    /// exactly one, `sole_sequenced_day` and `sole_collected_day` (its `onco_specimen_timing` dates in
    /// days from diagnosis, NULL when not recorded or when the person has another number of specimens):
    /// every variant of such a person comes from that specimen, so the day a biomarker became known
    /// needs no variant look-up (`Warehouse.biomarkerKnownDays`). Every row is rebuilt (the
    /// derivation of 0008 plus these), also for a warehouse that had no summary yet.
    static let lineOutcomeTimeZero = Migration(
        name: "0012_line_outcome_time_zero",
        statements: ["ALTER TABLE onco_line_outcome ADD COLUMN sex varchar(50) NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN tumour_type varchar(50) NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN start_year integer NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN tmb double precision NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN specimens integer NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN sole_sequenced_day integer NULL",
                     "ALTER TABLE onco_line_outcome ADD COLUMN sole_collected_day integer NULL",
                     "DELETE FROM onco_line_outcome"],
        backfill: { s in try await Warehouse.rebuildLineSummaries(s, dataset: nil) })
}

/// How `onco_line_outcome.drugs` holds a line's drug names in one text: joined by a newline, with a
/// backslash written `\\` and a newline inside a name `\n`, so any name round-trips.
package enum LineSummaryPacking {
    package static func pack<S: Sequence>(_ names: S) -> String where S.Element == String {
        var out = ""
        var first = true
        for n in names {
            if !first { out.append("\n") }
            first = false
            if n.contains(where: { $0 == "\\" || $0 == "\n" }) {
                for ch in n {
                    switch ch {
                    case "\\": out.append("\\\\")
                    case "\n": out.append("\\n")
                    default: out.append(ch)
                    }
                }
            } else {
                out.append(n)
            }
        }
        return out
    }

    /// The names of a packed text, appended to `into` (none for the empty text).
    package static func unpack(_ packed: String, into out: inout [String]) {
        guard !packed.isEmpty else { return }
        if !packed.contains("\\") {
            for part in packed.split(separator: "\n", omittingEmptySubsequences: false) { out.append(String(part)) }
            return
        }
        var cur = ""
        var escaped = false
        for ch in packed {
            if escaped {
                cur.append(ch == "n" ? "\n" : ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\n" {
                out.append(cur)
                cur = ""
            } else {
                cur.append(ch)
            }
        }
        out.append(cur)
    }
}
