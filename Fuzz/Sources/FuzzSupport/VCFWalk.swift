import Genomics
import OncoCore

/// Reads a VCF the two ways onco does, so that one input exercises the whole text reader:
/// 1. `SomaticVariantReader` (what `recommend`, imports and batches use): records, ALT splitting,
///    allele normalisation, CSQ/ANN picking, FORMAT read support;
/// 2. `VariantFileReader` with every accessor: each declared INFO field, every sample's GT/AD/DP/AF.
///
/// Harness options ride in the header as ordinary VCF meta lines, so the input stays a valid VCF:
/// `##onco_fuzz_region=CHR:START-END` reads a region, `##onco_fuzz_sample=NAME` asks for a tumour
/// sample by name.
public enum VCFWalk {
    public struct Options {
        public var region: String?
        public var sample: String?
    }

    /// The harness options in the meta lines of `bytes` (before `#CHROM`).
    public static func options(_ bytes: UnsafeRawBufferPointer) -> Options {
        var o = Options()
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: "#") {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            if line.hasPrefix("##onco_fuzz_region=") { o.region = String(line.dropFirst(19)) }
            if line.hasPrefix("##onco_fuzz_sample=") { o.sample = String(line.dropFirst(19)) }
            if line.hasPrefix("#CHROM") { break }
            start = end + 1
        }
        return o
    }

    /// Both walks; thrown errors are the expected outcome for malformed input and are ignored.
    public static func run(path: String, options: Options) {
        var variants = 0
        do {
            let reader = try SomaticVariantReader(VariantReadOptions(path: path, region: options.region, sample: options.sample))
            var batch: [SomaticVariant] = []
            while try reader.next(into: &batch) { variants += batch.count }
        } catch {}
        do {
            let reader = try VariantFileReader(path: path, region: options.region)
            let infoKeys = reader.header.info.keys.sorted().compactMap { reader.infoKey($0) }
            let samples = reader.header.samples.count
            var record = VariantRecord()
            while try reader.read(into: &record) {
                for key in infoKeys {
                    _ = reader.info(key)
                    _ = reader.infoCount(key)
                    _ = reader.withInfoBytes(key) { $0.count }
                }
                for s in 0..<samples {
                    _ = reader.sampleCall(s)
                    for a in record.alts.indices { _ = reader.formatSupport(sample: s, altIndex: a, ref: record.ref, alt: record.alts[a]) }
                }
            }
        } catch {}
        FuzzInput.keep(variants)
    }

}
