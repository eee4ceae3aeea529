#!/usr/bin/env python3
"""Classify the instances of `synergy compare --bootstrap` runs on simulated
training pairs as planted or false, and print their bootstrap support.

Used by Scripts/bench_bootstrap.sh (a benchmark helper, never by the tool).

Each argument is SEED:PREFIX, where the simulation wrote PREFIX_change.json,
PREFIX_novice_truth.json and PREFIX_trained_truth.json and the comparison
(A = novice, B = trained) wrote PREFIX_compare.json.

Fitted synergies are mapped to planted ones per side by an optimal one-to-one
assignment (scipy.optimize.linear_sum_assignment) on the cosine similarity of
the weights (planted weights as in the truth JSON, on the compared muscles by
name). After mapping:
  - a fractionation is planted when its synergy of A maps to the planted
    fractionated novice synergy and its fractions of B map to exactly the
    planted pair of trained synergies; any other fractionation is false;
  - a merging is planted when its synergy of B maps to the planted merged
    trained synergy and its sources in A map to exactly the planted pair of
    novice synergies; any other merging is false;
  - a match is planted when it pairs a kept novice synergy with the trained
    synergy it is kept as; any other match is false.
A planted instance the comparison does not report has no support: it counts as
missed, and its support is left out of the min/median (reported separately).

Prints a per-seed table on stdout; with --summary FILE also writes the summary
lines (for the block in BootstrapConfidence.md of the DocC catalogue) to FILE.
"""

import argparse
import json
import statistics
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment


def load(path):
    with open(path) as f:
        return json.load(f)


def unit_rows(rows):
    w = np.asarray(rows, dtype=float)
    n = np.linalg.norm(w, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return w / n


def planted_weights(truth, muscles):
    """Planted weights (k x compared muscles), columns in the comparison's muscle order."""
    index = {name.lower(): i for i, name in enumerate(truth["muscles"])}
    cols = [index[m.lower()] for m in muscles]
    return unit_rows([[s["weights"][c] for c in cols] for s in truth["synergies"]])


def side_muscles(report, side):
    return report[side].get("muscles") or report["muscles"]


def mapping(fitted, planted):
    """fitted index -> planted index by optimal assignment on cosine; and each pair's similarity."""
    sim = fitted @ planted.T
    rows, cols = linear_sum_assignment(-sim)
    return {int(r): int(c) for r, c in zip(rows, cols)}, {int(r): float(sim[r, c]) for r, c in zip(rows, cols)}


def classify(seed, prefix):
    change = load(prefix + "_change.json")
    report = load(prefix + "_compare.json")
    truth_a = load(prefix + "_novice_truth.json")
    truth_b = load(prefix + "_trained_truth.json")

    fit_a = unit_rows([s["weights"] for s in report["a"]["synergies"]])
    fit_b = unit_rows([s["weights"] for s in report["b"]["synergies"]])
    map_a, rec_a = mapping(fit_a, planted_weights(truth_a, side_muscles(report, "a")))
    map_b, rec_b = mapping(fit_b, planted_weights(truth_b, side_muscles(report, "b")))

    frac_target = change["fractionated"]["novice"]
    frac_parts = set(change["fractionated"]["trained"])
    merge_target = change["merged"]["trained"]
    merge_sources = set(change["merged"]["novice"])
    kept = {(k["novice"], k["trained"]) for k in change["kept"]}

    row = {"seed": seed, "frac": None, "merge": None, "kept": {}, "false": [],
           "recovery_a": min(rec_a.values()), "recovery_b": min(rec_b.values()),
           "count_a": report["a"].get("count"), "count_b": report["b"].get("count")}

    for f in report.get("fractionation", []):
        parts = {map_b.get(j) for j in f["fractions_b"]}
        label = f"F A{f['a'] + 1}>" + "+".join(f"B{j + 1}" for j in f["fractions_b"])
        if map_a.get(f["a"]) == frac_target and parts == frac_parts:
            row["frac"] = f["support"]
        else:
            row["false"].append((label, f["support"]))
    for m in report.get("merging", []):
        sources = {map_a.get(i) for i in m["sources_a"]}
        label = f"M " + "+".join(f"A{i + 1}" for i in m["sources_a"]) + f">B{m['b'] + 1}"
        if map_b.get(m["b"]) == merge_target and sources == merge_sources:
            row["merge"] = m["support"]
        else:
            row["false"].append((label, m["support"]))
    for m in report.get("matches", []):
        pair = (map_a.get(m["a"]), map_b.get(m["b"]))
        if pair in kept:
            row["kept"][pair] = m["support"]
        else:
            row["false"].append((f"=A{m['a'] + 1}-B{m['b'] + 1}", m["support"]))
    row["kept_total"] = len(kept)
    return row


def fmt(x):
    return "-" if x is None else f"{x:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="SEED:PREFIX")
    parser.add_argument("--resamples", type=int, required=True)
    parser.add_argument("--summary", help="write the summary lines here")
    parser.add_argument("--planted-goal", type=float, default=0.8)
    parser.add_argument("--false-goal", type=float, default=0.5)
    args = parser.parse_args()

    rows = []
    for run in args.runs:
        seed, prefix = run.split(":", 1)
        rows.append(classify(int(seed), prefix))

    print(f"Per seed ({args.resamples} paired resamples; F = fractionation A>B parts, M = merging A sources>B, "
          f"= match; indices 1-based in fitted order)")
    header = (f"{'seed':>4}  {'count A/B':>9}  {'frac':>4} {'supp':>5}  {'merge':>5} {'supp':>5}  "
              f"{'kept':>5} {'min':>5}  {'recov A':>7} {'recov B':>7}  false instances (support)")
    print(header)
    print("-" * len(header))
    for r in rows:
        kept_found = len(r["kept"])
        kept_min = min(r["kept"].values()) if r["kept"] else None
        false = ", ".join(f"{label} {s:.2f}" for label, s in r["false"]) or "none"
        counts = f"{r['count_a']}/{r['count_b']}"
        print(f"{r['seed']:>4}  {counts:>9}  {'yes' if r['frac'] is not None else 'NO':>4} {fmt(r['frac']):>5}  "
              f"{'yes' if r['merge'] is not None else 'NO':>5} {fmt(r['merge']):>5}  "
              f"{kept_found}/{r['kept_total']:<3} {fmt(kept_min):>5}  {r['recovery_a']:>7.3f} {r['recovery_b']:>7.3f}  {false}")
    print("kept: kept matches reported / planted, min: their lowest support; recov: lowest cosine of a fitted "
          "synergy with its planted one (optimal assignment), per side")

    n = len(rows)
    frac = [r["frac"] for r in rows if r["frac"] is not None]
    merge = [r["merge"] for r in rows if r["merge"] is not None]
    kept = [s for r in rows for s in r["kept"].values()]
    kept_missed = sum(r["kept_total"] - len(r["kept"]) for r in rows)
    planted = frac + merge + kept
    false = [(r["seed"], label, s) for r in rows for label, s in r["false"]]

    def stats(xs):
        return f"min {min(xs):.2f}, median {statistics.median(xs):.2f}" if xs else "none reported"

    lines = [
        f"seeds: {n}; resamples: {args.resamples}",
        f"planted fractionation found in {len(frac)}/{n} seeds; support {stats(frac)}",
        f"planted merging found in {len(merge)}/{n} seeds; support {stats(merge)}",
        f"kept matches found {len(kept)}/{len(kept) + kept_missed}; support {stats(kept)}",
        f"all planted instances reported: support {stats(planted)}; missed {n - len(frac) + n - len(merge) + kept_missed}",
    ]
    if false:
        worst = max(false, key=lambda t: t[2])
        over = sum(1 for _, _, s in false if s >= args.false_goal)
        lines.append(f"false instances: {len(false)} in {len({s for s, _, _ in false})} seeds; max support "
                     f"{worst[2]:.2f} (seed {worst[0]}, {worst[1]}); {over} at or above {args.false_goal}")
    else:
        lines.append("false instances: none")
    missed = n - len(frac) + n - len(merge) + kept_missed
    planted_ok = missed == 0 and all(s >= args.planted_goal for s in planted)
    false_ok = all(s < args.false_goal for _, _, s in false)
    below = sum(1 for s in planted if s < args.planted_goal)
    lines.append(f"goal planted >= {args.planted_goal} with {args.resamples} resamples: "
                 f"{'HOLDS' if planted_ok else 'DOES NOT HOLD'} ({below} reported below it, {missed} missed)")
    lines.append(f"goal false < {args.false_goal}: {'HOLDS' if false_ok else 'DOES NOT HOLD'}")
    print()
    print("\n".join(lines))
    if args.summary:
        with open(args.summary, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
