#!/usr/bin/env python3
"""Print the benchmark suite's report from the folder bench.sh fills, and its markdown table.

Layout read (every file optional; a missing method is reported as skipped):
  WORK/dgemm.json                 dgemm_peak.py: dgemm and sgemm peaks
  WORK/CASE/meta.json             the case: name, protocol, envelopes, note,
                                  stored_counts (file -> the R package's count),
                                  memory_bound_mb
  WORK/CASE/ours_mu.json, ours_hals.json        run_ours.py
  WORK/CASE/numpy.json, sklearn-mu.json, sklearn-cd.json   peers.py
  WORK/CASE/r.json                              run_r.py
Every method file is {seconds, envelopes: [{file, seconds, ranks, count}]};
seconds of several envelopes are their sum.

Floating-point work of one update iteration (m muscles, n samples, rank k),
counting only the dense products W'D, DC' (2mnk each), W'W (2mk^2),
(W'W)C (2k^2 n), CC' (2k^2 n), W(CC') (2mk^2):
    flops = 4 m n k + 4 k^2 n + 4 m k^2
summed over every iteration of every replicate of every rank (HALS's sweeps
do the same products; the R^2 evaluation and elementwise work are not
counted). scikit-learn's cd and R (which reports no per-replicate
iterations) get no rate. Rates of multi-envelope cases use the summed wall
time, process starts included.

Usage: python3 Scripts/bench/suite_summary.py --work DIR [--table OUT.md] [--note TEXT]
"""

import argparse
import re
import json
import os
import statistics
import sys
from collections import Counter

OURS = [("ours_mu", "synergy MU"), ("ours_hals", "synergy HALS")]
PEERS = [("numpy", "NumPy reference MU"), ("sklearn-mu", "scikit-learn mu"),
         ("sklearn-cd", "scikit-learn cd"), ("r", "R musclesyneRgies")]
SHORT = {"numpy": "NumPy", "sklearn-mu": "skl mu", "sklearn-cd": "skl cd", "r": "R"}
FLOP_FORMULA = "4mnk + 4k^2 n + 4mk^2 per iteration (W'D, DC', (W'W)C, CC', W(CC'), W'W)"


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def iteration_flops(m, n, k):
    return 4 * m * n * k + 4 * k * k * n + 4 * m * k * k


def work(result):
    """(total flops, total iterations) over all envelopes, or (None, None)."""
    flops = iterations = 0
    for env in result["envelopes"]:
        for entry in env["ranks"]:
            reps = entry.get("replicates")
            if not reps:
                return None, None
            its = sum(r["iterations"] for r in reps)
            iterations += its
            flops += its * iteration_flops(env["muscles"], env["samples"], entry["rank"])
    return flops, iterations


def r2_gaps(a, b):
    """Per (envelope, rank) R^2 differences a - b: (min, max |.|) or (None, None)."""
    bb = {(e["file"], r["rank"]): r["r2"] for e in b["envelopes"] for r in e["ranks"]}
    diffs = [r["r2"] - bb[(e["file"], r["rank"])] for e in a["envelopes"] for r in e["ranks"]
             if (e["file"], r["rank"]) in bb]
    if not diffs:
        return None, None
    return min(diffs), max(abs(d) for d in diffs)


def counts_text(result, stored):
    counts = [e["count"] for e in result["envelopes"]]
    if stored:
        same = sum(1 for e in result["envelopes"] if stored.get(e["file"]) == e["count"])
        return f"{same}/{len(counts)} = R pkg"
    if len(counts) == 1:
        return str(counts[0])
    common = Counter(counts).most_common()
    return ", ".join(f"{c}×{n}" if n > 1 else str(c) for c, n in common)


def fmt(x, digits=2, suffix=""):
    return "—" if x is None else f"{x:.{digits}f}{suffix}"


def gap_text(low, high):
    if low is None:
        return "—"
    return f"{low:+.1e} / {high:.1e}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--table", help="also write the markdown summary table here")
    parser.add_argument("--note", default="")
    parser.add_argument("--manual", help="replace the section '### The suite's latest run' of this "
                                         "markdown file (the manual's Speed article) with the table")
    args = parser.parse_args()

    dgemm = load(os.path.join(args.work, "dgemm.json"))
    dpeak = dgemm["gflops"] if dgemm else None
    speak = dgemm.get("sgemm_gflops") if dgemm else None
    cases = sorted(d for d in os.listdir(args.work) if os.path.exists(os.path.join(args.work, d, "meta.json")))
    cases.sort(key=lambda d: load(os.path.join(args.work, d, "meta.json")).get("order", 99))

    header = ["=" * 78, "synergy benchmark suite"]
    if args.note:
        header.append(args.note)
    header.append(f"machine: {os.cpu_count()} cores; NumPy/scikit-learn threads at their default (all cores)")
    if dgemm:
        header.append(f"NumPy peaks ({dgemm['size']}x{dgemm['size']}, best of {dgemm['repeats']}): dgemm "
                      f"{dpeak:.1f} GFLOP/s, sgemm {fmt(speak, 1)} GFLOP/s")
    header.append("=" * 78)
    print("\n".join(header))

    ours_rows, peer_rows = [], []
    for case in cases:
        folder = os.path.join(args.work, case)
        meta = load(os.path.join(folder, "meta.json"))
        results = {key: load(os.path.join(folder, f"{key}.json")) for key, _ in OURS + PEERS}
        results = {k: v for k, v in results.items() if v}
        stored = meta.get("stored_counts")
        print(f"\n--- {case}: {meta['description']} ---")
        if meta.get("note"):
            print(f"  {meta['note']}")
        for key, label in OURS + PEERS:
            if key not in results:
                continue
            res = results[key]
            flops, iterations = work(res)
            line = f"  {label:<20} {res['seconds']:9.2f} s"
            if iterations:
                line += f"  {iterations:>9} iterations  {flops / iterations / 1e6:8.2f} MFLOP/it"
                rate = flops / res["seconds"] / 1e9
                line += f"  {rate:6.2f} GFLOP/s"
                if dpeak:
                    line += f" = {100 * rate / dpeak:5.1f} % dgemm"
                if key == "ours_hals" and speak:
                    line += f", {100 * rate / speak:5.1f} % sgemm"
            line += f"  count {counts_text(res, stored)}"
            print(line)
            if key == "r":
                a = res["all_in_one"]
                print(f"  {'':<20} R, all envelopes in one Rscript: {a['seconds']:.2f} s "
                      f"({a['in_process_seconds']:.2f} s inside R)")
            if key in ("sklearn-mu", "sklearn-cd") and res.get("tol_note"):
                print(f"  {'':<20} {key}: tol {res['tol']:g}")
            rss = [e["max_rss_mb"] for e in res["envelopes"] if "max_rss_mb" in e]
            if rss and meta.get("memory_bound_mb"):
                print(f"  {'':<20} peak memory {max(rss):.0f} MB (bound {meta['memory_bound_mb']:.0f} MB)")
        # per-rank R^2 of single-envelope cases
        if results and all(len(r["envelopes"]) == 1 for r in results.values()):
            keys = list(results)
            tables = {k: {r["rank"]: r["r2"] for r in results[k]["envelopes"][0]["ranks"]} for k in keys}
            ranks = sorted(set().union(*[set(t) for t in tables.values()]))
            print("  best R^2 per rank\n  rank " + "".join(f"{k:>12}" for k in keys))
            for k in ranks:
                print(f"  {k:>4} " + "".join(f"{tables[key][k]:12.6f}" if k in tables[key] else f"{'-':>12}"
                                           for key in keys))
        elif stored and results:
            print("  counts per envelope (file: R package stored | " + " | ".join(results) + ")")
            for env in next(iter(results.values()))["envelopes"]:
                f = env["file"]
                cells = [str(next((e["count"] for e in results[k]["envelopes"] if e["file"] == f), "-"))
                         for k in results]
                print(f"    {f}: {stored.get(f)} | " + " | ".join(cells))

        reference = results.get("numpy")
        for key, label in OURS:
            if key not in results:
                continue
            res = results[key]
            flops, iterations = work(res)
            rate = flops / res["seconds"] / 1e9 if iterations else None
            ratios = {p: results[p]["seconds"] / res["seconds"] for p, _ in PEERS if p in results}
            low, high = r2_gaps(res, reference) if reference else (None, None)
            notes = []
            if key == "ours_hals" and "ours_mu" in results:
                mlow, _ = r2_gaps(res, results["ours_mu"])
                notes.append(f"R² − MU ≥ {mlow:+.1e}")
            rss = [e["max_rss_mb"] for e in res["envelopes"] if "max_rss_mb" in e]
            if meta.get("memory_bound_mb") and rss:
                notes.append(f"peak {max(rss):.0f} MB ≤ {meta['memory_bound_mb']:.0f}"
                             if max(rss) <= meta["memory_bound_mb"] else
                             f"peak {max(rss):.0f} MB > bound {meta['memory_bound_mb']:.0f}")
            if "r" in results:
                notes.append(f"R in one process {results['r']['all_in_one']['seconds']:.2f} s "
                             f"(×{results['r']['all_in_one']['seconds'] / res['seconds']:.1f})")
            peak = None
            if rate and dpeak:
                peak = f"{100 * rate / dpeak:.0f} %"
                if key == "ours_hals" and speak:
                    peak += f" ({100 * rate / speak:.0f} % S)"
            ours_rows.append([meta["label"], label.replace("synergy ", ""), fmt(res["seconds"]),
                              *[fmt(ratios.get(p), 1) for p, _ in PEERS],
                              str(iterations or "—"),
                              fmt(flops / iterations / 1e6 if iterations else None, 2),
                              fmt(rate, 1), peak or "—", counts_text(res, stored),
                              gap_text(low, high), "; ".join(notes)])
        for key, label in PEERS:
            if key not in results:
                continue
            res = results[key]
            flops, iterations = work(res)
            low, high = r2_gaps(res, reference) if reference and key != "numpy" else (None, None)
            extra = ""
            if key == "r":
                extra = f"all in one Rscript: {res['all_in_one']['seconds']:.2f} s"
            elif key.startswith("sklearn"):
                extra = f"tol {res['tol']:g}"
            peer_rows.append([meta["label"], label, fmt(res["seconds"]), str(iterations or "—"),
                              counts_text(res, stored), gap_text(low, high), extra])

    ours_head = ["case", "solver", "s", *[f"×{SHORT[p]}" for p, _ in PEERS], "iterations", "MFLOP/it",
                 "GFLOP/s", "% DGEMM peak", "count", "R² − NumPy: min / max|·|", "notes"]
    peer_head = ["case", "peer", "s", "iterations", "count", "R² − NumPy: min / max|·|", "notes"]

    def markdown(head, rows):
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    table = ["### Our solvers", "",
             "×peer = the peer's time ÷ ours in the same run; iterations summed over every replicate; "
             f"work {FLOP_FORMULA}; R² gaps per rank (and envelope) against the NumPy reference's best "
             "replicate.", "", markdown(ours_head, ours_rows), "", "### Peers", "",
             markdown(peer_head, peer_rows), ""]
    if dgemm:
        table.insert(2, f"NumPy peaks in this run: DGEMM {dpeak:.1f} GFLOP/s, SGEMM {fmt(speak, 1)} GFLOP/s "
                        f"({dgemm['size']}², best of {dgemm['repeats']}); {os.cpu_count()} cores.")
        table.insert(3, "")
    if args.note:
        table.insert(0, args.note + "\n")
    text = "\n".join(table)
    print("\n" + "=" * 78 + "\nsummary\n" + "=" * 78 + "\n" + text)
    if args.table:
        with open(args.table, "w") as handle:
            handle.write(text)
        print(f"table written to {args.table}", file=sys.stderr)
    if args.manual:
        update_manual(args.manual, text)
        print(f"section '{MANUAL_HEADING}' of {args.manual} regenerated", file=sys.stderr)
    return 0


MANUAL_HEADING = "### The suite's latest run"


def update_manual(path, text):
    """Replaces the section under MANUAL_HEADING (up to the next heading of
    level 1 to 3) with the summary, its own headings one level down."""
    with open(path) as handle:
        lines = handle.read().split("\n")
    if MANUAL_HEADING not in lines:
        sys.exit(f"suite_summary.py: {path} has no line '{MANUAL_HEADING}'")
    start = lines.index(MANUAL_HEADING) + 1
    end = next((i for i in range(start, len(lines))
                if re.match(r"#{1,3} ", lines[i])), len(lines))
    body = ["", *[("#" + line) if line.startswith("### ") else line for line in text.split("\n")]]
    if body[-1] != "":
        body.append("")
    with open(path, "w") as handle:
        handle.write("\n".join(lines[:start] + body + lines[end:]))


if __name__ == "__main__":
    sys.exit(main())
