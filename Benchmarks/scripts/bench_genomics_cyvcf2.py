"""cyvcf2 peer of bench-genomics `values`: the same fields of every record, into Python values.

CHROM POS REF ALT QUAL FILTER INFO/DP INFO/AF, and GT AD DP of every sample (cyvcf2's usual API:
`genotypes`, `format()`), folded into a checksum so that nothing is skipped.
"""
import sys
from cyvcf2 import VCF

n = 0
checksum = 0
for v in VCF(sys.argv[1]):
    n += 1
    checksum += v.POS + len(v.CHROM) + len(v.REF) + len(v.ALT) + (1 if v.FILTER else 0)
    q = v.QUAL
    dp = v.INFO.get("DP")
    af = v.INFO.get("AF")
    checksum += dp or 0
    for g in v.genotypes:
        checksum += sum(a for a in g[:-1] if a >= 0)
    ad = v.format("AD")
    fdp = v.format("DP")
    if ad is not None:
        checksum += int(ad[ad >= 0].sum())
    if fdp is not None:
        checksum += int(fdp[fdp >= 0].sum())
print("records", n, "checksum", checksum)
