// bench-genomics: see Benchmarks/README.md.
print("bench-genomics: not yet written")
