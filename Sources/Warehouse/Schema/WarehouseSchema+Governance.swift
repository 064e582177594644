extension WarehouseSchema {
    /// Migration `0006_cohort_governance`: the research-project registry and the hash-chained audit log.
    ///
    /// - `onco_project`: one row per approved research project. `tumour_types` and `fields` are JSON
    ///   arrays of strings (`["*"]` for everything); `expires_on` is the last day (YYYY-MM-DD) on which
    ///   the project may query; a revoked project keeps its row with `revoked_at` set.
    /// - `onco_audit_log`: append-only. Entry `seq` (1, 2, …) stores the SHA-256 of the previous entry
    ///   (`prev_sha256`, 64 zeros for the first) and its own (`entry_sha256`, over the previous hash and
    ///   the entry's canonical text, see `AuditChain`). The newest `seq` and hash are also kept in
    ///   `onco_warehouse` (`audit_head`), so a deleted last entry is detected too. Updates and deletes
    ///   are refused by triggers on both backends.
    static let governanceTables: [String] = [
        """
        CREATE TABLE onco_project (
            project_id varchar(100) NOT NULL PRIMARY KEY,
            title varchar(500) NOT NULL,
            ethics_reference varchar(200) NOT NULL,
            tumour_types TEXT NOT NULL,
            fields TEXT NOT NULL,
            row_level_export integer NOT NULL,
            expires_on varchar(10) NOT NULL,
            created_at varchar(40) NOT NULL,
            revoked_at varchar(40) NULL,
            revoked_reason TEXT NULL)
        """,
        """
        CREATE TABLE onco_audit_log (
            seq $ID NOT NULL PRIMARY KEY,
            at varchar(40) NOT NULL,
            action varchar(40) NOT NULL,
            project_id varchar(100) NULL,
            definition_sha256 varchar(64) NULL,
            detail TEXT NOT NULL,
            onco_version varchar(20) NOT NULL,
            warehouse_version integer NOT NULL,
            prev_sha256 varchar(64) NOT NULL,
            entry_sha256 varchar(64) NOT NULL)
        """,
    ]

    static let governanceSQLiteTriggers: [String] = [
        "CREATE TRIGGER onco_audit_log_no_update BEFORE UPDATE ON onco_audit_log BEGIN SELECT RAISE(ABORT, 'onco_audit_log is append-only'); END",
        "CREATE TRIGGER onco_audit_log_no_delete BEFORE DELETE ON onco_audit_log BEGIN SELECT RAISE(ABORT, 'onco_audit_log is append-only'); END",
    ]

    static let governancePostgresTriggers: [String] = [
        """
        CREATE FUNCTION onco_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN RAISE EXCEPTION ''onco_audit_log is append-only''; END'
        """,
        """
        CREATE TRIGGER onco_audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON onco_audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION onco_audit_log_append_only()
        """,
    ]
}
