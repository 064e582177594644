import Foundation
import Knowledge
import OncoCore
import _TestSupport

/// The shipped KB, loaded once from its prebuilt index.
enum Shared {
    static let kbDirectory = RepoPaths.knowledgeBase("").resolvingSymlinksInPath()
    static let kb: KnowledgeBase = {
        do { return try KnowledgeBase.load(directory: kbDirectory) } catch { fatalError("cannot load shipped KB: \(error)") }
    }()
}

/// A constructed, annotated somatic variant.
func variant(_ build: GenomeBuild, _ chrom: String, _ pos: Int, _ ref: String, _ alt: String, gene: String? = nil,
             hgvsp: String? = nil, consequence: String? = nil, exon: String? = nil, filters: [String] = ["PASS"]) -> SomaticVariant {
    var ann: VariantAnnotation?
    if gene != nil || hgvsp != nil || consequence != nil || exon != nil {
        ann = VariantAnnotation(symbol: gene, consequences: consequence.map { [$0] } ?? [], hgvsp: hgvsp.map(AminoAcid.longHGVSp),
                                hgvspShort: hgvsp.map(AminoAcid.shortHGVSp), exon: exon, canonical: true)
    }
    return SomaticVariant(key: VariantKey(build: build, chrom: chrom, position: pos, ref: ref, alt: alt), filters: filters, annotation: ann)
}

extension CaseInterpretation {
    func match(named name: String) -> BiomarkerMatch? { matches.first { $0.profileName == name } }
    func therapy(_ drugs: String...) -> TherapyAssessment? { therapies.first { $0.therapy == Therapy(drugs: drugs) } }
    var evidenceIDs: Set<Int> { Set(matches.flatMap { $0.evidence.map(\.evidenceID) }) }
}
