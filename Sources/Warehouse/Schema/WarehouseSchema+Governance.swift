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

extension WarehouseSchema {
    /// Migration `0010_governance_keys`: care purposes beside research projects, and keyed audit entries.
    ///
    /// - `onco_project.kind`: `research` (every row before this migration) or `care` (a clinical-care
    ///   purpose: a tumour board or unit); `approved_by` says who approved a care purpose; `outputs` is a
    ///   JSON array of what it may show (`aggregates`, `neighbours`), NULL for research projects.
    /// - `onco_audit_log.entry_mac`: HMAC-SHA256 of `entry_sha256` under the audit key (kept outside the
    ///   database; only its verifier is stored, in `onco_warehouse.audit_key_verifier`). NULL for entries
    ///   written before the warehouse's keys were registered (`onco project keys init`).
    static let governanceKeys: [String] = [
        "ALTER TABLE onco_project ADD COLUMN kind varchar(20) NOT NULL DEFAULT 'research'",
        "ALTER TABLE onco_project ADD COLUMN approved_by varchar(200) NULL",
        "ALTER TABLE onco_project ADD COLUMN outputs TEXT NULL",
        "ALTER TABLE onco_audit_log ADD COLUMN entry_mac varchar(64) NULL",
    ]
}
