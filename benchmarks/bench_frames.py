"""Building a problem from pandas DataFrames: ``optimizer.from_frames`` (the options frame read
as NumPy column blocks into the array constructor) against the per-object path it replaced
(every cell read as a workbook's, one Python object per cell) and against
``ProblemSpec.from_arrays`` given the same columns as arrays, in one run.

The problem is ``bench_build``'s: N commitments of 2 options (2·10⁴ and 10⁵ options by
default), 3 scenarios, two resources, plus an option ``name`` column. Each path builds the
validated ``ProblemSpec`` (the compile that follows is the same for all three and is not
timed); on the smallest size the three problems are checked to compile to the same model and
to have the same LP optimum. Rounds alternate the order of the paths; the median, min-max of
the rounds, the median of the rounds' ratios and the load average are printed. From the
repository root::

    python benchmarks/bench_frames.py --options 20000,100000 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_build import SCEN, data, relaxation  # noqa: E402


def frames(d: dict) -> dict:
    import pandas as pd

    columns = {"commitment": d["commitment"], "option": d["option"]}
    columns["name"] = [f"option {k}" for k in range(len(d["option"]))]
    columns.update({f"use.{r}": u for r, u in d["use"].items()})
    columns.update({f"value.{s}": v for s, v in d["value"].items()})
    return dict(
        options=pd.DataFrame(columns),
        scenarios=pd.DataFrame({"id": list(SCEN), "probability": list(SCEN.values())}),
        resources=pd.DataFrame(
            {"id": list(d["capacity"]), "capacity": list(d["capacity"].values())}
        ),
    )


def by_frames(f: dict):
    import optimizer

    return optimizer.from_frames(**f)


def by_objects(f: dict):
    from optimizer.spec.frames_in import _given, by_objects

    f = dict(f)
    return by_objects(_given(f.pop("options"), None, None, f))


def by_arrays(d: dict):
    from optimizer.spec.model import ProblemSpec, Resource

    return ProblemSpec.from_arrays(
        "frames",
        d["commitment"],
        option=d["option"],
        option_name=d["name"],
        use=d["use"],
        value=d["value"],
        scenarios=SCEN,
        resources=[Resource(r, capacity=c) for r, c in d["capacity"].items()],
    )


def lp_optimum(spec) -> tuple[int, int, float]:
    from optimizer.compile import compile_spec
    from solvers import SolveOptions
    from solvers.highs import load_highs

    return relaxation(load_highs(compile_spec(spec), SolveOptions()))


def inputs(n_opt: int) -> tuple[dict, dict]:
    d = data(n_opt)
    d["name"] = [f"option {k}" for k in range(n_opt)]
    return d, frames(d)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--options", default="20000,100000")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.options.split(",")]

    d, f = inputs(min(sizes))
    built = {"from_frames": by_frames(f), "objects": by_objects(f), "from_arrays": by_arrays(d)}
    kinds = {k: type(s.commitments).__name__ for k, s in built.items()}
    assert kinds["from_frames"] == "CommitmentTable", kinds  # the table path was taken
    optima = {k: lp_optimum(s) for k, s in built.items()}
    first = optima["from_frames"]
    for o in optima.values():
        assert o[:2] == first[:2] and abs(o[2] - first[2]) <= 1e-9 * max(1, abs(first[2])), optima
    assert built["from_frames"].commitments == built["objects"].commitments
    print(
        f"check ({min(sizes):,} options): the three paths compile to the same size {first[:2]} "
        f"and LP optimum {first[2]:.6f}; from_frames took the table path"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    paths = {
        "from_frames": lambda: by_frames(f),
        "objects": lambda: by_objects(f),
        "from_arrays": lambda: by_arrays(d),
    }
    for n_opt in sizes:
        d, f = inputs(n_opt)
        for fn in paths.values():
            fn()  # warm-up
        times: dict[str, list[float]] = {k: [] for k in paths}
        order = list(paths)
        for r in range(args.rounds):
            for k in order if r % 2 == 0 else order[::-1]:
                gc.collect()
                t0 = time.perf_counter()
                paths[k]()
                times[k].append(time.perf_counter() - t0)
        print(f"\n{n_opt:,} options, {args.rounds} rounds (median, min-max):")
        for k, ts in times.items():
            med, lo, hi = statistics.median(ts) * 1e3, min(ts) * 1e3, max(ts) * 1e3
            print(f"  {k:12s} {med:8.1f} ms  ({lo:.1f}-{hi:.1f})")
        for a, b in (("objects", "from_frames"), ("from_frames", "from_arrays")):
            q = [x / y for x, y in zip(times[a], times[b], strict=True)]
            print(
                f"  {a} / {b}: median of the rounds' ratios {statistics.median(q):.2f}x "
                f"({min(q):.2f}-{max(q):.2f})"
            )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
