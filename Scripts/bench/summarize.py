#!/usr/bin/env python3
"""Print the benchmark report from the JSON files bench.sh leaves in a folder.

Files read from --dir (each optional, missing ones are reported as skipped):
  ours_mu.json, ours_mu.time.json       synergy count --algorithm mu (-o) and its wall time
  ours_hals.json, ours_hals.time.json   synergy count --algorithm hals
  numpy.json, sklearn-mu.json, sklearn-cd.json   from peers.py (time inside)
  dgemm.json                            from dgemm_peak.py

Floating-point work of one Lee & Seung iteration (m muscles, n samples, rank k),
counting only the dense products W^T D, D C^T (2mnk each), W^T W (2mk^2),
(W^T W) C (2k^2 n), C C^T (2k^2 n), W (C C^T) (2mk^2):
    flops = 4 m n k + 4 k^2 n + 4 m k^2
summed over every iteration of every replicate of every rank. The R^2
evaluation and the elementwise work are not counted.
"""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import nmf_reference as ref  # noqa: E402

FLOP_FORMULA = "4*m*n*k + 4*k^2*n + 4*m*k^2 per iteration (W'D, DC', W'W*C, CC', W*(CC'), W'W)"

METHODS = [
    # key, label, result file, time file (None: time is inside the result)
    ("ours_mu", "synergy MU (ours)", "ours_mu.json", "ours_mu.time.json"),
    ("ours_hals", "synergy HALS (ours)", "ours_hals.json", "ours_hals.time.json"),
    ("numpy", "NumPy reference MU", "numpy.json", None),
    ("sklearn-mu", "scikit-learn mu", "sklearn-mu.json", None),
    ("sklearn-cd", "scikit-learn cd", "sklearn-cd.json", None),
]


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def iteration_flops(m, n, k):
    return 4 * m * n * k + 4 * k * k * n + 4 * m * k * k


def sweep_flops(result, m, n):
    """Total flops of a sweep by the formula, or None if replicates are missing."""
    total = 0
    for entry in result.get("ranks", []):
        replicates = entry.get("replicates")
        if not replicates:
            return None
        k = entry["rank"]
        total += sum(r["iterations"] for r in replicates) * iteration_flops(m, n, k)
    return total


def r2_by_rank(result):
    return {e["rank"]: e["r2"] for e in result.get("ranks", [])}


def largest_difference(a, b):
    """(largest |a - b| over shared ranks, its rank) or (None, None)."""
    shared = sorted(set(a) & set(b))
    if not shared:
        return None, None
    rank = max(shared, key=lambda k: abs(a[k] - b[k]))
    return abs(a[rank] - b[rank]), rank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--envelope", required=True)
    parser.add_argument("--note", default="", help="extra line for the header")
    args = parser.parse_args()

    _, D = ref.read_envelope_csv(args.envelope)
    m, n = D.shape
    results, seconds = {}, {}
    for key, _, result_file, time_file in METHODS:
        result = load(os.path.join(args.dir, result_file))
        if result is None:
            continue
        results[key] = result
        if time_file:
            timing = load(os.path.join(args.dir, time_file))
            seconds[key] = timing["seconds"] if timing else None
        else:
            seconds[key] = result.get("seconds")
    dgemm = load(os.path.join(args.dir, "dgemm.json"))

    print("=" * 78)
    print(f"synergy benchmark: cheung2020 sweep, {m} muscles x {n} samples, "
          f"ranks 1..{m} x replicates (see the table)")
    if args.note:
        print(args.note)
    print(f"machine: {os.cpu_count()} cores; NumPy/scikit-learn threads left at their default "
          f"(all cores): {next((r['blas_threads'] for r in results.values() if 'blas_threads' in r), 'n/a')}")
    if dgemm:
        print(f"dgemm peak (NumPy, {dgemm['size']}x{dgemm['size']}, best of {dgemm['repeats']}): "
              f"{dgemm['gflops']:.1f} GFLOP/s")
    print("=" * 78)

    # --- time -------------------------------------------------------------
    print("\nwall-clock seconds for the whole sweep (ratio = that method's time / ours)")
    ours = seconds.get("ours_mu")
    for key, label, _, _ in METHODS:
        if key not in results:
            print(f"  {label:<22} skipped")
            continue
        ranks_done = results[key].get("ranks", [])
        reps = len(ranks_done[0].get("replicates", [])) if ranks_done else 0
        text = f"  {label:<22} {len(ranks_done):>2} ranks x {reps:>2} reps {seconds[key]:9.2f} s"
        if ours and key != "ours_mu":
            text += f"   {seconds[key] / ours:7.2f} x ours MU"
        if key == "sklearn-cd" and seconds.get("ours_hals"):
            text += f"   {seconds[key] / seconds['ours_hals']:7.2f} x ours HALS"
        print(text)
    if ours is None:
        print("  (ratios need our MU run: not available)")
    for key in ("sklearn-mu", "sklearn-cd"):
        if key in results and "tol_note" in results[key]:
            print(f"  {key}: {results[key]['tol_note']}")
            if key == "sklearn-mu":
                eq = [r["equivalent_tol"] for e in results[key]["ranks"]
                      for r in e["replicates"] if "equivalent_tol" in r]
                if eq:
                    print(f"    measured equivalent_tol over all replicates: median "
                          f"{statistics.median(eq):.2e}, range {min(eq):.2e} .. {max(eq):.2e}")

    # --- R^2 per rank -------------------------------------------------------
    keys = [k for k, *_ in METHODS if k in results]
    tables = {k: r2_by_rank(results[k]) for k in keys}
    ranks = sorted(set().union(*[set(t) for t in tables.values()])) if tables else []
    print("\nbest R^2 per rank (per-muscle centred)")
    print("  rank " + "".join(f"{k:>13}" for k in keys))
    for k in ranks:
        cells = "".join(f"{tables[key][k]:13.6f}" if k in tables[key] else f"{'-':>13}" for key in keys)
        print(f"  {k:>4} {cells}")
    print("  count" + "".join(f"{str(results[key].get('count')):>13}" for key in keys))

    print("\niterations per replicate (median / total over the sweep)")
    for key in keys:
        its = [r["iterations"] for e in results[key].get("ranks", []) for r in e.get("replicates", [])]
        capped = sum(1 for e in results[key].get("ranks", []) for r in e.get("replicates", [])
                     if not r.get("converged", True))
        if its:
            print(f"  {key:<12} median {statistics.median(its):8.0f}   total {sum(its):9d}   "
                  f"hit the cap: {capped}")

    print("\nagreement")
    pairs = [("ours_mu", "numpy", "ours MU vs NumPy MU"),
             ("ours_hals", "ours_mu", "ours HALS vs ours MU"),
             ("sklearn-mu", "numpy", "sklearn mu vs NumPy MU"),
             ("sklearn-cd", "numpy", "sklearn cd vs NumPy MU")]
    for a, b, label in pairs:
        if a in tables and b in tables:
            diff, rank = largest_difference(tables[a], tables[b])
            print(f"  largest per-rank |R^2 difference|, {label:<24} {diff:.2e} (rank {rank})")
    if "ours_mu" in results and "numpy" in results:
        a, b = results["ours_mu"].get("count"), results["numpy"].get("count")
        print(f"  number of synergies: ours {a}, NumPy {b}  ({'same' if a == b else 'DIFFERENT'})")

    # --- floating-point work ---------------------------------------------
    print(f"\nfloating-point work, {FLOP_FORMULA}")
    for key in ("ours_mu", "numpy", "sklearn-mu"):
        if key not in results or not seconds.get(key):
            continue
        flops = sweep_flops(results[key], m, n)
        if flops is None:
            print(f"  {key}: no per-replicate iterations in the output")
            continue
        rate = flops / seconds[key] / 1e9
        line = f"  {key:<12} {flops / 1e9:10.1f} GFLOP in {seconds[key]:8.2f} s = {rate:7.2f} GFLOP/s"
        if dgemm:
            line += f" = {100 * rate / dgemm['gflops']:5.1f} % of dgemm peak"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
