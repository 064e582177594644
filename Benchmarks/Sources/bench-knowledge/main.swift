// bench-knowledge: see Benchmarks/README.md.
print("bench-knowledge: not yet written")
