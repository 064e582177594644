import Foundation
import Genomics
import OncoCore

/// The steps of `BatchManifest.parse`: the header, then each case line, its clinical fields and its case files.
extension BatchManifest {
    /// One case line, its fields by column name (`NA`, `.` and empty are no value).
    struct ManifestRow {
        var fields: [String]
        var column: [String: Int]
        var file: String
        var line: Int

        func value(_ name: String) -> String? {
            guard let i = column[name] else { return nil }
            let v = fields[i]
            return v.isEmpty || v == "NA" || v == "." ? nil : v
        }

        func requiredValue(_ name: String) throws -> String {
            guard let v = value(name) else {
                throw ManifestError(.malformed, file: file, line: line, field: name, "required field is empty")
            }
            return v
        }

        func error(_ field: String, _ message: String) -> ManifestError {
            ManifestError(.malformed, file: file, line: line, field: field, message)
        }
    }

    /// The header line: the index of each known column (`tumour_type` read as `tumor_type`), and the unknown columns
    /// as written (ignored).
    /// - Throws: `ManifestError` for an empty or repeated column, or a required column missing.
    static func parseHeader(_ fields: [String], file: String, line lineNumber: Int) throws -> (column: [String: Int], ignored: [String]) {
        var column: [String: Int] = [:]
        var ignored: [String] = []
        var seen: Set<String> = []
        for (i, raw) in fields.enumerated() {
            var name = raw.lowercased()
            if name == "tumour_type" { name = "tumor_type" }
            guard !name.isEmpty else {
                throw ManifestError(.malformed, file: file, line: lineNumber, field: nil, "header column \(i + 1) is empty")
            }
            guard seen.insert(name).inserted else {
                throw ManifestError(.malformed, file: file, line: lineNumber, field: name, "column appears twice in the header")
            }
            if required.contains(name) || optional.contains(name) { column[name] = i } else { ignored.append(raw) }
        }
        for r in required where column[r] == nil {
            throw ManifestError(.malformed, file: file, line: lineNumber, field: r,
                                "required column missing from the header (need case_id, vcf, tumor_type)")
        }
        return (column, ignored)
    }

    /// One case: its id (unique in the manifest: `firstLine` records where each was seen), files, clinical fields.
    static func parseCase(_ row: ManifestRow, index: Int, baseDirectory: String, firstLine: inout [String: Int]) throws -> BatchCase {
        let id = try row.requiredValue("case_id")
        guard id.utf8.count <= 256, !id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw row.error("case_id", "must be at most 256 characters without spaces or control characters")
        }
        if let first = firstLine[id] {
            throw row.error("case_id", "duplicate case_id (first at line \(first))")
        }
        firstLine[id] = row.line
        let vcf = resolve(try row.requiredValue("vcf"), against: baseDirectory)
        let tumourType = try row.requiredValue("tumor_type")
        let bam = row.value("bam").map { resolve($0, against: baseDirectory) }
        let clinical = try clinicalFields(row)
        let files = try caseFiles(row, baseDirectory: baseDirectory)
        let annotation = try consequenceSource(gff: row.value("gff"), reference: row.value("reference"), base: baseDirectory,
                                               file: row.file, line: row.line)
        return BatchCase(id: id, index: index, line: row.line, vcf: vcf, tumourType: tumourType,
                         sample: row.value("sample"), bam: bam, age: clinical.age, sex: clinical.sex, stage: clinical.stage,
                         lenient: clinical.lenient, caseFiles: files, consequenceSource: annotation)
    }

    /// `age` (whole years, 0…150), `sex`, `stage` (normalised) and `lenient` (yes/no).
    static func clinicalFields(_ row: ManifestRow) throws -> (age: Int?, sex: Sex?, stage: String?, lenient: Bool) {
        var age: Int? = nil
        if let a = row.value("age") {
            guard let n = Int(a), (0...150).contains(n) else { throw row.error("age", "not a whole number of years in 0...150") }
            age = n
        }
        var sex: Sex? = nil
        if let s = row.value("sex") {
            switch s.lowercased() {
            case "f", "female": sex = .female
            case "m", "male": sex = .male
            case "u", "unknown": sex = .unknown
            default: throw row.error("sex", "expected female, male, unknown (or f, m, u)")
            }
        }
        var stage: String? = nil
        if let s = row.value("stage") {
            guard let n = Stage.normalise(s) else { throw row.error("stage", "expected 0, I-IV (with sub-stage) or 1-4") }
            stage = n
        }
        var lenient = false
        if let l = row.value("lenient") {
            switch l.lowercased() {
            case "yes", "true", "1": lenient = true
            case "no", "false", "0": lenient = false
            default: throw row.error("lenient", "expected yes or no (true/false, 1/0)")
            }
        }
        return (age, sex, stage, lenient)
    }

    /// The case files beside the VCF (`cna_file`, `fusion_file`, `msi_file`, `tmb_bed`, relative to the manifest),
    /// their formats, `tmb_megabases` and `genome_build`.
    static func caseFiles(_ row: ManifestRow, baseDirectory: String) throws -> CaseFileOptions {
        var files = CaseFileOptions(copyNumberPath: row.value("cna_file").map { resolve($0, against: baseDirectory) },
                                    copyNumberSample: row.value("cna_sample"),
                                    fusionPath: row.value("fusion_file").map { resolve($0, against: baseDirectory) },
                                    msiPath: row.value("msi_file").map { resolve($0, against: baseDirectory) },
                                    tmbBedPath: row.value("tmb_bed").map { resolve($0, against: baseDirectory) })
        if let f = row.value("cna_format") {
            guard let format = CopyNumberFormat(rawValue: f.lowercased()) else {
                throw row.error("cna_format", "expected \(CopyNumberFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            files.copyNumberFormat = format
        }
        if let f = row.value("fusion_format") {
            guard let format = FusionFormat(rawValue: f.lowercased()) else {
                throw row.error("fusion_format", "expected \(FusionFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            files.fusionFormat = format
        }
        if let m = row.value("tmb_megabases") {
            guard let mb = Double(m), mb > 0, mb.isFinite else { throw row.error("tmb_megabases", "not a positive number of megabases") }
            guard files.tmbBedPath == nil else { throw row.error("tmb_megabases", "give tmb_bed or tmb_megabases, not both") }
            files.tmbMegabases = mb
        }
        if let b = row.value("genome_build") {
            let build = GenomeBuild(parsing: b)
            guard build != .unknown else { throw row.error("genome_build", "expected GRCh37 or GRCh38") }
            files.build = build
        }
        return files
    }
}
