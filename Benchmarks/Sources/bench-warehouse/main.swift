// bench-warehouse: see Benchmarks/README.md.
print("bench-warehouse: not yet written")
