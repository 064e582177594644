import FuzzSupport

/// BGZF VCF: the input (VCF text) is BGZF-compressed to `input.vcf.gz`; when tabix can index it
/// the `.tbi` is written too (else the region read throws), so a `##onco_fuzz_region=` goes through the index (`position(at:)`,
/// contig spelling with and without `chr`). The compression itself is htslib's (fuzzed by
/// OSS-Fuzz); the target is onco's reading of compressed and indexed files.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let path = FuzzInput.directory + "/input.vcf.gz"
    guard HTSlib.writeBGZF(bytes, to: path) else { return }
    let options = VCFWalk.options(bytes)
    FuzzInput.remove("input.vcf.gz.tbi")
    if options.region != nil {
        _ = HTSlib.tabixIndexVCF(path)   // unindexable: the region read must throw "no index", not trap
    }
    VCFWalk.run(path: path, options: options)
}
