#!/usr/bin/env python3
"""Measure this machine's matrix-multiply rate (double and single) with NumPy.

Multiplies two random n x n matrices (default n = 4000, 2 n^3 flops) a few
times with NumPy's BLAS at its default thread count (all cores) and keeps the
best time: an achievable dgemm peak to compare other runs against. The same in
single precision (sgemm), as the HALS solver works over samples in float.

Usage: python3 Scripts/bench/dgemm_peak.py [--size 4000] [--repeats 3] [--out OUT.json]
(OUT.json: gflops and best_seconds for dgemm, sgemm_gflops and sgemm_best_seconds)
"""

import argparse
import json
import os
import sys
import time

import numpy as np


def best_time(n: int, dtype, repeats: int) -> float:
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    np.matmul(A, B, out=out)  # warm-up: thread pool start, page faults
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(A, B, out=out)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()

    n = args.size
    result = {"size": n, "repeats": args.repeats, "cpu_count": os.cpu_count()}
    for name, dtype, key in (("dgemm", np.float64, ""), ("sgemm", np.float32, "sgemm_")):
        best = best_time(n, dtype, args.repeats)
        gflops = 2.0 * n ** 3 / best / 1e9
        result[key + "best_seconds"] = best
        result[key + "gflops"] = gflops
        print(f"{name} {n}x{n}: best {best:.3f} s of {args.repeats} -> {gflops:.1f} GFLOP/s",
              file=sys.stderr)
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(result, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
