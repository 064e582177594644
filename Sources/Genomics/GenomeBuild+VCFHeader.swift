import OncoCore

extension GenomeBuild {
    /// Detects the assembly a VCF was called on from its header.
    ///
    /// Evidence, strongest first (the first that decides wins):
    /// 1. `##contig` lengths of the main chromosomes (`GenomeBuild.detect(contigLengths:)`);
    /// 2. `assembly=` attributes of `##contig` lines;
    /// 3. `##reference=` and `##assembly=` (file names such as `b37.fasta`, `GRCh38.d1.vd1.fa`, `hg19`);
    /// 4. other header lines that name a target assembly: `##new_reference_genome=` and the target of a
    ///    liftover chain (`##liftOverChainFile=…hg19Tohg38…` → GRCh38), VEP's `assembly=GRCh37.p13`.
    ///
    /// bcftools has no equivalent; PCGR and vcf2maf take the build as an argument instead.
    /// - Returns: `.unknown` when the header says nothing either way.
    public static func detect(header: VariantHeader) -> GenomeBuild {
        var lengths: [String: Int] = [:]
        for c in header.contigs { if let l = c.length { lengths[c.name] = l } }
        let byLength = GenomeBuild.detect(contigLengths: lengths)
        if byLength != .unknown { return byLength }

        var votes: [GenomeBuild: Int] = [:]
        for c in header.contigs {
            if let a = c.assembly {
                let b = GenomeBuild(headerText: a)
                if b != .unknown { votes[b, default: 0] += 1 }
            }
        }
        if let best = votes.max(by: { $0.value < $1.value }), votes.count == 1 { return best.key }

        for key in ["reference", "assembly"] {
            for line in header.meta where line.key == key {
                let b = GenomeBuild(headerText: line.value)
                if b != .unknown { return b }
            }
        }
        for line in header.meta {
            switch line.key {
            case "new_reference_genome", "targetReference", "target_reference":
                let b = GenomeBuild(headerText: line.value)
                if b != .unknown { return b }
            case "liftOverChainFile", "liftOverFile", "liftOverChain":
                let b = GenomeBuild(liftoverChain: line.value)
                if b != .unknown { return b }
            case "VEP":
                if let r = line.value.range(of: "assembly=") {
                    let rest = line.value[r.upperBound...].prefix { $0 != " " && $0 != "\"" }
                    let b = GenomeBuild(headerText: String(rest))
                    if b != .unknown { return b }
                }
            default:
                continue
            }
        }
        return .unknown
    }

    /// `GenomeBuild(parsing:)` plus spellings seen in VCF headers (`build37.fa`, `GRCh37-lite`, `NCBI37`).
    init(headerText text: String) {
        let parsed = GenomeBuild(parsing: text)
        if parsed != .unknown { self = parsed; return }
        let t = text.lowercased()
        if t.contains("build37") || t.contains("ncbi37") || t.contains("hg37") {
            self = .grch37
        } else if t.contains("build38") || t.contains("ncbi38") {
            self = .grch38
        } else {
            self = .unknown
        }
    }

    /// The target assembly of a UCSC-style chain file name (`hg38ToHg19.over.chain.gz` → GRCh37).
    init(liftoverChain text: String) {
        let name = (text.split(separator: "/").last.map(String.init) ?? text).lowercased()
        if let r = name.range(of: "to") {
            self = GenomeBuild(headerText: String(name[r.upperBound...]))
        } else {
            self = .unknown
        }
    }
}
