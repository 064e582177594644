extension WarehouseSchema {
    /// Migration `0007_cohort_outcome_indexes`: covering indexes for the per-person outcome and cohort-table
    /// queries (`outcomeQuery`, `cohortTable`), so that each reads one index in person order instead
    /// of visiting the table rows (measured in Benchmarks/results/cohort.md).
    static let outcomeIndexes: [String] = [
        "CREATE INDEX idx_condition_person_start ON condition_occurrence (person_id, condition_start_date, condition_source_value)",
        "CREATE INDEX idx_observation_period_person_end ON observation_period (person_id, observation_period_end_date)",
        "CREATE INDEX idx_measurement_kind_person ON measurement (measurement_source_value, person_id, value_as_number)",
        "CREATE INDEX idx_attribute_name_person ON onco_clinical_attribute (attribute, person_id, specimen_id)",
    ]
}
