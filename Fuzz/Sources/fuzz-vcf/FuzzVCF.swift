import FuzzSupport

/// Plain-text VCF: the input is written to `input.vcf` and read by `VCFWalk` (the somatic-variant
/// pipeline, then every field accessor). A region (`##onco_fuzz_region=`) is applied while
/// streaming, since plain text cannot be indexed.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    VCFWalk.run(path: FuzzInput.write(bytes, to: "input.vcf"), options: VCFWalk.options(bytes))
}
