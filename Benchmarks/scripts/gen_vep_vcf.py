#!/usr/bin/env python3
"""A Python port of `bench-genomics generate RECORDS SAMPLES` (the synthetic somatic VEP VCF: same splitmix64
stream, seed 42, same draws in the same order; not yet compared byte for byte with the Swift generator), so
that a whole-process benchmark needs no Swift build.
Usage: gen_vep_vcf.py RECORDS SAMPLES > out.vcf   (pipe through bgzip)"""
import sys

M = (1 << 64) - 1
class SplitMix:
    def __init__(self, s): self.s = s
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)
    def int(self, n): return self.next() % n

def main(records, samples):
    out = sys.stdout
    o = []
    lengths = [248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
               138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
               83257441, 80373285, 58617616, 64444167, 46709983, 50818468]
    o.append('##fileformat=VCFv4.2\n##FILTER=<ID=PASS,Description="All filters passed">\n##FILTER=<ID=LowQual,Description="Low quality">\n')
    for i, l in enumerate(lengths): o.append(f"##contig=<ID=chr{i + 1},length={l},assembly=GRCh38>\n")
    o.append('##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">\n'
             '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">\n'
             '##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS mapping quality">\n'
             '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|HGVSc|HGVSp|CANONICAL">\n'
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
             '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
             '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT')
    for s in range(samples): o.append("\tTUMOR" if s == 0 else "\tNORMAL" if s == 1 else f"\tS{s + 1}")
    o.append("\n")
    r = SplitMix(42)
    bases = "ACGT"
    cons = ["missense_variant|MODERATE", "synonymous_variant|LOW", "intron_variant|MODIFIER",
            "stop_gained|HIGH", "3_prime_UTR_variant|MODIFIER", "splice_region_variant&intron_variant|LOW"]
    per = (records + len(lengths) - 1) // len(lengths)
    written = 0
    for c in range(len(lengths)):
        if written >= records: break
        pos = 10000
        for _ in range(per):
            if written >= records: break
            pos += 20 + r.int(1480)
            kind = r.int(100)
            ref = bases[r.int(4)]
            if kind < 90:
                alts = [bases[(bases.index(ref[0]) + 1 + r.int(3)) % 4]]
            elif kind < 95:
                for _ in range(1 + r.int(3)): ref += bases[r.int(4)]
                alts = [ref[0]]
            elif kind < 98:
                ins = ref[0]
                for _ in range(1 + r.int(4)): ins += bases[r.int(4)]
                alts = [ins]
            else:
                i = bases.index(ref[0])
                alts = [bases[(i + 1) % 4], bases[(i + 2) % 4]]
            o.append(f"chr{c + 1}\t{pos}\t.\t{ref}\t{','.join(alts)}\t{30 + r.int(3000)}")
            o.append("\tPASS\t" if r.int(100) < 85 else "\tLowQual\t")
            o.append(f"DP={10 + r.int(500)};AF=")
            afs = []
            for _ in alts:
                v = 1 + r.int(999)
                afs.append("0." + (f"00{v}" if v < 10 else f"0{v}" if v < 100 else f"{v}"))
            o.append(",".join(afs))
            o.append(f";MQ={40 + r.int(20)}.{10 + r.int(90)};CSQ=")
            gene = r.int(20000)
            first = True
            for k, a in enumerate(alts):
                for t in range(1 + r.int(3)):
                    if not first: o.append(",")
                    first = False
                    allele = a if len(a) == len(ref) else (a[1:] if len(a) > 1 else "-")
                    o.append(allele + "|" + cons[r.int(len(cons))] + f"|GENE{gene}|ENSG{100000 + gene}|Transcript|ENST{1000000 + gene * 4 + t}|")
                    o.append("nonsense_mediated_decay" if t == 2 else "protein_coding")
                    o.append(f"|{1 + r.int(20)}/21|c.{100 + r.int(3000)}A>T|p.Lys{30 + r.int(1000)}Asn|" + ("YES" if t == 0 else ""))
            o.append("\tGT:AD:DP:GQ")
            for s in range(samples):
                depth = 5 + r.int(200)
                if r.int(100) < 3: o.append("\t./.:.:.:."); continue
                alt_reads = r.int(2) if s == 1 else r.int(depth // 2 + 1)
                o.append("\t0/0:" if s == 1 else ("\t1/2:" if len(alts) == 2 and r.int(2) == 0 else "\t0/1:"))
                o.append(f"{depth - alt_reads},{alt_reads}" + (",0" if len(alts) == 2 else "") + f":{depth}:{r.int(100)}")
            o.append("\n")
            written += 1
            if len(o) > 10000: out.write("".join(o)); o = []
    out.write("".join(o))

if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
