"""Building a problem in code: ``ProblemSpec.from_arrays`` + compile + hand-off to HiGHS,
against linopy building the same model from the same arrays + ``to_highspy``, in one run.

The model: N commitments with 2 options each (2·10⁴ and 10⁵ options by default), one period,
3 scenarios, two resources; each commitment takes at most one option. The engine's path is
``ProblemSpec.from_arrays`` (complete validation, vectorised) -> ``compile_spec`` ->
``load_highs``; the per-object path (``Option``/``Commitment`` objects -> ``ProblemSpec.build``
-> the same compile and hand-off) is timed too. linopy: one binary variable array
(commitment x option), the expected value and the two resources as array expressions, the
choice rows as a sum over options, ``to_highspy``. Both models are checked to have the same
size and the same optimum of their LP relaxation on the smallest size.

Rounds alternate the order of the paths; the median, min-max of the rounds and the load
average are printed. Run from the repository root::

    python benchmarks/bench_build.py --options 20000,100000 --rounds 7
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCEN = {"low": 0.25, "base": 0.5, "high": 0.25}


def data(n_opt: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    n = n_opt // 2
    cid = np.repeat([f"c{i}" for i in range(n)], 2)
    oid = np.tile(["small", "large"], n)
    size = np.repeat(rng.lognormal(0, 0.5, n), 2) * np.tile([1.0, 1.8], n)
    use = {"budget": np.round(size * rng.uniform(0.5, 1.5, n_opt), 3)}
    use["staff"] = np.round(size * rng.uniform(0.2, 1.0, n_opt), 3)
    value = {s: np.round(size * rng.uniform(0.4, 2.0, n_opt), 3) for s in SCEN}
    cap = {r: round(0.3 * float(u[::2].sum()), 2) for r, u in use.items()}
    return dict(commitment=cid, option=oid, use=use, value=value, capacity=cap, n=n)


def engine(d: dict):
    from optimizer.compile import compile_spec
    from optimizer.spec.model import ProblemSpec, Resource
    from solvers import SolveOptions
    from solvers.highs import load_highs

    spec = ProblemSpec.from_arrays(
        "bench",
        d["commitment"],
        option=d["option"],
        use=d["use"],
        value=d["value"],
        scenarios=SCEN,
        resources=[Resource(r, capacity=c) for r, c in d["capacity"].items()],
    )
    return load_highs(compile_spec(spec), SolveOptions())


def objects(d: dict):
    """The same problem built one ``Option`` at a time (the API before ``from_arrays``)."""
    from optimizer.compile import compile_spec
    from optimizer.spec.model import Commitment, Option, ProblemSpec, Resource
    from solvers import SolveOptions
    from solvers.highs import load_highs

    b, s = d["use"]["budget"].tolist(), d["use"]["staff"].tolist()
    v = {k: x.tolist() for k, x in d["value"].items()}
    cs = []
    for i in range(d["n"]):
        opts = tuple(
            Option(
                name,
                use={"budget": b[k], "staff": s[k]},
                value={sc: v[sc][k] for sc in SCEN},
            )
            for name, k in (("small", 2 * i), ("large", 2 * i + 1))
        )
        cs.append(Commitment(f"c{i}", opts))
    spec = ProblemSpec.build(
        "bench",
        cs,
        scenarios=SCEN,
        resources=[Resource(r, capacity=c) for r, c in d["capacity"].items()],
    )
    return load_highs(compile_spec(spec), SolveOptions())


def linopy_model(d: dict):
    import linopy
    import pandas as pd
    import xarray as xr

    n = d["n"]
    ci, oi = pd.RangeIndex(n, name="c"), pd.RangeIndex(2, name="o")
    m = linopy.Model()
    x = m.add_variables(binary=True, coords=[ci, oi], name="x")
    ev = sum(p * d["value"][s] for s, p in SCEN.items()).reshape(n, 2)
    m.add_objective((xr.DataArray(ev, coords=[ci, oi]) * x).sum(), sense="max")
    for r, u in d["use"].items():
        U = xr.DataArray(u.reshape(n, 2), coords=[ci, oi])
        m.add_constraints((U * x).sum() <= d["capacity"][r], name=r)
    m.add_constraints(x.sum("o") <= 1, name="choice")
    return m.to_highspy()


def relaxation(h) -> tuple[int, int, float]:
    import highspy

    h.setOptionValue("output_flag", False)
    lp = h.getLp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    h.passModel(lp)
    h.run()
    return lp.num_col_, lp.num_row_, h.getInfo().objective_function_value


def timed(fn, d) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn(d)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--options", default="20000,100000")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--no-objects", action="store_true", help="skip the per-object path")
    ap.add_argument("--no-linopy", action="store_true", help="skip linopy (the 'bench' extra)")
    args = ap.parse_args(argv)
    paths = {"from_arrays": engine}
    if not args.no_linopy:
        paths["linopy"] = linopy_model
    if not args.no_objects:
        paths["objects"] = objects
    small = data(2000)
    other = "linopy" if "linopy" in paths else "objects"
    e, li = relaxation(engine(small)), relaxation(paths[other](small))
    assert e[:2] == li[:2] and abs(e[2] - li[2]) <= 1e-6 * max(1.0, abs(e[2])), (e, li)
    print(
        f"check (2,000 options, engine vs {other}): same size {e[:2]} and LP optimum "
        f"{e[2]:.6f} = {li[2]:.6f}"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for n_opt in (int(x) for x in args.options.split(",")):
        d = data(n_opt)
        for fn in paths.values():
            fn(d)  # warm-up: imports, first calls
        times: dict[str, list[float]] = {k: [] for k in paths}
        order = list(paths)
        for r in range(args.rounds):
            for k in order if r % 2 == 0 else order[::-1]:
                times[k].append(timed(paths[k], d))
        print(f"\n{n_opt:,} options, {args.rounds} rounds (median, min-max):")
        for k, ts in times.items():
            print(
                f"  {k:12s} {statistics.median(ts) * 1e3:8.1f} ms  ({min(ts) * 1e3:.1f}-{max(ts) * 1e3:.1f})"
            )
        if "linopy" in times:
            ratios = [a / b for a, b in zip(times["from_arrays"], times["linopy"], strict=True)]
            print(
                f"  from_arrays / linopy: median of the rounds' ratios "
                f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
            )
        if "objects" in times:
            q = [a / b for a, b in zip(times["objects"], times["from_arrays"], strict=True)]
            print(f"  objects / from_arrays: {statistics.median(q):.1f}x")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
