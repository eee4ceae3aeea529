#!/usr/bin/env python3
"""Check the santuz protocol of nmf_reference.py against musclesyneRgies output.

The package ships, per subject, the envelope V, the chosen synergies M (its
column count is the rank the package picked), the activations P and the
reconstruction Vr. For every subject and several seeds this script runs the
full santuz sweep and reports:

  * the stored rank and the stored R^2 (from V and Vr, grand-mean centred),
  * our count per seed,
  * our best R^2 at the stored rank against the stored one,
  * the mean matched scalar product between our W at the stored rank and the
    stored M (optimal one-to-one matching of unit columns),
  * the curve-linearity MSE at the two decisive steps: the line that starts at
    rank s-1 (must stay > 1e-4 for the rule to get past it) and the line that
    starts at rank s (must be <= 1e-4 for the rule to stop at s).

Usage:
    python3 Scripts/reference/check_santuz_reference.py \
        [--data DIR] [--seeds 1-10] [--jobs 2] [--json OUT]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmf_reference as ref  # noqa: E402

DEFAULT_DATA = "/work/shared/data/musclesyneRgies/reference_syns"


def read_matrix_csv(path: str) -> np.ndarray:
    """Numeric body of a CSV whose first row and first column are labels."""
    return np.genfromtxt(path, delimiter=",", skip_header=1)[:, 1:]


def matched_similarity(A: np.ndarray, B: np.ndarray) -> float:
    """Mean scalar product of unit columns of A and B under the best one-to-one matching."""
    A = A / np.linalg.norm(A, axis=0)
    B = B / np.linalg.norm(B, axis=0)
    S = A.T @ B
    rows, cols = linear_sum_assignment(S, maximize=True)
    return float(S[rows, cols].mean())


def parse_seeds(text: str):
    if "-" in text:
        first, last = (int(v) for v in text.split("-"))
        return list(range(first, last + 1))
    return [int(v) for v in text.split(",")]


def check_subject(prefix: str, seeds):
    """All numbers for one subject (prefix = path without _V.csv)."""
    _, V = ref.read_envelope_csv(prefix + "_V.csv")
    V = ref.replace_nonpositive(V)
    Vr = read_matrix_csv(prefix + "_Vr.csv").T
    M = read_matrix_csv(prefix + "_M.csv")
    stored_rank = M.shape[1]
    residual = V - Vr
    stored_r2 = 1.0 - ref.sum_of_squares(residual) / ref.sst_grand_centred(V)

    runs = []
    for seed in seeds:
        result = ref.run_protocol(V, "santuz", seed, keep_factors=True)
        at_rank = result["ranks"][stored_rank - 1]
        mse = {row["start_rank"]: row["mse"] for row in result["count_trace"]}
        runs.append({
            "seed": seed,
            "count": result["count"],
            "r2_by_rank": result["r2_by_rank"],
            "r2_at_stored_rank": at_rank["r2"],
            "similarity_to_stored_M": matched_similarity(np.array(at_rank["W"]), M),
            # MSE of the line starting at rank s-1 and at s (None if never fitted)
            "mse_from_rank_s_minus_1": mse.get(stored_rank - 1),
            "mse_from_rank_s": mse.get(stored_rank),
            "mse_trace": result["count_trace"],
        })
    return {"subject": os.path.basename(prefix), "stored_rank": stored_rank,
            "stored_r2": stored_r2, "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--seeds", default="1-10", help="e.g. 1-10 or 1,5,9")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (subjects in parallel)")
    parser.add_argument("--json", help="write all numbers here")
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)

    prefixes = sorted(p[:-len("_V.csv")] for p in glob.glob(os.path.join(args.data, "*_V.csv")))
    if not prefixes:
        print(f"no *_V.csv under {args.data}", file=sys.stderr)
        return 1

    # subjects are independent: optionally spread them over processes
    print(f"{len(prefixes)} subjects x {len(seeds)} seeds ...", file=sys.stderr, flush=True)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            subjects = list(pool.map(check_subject, prefixes, [seeds] * len(prefixes)))
    else:
        subjects = [check_subject(prefix, seeds) for prefix in prefixes]

    mse_min = ref.PROTOCOLS["santuz"].mse_min
    print(f"seeds: {seeds}")
    print("subject        stored  stored R2  counts per seed                 "
          "agree  best R2@s   mean R2@s  min sim  mean sim  MSE(s-1) min  MSE(s) max")
    all_agree = 0
    for s in subjects:
        runs = s["runs"]
        counts = [r["count"] for r in runs]
        agree = sum(c == s["stored_rank"] for c in counts)
        all_agree += agree == len(runs)
        r2s = [r["r2_at_stored_rank"] for r in runs]
        sims = [r["similarity_to_stored_M"] for r in runs]
        before = [r["mse_from_rank_s_minus_1"] for r in runs if r["mse_from_rank_s_minus_1"] is not None]
        at = [r["mse_from_rank_s"] for r in runs if r["mse_from_rank_s"] is not None]
        print(f"{s['subject']:<14} {s['stored_rank']:>6}  {s['stored_r2']:.5f}   "
              f"{' '.join(str(c) for c in counts):<31} {agree:>2}/{len(runs):<2} "
              f"{max(r2s):.5f}   {np.mean(r2s):.5f}   {min(sims):.4f}   {np.mean(sims):.4f}  "
              f"{min(before) if before else float('nan'):.3e}     "
              f"{max(at) if at else float('nan'):.3e}")
    print(f"subjects where every seed gives the stored rank: {all_agree}/{len(subjects)} "
          f"(rule: stop at the first start rank whose line MSE <= {mse_min:g})")

    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"seeds": seeds, "subjects": subjects}, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
