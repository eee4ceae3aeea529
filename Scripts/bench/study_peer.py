#!/usr/bin/env python3
"""A plain NumPy/SciPy/scikit-learn study pipeline, timed on a sample, for
Scripts/bench_study.sh.

The whole peer run (100 sessions, the paper's replicate counts) takes hours,
so it is timed on a sample and scaled:
  sessions  N sampled sessions of the manifest, each preprocessed as
            cheung2020 in SciPy (FIR 50 Hz high-pass, rectify, FIR 20 Hz
            low-pass, 20 ms bins, unit variance) and swept with the plain
            NumPy reference (Scripts/reference/nmf_reference.py: MU, ranks
            1..m, 20 replicates); scaled by sessions / N;
  groups    the gap statistic of one group's synergy vectors (from our batch
            output, so the peer clusters the same points) with scikit-learn
            KMeans(init="random", n_init=...): B_sample reference sets x 100
            replicates for k = 2..20, plus 1000 replicates on the data;
            scaled by 500 / B_sample and by the number of groups.
Prints JSON: measured seconds of each part, the scale factors, the estimate.
Usage: study_peer.py MANIFEST BATCH_OUTDIR [--sessions 1] [--references 2]
"""
import argparse
import csv
import glob
import json
import os
import sys
import time

import ezc3d
import numpy as np
import scipy.signal as ss
from sklearn.cluster import KMeans

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import nmf_reference as ref  # noqa: E402


def envelope(path):
    c3d = ezc3d.c3d(path)
    fs = float(c3d["parameters"]["ANALOG"]["RATE"]["value"][0])
    data = np.ascontiguousarray(c3d["data"]["analogs"][0], dtype=float)
    taps = int(round(0.1 * fs))
    taps += taps % 2 == 0
    hp = ss.firwin(taps, 50, pass_zero=False, window="hamming", fs=fs)
    lp = ss.firwin(taps, 20, window="hamming", fs=fs)
    x = ss.filtfilt(lp, [1.0], np.abs(ss.filtfilt(hp, [1.0], data, axis=1)), axis=1)
    np.maximum(x, 0, out=x)
    per_bin = int(round(0.020 * fs))
    bins = x.shape[1] // per_bin
    x = x[:, :bins * per_bin].reshape(x.shape[0], bins, per_bin).mean(axis=2)
    return x / x.std(axis=1, ddof=1, keepdims=True)


def gap_time(points, references, ks, rng):
    start = time.perf_counter()
    low, high = points.min(axis=0), points.max(axis=0)
    for k in ks:
        KMeans(k, init="random", n_init=1000, max_iter=100, random_state=0).fit(points)
        for _ in range(references):
            sample = rng.uniform(low, high, size=points.shape)
            KMeans(k, init="random", n_init=100, max_iter=100, random_state=0).fit(sample)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("outdir")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--references", type=int, default=2)
    args = parser.parse_args()
    with open(args.manifest) as handle:
        rows = list(csv.DictReader(handle))
    folder = os.path.dirname(os.path.abspath(args.manifest))

    start = time.perf_counter()
    for row in rows[:args.sessions]:
        D = envelope(os.path.join(folder, row["path"]))
        ref.run_protocol(D, "cheung2020", 1, replicates=20, max_iterations=20000)
    session_seconds = time.perf_counter() - start

    study = json.load(open(os.path.join(args.outdir, "study.json")))
    groups = study["groups"]
    by_group = {}
    for path in sorted(glob.glob(os.path.join(args.outdir, "sessions", "*.json"))):
        if path.endswith(".error.json"):
            continue
        report = json.load(open(path))
        session = next(s for s in study["sessions"] if s["result"] and s["result"].endswith(os.path.basename(path)))
        by_group.setdefault(session["analysis_group"], []).extend(s["weights"] for s in report["synergies"])
    name = max(by_group, key=lambda g: len(by_group[g]))
    points = np.array(by_group[name])
    ks = [k for k in range(2, 21) if k < len(points)]
    group_seconds = gap_time(points, args.references, ks, np.random.default_rng(1))

    scale_sessions = len(rows) / args.sessions
    scale_groups = len(groups) * 500 / args.references
    estimate = session_seconds * scale_sessions + group_seconds * scale_groups
    print(json.dumps({"session_seconds": session_seconds, "sessions_timed": args.sessions, "sessions": len(rows),
                      "group_seconds": group_seconds, "group": name, "points": len(points),
                      "references_timed": args.references, "groups": len(groups),
                      "estimated_seconds": estimate}, indent=2))


if __name__ == "__main__":
    main()
