#!/usr/bin/env python3
"""Time musclesyneRgies' synsNMF (R) on envelopes, as a script would run it.

Two ways, both recorded:
  * one `Rscript` process per envelope, one after another: the wall time of
    each process (R's start and `source()` included), as a user's script that
    calls the package once per file pays it;
  * one `Rscript` process for all envelopes: its wall time, and R's own time
    per envelope inside it (read.csv + synsNMF).
Every envelope is seeded with set.seed(1). The R code is run from the peers
folder (PEERS_DIR/musclesyneRgies/synsNMF.R) through Scripts/bench/synsnmf_peer.R.

Usage: python3 Scripts/bench/run_r.py --peers PEERS_DIR --work DIR --out OUT.json ENVELOPE.csv...
OUT.json: {method: "r", protocol: "santuz", seconds (sum of the per-envelope
processes), all_in_one: {seconds, in_process_seconds}, envelopes: [{file,
seconds, in_process_seconds, count, ranks: [{rank, r2}], iterations_of_count}]}
"""

import argparse
import json
import os
import subprocess
import sys
import time

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synsnmf_peer.R")


def rscript(peers, tsv, envelopes, log):
    start = time.perf_counter()
    with open(log, "w") as handle:
        code = subprocess.run(["Rscript", DRIVER, peers, tsv, *envelopes],
                              stdout=handle, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - start
    if code != 0:
        with open(log) as handle:
            sys.stderr.write(handle.read()[-3000:])
        raise SystemExit(f"run_r.py: Rscript failed (exit {code}) on {' '.join(envelopes)}")
    rows = []
    with open(tsv) as handle:
        for line in handle:
            file, syns, inside, iterations, r2 = line.rstrip("\n").split("\t")
            rows.append({"file": file, "count": int(float(syns)), "in_process_seconds": float(inside),
                         "iterations_of_count": int(float(iterations)),
                         "ranks": [{"rank": i + 1, "r2": float(v)} for i, v in enumerate(r2.split(","))]})
    return seconds, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("envelopes", nargs="+")
    parser.add_argument("--peers", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    envelopes, total = [], 0.0
    for i, path in enumerate(args.envelopes):
        seconds, rows = rscript(args.peers, os.path.join(args.work, f"r_{i}.tsv"), [path],
                                os.path.join(args.work, f"r_{i}.log"))
        rows[0]["seconds"] = seconds
        total += seconds
        envelopes.append(rows[0])
    print(f"  [R] one Rscript per envelope: {total:.2f} s for {len(envelopes)}", file=sys.stderr)
    all_seconds, all_rows = rscript(args.peers, os.path.join(args.work, "r_all.tsv"), args.envelopes,
                                    os.path.join(args.work, "r_all.log"))
    inside = sum(r["in_process_seconds"] for r in all_rows)
    print(f"  [R] one Rscript for all: {all_seconds:.2f} s ({inside:.2f} s inside R)", file=sys.stderr)
    out = {"method": "r", "protocol": "santuz", "seconds": total,
           "all_in_one": {"seconds": all_seconds, "in_process_seconds": inside,
                          "counts": [r["count"] for r in all_rows]},
           "envelopes": envelopes}
    with open(args.out, "w") as handle:
        json.dump(out, handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
