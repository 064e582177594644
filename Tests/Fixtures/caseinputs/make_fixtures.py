#!/usr/bin/env python3
"""Writes the case-input fixtures of Tests/Fixtures/caseinputs (deterministic; run from the repository root).

Every file is synthetic, in the layout of the tool that writes it (headers as those tools write them:
CNVkit 0.9 `.cns`/`.call.cns`, PURPLE `purple.cnv.somatic.tsv`, ASCAT segments, cBioPortal `data_CNA.txt`,
CNVkit `export vcf`, Arriba 2.x `fusions.tsv`, STAR-Fusion 1.x `fusion_predictions.abridged.coding_effect.tsv`,
Manta-style BND VCF, MSIsensor / MSIsensor-pro output, a BED). Segment positions are placed on the gene spans
of KnowledgeBase/genes/gene_spans.tsv (GRCh37), so a segment "over ERBB2" is over the span onco ships.
The EML4::ALK breakpoints are those of EML4-ALK variant 1 (EML4 exon 13 :: ALK exon 20) on GRCh37,
2:42522656 and 2:29446394, as in the published NCI-H2228/H3122 cell-line calls (Arriba and Manta documentation
use the same pair). No patient data.
"""
import csv
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
SPANS = os.path.join(ROOT, "..", "..", "..", "KnowledgeBase", "genes", "gene_spans.tsv")


def spans(build):
    out = {}
    with open(SPANS) as f:
        rows = [l for l in f if not l.startswith("#")]
    for r in csv.DictReader(rows, delimiter="\t"):
        if r["build"] == build:
            out[r["gene"]] = (r["chrom"], int(r["start"]), int(r["end"]))
    return out


def write(name, text):
    path = os.path.join(ROOT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    g = spans("GRCh37")
    erbb2, cdkn2a = g["ERBB2"], g["CDKN2A"]
    # Segments (1-based inclusive): chr17 neutral | ERBB2 amplicon (100 kb either side) | neutral;
    # chr9 neutral | CDKN2A homozygous deletion (50 kb either side) | neutral; chr7 a one-copy gain over EGFR
    # (not an amplification under the stated rule).
    segs = [
        ("7", 50_000_000, 60_000_000, 0.45, 3),
        ("9", 10_001, cdkn2a[1] - 50_001, 0.01, 2),
        ("9", cdkn2a[1] - 50_000, cdkn2a[2] + 50_000, -2.6, 0),
        ("9", cdkn2a[2] + 50_001, 141_000_000, -0.02, 2),
        ("17", 1, erbb2[1] - 100_001, 0.03, 2),
        ("17", erbb2[1] - 100_000, erbb2[2] + 100_000, 2.3, 10),
        ("17", erbb2[2] + 100_001, 81_000_000, 0.05, 2),
    ]
    # CNVkit writes 0-based starts.
    cns = "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight\n"
    call = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight\n"
    for c, s, e, l2, cn in segs:
        cns += f"chr{c}\t{s - 1}\t{e}\t-\t{l2}\t1.0\t40\t30.5\n"
        call += f"chr{c}\t{s - 1}\t{e}\t-\t{l2}\t{cn}\t1.0\t40\t30.5\n"
    write("brca_erbb2.cnvkit.cns", cns)
    write("brca_erbb2.cnvkit.call.cns", call)
    purple = "chromosome\tstart\tend\tcopyNumber\tbafCount\tobservedBAF\tbaf\tsegmentStartSupport\tsegmentEndSupport\tmethod\tdepthWindowCount\tgcContent\tminStart\tmaxStart\tminorAlleleCopyNumber\tmajorAlleleCopyNumber\n"
    for c, s, e, _, cn in segs:
        value = -0.0213 if cn == 0 else cn + 0.0371
        purple += f"{c}\t{s}\t{e}\t{value:.4f}\t25\t0.5\t0.5\tBND\tBND\tBAF_WEIGHTED\t120\t0.41\t{s}\t{s}\t0.0\t{max(value, 0):.4f}\n"
    write("brca_erbb2.purple.cnv.somatic.tsv", purple)
    ascat = "sample\tchr\tstartpos\tendpos\tnMajor\tnMinor\n"
    for c, s, e, _, cn in segs:
        ascat += f"TUMOUR\t{c}\t{s}\t{e}\t{cn - cn // 2}\t{cn // 2}\n"
    write("brca_erbb2.ascat.segments.txt", ascat)
    write("data_CNA.txt", "Hugo_Symbol\tEntrez_Gene_Id\tCASE-01\tCASE-02\n"
          "ERBB2\t2064\t2\t0\nCDKN2A\t1029\t-2\t-1\nEGFR\t1956\t1\t2\nPTEN\t5728\tNA\t-2\n")
    vcf = ("##fileformat=VCFv4.2\n##source=CNVkit\n"
           '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
           '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">\n'
           '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
           '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number genotype for imprecise events">\n'
           "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n")
    for c, s, e, _, cn in segs:
        if cn == 2:
            continue
        if cn < 2:
            vcf += f"{c}\t{s - 1}\t.\tN\t<DEL>\t.\t.\tIMPRECISE;SVTYPE=DEL;END={e}\tGT\t{'1/1' if cn == 0 else '0/1'}\n"
        else:
            vcf += f"{c}\t{s - 1}\t.\tN\t<DUP>\t.\t.\tIMPRECISE;SVTYPE=DUP;END={e}\tGT:CN\t0/1:{cn}\n"
    write("brca_erbb2.cnvkit.vcf", vcf)

    arriba_header = ("#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\tbreakpoint2\tsite1\tsite2\ttype\t"
                     "split_reads1\tsplit_reads2\tdiscordant_mates\tcoverage1\tcoverage2\tconfidence\treading_frame\ttags\t"
                     "retained_protein_domains\tclosest_genomic_breakpoint1\tclosest_genomic_breakpoint2\tgene_id1\tgene_id2\t"
                     "transcript_id1\ttranscript_id2\tdirection1\tdirection2\tfilters\tfusion_transcript\tpeptide_sequence\tread_identifiers\n")
    write("luad_eml4_alk.arriba.tsv", arriba_header
          + "EML4\tALK\t+/+\t-/-\t2:42522656\t2:29446394\tsplice-site\tsplice-site\tinversion\t12\t9\t15\t120\t98\thigh\tin-frame\t.\t.\t.\t.\t"
            "ENSG00000143924\tENSG00000171094\tENST00000318522\tENST00000389048\tdownstream\tupstream\t.\t.\t.\t.\n"
          + "LINC01158(12044),CTNNA2(30511)\tNPAS3\t./+\t+/+\t2:80013012\t14:33408150\tintergenic\tsplice-site\ttranslocation\t2\t1\t0\t30\t25\tlow\t.\t.\t.\t.\t.\t"
            ".\tENSG00000151322\t.\tENST00000356141\tdownstream\tupstream\t.\t.\t.\t.\n")
    write("luad_eml4_alk.star-fusion.tsv",
          "#FusionName\tJunctionReadCount\tSpanningFragCount\test_J\test_S\tSpliceType\tLeftGene\tLeftBreakpoint\tRightGene\tRightBreakpoint\t"
          "LargeAnchorSupport\tFFPM\tLeftBreakDinuc\tLeftBreakEntropy\tRightBreakDinuc\tRightBreakEntropy\tannots\tPROT_FUSION_TYPE\n"
          "EML4--ALK\t12\t9\t12.00\t9.00\tONLY_REF_SPLICE\tEML4^ENSG00000143924.14\tchr2:42522656:+\tALK^ENSG00000171094.11\tchr2:29446394:-\t"
          "YES_LDAS\t1.2340\tGT\t1.8062\tAG\t1.9656\t[\"Cosmic\",\"Mitelman\"]\tINFRAME\n")
    # A Manta-style breakend pair: EML4 (+ strand) keeps the sequence left of 42522656 (its 5' part) and is
    # joined to the reverse complement of the sequence left of ALK 29446394 (ALK is on the - strand, so that
    # is ALK's 3' part): t]p] on both records.
    write("luad_eml4_alk.bnd.vcf",
          "##fileformat=VCFv4.2\n##source=synthetic (Manta layout)\n"
          '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
          '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n"
          "2\t29446394\tMantaBND:1:0:1:0:0:0:0\tA\tA]2:42522656]\t.\tPASS\tSVTYPE=BND;MATEID=MantaBND:1:0:1:0:0:0:1\tPR:SR\t30,0:25,0\t20,9:18,12\n"
          "2\t42522656\tMantaBND:1:0:1:0:0:0:1\tG\tG]2:29446394]\t.\tPASS\tSVTYPE=BND;MATEID=MantaBND:1:0:1:0:0:0:0\tPR:SR\t30,0:25,0\t20,9:18,12\n"
          "7\t55000000\tMantaBND:2:0:1:0:0:0:0\tC\tC[12:1000000[\t.\tMinSomaticScore\tSVTYPE=BND;MATEID=MantaBND:2:0:1:0:0:0:1\tPR:SR\t30,0:25,0\t20,2:18,1\n")
    write("msisensor.txt", "Total_Number_of_Sites\tNumber_of_Somatic_Sites\t%\n1200\t304\t25.33\n")
    write("msisensor-pro.txt", "Total_Number_of_Sites\tNumber_of_Unstable_Sites\t%\n1511\t22\t1.46\n")
    write("panel.bed", "track name=panel\n7\t55241600\t55241800\n7\t55259400\t55259600\n7\t55259550\t55260000\n17\t7577000\t7579000\n")
    write("bad/segments-start-after-end.cns", "chromosome\tstart\tend\tgene\tlog2\n"
          "chr17\t1000\t2000\t-\t0.1\nchr17\t37944346\t37844346\tERBB2\t2.3\n")
    write("bad/fusions-unknown-columns.tsv", "fusion\tleft\tright\nEML4--ALK\tEML4\tALK\n")


if __name__ == "__main__":
    main()
