#!/usr/bin/env python3
"""Plain NumPy reference for the NMF protocols of `synergy`.

This module is the executable form of the equations in the project's methods
(sections 1 and 2). It exists to produce test fixtures and benchmark numbers
for the Swift implementation; it is never a runtime dependency of the tool.
Clarity wins over speed here: every step is written the way the methods state
it, so the code can be read side by side with the specification.

Notation
--------
D  m x n  envelope matrix, rows are muscles, columns are time samples
W  m x k  synergy weights (columns are synergies)
C  k x n  activation coefficients
The model is D ~= W C, fitted by Lee & Seung multiplicative updates for the
Euclidean cost. One iteration updates C first, then W:

    C <- C * (W^T D) / max(W^T W C, TINY)
    W <- W * (D C^T) / max(W (C C^T), TINY)

(`*` and `/` elementwise). TINY, the smallest normal double, only guards
against a zero denominator; it never changes a non-zero one.

Goodness of fit, always of the current W, C:

    R^2 = 1 - SSE / SST,   SSE = sum_ij (D - W C)_ij^2

with SST centred per muscle (cheung2020) or on the grand mean (santuz).

Protocols
---------
cheung2020  Cheung et al. (2020), Nat Commun 11:4356.
santuz      musclesyneRgies::synsNMF (Santuz, R package).
Their parameters live in `PROTOCOLS`; the iteration loops are `fit_cheung2020`
and `fit_santuz`; `run_protocol` runs a whole rank sweep and picks the
number of synergies.

Command line
------------
    python3 Scripts/reference/nmf_reference.py ENVELOPE.csv \
        --protocol cheung2020|santuz --seed S [--json OUT]

ENVELOPE.csv: a header row, then one row per time sample; the first column is
time or a sample index, every further column is one muscle (header = name).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

# Smallest positive normal double (2.2250738585072014e-308): the floor of
# every multiplicative-update denominator.
TINY = np.finfo(float).tiny


# ---------------------------------------------------------------------------
# Protocol parameters
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Protocol:
    """Every number of one protocol's factorisation stage."""

    name: str
    replicates: int          # random starts per rank; the best final R^2 wins
    max_iterations: int      # iteration cap of one replicate
    # cheung2020 stop: |R^2[t] - R^2[t-1]| < delta_r2 for `streak` iterations in a row
    delta_r2: float = 1e-5
    streak: int = 20
    # santuz stop: R^2[t] - R^2[t-window] < R^2[t] * gain_percent / 100
    window: int = 20
    gain_percent: float = 0.01
    # number of synergies
    r2_threshold: float = 0.80   # cheung2020: smallest rank with R^2 >= this
    mse_min: float = 1e-4        # santuz: curve-linearity MSE bound


PROTOCOLS = {
    "cheung2020": Protocol(name="cheung2020", replicates=20, max_iterations=20000),
    "santuz": Protocol(name="santuz", replicates=5, max_iterations=1000),
}


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

def mu_iteration(D: np.ndarray, W: np.ndarray, C: np.ndarray):
    """One Lee & Seung multiplicative-update iteration, C first, then W.

    Returns the new (W, C); the inputs are not modified.
    """
    C = C * (W.T @ D) / np.maximum((W.T @ W) @ C, TINY)
    W = W * (D @ C.T) / np.maximum(W @ (C @ C.T), TINY)
    return W, C


def sum_of_squares(X: np.ndarray) -> float:
    """sum_ij X_ij^2.

    einsum rather than a BLAS dot: a multi-threaded OpenBLAS ddot on a vector
    this short can cost milliseconds of thread start-up on a small machine.
    """
    return float(np.einsum("ij,ij->", X, X))


def sse(D: np.ndarray, W: np.ndarray, C: np.ndarray) -> float:
    """Sum of squared residuals, sum_ij (D - W C)_ij^2."""
    return sum_of_squares(D - W @ C)


def sst_row_centred(D: np.ndarray) -> float:
    """Total sum of squares about each muscle's (row's) own mean."""
    return sum_of_squares(D - D.mean(axis=1, keepdims=True))


def sst_grand_centred(D: np.ndarray) -> float:
    """Total sum of squares about the grand mean of the whole matrix."""
    return sum_of_squares(D - D.mean())


def r2_score(D: np.ndarray, W: np.ndarray, C: np.ndarray, sst: float) -> float:
    """R^2 = 1 - SSE/SST for a given SST (choose the centring with `sst`)."""
    return 1.0 - sse(D, W, C) / sst


def vaf_uncentred(D: np.ndarray, W: np.ndarray, C: np.ndarray) -> float:
    """Uncentred variance accounted for, VAF = 1 - SSE / sum_ij D_ij^2."""
    return 1.0 - sse(D, W, C) / sum_of_squares(D)


def normalise_columns(W: np.ndarray, C: np.ndarray):
    """Scale W's columns to unit l2 norm and C's rows by the same norms.

    W C is unchanged (up to rounding). A zero column is left as it is.
    """
    norms = np.sqrt(np.sum(W * W, axis=0))
    norms = np.where(norms > 0.0, norms, 1.0)
    return W / norms, C * norms[:, None]


def replace_nonpositive(D: np.ndarray) -> np.ndarray:
    """santuz pre-step: every value <= 0 becomes the smallest positive value."""
    D = np.array(D, dtype=float, copy=True)
    positive = D[D > 0.0]
    if positive.size == 0:
        raise ValueError("the envelope has no positive value")
    D[D <= 0.0] = positive.min()
    return D


def r_round(x: float) -> int:
    """R's round(x, 0): IEC 60559 rounding, halves go to the even integer.

    Python's built-in round() on a float already does exactly this.
    """
    return int(round(x))


def rank_range(protocol: Protocol, m: int) -> range:
    """Ranks swept for m muscles: 1..m (cheung2020), 1..m - round(m/4) (santuz)."""
    if protocol.name == "santuz":
        return range(1, m - r_round(m / 4) + 1)
    return range(1, m + 1)


def replicate_rng(seed: int, rank: int, replicate: int) -> np.random.Generator:
    """Independent generator for one (seed, rank, replicate), order-free."""
    return np.random.default_rng([seed, rank, replicate])


def initial_factors(D: np.ndarray, k: int, protocol: Protocol,
                    rng: np.random.Generator):
    """Random start (W0, C0): W drawn first (m x k), then C (k x n), row-major.

    cheung2020: uniform on (0, max D).
    santuz:     uniform on [min D, max D]; D must already have passed
                `replace_nonpositive`, so min D > 0.
    (numpy's uniform(low, high) draws on [low, high); an exact `low` has
    probability 2^-53 per entry and is ignored.)
    """
    m, n = D.shape
    low = float(D.min()) if protocol.name == "santuz" else 0.0
    high = float(D.max())
    W0 = rng.uniform(low, high, size=(m, k))
    C0 = rng.uniform(low, high, size=(k, n))
    return W0, C0


# ---------------------------------------------------------------------------
# One replicate
# ---------------------------------------------------------------------------

@dataclass
class Fit:
    """Result of one replicate from one start."""

    W: np.ndarray            # final weights, unit-norm columns
    C: np.ndarray            # final activations
    r2: np.ndarray           # r2[t-1] = R^2 after iteration t, t = 1..iterations
    iterations: int
    converged: bool          # False when the iteration cap stopped the loop

    @property
    def final_r2(self) -> float:
        return float(self.r2[-1])


def fit_cheung2020(D: np.ndarray, W0: np.ndarray, C0: np.ndarray,
                   max_iterations: int = 20000, delta_r2: float = 1e-5,
                   streak_length: int = 20) -> Fit:
    """Cheung et al. (2020): iterate until |dR^2| < delta_r2 for
    `streak_length` consecutive iterations; R^2 centred per muscle.

    The first difference exists after iteration 2, so the earliest stop is
    after iteration streak_length + 1. No normalisation while iterating; W's
    columns are scaled to unit norm once at the end.
    """
    sst = sst_row_centred(D)
    W, C = W0.astype(float), C0.astype(float)
    r2 = np.empty(max_iterations)
    streak = 0
    iterations, converged = max_iterations, False
    for t in range(1, max_iterations + 1):
        W, C = mu_iteration(D, W, C)
        r2[t - 1] = r2_score(D, W, C, sst)
        if t >= 2:
            if abs(r2[t - 1] - r2[t - 2]) < delta_r2:
                streak += 1
            else:
                streak = 0
            if streak == streak_length:
                iterations, converged = t, True
                break
    W, C = normalise_columns(W, C)
    return Fit(W, C, r2[:iterations].copy(), iterations, converged)


def fit_santuz(D: np.ndarray, W0: np.ndarray, C0: np.ndarray,
               max_iterations: int = 1000, window: int = 20,
               gain_percent: float = 0.01) -> Fit:
    """musclesyneRgies::synsNMF inner loop; R^2 centred on the grand mean.

    D must already have passed `replace_nonpositive`.
    Iteration 1: update and R^2 only. Iterations 2..max_iterations: update,
    R^2, normalise W's columns to unit norm (C's rows take the norms), then
    stop when t > window and R^2[t] - R^2[t-window] < R^2[t] * gain_percent/100
    (evaluated in that order, as the R code does).
    """
    if max_iterations < 2:
        raise ValueError("santuz needs max_iterations >= 2 (the R loop is 2:max_iter)")
    sst = sst_grand_centred(D)
    W, C = W0.astype(float), C0.astype(float)
    r2 = np.empty(max_iterations)

    W, C = mu_iteration(D, W, C)
    r2[0] = r2_score(D, W, C, sst)

    iterations, converged = max_iterations, False
    for t in range(2, max_iterations + 1):
        W, C = mu_iteration(D, W, C)
        r2[t - 1] = r2_score(D, W, C, sst)
        W, C = normalise_columns(W, C)
        if t > window and r2[t - 1] - r2[t - 1 - window] < r2[t - 1] * gain_percent / 100:
            iterations, converged = t, True
            break
    return Fit(W, C, r2[:iterations].copy(), iterations, converged)


def fit_replicate(D: np.ndarray, W0: np.ndarray, C0: np.ndarray,
                  protocol: Protocol, max_iterations: Optional[int] = None) -> Fit:
    """Dispatch to the protocol's loop (D prepared as the protocol requires)."""
    cap = protocol.max_iterations if max_iterations is None else max_iterations
    if protocol.name == "cheung2020":
        return fit_cheung2020(D, W0, C0, cap, protocol.delta_r2, protocol.streak)
    if protocol.name == "santuz":
        return fit_santuz(D, W0, C0, cap, protocol.window, protocol.gain_percent)
    raise ValueError(f"unknown protocol {protocol.name!r}")


# ---------------------------------------------------------------------------
# Number of synergies
# ---------------------------------------------------------------------------

def count_by_threshold(r2_by_rank: Sequence[float], threshold: float = 0.80):
    """Smallest rank (1-based) whose R^2 >= threshold, or None if none does."""
    for rank, value in enumerate(r2_by_rank, start=1):
        if value >= threshold:
            return rank
    return None


def line_fit_mse(y: Sequence[float]) -> float:
    """Mean squared residual of the least-squares line through (1..L, y)."""
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return 0.0  # one point: R's lm() reproduces it exactly
    x = np.arange(1, y.size + 1, dtype=float)
    xc = x - x.mean()
    slope = np.dot(xc, y - y.mean()) / np.dot(xc, xc)
    fitted = y.mean() + slope * xc
    return float(np.mean((y - fitted) ** 2))


def count_by_linearity(r2_by_rank: Sequence[float], mse_min: float = 1e-4):
    """musclesyneRgies curve-linearity rule on R^2 of ranks 1..r.

    Literal translation of the R code: it = 0; MSE = 100;
    while MSE > mse_min: it += 1; if it == r - 1: break;
    MSE = MSE of a straight line through (1..r-it+1, R^2[it..r]).
    Returns (count, trace) where trace lists (it, MSE) for every fitted line.
    """
    r = len(r2_by_rank)
    it, mse = 0, 100.0
    trace = []
    while mse > mse_min:
        it += 1
        if it == r - 1:
            break
        mse = line_fit_mse(r2_by_rank[it - 1:r])
        trace.append((it, mse))
    return it, trace


# ---------------------------------------------------------------------------
# Whole protocol
# ---------------------------------------------------------------------------

def run_protocol(D: np.ndarray, protocol: str, seed: int, *,
                 replicates: Optional[int] = None,
                 max_iterations: Optional[int] = None,
                 max_rank: Optional[int] = None,
                 keep_factors: bool = False,
                 progress: Optional[Callable[[str], None]] = None) -> dict:
    """Run one protocol's rank sweep on D (muscles x samples).

    Every replicate starts from `replicate_rng(seed, rank, replicate)`. The
    optional arguments override the protocol's replicates, iteration cap and
    last rank (for quick runs). Returns a JSON-ready dict:
        protocol, seed, muscles, samples,
        ranks: [{rank, r2, vaf, iterations, converged,
                 replicates: [{replicate, r2, iterations, converged}]}],
        r2_by_rank, count  (+ count_trace for santuz, + W/C per rank if
        keep_factors; W rows are muscles, C rows are synergies)
    """
    spec = PROTOCOLS[protocol]
    D = np.asarray(D, dtype=float)
    if D.ndim != 2 or not np.all(np.isfinite(D)):
        raise ValueError("D must be a finite 2-D matrix")
    if protocol == "santuz":
        D = replace_nonpositive(D)
    elif np.any(D < 0):
        raise ValueError("D must be non-negative")
    m, n = D.shape
    n_replicates = spec.replicates if replicates is None else replicates

    ranks = list(rank_range(spec, m))
    if max_rank is not None:
        ranks = [k for k in ranks if k <= max_rank]

    per_rank = []
    for k in ranks:
        best: Optional[Fit] = None
        rows = []
        for rep in range(1, n_replicates + 1):
            W0, C0 = initial_factors(D, k, spec, replicate_rng(seed, k, rep))
            fit = fit_replicate(D, W0, C0, spec, max_iterations)
            rows.append({"replicate": rep, "r2": fit.final_r2,
                         "iterations": fit.iterations, "converged": fit.converged})
            # strict '>' keeps the first of equal replicates (R's which.max)
            if best is None or fit.final_r2 > best.final_r2:
                best = fit
        entry = {"rank": k, "r2": best.final_r2, "vaf": vaf_uncentred(D, best.W, best.C),
                 "iterations": best.iterations, "converged": best.converged,
                 "replicates": rows}
        if keep_factors:
            entry["W"] = best.W.tolist()
            entry["C"] = best.C.tolist()
        per_rank.append(entry)
        if progress:
            progress(f"{protocol} rank {k}: R2 {best.final_r2:.6f}, "
                     f"iterations {best.iterations}, converged {best.converged}")

    r2_by_rank = [e["r2"] for e in per_rank]
    result = {"protocol": protocol, "seed": seed, "muscles": m, "samples": n,
              "replicates": n_replicates, "ranks": per_rank, "r2_by_rank": r2_by_rank}
    if protocol == "cheung2020":
        result["count"] = count_by_threshold(r2_by_rank, spec.r2_threshold)
    else:
        count, trace = count_by_linearity(r2_by_rank, spec.mse_min)
        result["count"] = count
        result["count_trace"] = [{"start_rank": it, "mse": mse} for it, mse in trace]
    return result


# ---------------------------------------------------------------------------
# Files and command line
# ---------------------------------------------------------------------------

def read_envelope_csv(path: str):
    """Read an envelope CSV; returns (muscle names, D as muscles x samples)."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError(f"{path}: need a header and at least one data row and muscle")
    names = [name.strip() for name in rows[0][1:]]
    data = np.array([[float(v) for v in row[1:]] for row in rows[1:] if row], dtype=float)
    return names, data.T.copy()


def write_envelope_csv(path: str, names: Sequence[str], D: np.ndarray,
                       index: Optional[Sequence[float]] = None,
                       index_name: str = "sample") -> None:
    """Write D (muscles x samples) as an envelope CSV.

    The first column is `index` (e.g. time in seconds) or, by default, the
    sample number 0, 1, 2, ...; values are written with repr (full precision).
    """
    with open(path, "w", newline="") as handle:
        handle.write(",".join([index_name, *names]) + "\n")
        for j in range(D.shape[1]):
            first = str(j) if index is None else repr(float(index[j]))
            handle.write(",".join([first, *(repr(float(v)) for v in D[:, j])]) + "\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("envelope", help="envelope CSV (time column, then one column per muscle)")
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), default="cheung2020")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replicates", type=int, help="override the protocol's replicates per rank")
    parser.add_argument("--max-iterations", type=int, help="override the protocol's iteration cap")
    parser.add_argument("--max-rank", type=int, help="stop the sweep at this rank")
    parser.add_argument("--keep-factors", action="store_true", help="store W and C of every rank in the JSON")
    parser.add_argument("--json", metavar="OUT", help="write the full result here")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    names, D = read_envelope_csv(args.envelope)
    progress = None if args.quiet else (lambda text: print(text, file=sys.stderr, flush=True))
    start = time.perf_counter()
    result = run_protocol(D, args.protocol, args.seed, replicates=args.replicates,
                          max_iterations=args.max_iterations, max_rank=args.max_rank,
                          keep_factors=args.keep_factors, progress=progress)
    result["seconds"] = time.perf_counter() - start
    result["muscle_names"] = names

    print(f"protocol {args.protocol}, seed {args.seed}, {D.shape[0]} muscles x {D.shape[1]} samples")
    print("rank  R2          iterations  converged")
    for entry in result["ranks"]:
        print(f"{entry['rank']:>4}  {entry['r2']:.8f}  {entry['iterations']:>10}  {entry['converged']}")
    print(f"number of synergies: {result['count']}  ({result['seconds']:.1f} s)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
