/// libFuzzer's entry point, the same for every target: each `fuzz-<target>` executable defines only its
/// harness, a public function named `onco_fuzz_harness` for the linker:
///
///     @_silgen_name("onco_fuzz_harness")
///     public func harness(_ bytes: UnsafeRawBufferPointer) throws { … }
///
/// A thrown error is the expected outcome for malformed input and is ignored; a trap, a sanitizer
/// report, a leak or a timeout is a finding. htslib's log is silenced once per process (it would print
/// on every malformed input).
@_silgen_name("onco_fuzz_harness")
func harness(_ bytes: UnsafeRawBufferPointer) throws

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = HTSlibOnce.silence
    do { try harness(UnsafeRawBufferPointer(start: data, count: size)) } catch {}
    return 0
}
