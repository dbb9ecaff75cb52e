"""How cost grows with size: build, hand-off, memory and solve, from 10^2 to 10^5 commitments.

Generated portfolio problems (``problems/generate.py``: N commitments x 10 years x 3
scenarios, start windows, relations) are built three ways, in one run:

* the engine: ``compile_spec`` (vectorised) + ``load_highs`` (arrays passed to HiGHS);
* PuLP, idiomatically: one ``LpVariable`` per column, ``lpSum`` constraints
  (``bench_compile.build_pulp``) + ``writeMPS`` (PuLP's hand-off to CBC);
* linopy (if installed; ``pip install '.[bench]'``), idiomatically for linopy: per-column data
  gathered from the spec, one binary variable array, the objective and the yearly budgets as
  array expressions, the choice rows and relations as padded (row, term) index arrays
  (``build_linopy``) + ``to_highspy`` (linopy's hand-off to HiGHS).

Then the engine's model is solved by each solver with a time limit: status, objective, bound,
gap, time. Times are the best of ``--repeat``; memory is the ``tracemalloc`` peak of the build.
Results: ``scaling.json``, ``scaling.md`` and ``scaling.png`` in ``--output``.

Run from the repository root::

    python benchmarks/bench_scaling.py --output benchmarks/results/scaling
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_compile import (  # noqa: E402
    _profile,
    build_pulp,
    engine_compile,
    engine_handoff,
    peak_mib,
    pulp_handoff,
    timed,
    warm_up,
)

from problems.generate import generate  # noqa: E402


# ---- linopy ----------------------------------------------------------------------------
def build_linopy(spec):
    """A ``linopy.Model`` of ``spec`` (expected value), in linopy's array style."""
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    T = spec.n_periods
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    prob_of = {s.id: s.probability for s in spec.scenarios}
    per_year = [r for r in spec.resources if r.kind == "per_year"]
    rpos = {r.id: i for i, r in enumerate(per_year)}
    coef: list[float] = []
    use_rows: list[list[float]] = []  # per column: R*T uses
    col_of_c: dict[str, list[int]] = {}
    col_of_o: dict[tuple[str, str], list[int]] = {}
    start: list[int] = []
    for c in spec.commitments:
        for o in c.options:
            lo, hi = spec.start_window(o)
            for s in range(lo, hi + 1):
                j = len(coef)
                col_of_c.setdefault(c.id, []).append(j)
                col_of_o.setdefault((c.id, o.id), []).append(j)
                start.append(s)
                v = 0.0
                for sid, amt in o.value.items():
                    prof = _profile(amt, s, T, o.value_per_year)
                    v += prob_of[sid] * sum(a * d for a, d in zip(prof, disc, strict=True))
                coef.append(v)
                u = [0.0] * (len(per_year) * T)
                for rid, amt in o.use.items():
                    if rid in rpos:
                        prof = _profile(amt, s, T, True)
                        u[rpos[rid] * T : (rpos[rid] + 1) * T] = prof
                use_rows.append(u)
    n = len(coef)
    col = pd.RangeIndex(n, name="col")
    m = linopy.Model()
    x = m.add_variables(binary=True, coords=[col], name="x")
    m.add_objective(
        (xr.DataArray(np.asarray(coef), coords=[col]) * x).sum(),
        sense="max" if spec.sense == "maximize" else "min",
    )
    U = np.asarray(use_rows).reshape(n, len(per_year), T)
    for i, r in enumerate(per_year):
        cap = np.asarray(r.capacity)
        keep = np.nonzero(np.isfinite(cap))[0]
        years = pd.Index(keep, name="year")
        Ur = xr.DataArray(U[:, i, keep], coords=[col, years])
        m.add_constraints(
            (Ur * x).sum("col") <= xr.DataArray(cap[keep], coords=[years]), name=f"res_{r.id}"
        )

    # choice rows and relations: rows of (column, coefficient) terms, padded
    rows: list[list[tuple[int, float]]] = []
    rhs: list[float] = []
    for c in spec.commitments:
        cols = col_of_c[c.id]
        if len(cols) > 1:
            rows.append([(j, 1.0) for j in cols])
            rhs.append(1.0)

    def members(mb):
        return col_of_c[mb.commitment] if mb.option is None else col_of_o[mb.commitment, mb.option]

    for rel in spec.relations:
        if rel.type == "requires":
            a, b = members(rel.a), members(rel.b)
            if rel.lag is None:
                rows.append([(j, 1.0) for j in a] + [(j, -1.0) for j in b])
                rhs.append(0.0)
                continue
            for s in sorted({start[j] for j in a}):
                rows.append(
                    [(j, 1.0) for j in a if start[j] <= s]
                    + [(j, -1.0) for j in b if start[j] <= s - rel.lag]
                )
                rhs.append(0.0)
        elif rel.type in ("excludes", "at_most"):
            rows.append([(j, 1.0) for mb in rel.members for j in members(mb)])
            rhs.append(1.0 if rel.type == "excludes" else float(rel.count))
        else:
            raise NotImplementedError(f"relation type {rel.type} in the linopy builder")
    if rows:
        width = max(len(r) for r in rows)
        idx = np.zeros((len(rows), width), dtype=np.int64)
        val = np.zeros((len(rows), width))
        for i, r in enumerate(rows):
            idx[i, : len(r)] = [j for j, _ in r]
            val[i, : len(r)] = [v for _, v in r]
        ri = pd.RangeIndex(len(rows), name="row")
        ti = pd.RangeIndex(width, name="term")
        xs = x.isel(col=xr.DataArray(idx, coords=[ri, ti]))
        expr = (xr.DataArray(val, coords=[ri, ti]) * xs).sum("term")
        m.add_constraints(expr <= xr.DataArray(np.asarray(rhs), coords=[ri]), name="rows")
    return m


def linopy_handoff(model):
    return model.to_highspy()


def linopy_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("linopy") is not None


# ---- solving -------------------------------------------------------------------------------
def solve(model, solver: str, time_limit: float, threads: int | None) -> dict:
    from optimizer.bench import normalise
    from solvers import SolveOptions, get
    from solvers.base import DEFAULT_MIP_GAP

    res = get(solver).solve(model, SolveOptions(time_limit=time_limit, threads=threads))
    status = normalise(
        res.status.value, res.raw_status or "", res.gap, res.time_s, time_limit, DEFAULT_MIP_GAP
    )
    return {
        "status": status,
        "objective": res.objective,
        "bound": res.bound,
        "gap": res.gap,
        "time_s": res.time_s,
        "nodes": res.nodes,
        "raw_status": res.raw_status,
    }


def measure(n: int, args, log) -> dict:
    spec = generate(n, seed=args.seed)
    row: dict = {"n": n}
    t, model = timed(engine_compile, spec, repeat=args.repeat)
    th, _ = timed(engine_handoff, model, repeat=args.repeat)
    row.update(
        cols=model.n, rows=model.m, nnz=int(model.A.nnz), engine_build_s=t, engine_handoff_s=th
    )
    if not args.no_memory:
        row["engine_mib"] = peak_mib(engine_compile, spec)
    log(f"n={n}: engine {t:.3f} + {th:.3f} s")
    rep = args.repeat if n <= 10_000 else 1
    if n <= args.pulp_max:
        with tempfile.TemporaryDirectory() as tmp:
            t, prob = timed(build_pulp, spec, repeat=rep)
            th, _ = timed(pulp_handoff, prob, tmp, repeat=rep)
        del prob
        row.update(pulp_build_s=t, pulp_handoff_s=th)
        if not args.no_memory and n <= args.memory_max:
            row["pulp_mib"] = peak_mib(build_pulp, spec)
        log(f"n={n}: PuLP {t:.3f} + {th:.3f} s")
    if linopy_available() and n <= args.linopy_max:
        t, lm = timed(build_linopy, spec, repeat=rep)
        th, h = timed(linopy_handoff, lm, repeat=rep)
        row.update(
            linopy_build_s=t,
            linopy_handoff_s=th,
            linopy_cols=int(h.getNumCol()),
            linopy_rows=int(h.getNumRow()),
        )
        del lm, h
        if not args.no_memory and n <= args.memory_max:
            row["linopy_mib"] = peak_mib(build_linopy, spec)
        log(f"n={n}: linopy {t:.3f} + {th:.3f} s")
    if n in args.solve_at:
        for s in args.solvers:
            row[f"solve_{s}"] = solve(model, s, args.time_limit, args.threads)
            r = row[f"solve_{s}"]
            log(f"n={n}: {s} {r['status']} {r['time_s']:.1f} s gap {r['gap']}")
    return row


def _f(x, d=3):
    if x is None:
        return "-"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "-"
        return f"{x:.{d}f}" if abs(x) < 1000 else f"{x:,.0f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def tables(rows: list[dict], solvers: list[str]) -> str:
    head = [
        "N",
        "columns",
        "nonzeros",
        "engine s",
        "PuLP s",
        "linopy s",
        "PuLP / engine",
        "linopy / engine",
        "engine MiB",
        "PuLP MiB",
        "linopy MiB",
    ]
    out = [
        "Build + hand-off (best of repeats; memory: tracemalloc peak of the build)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for r in rows:
        e = r["engine_build_s"] + r["engine_handoff_s"]
        p = r.get("pulp_build_s", math.nan) + r.get("pulp_handoff_s", math.nan)
        lp = r.get("linopy_build_s", math.nan) + r.get("linopy_handoff_s", math.nan)
        out.append(
            "| "
            + " | ".join(
                [
                    _f(r["n"]),
                    _f(r["cols"]),
                    _f(r["nnz"]),
                    _f(e),
                    _f(p),
                    _f(lp),
                    "-" if math.isnan(p) else f"{p / e:.1f}x",
                    "-" if math.isnan(lp) else f"{lp / e:.1f}x",
                    _f(r.get("engine_mib"), 1),
                    _f(r.get("pulp_mib"), 1),
                    _f(r.get("linopy_mib"), 1),
                ]
            )
            + " |"
        )
    head = ["N", "columns"] + [f"{s} status / time s / gap" for s in solvers]
    out += [
        "",
        "Solve of the engine's model (time limit per run)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for r in rows:
        cells = [_f(r["n"]), _f(r["cols"])]
        for s in solvers:
            x = r.get(f"solve_{s}")
            if x is None:
                cells.append("-")
                continue
            gap = "-" if x["gap"] is None else f"{x['gap']:.2%}"
            cells.append(f"{x['status']} / {x['time_s']:.1f} / {gap}")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def plot(rows: list[dict], solvers: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    ns = [r["n"] for r in rows]
    ax = axes[0]
    for key, label in (
        ("engine", "engine (compile + pass to HiGHS)"),
        ("pulp", "PuLP (build + writeMPS)"),
        ("linopy", "linopy (build + to_highspy)"),
    ):
        pts = [
            (r["n"], r[f"{key}_build_s"] + r[f"{key}_handoff_s"])
            for r in rows
            if f"{key}_build_s" in r
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="commitments (x 10 years x 3 scenarios)",
        ylabel="seconds",
        title="Build + hand-off time",
    )
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    ax = axes[1]
    for key in ("engine", "pulp", "linopy"):
        pts = [(r["n"], r[f"{key}_mib"]) for r in rows if f"{key}_mib" in r]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=key)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="commitments",
        ylabel="MiB (tracemalloc peak)",
        title="Build memory",
    )
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    ax = axes[2]
    for s in solvers:
        pts = [(r["n"], r[f"solve_{s}"]) for r in rows if f"solve_{s}" in r]
        if not pts:
            continue
        line = ax.plot(
            [n for n, _ in pts],
            [max(x["time_s"], 1e-3) for _, x in pts],
            marker="o",
            label=f"{s} time",
        )[0]
        for n, x in pts:
            if x["gap"]:
                ax.annotate(
                    f"{x['gap']:.1%}",
                    (n, x["time_s"]),
                    fontsize=7,
                    color=line.get_color(),
                    textcoords="offset points",
                    xytext=(3, 3),
                )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="commitments",
        ylabel="seconds",
        title="Solve time (labels: gap left at the limit)",
    )
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    del ns
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,300,1000,3000,10000,30000,100000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--solvers", default="highs,cbc")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pulp-max", type=int, default=100_000)
    ap.add_argument("--linopy-max", type=int, default=100_000)
    ap.add_argument(
        "--solve-at", default="100,1000,10000,100000", help="sizes at which to run the solvers"
    )
    ap.add_argument(
        "--memory-max",
        type=int,
        default=10_000,
        help="tracemalloc pass of PuLP/linopy only up to this N (it is slow)",
    )
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--output", type=Path, default=None)
    args = ap.parse_args(argv)
    args.solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    args.solve_at = {int(s) for s in args.solve_at.split(",") if s.strip()}
    warm_up(build_pulp, *([build_linopy] if linopy_available() else []))
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        rows.append(measure(n, args, lambda s: print(s, file=sys.stderr, flush=True)))
        if args.output:  # keep what is done if a later size is interrupted
            _write(rows, args, argv, partial=True)
    print(tables(rows, args.solvers))
    if args.output:
        _write(rows, args, argv, partial=False)
    return 0


def _write(rows, args, argv, partial: bool) -> None:
    from optimizer.bench import machine_info

    out = args.output
    out.mkdir(parents=True, exist_ok=True)
    cmd = "python benchmarks/bench_scaling.py " + " ".join(sys.argv[1:] if argv is None else argv)
    doc = {"command": cmd, "partial": partial, "machine": machine_info(), "rows": rows}
    (out / "scaling.json").write_text(json.dumps(doc, indent=2) + "\n")
    (out / "scaling.md").write_text(f"```\n{cmd}\n```\n\n{tables(rows, args.solvers)}\n")
    if not partial:
        plot(rows, args.solvers, out / "scaling.png")


if __name__ == "__main__":
    sys.exit(main())
