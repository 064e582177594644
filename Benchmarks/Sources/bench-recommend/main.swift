// bench-recommend: see Benchmarks/README.md.
print("bench-recommend: not yet written")
