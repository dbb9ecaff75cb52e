"""The exact two-criteria Pareto front of a generated 1000-commitment problem: solves per point.

The problem is ``problems.generate.generate(N, years=1)`` with one criterion added, ``score``
(maximised): a whole number 1..2 on one option in fifty (seeded). Each round times, in
alternating order, one expected-value solve (the baseline) and the front of ``expected`` and
``score`` (``optimizer.analysis.pareto.pareto_front``), and records the number of solves and of
points. The summary gives the median and range of the times and of the ratio front / solve,
the solves per point, and the load average (``os.getloadavg``, 1 minute) before each round.

Run:  python benchmarks/bench_pareto.py [--n 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optimizer
from optimizer.analysis.pareto import pareto_front
from optimizer.spec.criteria import Criterion
from optimizer.spec.validate import check_spec
from problems.generate import generate


def problem(n: int, seed: int = 0):
    spec = generate(n, years=1, seed=seed)
    rng = np.random.default_rng(seed)
    commitments = []
    for c in spec.commitments:
        opts = []
        for o in c.options:
            s = int(rng.integers(1, 3)) if rng.random() < 0.02 else 0
            opts.append(dataclasses.replace(o, scores={"score": float(s)} if s else {}))
        commitments.append(dataclasses.replace(c, options=tuple(opts)))
    return check_spec(
        dataclasses.replace(
            spec, commitments=tuple(commitments), criteria=(Criterion("score", unit="points"),)
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    spec = problem(args.n)
    solve_t, front_t, ratios = [], [], []
    for r in range(args.rounds):
        load = os.getloadavg()[0]
        order = ("solve", "front") if r % 2 == 0 else ("front", "solve")
        times = {}
        for what in order:
            t0 = time.perf_counter()
            if what == "solve":
                optimizer.solve(spec)
            else:
                front = pareto_front(spec, ("expected", "score"))
            times[what] = time.perf_counter() - t0
        solve_t.append(times["solve"])
        front_t.append(times["front"])
        ratios.append(times["front"] / times["solve"])
        print(
            f"round {r + 1}: load {load:.2f}  solve {times['solve']:.3f} s  front "
            f"{times['front']:.3f} s  points {len(front.points)}  solves {front.solves}"
        )

    def spread(xs):
        return f"median {statistics.median(xs):.3f} (range {min(xs):.3f}-{max(xs):.3f})"

    print(f"problem: {args.n} commitments, {sum(len(c.options) for c in spec.commitments)} options")
    print(f"method: {front.method}")
    print(
        f"points {len(front.points)}, solves {front.solves}: "
        f"{front.solves / max(1, len(front.points)):.2f} solves a point"
    )
    print(f"one solve (s): {spread(solve_t)}")
    print(f"front (s): {spread(front_t)}")
    print(f"front / one solve: {spread(ratios)}")


if __name__ == "__main__":
    main()
