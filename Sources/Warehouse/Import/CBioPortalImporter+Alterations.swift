import Foundation
import Genomics
import OncoCore

/// Gene-level alterations of a cBioPortal study (issue #21 point 7): the discrete copy-number matrix
/// (`data_CNA.txt`) and the structural variants (`data_sv.txt`), read after the MAFs into gene-level rows
/// of `onco_somatic_variant` (`alteration` set, as `WarehouseSchema` documents and the synthetic generator
/// writes), so that biomarker cohorts (`BiomarkerCriterion.alteration`), cohort tables and similarity
/// profiles see amplified, deleted and fused patients with no other change.
///
/// `data_CNA.txt` (cBioPortal File-Formats, "Discrete Copy Number Data"; GISTIC 2.0 thresholded calls):
/// - wide format: `Hugo_Symbol` [, `Entrez_Gene_Id`, `Cytoband`] and one column per sample; long format
///   (`DISCRETE_LONG`): `Hugo_Symbol`, `Sample_Id`, `Value` per row. Every sample must be in the clinical
///   sample file (else an error naming the file, line and column).
/// - `2` → `amplification`, `-2` → `deletion` (deep, possibly homozygous; `CopyNumberRule`'s cBioPortal
///   rule, the same as a case's `--cna-file`). `-1.5`, `-1`, `0`, `1` and missing markers (`NA`, empty)
///   are not calls. Any other value is an `ImportError` naming file, line, column and value (never the
///   sample id: errors carry no identifiers); the import then writes nothing.
/// - Row: gene = `Hugo_Symbol`, `hgvsp` NULL, consequence `transcript_amplification` /
///   `transcript_ablation`, alleles `-` → `<AMP>` / `<DEL>`. The matrix has no locus: `chrom` is empty and
///   `pos` 0. Rows without a symbol and repeats of a symbol (the first row wins) are counted, not read.
///
/// `data_sv.txt` (cBioPortal File-Formats, "Structural Variant Data"):
/// - one row per event: `Sample_Id`, `Site1_Hugo_Symbol`, `Site2_Hugo_Symbol`, optional `SV_Status`
///   (`SOMATIC` or `GERMLINE`), `Site2_Chromosome`/`Site2_Position`, `Site2_Effect_On_Frame`.
/// - Orientation: site 1 is the 5′ partner and site 2 the 3′ one, as cBioPortal names fusions
///   (`Site1::Site2`, the documentation's example TMPRSS2 → ERG; its column notes call site 1 "left" and
///   site 2 "right").
/// - A fusion is a row with both symbols present and different, and `SV_Status` SOMATIC or absent/empty.
///   Set aside, counted by reason: germline rows, rows with one partner missing (intergenic or
///   unannotated), intragenic rows (both sites in one gene), repeats of a sample's fusion. Any other
///   `SV_Status` is an error.
/// - Row: gene = the 3′ partner, `hgvsp` = `FIVE::THREE` (as `WarehouseProfileMapping` and
///   `BiomarkerCriterion.alteration` read it), consequence `gene_fusion`, locus the site-2 breakpoint
///   when given (else empty, 0), alleles `-` → `<FUSION>`. The reading frame → `fusion_frame`
///   (`FusionFrame`: `Site2_Effect_On_Frame`, else `Event_Info`; in frame or frameshift, NULL when neither
///   says, never a default of in-frame), also counted in the notes.
///
/// Counts go to the import's notes (`importNotes`); the rows are part of the dataset's `mutations` count
/// (every `onco_somatic_variant` row).
struct AlterationImport {
    struct CopyNumberCounts {
        var geneRows = 0, samples = 0, amplifications = 0, deletions = 0, notCalled = 0, missing = 0
        var withoutSymbol = 0, repeatedGenes = 0
    }
    struct FusionCounts {
        var rows = 0, fusions = 0, inFrame = 0, outOfFrame = 0, frameUnknown = 0
        var setAside: [String: Int] = [:]
    }
    var copyNumber: DiscreteCopyNumberReader?
    var copyNumberStarted = false
    var structuralVariantsDone = false
    var copyNumberCounts: CopyNumberCounts?
    var copyNumberFile = ""
    var fusionCounts: FusionCounts?
    var fusionFile = ""

    /// One line per file read, for the import summary.
    var notes: [String] {
        var out: [String] = []
        if let c = copyNumberCounts {
            var s = "copy number (\(copyNumberFile)): \(c.amplifications) amplification\(c.amplifications == 1 ? "" : "s") (2) and \(c.deletions) deep deletion\(c.deletions == 1 ? "" : "s") (-2) over \(c.geneRows) gene\(c.geneRows == 1 ? "" : "s") x \(c.samples) sample\(c.samples == 1 ? "" : "s"); \(c.notCalled) values -1.5/-1/0/1 and \(c.missing) missing values not calls"
            if c.withoutSymbol > 0 { s += "; \(c.withoutSymbol) row\(c.withoutSymbol == 1 ? "" : "s") without a Hugo_Symbol skipped" }
            if c.repeatedGenes > 0 { s += "; \(c.repeatedGenes) repeated gene row\(c.repeatedGenes == 1 ? "" : "s") skipped (the first row of a gene is read)" }
            out.append(s)
        }
        if let f = fusionCounts {
            var s = "fusions (\(fusionFile)): \(f.fusions) from \(f.rows) row\(f.rows == 1 ? "" : "s") (site 1 = 5', site 2 = 3')"
            s += "; \(f.inFrame) in frame, \(f.outOfFrame) frameshift, \(f.frameUnknown) frame unknown (Site2_Effect_On_Frame, else Event_Info)"
            if !f.setAside.isEmpty {
                s += "; set aside: " + f.setAside.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            }
            out.append(s)
        }
        return out
    }
}

extension CBioPortalSource {
    /// The next batch of copy-number rows, then the fusion rows; nil when both files are done.
    func alterationBatch() throws -> WarehouseBatch? {
        guard let study else { return nil }
        if !alterations.copyNumberStarted {
            alterations.copyNumberStarted = true
            if let f = study.copyNumberFile {
                alterations.copyNumber = try DiscreteCopyNumberReader(path: f.path, samples: sampleIndex, build: study.referenceGenome)
                alterations.copyNumberFile = f.lastPathComponent
            }
        }
        if let r = alterations.copyNumber {
            var b = WarehouseBatch()
            try r.read(into: &b.variants, limit: importer.mafBatchSize)
            if !b.variants.isEmpty {
                variantCount += b.variants.count
                return b
            }
            alterations.copyNumberCounts = r.counts
            alterations.copyNumber = nil
        }
        if !alterations.structuralVariantsDone {
            alterations.structuralVariantsDone = true
            if let f = study.structuralVariantFile {
                var b = WarehouseBatch()
                alterations.fusionCounts = try readFusions(f, build: study.referenceGenome, into: &b.variants)
                alterations.fusionFile = f.lastPathComponent
                if !b.variants.isEmpty {
                    variantCount += b.variants.count
                    return b
                }
            }
        }
        return panelTMBBatch()
    }

    /// `data_sv.txt` → fusion rows (see `AlterationImport`).
    func readFusions(_ url: URL, build: GenomeBuild, into rows: inout [VariantRow]) throws -> AlterationImport.FusionCounts {
        let t = try ClinicalTable(path: url.path)
        guard let sampleC = t.column(anyOf: ["Sample_Id", "SAMPLE_ID"]) else {
            throw ImportError(file: t.fileName, line: 1, field: "Sample_Id", problem: "column is missing")
        }
        guard let site1 = t.column("Site1_Hugo_Symbol"), let site2 = t.column("Site2_Hugo_Symbol") else {
            throw ImportError(file: t.fileName, line: 1, field: "Site1_Hugo_Symbol", problem: "or Site2_Hugo_Symbol column is missing")
        }
        let statusC = t.column("SV_Status"), chromC = t.column("Site2_Chromosome"), posC = t.column("Site2_Position")
        let frameC = t.column("Site2_Effect_On_Frame"), eventC = t.column("Event_Info")
        var counts = AlterationImport.FusionCounts()
        var seen = Set<String>()
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            counts.rows += 1
            guard let sid = Missing.value(row[sampleC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[sampleC], problem: "is empty")
            }
            guard let target = sampleIndex[sid] else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[sampleC], problem: "names a sample that is not in the clinical sample file")
            }
            if let statusC, let status = Missing.value(row[statusC]) {
                switch status.uppercased() {
                case "SOMATIC": break
                case "GERMLINE": counts.setAside["germline", default: 0] += 1; continue
                default:
                    throw ImportError(file: t.fileName, line: line, field: t.columns[statusC],
                                      problem: "value '\(status.prefix(32))' is not SOMATIC or GERMLINE")
                }
            }
            guard let five = Missing.value(row[site1]), let three = Missing.value(row[site2]) else {
                counts.setAside["with one partner missing (intergenic or unannotated)", default: 0] += 1
                continue
            }
            guard five != three else { counts.setAside["intragenic (both sites in one gene)", default: 0] += 1; continue }
            for (c, g) in [(site1, five), (site2, three)] where g.count > 50 {
                throw ImportError(file: t.fileName, line: line, field: t.columns[c], problem: "is longer than 50 characters")
            }
            let pair = "\(five)::\(three)"
            guard seen.insert("\(target.specimen)|\(pair)").inserted else {
                counts.setAside["repeats of a sample's fusion", default: 0] += 1
                continue
            }
            var chrom = "", pos = 0
            if let chromC, let posC, let c = Missing.value(row[chromC]), let p = Missing.value(row[posC]) {
                pos = try integer(p, field: t.columns[posC], in: NumberField.position, file: t.fileName, line: line)
                chrom = c
            }
            // The frame: Site2_Effect_On_Frame, else Event_Info; unknown when neither says.
            let frame = frameC.flatMap { Missing.value(row[$0]) }.flatMap(FusionFrame.init(describing:))
                ?? eventC.flatMap { Missing.value(row[$0]) }.flatMap(FusionFrame.init(describing:))
            switch frame {
            case .inFrame?: counts.inFrame += 1
            case .frameshift?: counts.outOfFrame += 1
            case nil: counts.frameUnknown += 1
            }
            counts.fusions += 1
            rows.append(VariantRow(person: target.person, specimen: target.specimen,
                                   key: VariantKey(build: build, chrom: chrom, position: pos, ref: "-", alt: "<FUSION>"),
                                   gene: three, hgvsp: pair, consequence: "gene_fusion", consequenceClass: nil, alteration: "fusion",
                                   vaf: nil, depth: nil, filter: nil, fusionFrame: frame))
        }
        return counts
    }
}

/// Streams `data_CNA.txt` (wide or long) into amplification and deep-deletion rows (see `AlterationImport`).
final class DiscreteCopyNumberReader {
    private let lines: TextLineReader
    private let build: GenomeBuild
    private let samples: [String: (specimen: Int64, person: Int64)]
    private let header: [String]
    private let gene: Int
    /// Wide format: (column, sample) of each sample column. Long format: empty.
    private let sampleColumns: [(column: Int, target: (specimen: Int64, person: Int64))]
    /// Long format: the `Sample_Id` and `Value` columns.
    private let long: (sample: Int, value: Int)?
    private var seenGenes = Set<String>()
    /// Long format: the samples met so far.
    private var longSamples = Set<Int64>()
    private(set) var counts = AlterationImport.CopyNumberCounts()

    init(path: String, samples: [String: (specimen: Int64, person: Int64)], build: GenomeBuild) throws {
        let reader = try TextLineReader(path: path)
        var headerLine: String?
        while let l = try reader.nextLine() {
            if l.hasPrefix("#") || l.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            headerLine = l
            break
        }
        guard let headerLine else {
            throw ImportError(file: reader.fileName, line: reader.lineNumber, field: nil, problem: "has no header row")
        }
        let names = headerLine.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func col(_ name: String) -> Int? { names.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame } }
        guard let g = col("Hugo_Symbol") else {
            throw ImportError(file: reader.fileName, line: reader.lineNumber, field: "Hugo_Symbol",
                              problem: "column is missing (files keyed by Entrez_Gene_Id alone are not read)")
        }
        var cols: [(column: Int, target: (specimen: Int64, person: Int64))] = []
        var longColumns: (sample: Int, value: Int)?
        if let s = col("Sample_Id"), let v = col("Value") {
            longColumns = (s, v)
        } else {
            let annotation: Set<String> = ["hugo_symbol", "entrez_gene_id", "cytoband"]
            for (i, name) in names.enumerated() where !annotation.contains(name.lowercased()) {
                guard let target = samples[name] else {
                    throw ImportError(file: reader.fileName, line: reader.lineNumber, field: "column \(i + 1)",
                                      problem: "names a sample that is not in the clinical sample file")
                }
                cols.append((i, target))
            }
        }
        lines = reader
        self.build = build
        self.samples = samples
        header = names
        gene = g
        long = longColumns
        sampleColumns = cols
        counts.samples = cols.count
    }

    /// Appends rows until `limit` is reached (a line's rows are never split) or the file ends.
    func read(into rows: inout [VariantRow], limit: Int) throws {
        while rows.count < limit, let line = try lines.nextLine() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cells.count == header.count else {
                throw ImportError(file: lines.fileName, line: lines.lineNumber, field: nil,
                                  problem: "has \(cells.count) columns, the header has \(header.count)")
            }
            guard let symbol = Missing.value(String(cells[gene])) else { counts.withoutSymbol += 1; continue }
            guard symbol.count <= 50 else {
                throw ImportError(file: lines.fileName, line: lines.lineNumber, field: header[gene], problem: "is longer than 50 characters")
            }
            if let long {
                guard let sid = Missing.value(String(cells[long.sample])) else {
                    throw ImportError(file: lines.fileName, line: lines.lineNumber, field: header[long.sample], problem: "is empty")
                }
                guard let target = samples[sid] else {
                    throw ImportError(file: lines.fileName, line: lines.lineNumber, field: header[long.sample],
                                      problem: "names a sample that is not in the clinical sample file")
                }
                guard seenGenes.insert("\(target.specimen)|\(symbol)").inserted else { counts.repeatedGenes += 1; continue }
                if longSamples.insert(target.specimen).inserted { counts.samples += 1 }
                counts.geneRows += 1
                try call(cells[long.value], column: long.value, gene: symbol, target: target, into: &rows)
            } else {
                guard seenGenes.insert(symbol).inserted else { counts.repeatedGenes += 1; continue }
                counts.geneRows += 1
                for (c, target) in sampleColumns {
                    try call(cells[c], column: c, gene: symbol, target: target, into: &rows)
                }
            }
        }
    }

    /// One cell: a row for 2 or −2; −1.5, −1, 0, 1 and missing markers counted; anything else an error.
    private func call(_ cell: Substring, column: Int, gene: String, target: (specimen: Int64, person: Int64),
                      into rows: inout [VariantRow]) throws {
        let kind: String
        switch cell {
        case "2": kind = "amplification"
        case "-2": kind = "deletion"
        case "0", "-1", "1", "-1.5": counts.notCalled += 1; return
        default:
            let text = String(cell)
            guard let v = Missing.value(text) else { counts.missing += 1; return }
            guard case .success(let x) = ExactNumber.double(v), [-2, -1.5, -1, 0, 1, 2].contains(x) else {
                throw ImportError(file: lines.fileName, line: lines.lineNumber, field: "column \(column + 1)",
                                  problem: "value '\(v.prefix(32))' is not a discrete copy-number value (-2, -1.5, -1, 0, 1, 2 or NA)")
            }
            switch x {
            case 2: kind = "amplification"
            case -2: kind = "deletion"
            default: counts.notCalled += 1; return
            }
        }
        if kind == "amplification" { counts.amplifications += 1 } else { counts.deletions += 1 }
        rows.append(VariantRow(person: target.person, specimen: target.specimen,
                               key: VariantKey(build: build, chrom: "", position: 0, ref: "-", alt: kind == "amplification" ? "<AMP>" : "<DEL>"),
                               gene: gene, hgvsp: nil, consequence: kind == "amplification" ? "transcript_amplification" : "transcript_ablation",
                               consequenceClass: nil, alteration: kind, vaf: nil, depth: nil, filter: nil))
    }
}
