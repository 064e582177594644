import FuzzSupport

/// Plain-text VCF: the input is written to `input.vcf` and read by `VCFWalk` (the somatic-variant
/// pipeline, then every field accessor). A region (`##onco_fuzz_region=`) is applied while
/// streaming, since plain text cannot be indexed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzVCF.testOneInput(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

enum FuzzVCF {
    static func testOneInput(_ bytes: UnsafeRawBufferPointer) {
        _ = HTSlibOnce.silence
        let path = FuzzInput.write(bytes, to: "input.vcf")
        VCFWalk.run(path: path, options: VCFWalk.options(bytes))
    }
}
