extension WarehouseSchema {
    /// Migration `0013_gene_panels_fusion_frame` (issue #21 point 7): what each specimen was sequenced with,
    /// and the reading frame of each fusion.
    ///
    /// - `onco_specimen_panel`: one row per specimen whose study names its gene panel
    ///   (`data_gene_panel_matrix.txt`, the `mutations` column). `panel_id` as the study names it;
    ///   `coding_megabases` the panel's coding size when the panel file states it (NULL when not), the
    ///   denominator of the specimen's TMB; `genes` the number of genes of the panel's `gene_list`.
    ///   A specimen without a row was not named in a matrix (its TMB follows the study-wide rule).
    /// - `onco_somatic_variant.fusion_frame`: for a fusion, `in_frame` or `frameshift` as the source
    ///   said (cBioPortal `Site2_Effect_On_Frame`, else `Event_Info`); NULL when it said nothing,
    ///   never a default of in-frame.
    static let genePanels: [String] = [
        """
        CREATE TABLE onco_specimen_panel (
            specimen_id $ID NOT NULL PRIMARY KEY,
            person_id $ID NOT NULL,
            panel_id varchar(60) NOT NULL,
            coding_megabases double precision NULL,
            genes integer NULL)
        """,
        "CREATE INDEX idx_specimen_panel_person ON onco_specimen_panel (person_id)",
        "ALTER TABLE onco_somatic_variant ADD COLUMN fusion_frame varchar(20) NULL",
    ]
}
