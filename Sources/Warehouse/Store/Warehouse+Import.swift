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
            for statement in deferred { try await s.execute(SQLFragment(statement)) }
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
                // nested-loop plans that take minutes at 1M patients.
                for t in WarehouseSchema.tables { try await s.execute(SQLFragment("ANALYZE \(t)")) }
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
    private func writePersonsAndSpecimens(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase, datasetID: Int64) async throws {
        typealias V = SQLRowValue
        let zero = SQLValue.int(0)
        if !b.persons.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.persons.count * Columns.person.count)
            var op: [SQLValue] = []
            op.reserveCapacity(b.persons.count * 3)
            for p in b.persons {
                let gender: Int64 = p.sex == .female ? Int64(WarehouseSchema.Concept.female)
                    : p.sex == .male ? Int64(WarehouseSchema.Concept.male) : 0
                v += [.int(base.person + p.id), .int(gender), .int(Int64(p.yearOfBirth)), zero, zero,
                      .text(p.key.rawValue), .text(p.sex.rawValue), V.text(p.race)]
                op += [.int(base.person + p.id), .int(datasetID), .int(p.synthetic ? 1 : 0)]
            }
            try await s.insert(table: "person", columns: Columns.person, values: v)
            try await s.insert(table: "onco_person", columns: Columns.oncoPerson, values: op)
        }
        if !b.observationPeriods.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.observationPeriods.count * 5)
            for o in b.observationPeriods {
                v += [.int(base.observationPeriod + o.id), .int(base.person + o.person), V.day(o.start), V.day(o.end), zero]
            }
            try await s.insert(table: "observation_period", columns: Columns.observationPeriod, values: v)
        }
        if !b.conditions.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.conditions.count * 6)
            for c in b.conditions {
                v += [.int(base.condition + c.id), .int(base.person + c.person), zero, V.day(c.start), zero, V.text(c.tumourType)]
            }
            try await s.insert(table: "condition_occurrence", columns: Columns.condition, values: v)
        }
        if !b.specimens.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.specimens.count * 8)
            for x in b.specimens {
                v += [.int(base.specimen + x.id), .int(base.person + x.person), zero, zero, V.day(x.date),
                      .text(x.key.rawValue), V.text(x.sampleType), V.text(x.tumourType)]
            }
            try await s.insert(table: "specimen", columns: Columns.specimen, values: v)
            var t: [SQLValue] = []
            t.reserveCapacity(b.specimens.count * 5)
            for x in b.specimens {
                t += [.int(base.specimen + x.id), .int(base.person + x.person), V.day(x.timing.collected), V.day(x.timing.sequenced),
                      .text(String(x.timing.source.prefix(60)))]
            }
            try await s.insert(table: "onco_specimen_timing", columns: Columns.specimenTiming, values: t)
        }
    }

    /// `drug_exposure`, `death`, `measurement`, `episode` and `episode_event` rows.
    private func writeEvents(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase) async throws {
        typealias V = SQLRowValue
        let zero = SQLValue.int(0)
        if !b.drugExposures.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.drugExposures.count * 8)
            for x in b.drugExposures {
                v += [.int(base.drug + x.id), .int(base.person + x.person), zero, V.day(x.start), V.day(x.end), V.day(x.verbatimEnd),
                      zero, .text(x.drug)]
            }
            try await s.insert(table: "drug_exposure", columns: Columns.drug, values: v)
        }
        if !b.deaths.isEmpty {
            var v: [SQLValue] = []
            for x in b.deaths { v += [.int(base.person + x.person), V.day(x.date), zero] }
            try await s.insert(table: "death", columns: Columns.death, values: v)
        }
        if !b.measurements.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.measurements.count * 11)
            for x in b.measurements {
                v += [.int(base.measurement + x.id), .int(base.person + x.person), zero, V.day(x.date), zero, V.num(x.number),
                      .text(x.kind), V.text(x.unit), V.text(x.text), x.specimen.map { .int(base.specimen + $0) } ?? .null,
                      x.specimen == nil ? .null : zero]
            }
            try await s.insert(table: "measurement", columns: Columns.measurement, values: v)
        }
        if !b.episodes.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.episodes.count * 9)
            for x in b.episodes {
                v += [.int(base.episode + x.id), .int(base.person + x.person), zero, V.day(x.start), V.day(x.end), V.int(x.number),
                      zero, zero, .text(x.kind)]
            }
            try await s.insert(table: "episode", columns: Columns.episode, values: v)
        }
        if !b.episodeEvents.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.episodeEvents.count * 3)
            for x in b.episodeEvents { v += [.int(base.episode + x.episode), .int(base.drug + x.drugExposure), zero] }
            try await s.insert(table: "episode_event", columns: Columns.episodeEvent, values: v)
        }
    }

    /// `onco_somatic_variant` (numbered by `variantSeq`), `onco_clinical_attribute` and `onco_specimen_panel` rows.
    private func writeGenomics(_ b: WarehouseBatch, _ s: any SQLSession, base: IDBase, variantSeq: inout Int64) async throws {
        typealias V = SQLRowValue
        if !b.variants.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.variants.count * 17)
            for x in b.variants {
                variantSeq += 1
                v += [.int(base.variant + variantSeq), .int(base.person + x.person), .int(base.specimen + x.specimen),
                      .text(x.key.build.rawValue), .text(x.key.chrom), .int(Int64(x.key.position)), .text(x.key.ref), .text(x.key.alt),
                      V.text(x.gene), V.text(x.hgvsp), V.text(x.consequence), V.text(x.consequenceClass), V.text(x.alteration),
                      V.num(x.vaf), V.int(x.depth), V.text(x.filter), V.text(x.fusionFrame?.rawValue)]
            }
            try await s.insert(table: "onco_somatic_variant", columns: Columns.variant, values: v)
        }
        if !b.attributes.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.attributes.count * 5)
            for x in b.attributes {
                v += [.int(base.person + x.person), x.specimen.map { .int(base.specimen + $0) } ?? .null, .text(x.attribute),
                      .text(x.value), V.num(x.number)]
            }
            try await s.insert(table: "onco_clinical_attribute", columns: Columns.attribute, values: v)
        }
        if !b.specimenPanels.isEmpty {
            var v: [SQLValue] = []
            v.reserveCapacity(b.specimenPanels.count * 5)
            for x in b.specimenPanels {
                v += [.int(base.specimen + x.specimen), .int(base.person + x.person), .text(x.panelID), V.num(x.codingMegabases), V.int(x.genes)]
            }
            try await s.insert(table: "onco_specimen_panel", columns: Columns.specimenPanel, values: v)
        }
    }
}

/// SQL values of optional fields: NULL when absent.
private enum SQLRowValue {
    static func day(_ d: Day) -> SQLValue { .text(d.iso) }
    static func day(_ d: Day?) -> SQLValue { d.map { .text($0.iso) } ?? .null }
    static func text(_ t: String?) -> SQLValue { t.map { .text($0) } ?? .null }
    static func num(_ x: Double?) -> SQLValue { x.map { .double($0) } ?? .null }
    static func int(_ x: Int?) -> SQLValue { x.map { .int(Int64($0)) } ?? .null }
}
