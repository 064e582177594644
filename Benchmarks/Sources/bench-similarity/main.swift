// bench-similarity: see Benchmarks/README.md.
print("bench-similarity: not yet written")
