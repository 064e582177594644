import FuzzSupport
import Genomics

/// MAF: the input is written to `input.maf` and read record by record with `MAFReader` (header
/// columns, allele choice, HGVSp, counts, builds). `TextLineReader` reads plain text and gzip
/// alike; gzip members are htslib's concern (fuzzed upstream), so inputs are plain text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzMAF.testOneInput(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

enum FuzzMAF {
    static func testOneInput(_ bytes: UnsafeRawBufferPointer) {
        _ = HTSlibOnce.silence
        let path = FuzzInput.write(bytes, to: "input.maf")
        do {
            let reader = try MAFReader(path: path, defaultBuild: .grch37)
            while let record = try reader.next() { FuzzInput.keep(record.line) }
        } catch {}
    }
}
