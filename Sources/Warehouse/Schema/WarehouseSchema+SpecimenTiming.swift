extension WarehouseSchema {
    /// Migration `0011_specimen_timing`: when a biomarker became known, and what a synthetic dataset planted.
    ///
    /// - `onco_specimen_timing`: one row per `specimen`. `collected_date` (the specimen was taken) and
    ///   `sequenced_date` (the assay was run) as the source recorded them, each NULL when not recorded;
    ///   `source` names where they came from (`DAYS_TO_SEQUENCING`, `data_timeline_specimen.txt`,
    ///   `OMOP specimen_date`, `synthetic`, or `unknown`). OMOP's `specimen_date` is NOT NULL, so an
    ///   importer that knows no date writes the diagnosis date there; this table is what says the timing
    ///   is unknown, and an emulated target trial (issue #22) reads it: a biomarker counts as known at
    ///   time zero only when `sequenced_date` (or, failing it, `collected_date`) is on or before it.
    ///   Specimens imported before this migration are backfilled as `unknown`: the importers then wrote
    ///   the diagnosis date whatever the source said.
    /// - `onco_dataset.planted_truth`: for a synthetic dataset generated with traps (confounding by
    ///   indication, immortal time, a true effect), the planted truth as JSON; NULL otherwise.
    static let specimenTiming: [String] = [
        """
        CREATE TABLE onco_specimen_timing (
            specimen_id $ID NOT NULL PRIMARY KEY,
            person_id $ID NOT NULL,
            collected_date date NULL,
            sequenced_date date NULL,
            source varchar(60) NOT NULL)
        """,
        "CREATE INDEX idx_specimen_timing_person ON onco_specimen_timing (person_id)",
        """
        INSERT INTO onco_specimen_timing (specimen_id, person_id, collected_date, sequenced_date, source)
        SELECT specimen_id, person_id, NULL, NULL, 'unknown (imported before schema 11)' FROM specimen
        """,
        "ALTER TABLE onco_dataset ADD COLUMN planted_truth TEXT NULL",
    ]
}
