import FuzzSupport
import Genomics

/// The CSQ (VEP) / ANN (snpEff) parser on its own, without htslib in the way:
/// line 1 is the header Description (`Consequence annotations from Ensembl VEP. Format: Allele|…`),
/// line 2 is `REF<TAB>ALT1,ALT2,…`, the rest (bytes, newlines included) is the INFO value.
/// Exercises `AnnotationLayout(tag:description:)`, `ConsequencePicker.pick` over raw bytes (as the
/// VCF reader calls it), with and without honouring VEP's PICK flag, and `parseAll`.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    guard let first = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return }
    let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    let description = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<first]), as: UTF8.self)
    let alleles = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(first + 1)..<second]), as: UTF8.self)
    let value = UnsafeRawBufferPointer(rebasing: bytes[min(second + 1, bytes.count)...])
    let parts = alleles.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
    let ref = parts.first.map(String.init) ?? ""
    let alts = parts.count > 1 ? parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
    for tag in ["CSQ", "ANN"] {
        guard let layout = AnnotationLayout(tag: tag, description: description) else { continue }
        let picked = ConsequencePicker(layout: layout).pick(value, ref: ref, alts: alts)
        precondition(picked.count == alts.count, "pick must give one slot per ALT")
        _ = ConsequencePicker(layout: layout, honoursAnnotatorPick: false).pick(value, ref: ref, alts: alts)
        _ = ConsequencePicker(layout: layout).parseAll(String(decoding: value, as: UTF8.self), ref: ref, alts: alts)
    }
}
