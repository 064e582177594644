import Foundation
import OncoCore

/// A MAF as the variant file of one case (`recommend --vcf case.maf`, `kb match`, a batch manifest's `vcf`
/// column): the rows of one tumour sample through `MAFReader`, as a `TumourCallSet`.
///
/// A file is read as MAF when its name ends in `.maf` or `.maf.gz`, or it is a `.txt`/`.tsv` (optionally
/// gzipped) whose header (the first line not starting with `#`) has `Tumor_Sample_Barcode`.
/// The sample is `sample` (a `Tumor_Sample_Barcode`) or, when the file holds one barcode only, that one;
/// several barcodes and none chosen is an error. Consequences come from the MAF (`Consequence`, else
/// `Variant_Classification`), read support from `t_ref_count`/`t_alt_count`/`t_depth`. The build is
/// `NCBI_Build` (one value for the whole sample; two is an error).
public enum MAFCase {
    /// Whether `path` names a MAF by the rule above.
    public static func isMAF(path: String) -> Bool {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        if name.hasSuffix(".maf") || name.hasSuffix(".maf.gz") { return true }
        guard [".txt", ".tsv", ".txt.gz", ".tsv.gz"].contains(where: { name.hasSuffix($0) }),
              let reader = try? TextLineReader(path: path) else { return false }
        while let line = try? reader.nextLine() {
            if line.hasPrefix("#") || line.isEmpty { continue }
            return line.split(separator: "\t").contains { $0.trimmingCharacters(in: .whitespaces) == "Tumor_Sample_Barcode" }
        }
        return false
    }

    /// Reads the case's rows.
    /// - Throws: `MAFError` for a malformed row; `CaseInputError` for an unknown sample, several samples and none
    ///   chosen, no row, mixed builds, or a BAM/region asked of a MAF.
    public static func read(_ options: VariantReadOptions) throws -> TumourCallSet {
        let path = options.path
        if options.bamPath != nil {
            throw CaseInputError(.badValue, file: path, field: "bam", "read counts from a BAM are for VCF input; a MAF gives t_ref_count/t_alt_count")
        }
        if options.region != nil {
            throw CaseInputError(.badValue, file: path, field: "region", "region queries need an indexed VCF/BCF, not a MAF")
        }
        let reader = try MAFReader(path: path, defaultBuild: options.build ?? .unknown)
        var bySample: [String: [MAFRecord]] = [:]
        var order: [String] = []
        var rows = 0
        while let r = try reader.next() {
            rows += 1
            if let wanted = options.sample, r.tumourSampleBarcode != wanted { continue }
            if bySample[r.tumourSampleBarcode] == nil { order.append(r.tumourSampleBarcode) }
            bySample[r.tumourSampleBarcode, default: []].append(r)
        }
        guard let sample = order.first else {
            throw CaseInputError(options.sample == nil ? .empty : .unknownSample, file: path, field: "Tumor_Sample_Barcode",
                                 options.sample == nil ? "no variant row" : "no row of the sample asked for")
        }
        guard order.count == 1 else {
            throw CaseInputError(.unknownSample, file: path, field: "Tumor_Sample_Barcode",
                                 "\(order.count) tumour samples in the file: name the case's Tumor_Sample_Barcode")
        }
        let records = bySample[sample] ?? []
        let builds = Set(records.map(\.variant.key.build))
        guard builds.count == 1, let build = builds.first else {
            let line = records.first { $0.variant.key.build != records[0].variant.key.build }?.line
            throw CaseInputError(.badValue, file: path, line: line, field: "NCBI_Build", "the sample's rows name more than one build")
        }
        let hasCounts = records.contains { $0.variant.support != nil }
        return TumourCallSet(build: build, sample: sample, normalSample: records.compactMap(\.normalSampleBarcode).first,
                             variants: records.map(\.variant), annotator: nil, recordCount: records.count,
                             supportSource: hasCounts ? .maf : nil)
    }
}
