import FuzzSupport
import Genomics

/// MAF: the input is written to `input.maf` and read record by record with `MAFReader` (header
/// columns, allele choice, HGVSp, counts, builds). `TextLineReader` reads plain text and gzip
/// alike; gzip members are htslib's concern (fuzzed upstream), so inputs are plain text.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let reader = try MAFReader(path: FuzzInput.write(bytes, to: "input.maf"), defaultBuild: .grch37)
    while let record = try reader.next() { FuzzInput.keep(record.line) }
}
