import Foundation
import Logging
import OncoCore

extension Warehouse {
    /// Column lists of the tables onco writes (the other OMOP columns stay NULL).
    enum Columns {
        static let person = ["person_id", "gender_concept_id", "year_of_birth", "race_concept_id", "ethnicity_concept_id",
                             "person_source_value", "gender_source_value", "race_source_value"]
        static let observationPeriod = ["observation_period_id", "person_id", "observation_period_start_date",
                                        "observation_period_end_date", "period_type_concept_id"]
        static let condition = ["condition_occurrence_id", "person_id", "condition_concept_id", "condition_start_date",
                                "condition_type_concept_id", "condition_source_value"]
        static let drug = ["drug_exposure_id", "person_id", "drug_concept_id", "drug_exposure_start_date",
                           "drug_exposure_end_date", "verbatim_end_date", "drug_type_concept_id", "drug_source_value"]
        static let death = ["person_id", "death_date", "death_type_concept_id"]
        static let measurement = ["measurement_id", "person_id", "measurement_concept_id", "measurement_date",
                                  "measurement_type_concept_id", "value_as_number", "measurement_source_value",
                                  "unit_source_value", "value_source_value", "measurement_event_id", "meas_event_field_concept_id"]
        static let specimen = ["specimen_id", "person_id", "specimen_concept_id", "specimen_type_concept_id", "specimen_date",
                               "specimen_source_id", "specimen_source_value", "disease_status_source_value"]
        static let episode = ["episode_id", "person_id", "episode_concept_id", "episode_start_date", "episode_end_date",
                              "episode_number", "episode_object_concept_id", "episode_type_concept_id", "episode_source_value"]
        static let episodeEvent = ["episode_id", "event_id", "episode_event_field_concept_id"]
        static let variant = ["variant_id", "person_id", "specimen_id", "build", "chrom", "pos", "ref", "alt", "gene", "hgvsp",
                              "consequence", "consequence_class", "alteration", "vaf", "depth", "filter", "fusion_frame"]
        static let attribute = ["person_id", "specimen_id", "attribute", "value_as_string", "value_as_number"]
        static let oncoPerson = ["person_id", "dataset_id", "synthetic"]
        static let specimenTiming = ["specimen_id", "person_id", "collected_date", "sequenced_date", "source"]
        static let specimenPanel = ["specimen_id", "person_id", "panel_id", "coding_megabases", "genes"]
    }

    /// Current maximum ids, added to dataset-local ids.
    struct IDBase {
        var person: Int64 = 0, observationPeriod: Int64 = 0, condition: Int64 = 0, drug: Int64 = 0
        var measurement: Int64 = 0, specimen: Int64 = 0, episode: Int64 = 0, variant: Int64 = 0
    }

    struct Counts {
        var patients = 0, samples = 0, mutations = 0, treatmentRows = 0, rows = 0, batches = 0
    }

    /// Writes one dataset in a single transaction: either everything is written, or (on any error,
    /// thrown by the source or by the database) nothing is. A dataset whose name and content hash are
    /// already present is not read again (`ImportOutcome.action == .unchanged`); one with the same
    /// name and a different hash replaces the old rows in the same transaction.
    /// - Parameter progress: called after each batch with running totals (from the importing task).
    public func importDataset(_ d: DatasetDescriptor, from source: any WarehouseBatchSource,
                               progress: (@Sendable (ImportProgress) -> Void)?, logger: Logger) async throws -> ImportOutcome {
        let box = UncheckedBox(source)
        return try await sql.withTransaction { s in
            let meta = try await Self.meta(s)
            let version = Int(meta["warehouse_version"] ?? "0") ?? 0
            let existing = try await s.fetch(SQLFragment(
                "SELECT dataset_id AS c0, content_sha256 AS c1 FROM onco_dataset WHERE name = ? ORDER BY dataset_id",
                [.text(d.name)]), types: [.int, .text])
            let existingID: Int64? = existing.count > 0 ? existing.ints(0)[0] : nil
            if existing.count > 0, existing.texts(1)[0] == d.contentSHA256 {
                let info = try await Self.datasets(s).first { $0.name == d.name }!
                logger.debug("warehouse.import.unchanged", metadata: ["dataset.id": "\(info.id)"])
                return ImportOutcome(action: .unchanged, dataset: info, warehouseVersion: version, rowsWritten: 0)
            }
            // Governance: never mix real and synthetic data; one pseudonymisation key per warehouse.
            let others = try await s.fetch(SQLFragment("SELECT synthetic AS c0, COUNT(*) AS c1 FROM onco_dataset WHERE name <> ? GROUP BY synthetic ORDER BY synthetic",
                                                       [.text(d.name)]), types: [.int, .int])
            for flag in others.ints(0) where (flag ?? 0 != 0) != d.synthetic {
                throw WarehouseError(.syntheticMix, d.synthetic
                    ? "this warehouse holds real (non-synthetic) data; write synthetic cohorts to a separate warehouse"
                    : "this warehouse holds synthetic data; import real data into a separate warehouse")
            }
            if let fp = d.pseudonymKeyFingerprint {
                if let stored = meta["pseudonym_key_fingerprint"], stored != fp {
                    throw WarehouseError(.pseudonymKeyMismatch, "the pseudonymisation key differs from the one this warehouse was built with (fingerprints differ); use the same ONCO_PSEUDONYM_KEY")
                }
                try await Self.setMeta(s, "pseudonym_key_fingerprint", fp)
            }
            if let existingID { try await deleteDataset(s, Int(existingID)) }

            var base = IDBase()
            base.person = try await s.scalarInt("SELECT MAX(person_id) AS c0 FROM person") ?? 0
            base.observationPeriod = try await s.scalarInt("SELECT MAX(observation_period_id) AS c0 FROM observation_period") ?? 0
            base.condition = try await s.scalarInt("SELECT MAX(condition_occurrence_id) AS c0 FROM condition_occurrence") ?? 0
            base.drug = try await s.scalarInt("SELECT MAX(drug_exposure_id) AS c0 FROM drug_exposure") ?? 0
            base.measurement = try await s.scalarInt("SELECT MAX(measurement_id) AS c0 FROM measurement") ?? 0
            base.specimen = try await s.scalarInt("SELECT MAX(specimen_id) AS c0 FROM specimen") ?? 0
            base.episode = try await s.scalarInt("SELECT MAX(episode_id) AS c0 FROM episode") ?? 0
            base.variant = try await s.scalarInt("SELECT MAX(variant_id) AS c0 FROM onco_somatic_variant") ?? 0
            let datasetID = (try await s.scalarInt("SELECT MAX(dataset_id) AS c0 FROM onco_dataset") ?? 0) + 1

            var counts = Counts()
            var variantSeq: Int64 = 0
            // Into empty tables, secondary indexes are built once after the rows are in (a sort per index)
            // rather than maintained row by row; in the same transaction, so a failed import keeps them.
            // Measured on the TCGA import: maintained, SQLite's MAF phase took 19 s instead of 8 s; on
            // PostgreSQL the three variant indexes take 17.7 s maintained vs 5.6 s built afterwards.
            var deferred: [String] = []
            if base.person == 0 && base.variant == 0 && base.measurement == 0 { deferred = try await Self.dropSecondaryIndexes(s) }
            // The next batch is read (parsed) while this one is written: one task reads at a time, in
            // order, so the source sees the calls it would see in a plain loop.
            var pending = Task.detached { try box.value.nextBatch() }
            do {
                while let batch = try await pending.value {
                    pending = Task.detached { try box.value.nextBatch() }
                    try await write(batch, s, base: base, datasetID: datasetID, variantSeq: &variantSeq, counts: &counts)
                    counts.batches += 1
                    progress?(ImportProgress(batches: counts.batches, patients: counts.patients, rows: counts.rows))
                }
            } catch {
                _ = try? await pending.value   // the source is not left being read after the transaction ends
                throw error
            }
            try await Self.createIndexes(deferred, s)
            if !deferred.isEmpty && s.dialect == .postgres {
                // Statistics before the line-summary queries: without them the planner took 6 minutes on
                // the TCGA import's summary read (measured), where it takes seconds once analysed.
                for t in WarehouseSchema.tables { try await s.execute(SQLFragment("ANALYZE \(t)")) }
            }
            // The derived per-line summary of the new dataset's patients (same transaction).
            try await Self.rebuildLineSummaries(s, dataset: datasetID)
            let newVersion = version + 1
            let at = Self.now()
            try await s.execute(SQLFragment("""
                INSERT INTO onco_dataset (dataset_id, name, source_kind, content_sha256, synthetic, imported_at, warehouse_version,
                                          patients, samples, mutations, treatment_rows, planted_truth)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.int(datasetID), .text(d.name), .text(d.sourceKind), .text(d.contentSHA256), .int(d.synthetic ? 1 : 0),
                      .text(at), .int(Int64(newVersion)), .int(Int64(counts.patients)), .int(Int64(counts.samples)),
                      .int(Int64(counts.mutations)), .int(Int64(counts.treatmentRows)), d.plantedTruth.map { .text($0) } ?? .null]))
            try await Self.setMeta(s, "warehouse_version", String(newVersion))
            try await Self.setMeta(s, "synthetic", d.synthetic ? "true" : "false")
            try await Self.initialiseGovernanceOnImport(s, synthetic: d.synthetic)
            let logID = (try await s.scalarInt("SELECT MAX(log_id) AS c0 FROM onco_import_log") ?? 0) + 1
            let action: ImportOutcome.Action = existingID == nil ? .imported : .replaced
            try await s.execute(SQLFragment("""
                INSERT INTO onco_import_log (log_id, dataset_name, action, content_sha256, at, warehouse_version, onco_version, rows_written)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.int(logID), .text(d.name), .text(action.rawValue), .text(d.contentSHA256), .text(at),
                      .int(Int64(newVersion)), .text(OncoVersion.current), .int(Int64(counts.rows))]))
            if s.dialect == .postgres {
                // Fresh planner statistics: without them the first queries after a large COPY get
                // nested-loop plans that take minutes at 1M patients. After a first import the tables
                // were analysed once the indexes were built; only the line summaries were written since.
                for t in deferred.isEmpty ? WarehouseSchema.tables : ["onco_line_outcome"] {
                    try await s.execute(SQLFragment("ANALYZE \(t)"))
                }
            } else {
                // SQLite keeps no statistics unless asked: without them it chose `idx_variant_gene` over
                // the (gene, protein change) index for a biomarker cohort of a 1M-patient import (4-5×
                // slower). A full ANALYZE: 8 s at 1M patients (a 443 s import); a sampled one
                // (`analysis_limit = 1000`) measured the gene index as unselective and misled the planner.
                try await s.execute("ANALYZE")
            }
            logger.debug("warehouse.import.done", metadata: ["dataset.id": "\(datasetID)", "rows": "\(counts.rows)", "action": "\(action.rawValue)"])
            let info = DatasetInfo(id: Int(datasetID), name: d.name, sourceKind: d.sourceKind, contentSHA256: d.contentSHA256,
                                   synthetic: d.synthetic, importedAt: at, warehouseVersion: newVersion, patients: counts.patients,
                                   samples: counts.samples, mutations: counts.mutations, treatmentRows: counts.treatmentRows,
                                   plantedTruth: d.plantedTruth)
            return ImportOutcome(action: action, dataset: info, warehouseVersion: newVersion, rowsWritten: counts.rows)
        }
    }

    /// Drops the secondary indexes of the tables imports write (not primary keys or constraints) and
    /// returns the statements that create them again.
    static func dropSecondaryIndexes(_ s: any SQLSession) async throws -> [String] {
        let tables = WarehouseSchema.tables.map { "'\($0)'" }.joined(separator: ", ")
        let q: SQLFragment = s.dialect == .sqlite
            ? SQLFragment("SELECT name AS c0, sql AS c1 FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(tables)) ORDER BY name")
            : SQLFragment("""
                SELECT indexname AS c0, indexdef AS c1 FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename IN (\(tables))
                  AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname
                """)
        let r = try await s.fetch(q, types: [.text, .text])
        var create: [String] = []
        for (name, sql) in zip(r.texts(0), r.texts(1)) {
            guard let name, let sql else { continue }
            try await s.execute(SQLFragment("DROP INDEX \(name)"))
            create.append(sql)
        }
        return create
    }

    /// Runs the `CREATE INDEX` statements of `dropSecondaryIndexes`. SQLite sizes a sort's in-memory
    /// runs by its page cache: with the warehouse's 256 MiB, all 1.68M keys of a TCGA variant index are
    /// one run whose merge misses the CPU caches; with 16 MiB runs, merged afterwards, `CREATE INDEX`
    /// took 2.6 s instead of 3.2 s (`sqlite3` on the imported file). The cache size is restored after.
    static func createIndexes(_ statements: [String], _ s: any SQLSession) async throws {
        guard !statements.isEmpty else { return }
        var cacheSize: Int64?
        if s.dialect == .sqlite {
            cacheSize = try await s.scalarInt("SELECT cache_size AS c0 FROM pragma_cache_size()")
            try await s.execute("PRAGMA cache_size = -16384")
        }
        for statement in statements { try await s.execute(SQLFragment(statement)) }
        if let cacheSize { try await s.execute(SQLFragment("PRAGMA cache_size = \(cacheSize)")) }
    }

    /// Deletes every row of a dataset (inside the caller's transaction).
    func deleteDataset(_ s: any SQLSession, _ id: Int) async throws {
        let persons = "(SELECT person_id FROM onco_person WHERE dataset_id = ?)"
        let v: [SQLValue] = [.int(Int64(id))]
        try await s.execute(SQLFragment("DELETE FROM episode_event WHERE episode_id IN (SELECT episode_id FROM episode WHERE person_id IN \(persons))", v))
        for t in WarehouseSchema.tables where t != "episode_event" && t != "onco_person" {
            try await s.execute(SQLFragment("DELETE FROM \(t) WHERE person_id IN \(persons)", v))
        }
        try await s.execute(SQLFragment("DELETE FROM onco_person WHERE dataset_id = ?", v))
        try await s.execute(SQLFragment("DELETE FROM onco_dataset WHERE dataset_id = ?", v))
    }

    private func write(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase, datasetID: Int64,
                       variantSeq: inout Int64, counts: inout Counts) async throws {
        // in the order the tables reference each other
        try await writePersonsAndSpecimens(b, s, base: base, datasetID: datasetID)
        try await writeEvents(b, s, base: base)
        try await writeGenomics(b, s, base: base, variantSeq: &variantSeq)
        counts.patients += b.persons.count
        counts.samples += b.specimens.count
        counts.mutations += b.variants.count
        counts.treatmentRows += b.drugExposures.count
        counts.rows += b.rowCount + b.persons.count
    }

    /// `person`, `onco_person`, `observation_period`, `condition_occurrence`, `specimen` and `onco_specimen_timing` rows.
    /// Values go from the row structs to the session's writer (`SQLRowWriter`), one call per column.
    private func writePersonsAndSpecimens(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase, datasetID: Int64) async throws {
        let female = Int64(WarehouseSchema.Concept.female), male = Int64(WarehouseSchema.Concept.male)
        if !b.persons.isEmpty {
            try await s.insert(table: "person", columns: Columns.person, count: b.persons.count) { i, w in
                let p = b.persons[i]
                w.int(base.person + p.id); w.int(p.sex == .female ? female : p.sex == .male ? male : 0)
                w.int(Int64(p.yearOfBirth)); w.int(0); w.int(0)
                w.text(p.key.rawValue); w.text(p.sex.rawValue); w.text(p.race)
            }
            try await s.insert(table: "onco_person", columns: Columns.oncoPerson, count: b.persons.count) { i, w in
                let p = b.persons[i]
                w.int(base.person + p.id); w.int(datasetID); w.int(p.synthetic ? 1 : 0)
            }
        }
        if !b.observationPeriods.isEmpty {
            try await s.insert(table: "observation_period", columns: Columns.observationPeriod, count: b.observationPeriods.count) { i, w in
                let o = b.observationPeriods[i]
                w.int(base.observationPeriod + o.id); w.int(base.person + o.person); w.day(o.start); w.day(o.end); w.int(0)
            }
        }
        if !b.conditions.isEmpty {
            try await s.insert(table: "condition_occurrence", columns: Columns.condition, count: b.conditions.count) { i, w in
                let c = b.conditions[i]
                w.int(base.condition + c.id); w.int(base.person + c.person); w.int(0); w.day(c.start); w.int(0); w.text(c.tumourType)
            }
        }
        if !b.specimens.isEmpty {
            try await s.insert(table: "specimen", columns: Columns.specimen, count: b.specimens.count) { i, w in
                let x = b.specimens[i]
                w.int(base.specimen + x.id); w.int(base.person + x.person); w.int(0); w.int(0); w.day(x.date)
                w.text(x.key.rawValue); w.text(x.sampleType); w.text(x.tumourType)
            }
            try await s.insert(table: "onco_specimen_timing", columns: Columns.specimenTiming, count: b.specimens.count) { i, w in
                let x = b.specimens[i]
                w.int(base.specimen + x.id); w.int(base.person + x.person); w.day(x.timing.collected); w.day(x.timing.sequenced)
                w.text(String(x.timing.source.prefix(60)))
            }
        }
    }

    /// `drug_exposure`, `death`, `measurement`, `episode` and `episode_event` rows.
    private func writeEvents(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase) async throws {
        if !b.drugExposures.isEmpty {
            try await s.insert(table: "drug_exposure", columns: Columns.drug, count: b.drugExposures.count) { i, w in
                let x = b.drugExposures[i]
                w.int(base.drug + x.id); w.int(base.person + x.person); w.int(0); w.day(x.start); w.day(x.end); w.day(x.verbatimEnd)
                w.int(0); w.text(x.drug)
            }
        }
        if !b.deaths.isEmpty {
            try await s.insert(table: "death", columns: Columns.death, count: b.deaths.count) { i, w in
                let x = b.deaths[i]
                w.int(base.person + x.person); w.day(x.date); w.int(0)
            }
        }
        if !b.measurements.isEmpty {
            try await s.insert(table: "measurement", columns: Columns.measurement, count: b.measurements.count) { i, w in
                let x = b.measurements[i]
                w.int(base.measurement + x.id); w.int(base.person + x.person); w.int(0); w.day(x.date); w.int(0); w.double(x.number)
                w.text(x.kind); w.text(x.unit); w.text(x.text)
                if let sp = x.specimen { w.int(base.specimen + sp); w.int(0) } else { w.int(nil); w.int(nil) }
            }
        }
        if !b.episodes.isEmpty {
            try await s.insert(table: "episode", columns: Columns.episode, count: b.episodes.count) { i, w in
                let x = b.episodes[i]
                w.int(base.episode + x.id); w.int(base.person + x.person); w.int(0); w.day(x.start); w.day(x.end); w.int(x.number)
                w.int(0); w.int(0); w.text(x.kind)
            }
        }
        if !b.episodeEvents.isEmpty {
            try await s.insert(table: "episode_event", columns: Columns.episodeEvent, count: b.episodeEvents.count) { i, w in
                let x = b.episodeEvents[i]
                w.int(base.episode + x.episode); w.int(base.drug + x.drugExposure); w.int(0)
            }
        }
    }

    /// `onco_somatic_variant` (numbered by `variantSeq`), `onco_clinical_attribute` and `onco_specimen_panel` rows.
    private func writeGenomics(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase, variantSeq: inout Int64) async throws {
        if !b.variants.isEmpty {
            let first = base.variant + variantSeq + 1
            try await s.insert(table: "onco_somatic_variant", columns: Columns.variant, count: b.variants.count) { i, w in
                let x = b.variants[i]
                w.int(first + Int64(i)); w.int(base.person + x.person); w.int(base.specimen + x.specimen)
                w.text(x.key.build.rawValue); w.text(x.key.chrom); w.int(Int64(x.key.position)); w.text(x.key.ref); w.text(x.key.alt)
                w.text(x.gene); w.text(x.hgvsp); w.text(x.consequence); w.text(x.consequenceClass); w.text(x.alteration)
                w.double(x.vaf); w.int(x.depth); w.text(x.filter); w.text(x.fusionFrame?.rawValue)
            }
            variantSeq += Int64(b.variants.count)
        }
        if !b.attributes.isEmpty {
            try await s.insert(table: "onco_clinical_attribute", columns: Columns.attribute, count: b.attributes.count) { i, w in
                let x = b.attributes[i]
                w.int(base.person + x.person)
                if let sp = x.specimen { w.int(base.specimen + sp) } else { w.int(nil) }
                w.text(x.attribute); w.text(x.value); w.double(x.number)
            }
        }
        if !b.specimenPanels.isEmpty {
            try await s.insert(table: "onco_specimen_panel", columns: Columns.specimenPanel, count: b.specimenPanels.count) { i, w in
                let x = b.specimenPanels[i]
                w.int(base.specimen + x.specimen); w.int(base.person + x.person); w.text(x.panelID); w.double(x.codingMegabases)
                w.int(x.genes)
            }
        }
    }
}

