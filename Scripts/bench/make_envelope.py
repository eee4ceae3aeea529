#!/usr/bin/env python3
"""Synthetic, EMG-like envelope for the benchmark (deterministic for a seed).

Model of about two minutes of treadmill running binned at 20 ms:
  * strides at about 1.4 Hz; every stride's duration varies (2.5 % SD);
  * a few planted synergies, each a sparse set of muscle weights and an
    activation that is a bump locked to the gait phase; per stride the bump's
    amplitude (lognormal, 20 %), centre (1.5 % of a cycle) and width vary;
  * D = W_true C_true times lognormal noise plus a half-normal floor, both
    smoothed over three bins (20 Hz envelopes are correlated across 20 ms
    bins); D is strictly positive. With the defaults the cheung2020 rule
    finds about 6 synergies (R^2 ~ 0.83 at rank 6), as in the paper;
  * each muscle divided by its standard deviation (unit variance, as in the
    cheung2020 preprocessing; no centring, so D stays non-negative).

With --kind lowrank instead: a plain low-rank-plus-noise matrix, W C + U
with W (muscles x synergies) and C (synergies x samples) uniform on (0, 1) and
U uniform on (0, --noise), each muscle then divided by its standard deviation
(unit variance). No gait structure: the multiplicative updates converge there
in a few hundred iterations per replicate.

Output: envelope CSV, first column `time` in seconds, one column per muscle.

Usage: python3 Scripts/bench/make_envelope.py OUT.csv [--kind gait|lowrank]
          [--muscles 15] [--samples 6000] [--synergies 6] [--seed 2020] [--noise 0.5]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import nmf_reference as ref  # noqa: E402

# The 15 muscles of Cheung et al. (2020); more muscles get numbered names.
MUSCLE_NAMES = ["LatDor", "EO", "RA", "ES", "GLUT", "TFL", "VM", "VL", "RF",
                "HAM", "TA", "MGN", "LGN", "SOL", "PL"]
BIN_SECONDS = 0.020
STRIDE_HZ = 1.4


def gait_phase(samples: int, rng: np.random.Generator):
    """Stride index and phase in [0, 1) of every bin, with variable strides."""
    total = samples * BIN_SECONDS
    durations = rng.normal(1.0 / STRIDE_HZ, 0.025 / STRIDE_HZ, int(total * STRIDE_HZ * 1.2) + 10)
    starts = np.concatenate([[-rng.uniform(0, durations[0])], np.cumsum(durations)])
    starts[1:] += starts[0]
    t = np.arange(samples) * BIN_SECONDS
    stride = np.searchsorted(starts, t, side="right") - 1
    phase = (t - starts[stride]) / (starts[stride + 1] - starts[stride])
    return stride, phase


def planted_weights(muscles: int, synergies: int, rng: np.random.Generator) -> np.ndarray:
    """Sparse non-negative weights; every muscle belongs to at least one synergy."""
    W = rng.uniform(0.0, 0.08, (muscles, synergies))
    owner = rng.permutation(np.arange(muscles) % synergies)   # one main synergy per muscle
    W[np.arange(muscles), owner] += rng.uniform(0.5, 1.0, muscles)
    for j in range(synergies):                                  # plus a few shared muscles
        extra = rng.choice(muscles, size=max(1, muscles // 8), replace=False)
        W[extra, j] += rng.uniform(0.2, 0.6, extra.size)
    return W


def planted_activations(stride, phase, synergies: int, rng: np.random.Generator) -> np.ndarray:
    """Gait-locked bumps with stride-to-stride variability (synergies x samples)."""
    strides = stride.max() + 1
    centres = (np.arange(synergies) + rng.uniform(0.0, 0.6, synergies)) / synergies
    widths = rng.uniform(0.05, 0.11, synergies)            # SD of the bump, fraction of a cycle
    C = np.empty((synergies, phase.size))
    for j in range(synergies):
        amplitude = rng.lognormal(0.0, 0.2, strides)[stride]
        centre = centres[j] + rng.normal(0.0, 0.015, strides)[stride]
        width = widths[j] * rng.lognormal(0.0, 0.1, strides)[stride]
        d = np.abs(phase - centre) % 1.0
        d = np.minimum(d, 1.0 - d)                          # circular distance in cycles
        C[j] = amplitude * np.exp(-0.5 * (d / width) ** 2)
    return C


def smooth3(x: np.ndarray) -> np.ndarray:
    """Three-bin moving average along time (edges use the available bins)."""
    padded = np.pad(x, ((0, 0), (1, 1)), mode="edge")
    return (padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]) / 3.0


def make_envelope(muscles: int, samples: int, synergies: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    stride, phase = gait_phase(samples, rng)
    W = planted_weights(muscles, synergies, rng)
    C = planted_activations(stride, phase, synergies, rng)
    clean = W @ C
    # lognormal multiplicative noise (mean 1) and a half-normal additive floor
    # keep D strictly positive without clipping
    sigma = 0.7
    multiplicative = np.exp(sigma * smooth3(rng.normal(size=clean.shape)) - sigma ** 2 / 2)
    floor = 0.35 * clean.mean(axis=1, keepdims=True) * np.abs(smooth3(rng.normal(size=clean.shape)))
    D = clean * multiplicative + floor
    return D / D.std(axis=1, keepdims=True)


def make_lowrank(muscles: int, samples: int, synergies: int, seed: int, noise: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    W = rng.uniform(0.0, 1.0, (muscles, synergies))
    C = rng.uniform(0.0, 1.0, (synergies, samples))
    D = W @ C + rng.uniform(0.0, noise, (muscles, samples))
    return D / D.std(axis=1, keepdims=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--muscles", type=int, default=15)
    parser.add_argument("--samples", type=int, default=6000)
    parser.add_argument("--synergies", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--kind", choices=["gait", "lowrank"], default="gait")
    parser.add_argument("--noise", type=float, default=0.5, help="lowrank: noise uniform on (0, NOISE)")
    args = parser.parse_args()
    if args.kind == "lowrank":
        D = make_lowrank(args.muscles, args.samples, args.synergies, args.seed, args.noise)
    else:
        D = make_envelope(args.muscles, args.samples, args.synergies, args.seed)
    names = [MUSCLE_NAMES[i] if i < len(MUSCLE_NAMES) else f"M{i + 1}" for i in range(args.muscles)]
    times = [round(j * BIN_SECONDS, 10) for j in range(args.samples)]
    ref.write_envelope_csv(args.out, names, D, index=times, index_name="time")
    print(f"{args.out}: {args.kind}, {args.muscles} muscles x {args.samples} samples, "
          f"{args.synergies} planted synergies, seed {args.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
