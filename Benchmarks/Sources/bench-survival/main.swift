// bench-survival: see Benchmarks/README.md.
print("bench-survival: not yet written")
