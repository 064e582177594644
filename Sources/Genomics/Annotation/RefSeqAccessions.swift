/// The RefSeq accessions of the GRCh37 and GRCh38 chromosomes (the seqids of NCBI's RefSeq GFF3),
/// mapped to chromosome names (`1`…`22`, `X`, `Y`, `MT`; `GenomicRegion.resolve` finds the FASTA's
/// spelling, `chr1`/`1`, `chrM`/`MT`).
///
/// Source: the `RefSeq-Accn` and `Sequence-Name` columns of NCBI's assembly reports,
/// `GCF_000001405.25_GRCh37.p13_assembly_report.txt` and `GCF_000001405.40_GRCh38.p14_assembly_report.txt`
/// (https://ftp.ncbi.nlm.nih.gov/genomes/all/GCF/000/001/405/), rows with `Sequence-Role`
/// `assembled-molecule`. The mitochondrion is the rCRS, `NC_012920.1`, in both.
///
/// A GFF3 may also name a seqid's chromosome itself (`region` lines with `chromosome=`); the reader uses
/// that first and this table second. Scaffolds, alternate loci and patches (`NT_`, `NW_`) have their own
/// coordinates and are never mapped to a chromosome.
enum RefSeqAccessions {
    static let grch37: [String] = [
        "NC_000001.10", "NC_000002.11", "NC_000003.11", "NC_000004.11", "NC_000005.9", "NC_000006.11",
        "NC_000007.13", "NC_000008.10", "NC_000009.11", "NC_000010.10", "NC_000011.9", "NC_000012.11",
        "NC_000013.10", "NC_000014.8", "NC_000015.9", "NC_000016.9", "NC_000017.10", "NC_000018.9",
        "NC_000019.9", "NC_000020.10", "NC_000021.8", "NC_000022.10", "NC_000023.10", "NC_000024.9",
    ]
    static let grch38: [String] = [
        "NC_000001.11", "NC_000002.12", "NC_000003.12", "NC_000004.12", "NC_000005.10", "NC_000006.12",
        "NC_000007.14", "NC_000008.11", "NC_000009.12", "NC_000010.11", "NC_000011.10", "NC_000012.12",
        "NC_000013.11", "NC_000014.9", "NC_000015.10", "NC_000016.10", "NC_000017.11", "NC_000018.10",
        "NC_000019.10", "NC_000020.11", "NC_000021.9", "NC_000022.11", "NC_000023.11", "NC_000024.10",
    ]
    static let mitochondrion = "NC_012920.1"

    /// Chromosome names in the order of the lists above.
    private static let names = (1...22).map(String.init) + ["X", "Y"]

    /// Accession → (chromosome, build).
    static let table: [String: (chromosome: String, build: String)] = {
        var t: [String: (String, String)] = [mitochondrion: ("MT", "GRCh37/GRCh38")]
        for (a, n) in zip(grch37, names) { t[a] = (n, "GRCh37") }
        for (a, n) in zip(grch38, names) { t[a] = (n, "GRCh38") }
        return t
    }()

    /// Whether a seqid is a RefSeq chromosome accession (`NC_` followed by digits and a version).
    static func isChromosomeAccession(_ seqid: Substring) -> Bool {
        guard seqid.hasPrefix("NC_") else { return false }
        let rest = seqid.dropFirst(3)
        return !rest.isEmpty && rest.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }
}
