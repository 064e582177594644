// bench-batch: see Benchmarks/README.md.
print("bench-batch: not yet written")
