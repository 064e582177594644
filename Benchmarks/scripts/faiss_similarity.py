#!/usr/bin/env python3
"""faiss peer for bench-similarity: exact top-50 over the same 1M patient bitsets.

Reads DIR/db.u8 and DIR/queries.u8 written by bench-similarity (per patient the 24 gene words of the
three alteration classes plus the pathway word: 1,600 bits), builds faiss.IndexBinaryFlat (exact Hamming
top-k, popcount over the full code) and times single queries on one thread, the same with all threads,
and a batch of the benchmark's batch size. Writes DIR/faiss.json.
"""
import json, os, sys, time
import numpy as np
import faiss

d = sys.argv[1]
onco = json.load(open(os.path.join(d, "onco.json")))
code_bytes = onco["export_code_bytes"]
db = np.fromfile(os.path.join(d, "db.u8"), dtype=np.uint8).reshape(-1, code_bytes)
qs = np.fromfile(os.path.join(d, "queries.u8"), dtype=np.uint8).reshape(-1, code_bytes)
n_single, n_batch = onco["single_queries"], onco["batch_queries"]
out = {"faiss_version": faiss.__version__, "patients": int(db.shape[0]), "code_bits": code_bytes * 8}

def cpu():
    return time.thread_time()

faiss.omp_set_num_threads(1)
index = faiss.IndexBinaryFlat(code_bytes * 8)
t = time.perf_counter(); index.add(db); out["add_s"] = time.perf_counter() - t

# Sanity: an indexed patient is its own nearest neighbour at distance 0.
D, I = index.search(db[12345:12346], 1)
assert D[0, 0] == 0, "exported codes do not round-trip"

def single(threads):
    faiss.omp_set_num_threads(threads)
    index.search(qs[:3], 50)  # warm-up
    wall, cpus = [], []
    for i in range(n_single):
        q = qs[i:i + 1]
        t, c = time.perf_counter(), cpu()
        index.search(q, 50)
        wall.append(time.perf_counter() - t); cpus.append(cpu() - c)
    wall.sort(); cpus.sort()
    return {"median_ms": wall[len(wall) // 2] * 1000, "mean_ms": sum(wall) / len(wall) * 1000,
            "min_ms": wall[0] * 1000, "cpu_median_ms": cpus[len(cpus) // 2] * 1000}

out["query_1thread"] = single(1)
out["query_2threads"] = single(2)
for threads in (1, 2):
    faiss.omp_set_num_threads(threads)
    t, c = time.perf_counter(), time.process_time()
    index.search(qs[:n_batch], 50)
    out[f"batch_{threads}thread_s"] = time.perf_counter() - t
    out[f"batch_{threads}thread_cpu_s"] = time.process_time() - c
    out[f"batch_{threads}thread_qps"] = n_batch / out[f"batch_{threads}thread_s"]
json.dump(out, open(os.path.join(d, "faiss.json"), "w"), indent=1, sort_keys=True)
print(json.dumps(out, indent=1, sort_keys=True))
