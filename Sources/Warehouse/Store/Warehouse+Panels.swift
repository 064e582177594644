import Foundation
import Logging
import OncoCore

/// The gene panel of one specimen (`onco_specimen_panel`, schema 13) and its TMB measurement.
public struct SpecimenPanelInfo: Sendable, Hashable {
    /// `specimen_source_id`: the pseudonymous sample key.
    public var sampleKey: String
    public var panelID: String
    /// The panel's coding territory in Mb, nil when the panel file does not state it.
    public var codingMegabases: Double?
    /// Genes of the panel's `gene_list`; nil for whole exome/genome.
    public var genes: Int?
    /// The specimen's TMB measurement (mutations/Mb), nil when it has none.
    public var tmb: Double?
    public init(sampleKey: String, panelID: String, codingMegabases: Double?, genes: Int?, tmb: Double?) {
        self.sampleKey = sampleKey; self.panelID = panelID; self.codingMegabases = codingMegabases; self.genes = genes; self.tmb = tmb
    }
}

extension Warehouse {
    /// Every specimen with a recorded gene panel, by sample key, with its TMB.
    public func specimenPanels(logger: Logger) async throws -> [SpecimenPanelInfo] {
        let q = SQLFragment("""
            SELECT s.specimen_source_id AS c0, sp.panel_id AS c1, sp.coding_megabases AS c2, sp.genes AS c3,
                   (SELECT MIN(m.value_as_number) FROM measurement m
                     WHERE m.measurement_event_id = sp.specimen_id AND m.measurement_source_value = ?) AS c4
            FROM onco_specimen_panel sp JOIN specimen s ON s.specimen_id = sp.specimen_id ORDER BY c0
            """, [.text(WarehouseSchema.MeasurementKind.tmb)])
        let r = try await sql.withSession { s in try await s.fetch(q, types: [.text, .text, .double, .int, .double]) }
        let keys = r.texts(0), ids = r.texts(1), mb = r.doubles(2), genes = r.ints(3), tmb = r.doubles(4)
        return (0..<r.count).map { i in
            SpecimenPanelInfo(sampleKey: keys[i] ?? "", panelID: ids[i] ?? "", codingMegabases: mb[i], genes: genes[i].map { Int($0) }, tmb: tmb[i])
        }
    }
}
