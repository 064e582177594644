import OncoCore

/// One case file as a pre-flight read found it: which input it is, its format, and how many records it has.
public struct CaseFileCheck: Sendable, Hashable {
    /// `cna`, `fusions`, `msi` or `tmb_bed`.
    public var input: String
    /// The format read (detected from the header unless the options name it).
    public var format: String
    /// Records read: segments, gene rows, fusion rows or breakend records, BED intervals, MSIsensor rows.
    public var records: Int
}

extension CaseFiles {
    /// Reads every case file `options` names with the reader `read` uses, so that a bad row fails here exactly
    /// as it would in the recommendation, but without placing segments or breakends on genes: the pre-flight of
    /// `onco batch --scorer file-check`, which runs without a knowledge base and so without gene spans or a build.
    /// - Throws: `CaseInputError` naming file, line and field.
    public static func check(_ options: CaseFileOptions) throws(CaseInputError) -> [CaseFileCheck] {
        var out: [CaseFileCheck] = []
        if let path = options.copyNumberPath {
            let format: CopyNumberFormat
            if let given = options.copyNumberFormat { format = given } else { format = try CopyNumberFile.detect(path: path) }
            let records: Int
            switch format {
            case .cbioportal: records = try CopyNumberFile.discrete(NumberedLines(path: path), sample: options.copyNumberSample).records
            case .vcf:
                let (segments, withoutCN, filtered) = try CopyNumberFile.vcfSegments(path: path, sample: options.copyNumberSample)
                records = segments.count + withoutCN + filtered
            default: records = try CopyNumberFile.tableSegments(NumberedLines(path: path), format: format, rule: options.copyNumberRule).count
            }
            out.append(CaseFileCheck(input: "cna", format: format.rawValue, records: records))
        }
        if let path = options.fusionPath {
            let format: FusionFormat
            if let given = options.fusionFormat { format = given } else { format = try FusionFile.detect(path: path) }
            let records: Int
            switch format {
            case .arriba: records = try FusionFile.arriba(NumberedLines(path: path)).records
            case .starFusion: records = try FusionFile.starFusion(NumberedLines(path: path)).records
            // No spans: every breakend is read and checked, and set aside as outside the (empty) gene spans.
            case .vcf: records = try FusionFile.breakends(path: path, spans: GeneSpans(build: options.build ?? .grch38, spans: [])).records
            }
            out.append(CaseFileCheck(input: "fusions", format: format.rawValue, records: records))
        }
        if let path = options.msiPath {
            _ = try MicrosatelliteReading(path: path, cutoffs: options.msiCutoffs)
            out.append(CaseFileCheck(input: "msi", format: "msisensor", records: 1))
        }
        if let path = options.tmbBedPath {
            let territory = try TargetTerritory(bedPath: path)
            out.append(CaseFileCheck(input: "tmb_bed", format: "bed", records: territory.intervalCount))
        } else if let mb = options.tmbMegabases, !(mb > 0 && mb.isFinite) {
            throw CaseInputError(.badValue, file: "TMB", field: "megabases", "the territory must be a positive number of megabases")
        }
        return out
    }
}
