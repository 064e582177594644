// bench-cohort: see Benchmarks/README.md.
print("bench-cohort: not yet written")
