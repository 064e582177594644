import Foundation
import Logging
import OncoCore

/// The reads of cohort sets and screens (see `CohortSetReads.swift`).
extension Warehouse {
    /// The distinct text values of the clinical attribute `name` over the whole warehouse, sorted, each with the
    /// number of patients holding it (patient- or sample-level); empty when no patient has the attribute. The
    /// counts let a caller name only levels held by at least k patients (small-cell rule).
    public func attributeLevels(_ name: String, logger: Logger) async throws -> [AttributeLevel] {
        let q = SQLFragment("""
            SELECT a.value_as_string AS c0, COUNT(DISTINCT a.person_id) AS c1 FROM onco_clinical_attribute a
            WHERE a.attribute = ? AND a.value_as_string IS NOT NULL GROUP BY a.value_as_string ORDER BY c0
            """, [.text(name)])
        let r = try await sql.withSession { try await $0.fetch(q, types: [.text, .int]) }
        let values = r.texts(0), counts = r.ints(1)
        return (0..<r.count).compactMap { i in values[i].map { AttributeLevel(value: $0, patients: Int(counts[i] ?? 0)) } }
    }

    /// One scan of the qualifying variant rows (dictionary-coded genes), grouped and sorted here; and the
    /// genotyped patients. The two reads run concurrently.
    public func alterationCarriers(_ request: CarrierRequest, logger: Logger) async throws -> GeneCarriers {
        let d = dialect
        let kinds = request.classes.filter { ["amplification", "deletion", "fusion"].contains($0) }
        let classes = request.classes.filter { !kinds.contains($0) }
        var parts: [SQLFragment] = []
        if !classes.isEmpty { parts.append(SQLFragment("(v.alteration IS NULL AND ") + d.inList("v.consequence_class", .textList(classes)) + ")") }
        if !kinds.isEmpty { parts.append(d.inList("v.alteration", .textList(kinds))) }
        let scope = cohortScope(request.cohort, alias: "v")
        var q = scope.with + "SELECT v.person_id AS c0, v.gene AS c1 FROM onco_somatic_variant v" + scope.join
        q += parts.isEmpty ? SQLFragment(" WHERE 1 = 0") : SQLFragment(" WHERE (") + SQLFragment.join(parts, separator: " OR ") + ")"
        if let genes = request.genes { q += SQLFragment(" AND ") + d.inList("v.gene", .textList(genes)) }
        if request.passOnly { q += " AND (v.filter IS NULL OR v.filter = 'PASS')" }
        if let f = request.fusionFrame { q += SQLFragment(" AND (v.alteration IS NULL OR v.alteration <> 'fusion' OR v.fusion_frame = ?)", [.text(f.rawValue)]) }
        let gScope = cohortScope(request.cohort, alias: "x")
        let genotypedQ = gScope.with + "SELECT DISTINCT x.person_id AS c0 FROM specimen x" + gScope.join + " ORDER BY c0"
        let sql = self.sql, rowsQ = q
        async let rowsR = sql.withSession { try await $0.fetchCoded(rowsQ, textColumns: 1) }
        async let genotypedR = sql.withSession { try await $0.fetch(genotypedQ, types: [.int]) }
        let rows = try await rowsR, genotyped = try await genotypedR

        // Group by gene code, then sort genes by name and each gene's carriers by id (distinct).
        var byCode = [[Int64]](repeating: [], count: rows.tuples.count)
        for i in 0..<rows.count { byCode[Int(rows.codes[i])].append(rows.ids[i]) }
        let order = rows.tuples.indices.filter { rows.tuples[$0][0] != nil }.sorted { rows.tuples[$0][0]! < rows.tuples[$1][0]! }
        var out = GeneCarriers()
        out.personIDs.reserveCapacity(rows.count)
        for k in order {
            var ids = byCode[k]
            ids.sort()
            var last: Int64 = .min
            for p in ids where p != last { out.personIDs.append(p); last = p }
            out.genes.append(rows.tuples[k][0]!)
            out.offsets.append(out.personIDs.count)
        }
        out.genotyped = genotyped.ints(0).compactMap { $0 }
        logger.debug("warehouse.carriers", metadata: ["carriers.rows": "\(rows.count)", "carriers.genes": "\(out.genes.count)"])
        return out
    }
}
