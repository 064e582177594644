import Foundation
import Genomics
import OncoCore

/// Gene panels of a cBioPortal study (issue #21 point 7): which panel each sample was sequenced with, and
/// the TMB denominators that follow.
///
/// Files (cBioPortal File-Formats, "Gene Panel Data" and "Gene Panel Matrix"):
/// - panel files `data_gene_panel_*.txt` (other than the matrix) and `gene_panels/*.txt`: `key: value`
///   lines, `stable_id` (required), `description`, `gene_list` (genes separated by tabs or spaces, required),
///   and, an onco extension cBioPortal ignores, `coding_megabases` (the panel's coding territory in Mb, a
///   finite number > 0). A repeated `stable_id` is an error.
/// - `data_gene_panel_matrix.txt`: `SAMPLE_ID` and one column per genetic profile, named by the profile's
///   `stable_id` in the study's `meta_*.txt` files (`mutations`, `cna`, `structural_variants`); a cell is a
///   panel's `stable_id`, `WES`/`WXS`/`WGS` (whole exome or genome: no panel file needed), or `NA` (not
///   profiled). Errors naming file, line, field and value: a sample not in the clinical sample file, a
///   sample on two rows, a panel no panel file defines, a column that is not a profile of the study (or is
///   repeated, or empty), a row of the wrong width.
///
/// TMB (`measurement` TMB, mutations/Mb), per sample:
/// - named in the matrix's mutation column with a panel whose `coding_megabases` is stated: the number of
///   the sample's MAF rows that are non-synonymous coding changes (consequence class truncating, missense
///   or in-frame indel: `AlterationFilter.nonSynonymousClasses` without the gene-level kinds) in a gene of the
///   panel's `gene_list`, divided by `coding_megabases`. Every MAF row counts as delivered (no VAF or FILTER
///   threshold). A sample with no such row has TMB 0: it was profiled. This replaces the clinical
///   `TMB_NONSYNONYMOUS` as the measurement (which stays a sample attribute).
/// - otherwise (not in the matrix, `NA`, whole exome/genome, or a panel without `coding_megabases`): the
///   study-wide rule, the clinical `TMB_NONSYNONYMOUS` as given (cBioPortal computes it over its own
///   territory); none when absent. The import notes count the samples under each rule.
/// The panel of each sample named in the matrix → `onco_specimen_panel` (`panel_id`, `coding_megabases`,
/// gene count).
struct PanelImport {
    struct Panel {
        var id: String
        var genes: Set<String>
        var codingMegabases: Double?
    }
    /// A sample whose TMB is computed over its panel.
    struct Target {
        var person: Int64
        var anchor: Day
        var panel: Panel
    }
    /// Specimen → its panel, for the samples whose TMB the import computes.
    var targets: [Int64: Target] = [:]
    /// Specimen → counted MAF rows.
    var counts: [Int64: Int] = [:]
    var matrixFile = ""
    var named = 0, computed = 0, withoutSize = 0, wholeExome = 0, notProfiled = 0
    var done = false

    static let wholeExomeOrGenome: Set<String> = ["WES", "WXS", "WGS"]
    static let countedClasses: Set<String> = ["truncating", "missense", "inframeIndel"]

    /// Counts a MAF row towards its sample's TMB when the sample's TMB is computed over a panel.
    mutating func count(_ row: VariantRow) {
        guard let t = targets[row.specimen], let c = row.consequenceClass, Self.countedClasses.contains(c),
              let g = row.gene, t.panel.genes.contains(g) else { return }
        counts[row.specimen, default: 0] += 1
    }

    var notes: [String] {
        guard !matrixFile.isEmpty else { return [] }
        var s = "gene panels (\(matrixFile)): \(named) sample\(named == 1 ? "" : "s") named; TMB over the panel's coding_megabases for \(computed)"
        if withoutSize > 0 { s += "; \(withoutSize) on a panel without coding_megabases" }
        if wholeExome > 0 { s += "; \(wholeExome) whole exome/genome" }
        if notProfiled > 0 { s += "; \(notProfiled) NA (not profiled)" }
        s += "; samples not computed over a panel keep TMB_NONSYNONYMOUS as given"
        return [s]
    }
}

extension CBioPortalStudy {
    /// `data_gene_panel_*.txt` (not the matrix) and `gene_panels/*.txt`, sorted by name.
    static func genePanelFiles(in dir: URL, files: [String]) -> [URL] {
        var out = files.filter { $0.hasPrefix("data_gene_panel_") && $0.hasSuffix(".txt") && !$0.hasPrefix("data_gene_panel_matrix") }
            .map { dir.appendingPathComponent($0) }
        let sub = dir.appendingPathComponent("gene_panels")
        let inner = ((try? FileManager.default.contentsOfDirectory(atPath: sub.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        out += inner.map { sub.appendingPathComponent($0) }
        return out
    }

    /// The `stable_id` of every genetic profile of the study (meta files with a `genetic_alteration_type`).
    static func profileIDs(in dir: URL, files: [String]) -> Set<String> {
        var ids = Set<String>()
        for f in files where f.hasPrefix("meta_") && f.hasSuffix(".txt") {
            if let m = try? readMeta(dir.appendingPathComponent(f)), m["genetic_alteration_type"] != nil, let id = m["stable_id"] {
                ids.insert(id)
            }
        }
        return ids
    }
}

extension CBioPortalStudy {
    /// The `stable_id` of the `MUTATION_EXTENDED` profile, when a meta file names one.
    static func mutationProfileID(in dir: URL, files: [String]) -> String? {
        for f in files where f.hasPrefix("meta_") && f.hasSuffix(".txt") {
            if let m = try? readMeta(dir.appendingPathComponent(f)), m["genetic_alteration_type"] == "MUTATION_EXTENDED" { return m["stable_id"] }
        }
        return nil
    }
}

extension CBioPortalSource {
    /// Reads the panel files and the matrix; returns the `onco_specimen_panel` rows and fills `panels`.
    /// - Parameter anchors: person → diagnosis anchor (the TMB measurement's date).
    func readGenePanels(_ study: CBioPortalStudy, anchors: [Int64: Day]) throws -> [SpecimenPanelRow] {
        guard let matrixURL = study.genePanelMatrixFile else { return [] }
        var defined: [String: (panel: PanelImport.Panel, file: String)] = [:]
        for url in study.genePanelFiles {
            let p = try Self.readPanelFile(url)
            if let earlier = defined[p.id] {
                throw ImportError(file: url.lastPathComponent, line: 0, field: "stable_id",
                                  problem: "value '\(p.id.prefix(32))' is also defined by \(earlier.file)")
            }
            defined[p.id] = (p, url.lastPathComponent)
        }
        let t = try ClinicalTable(path: matrixURL.path)
        panels.matrixFile = t.fileName
        guard let sc = t.column("SAMPLE_ID") else {
            throw ImportError(file: t.fileName, line: 1, field: "SAMPLE_ID", problem: "column is missing")
        }
        let headerLine = (t.lineNumbers.first ?? 2) - 1
        var seenColumns = Set<String>()
        for (i, name) in t.columns.enumerated() where i != sc {
            guard !name.isEmpty, study.profileIDs.contains(name), seenColumns.insert(name).inserted else {
                throw ImportError(file: t.fileName, line: headerLine, field: "column \(i + 1)",
                                  problem: "value '\(name.prefix(32))' is not the stable_id of a genetic profile of the study (meta_*.txt), or repeats one")
            }
        }
        let mutationColumn = t.column(study.mutationProfileID ?? "mutations")
        var rows: [SpecimenPanelRow] = []
        var seenSamples = Set<String>()
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            guard let sid = Missing.value(row[sc]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[sc], problem: "is empty")
            }
            guard let target = sampleIndex[sid] else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[sc], problem: "names a sample that is not in the clinical sample file")
            }
            guard seenSamples.insert(sid).inserted else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[sc], problem: "repeats an earlier sample")
            }
            var mutationPanel: String?
            for (i, cell) in row.enumerated() where i != sc {
                guard let v = Missing.value(cell) else { continue }
                guard defined[v] != nil || PanelImport.wholeExomeOrGenome.contains(v.uppercased()) else {
                    throw ImportError(file: t.fileName, line: line, field: t.columns[i],
                                      problem: "value '\(v.prefix(32))' is not a gene panel of the study (no data_gene_panel_*.txt or gene_panels/*.txt defines it)")
                }
                if i == mutationColumn { mutationPanel = v }
            }
            guard let mutationColumn else { continue }
            panels.named += 1
            guard let id = mutationPanel else { panels.notProfiled += 1; continue }
            guard let p = defined[id]?.panel else {
                panels.wholeExome += 1
                rows.append(SpecimenPanelRow(specimen: target.specimen, person: target.person, panelID: id.uppercased(), codingMegabases: nil, genes: nil))
                continue
            }
            rows.append(SpecimenPanelRow(specimen: target.specimen, person: target.person, panelID: p.id,
                                         codingMegabases: p.codingMegabases, genes: p.genes.count))
            if p.codingMegabases == nil { panels.withoutSize += 1; continue }
            panels.computed += 1
            panels.targets[target.specimen] = PanelImport.Target(person: target.person, anchor: anchors[target.person] ?? Day(year: 2000, month: 1, day: 1), panel: p)
        }
        return rows
    }

    /// One panel file: `stable_id`, `gene_list`, optional `coding_megabases`.
    static func readPanelFile(_ url: URL) throws -> PanelImport.Panel {
        let name = url.lastPathComponent
        guard let text = InputFile.text(path: url.path) else {
            throw ImportError(file: name, line: 0, field: nil, problem: "cannot be read as UTF-8 text")
        }
        var values: [String: (value: String, line: Int)] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = (line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines), i + 1)
        }
        guard let id = values["stable_id"], !id.value.isEmpty else {
            throw ImportError(file: name, line: 0, field: "stable_id", problem: "is missing")
        }
        guard id.value.count <= 60 else {
            throw ImportError(file: name, line: id.line, field: "stable_id", problem: "is longer than 60 characters")
        }
        guard let list = values["gene_list"] else {
            throw ImportError(file: name, line: 0, field: "gene_list", problem: "is missing")
        }
        let genes = Set(list.value.split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init))
        guard !genes.isEmpty else {
            throw ImportError(file: name, line: list.line, field: "gene_list", problem: "is empty")
        }
        var mb: Double?
        if let m = values["coding_megabases"] {
            do {
                let x = try NumberField.double(m.value, field: "coding_megabases", in: 0...Double.greatestFiniteMagnitude)
                guard x > 0 else { throw ImportError(file: name, line: m.line, field: "coding_megabases", problem: "value '\(m.value.prefix(32))' is not greater than 0") }
                mb = x
            } catch let e as NumberParseError {
                throw ImportError(file: name, line: m.line, number: e)
            }
        }
        return PanelImport.Panel(id: id.value, genes: genes, codingMegabases: mb)
    }

    /// The TMB measurements of the samples computed over their panels, after the last MAF row.
    func panelTMBBatch() -> WarehouseBatch? {
        guard !panels.done else { return nil }
        panels.done = true
        var b = WarehouseBatch()
        for (specimen, t) in panels.targets.sorted(by: { $0.key < $1.key }) {
            guard let mb = t.panel.codingMegabases else { continue }
            nextMeasurementID += 1
            b.measurements.append(MeasurementRow(id: nextMeasurementID, person: t.person, date: t.anchor,
                                                 kind: WarehouseSchema.MeasurementKind.tmb,
                                                 number: Double(panels.counts[specimen] ?? 0) / mb, text: String(t.panel.id.prefix(50)),
                                                 unit: "mutations/Mb", specimen: specimen))
        }
        return b.measurements.isEmpty ? nil : b
    }
}
