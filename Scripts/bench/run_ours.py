#!/usr/bin/env python3
"""Run `synergy count` once per envelope, as a script would, and collect the results.

Each envelope gets its own process (`synergy count FILE --input envelope
--protocol P --algorithm A --seed 1 -o OUT.json`), run one after another; the
wall time of each, process start included, and its peak resident memory
(the kernel's maxrss of the child) are recorded beside the report's ranks and
count.

Usage: python3 Scripts/bench/run_ours.py --bin SYNERGY --algorithm mu|hals
          --protocol cheung2020|santuz --work DIR --out OUT.json
          [--extra "ARGS"] ENVELOPE.csv...
OUT.json: {method, protocol, seconds (sum), envelopes: [{file, seconds,
max_rss_mb, ranks, count}]}; ranks as the report gives them (rank, r2,
iterations, converged, replicates[]). Exits non-zero when a run fails.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def run(command, log_path):
    """(seconds, exit code, peak RSS in MB) of one command, its output to log_path."""
    with open(log_path, "w") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, process.returncode, usage.ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB; MB = 1e6 bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("envelopes", nargs="+")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--algorithm", required=True, choices=["mu", "hals"])
    parser.add_argument("--protocol", required=True, choices=["cheung2020", "santuz"])
    parser.add_argument("--work", required=True, help="folder for the reports and logs")
    parser.add_argument("--extra", default="", help="more arguments for every call (one string)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    envelopes, total = [], 0.0
    for path in args.envelopes:
        stem = os.path.splitext(os.path.basename(path))[0]
        report = os.path.join(args.work, f"{stem}.{args.algorithm}.json")
        log = os.path.join(args.work, f"{stem}.{args.algorithm}.log")
        command = [args.bin, "count", path, "--input", "envelope", "--protocol", args.protocol,
                   "--algorithm", args.algorithm, "--seed", "1", "-o", report, *shlex.split(args.extra)]
        seconds, code, rss_mb = run(command, log)
        if code != 0 or not os.path.exists(report):
            with open(log) as handle:
                sys.stderr.write(handle.read()[-3000:])
            print(f"run_ours.py: {' '.join(command)} failed (exit {code})", file=sys.stderr)
            return 1
        with open(report) as handle:
            result = json.load(handle)
        total += seconds
        envelopes.append({"file": os.path.basename(path), "seconds": seconds, "max_rss_mb": rss_mb,
                          "muscles": len(result["muscles"]), "samples": result["input"]["samples"],
                          "ranks": [{key: entry[key] for key in ("rank", "r2", "iterations", "converged",
                                                                   "replicates")}
                                    for entry in result["ranks"]],
                          "count": result.get("count")})
        if len(args.envelopes) == 1:
            print(f"  [ours {args.algorithm}] {seconds:.2f} s, count {result.get('count')}, "
                  f"peak {rss_mb:.0f} MB", file=sys.stderr)
    out = {"method": f"ours_{args.algorithm}", "protocol": args.protocol, "seconds": total,
           "command": f"synergy count FILE --input envelope --protocol {args.protocol} "
                      f"--algorithm {args.algorithm} --seed 1 {args.extra}".strip(),
           "envelopes": envelopes}
    with open(args.out, "w") as handle:
        json.dump(out, handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
