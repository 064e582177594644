/// Which sample column of a VCF is the tumour, and which the matched normal.
///
/// Rules, in order (vcf2maf takes both names as arguments; Mutect2 writes them into the header):
/// 1. a name asked for (`--sample`): exact, then case-insensitive; absent → `sampleUnknown`;
/// 2. `##tumor_sample=` (Mutect2) or `##SAMPLE=<ID=TUMOR,SampleName=…>`;
/// 3. the only sample;
/// 4. the first sample whose name looks like a tumour (`TUMOR`, `TUMOUR`, `*_T`, `*-T`, `DNA_TUMOR`,
///    a TCGA barcode with sample type 01–09), else the first that does not look normal;
/// 5. else the first sample.
/// A sample looks normal when it is the declared `##normal_sample=`, is named `NORMAL`/`GERMLINE`
/// (any case, also `DNA_NORMAL`), ends in `_N`, `-N`, `.N`, `_NORMAL`, `-NORMAL`, `_GERMLINE`, or is a
/// TCGA barcode with sample type 10–19.
public struct TumourSampleChoice: Sendable, Hashable {
    /// Index of the tumour sample column, `nil` for a sites-only file.
    public var tumour: Int?
    /// Index of the normal sample column, if one is identified.
    public var normal: Int?

    public init(header: VariantHeader, requested: String?, path: String) throws {
        let samples = header.samples
        let normalIndex = Self.normalIndex(samples, declared: header.declaredNormalSample)
        if let requested {
            if let i = samples.firstIndex(of: requested) ?? samples.firstIndex(where: { $0.lowercased() == requested.lowercased() }) {
                tumour = i
                normal = normalIndex == i ? nil : normalIndex
                return
            }
            throw VariantFileError(.sampleUnknown, path: path,
                                   problem: "the requested tumour sample is not among the file's \(samples.count) sample column\(samples.count == 1 ? "" : "s")")
        }
        normal = normalIndex
        if samples.isEmpty { tumour = nil; return }
        if let declared = header.declaredTumourSample, let i = samples.firstIndex(of: declared) {
            tumour = i
            if normal == i { normal = nil }
            return
        }
        if samples.count == 1 { tumour = 0; normal = nil; return }
        if let i = samples.indices.first(where: { Self.looksTumour(samples[$0]) && $0 != normalIndex }) {
            tumour = i
        } else if let i = samples.indices.first(where: { !Self.looksNormal(samples[$0], declared: header.declaredNormalSample) }) {
            tumour = i
        } else {
            tumour = 0
        }
        if normal == tumour { normal = nil }
    }

    static func normalIndex(_ samples: [String], declared: String?) -> Int? {
        if let declared, let i = samples.firstIndex(of: declared) { return i }
        return samples.firstIndex { looksNormal($0, declared: nil) }
    }

    static func looksNormal(_ name: String, declared: String?) -> Bool {
        if let declared, name == declared { return true }
        let u = name.uppercased()
        if ["NORMAL", "GERMLINE", "DNA_NORMAL", "NORMAL_DNA", "BLOOD"].contains(u) { return true }
        for suffix in ["_N", "-N", ".N", "_NORMAL", "-NORMAL", ".NORMAL", "_GERMLINE", "-GERMLINE"] where u.hasSuffix(suffix) { return true }
        if let type = tcgaSampleType(u) { return type >= 10 && type <= 19 }
        return false
    }

    static func looksTumour(_ name: String) -> Bool {
        let u = name.uppercased()
        if ["TUMOR", "TUMOUR", "DNA_TUMOR", "DNA_TUMOUR", "TUMOR_DNA", "SOMATIC"].contains(u) { return true }
        for suffix in ["_T", "-T", ".T", "_TUMOR", "-TUMOR", "_TUMOUR", "-TUMOUR", "_SOMATIC"] where u.hasSuffix(suffix) { return true }
        if let type = tcgaSampleType(u) { return type >= 1 && type <= 9 }
        return false
    }

    /// The two-digit sample type of a TCGA barcode (`TCGA-A6-2686-01A-…` → 1), if the name is one.
    static func tcgaSampleType(_ u: String) -> Int? {
        let parts = u.split(separator: "-")
        guard parts.count >= 4, parts[0] == "TCGA" else { return nil }
        return Int(parts[3].prefix(2))
    }
}
