"""How cost grows with size: build, hand-off, memory and solve, from 10^2 to 10^5 commitments.

Generated portfolio problems (``problems/generate.py``: N commitments x 10 years x 3
scenarios, start windows, relations) are built three ways, in one run:

* the engine: ``compile_spec`` (vectorised) + ``load_highs`` (arrays passed to HiGHS);
* PuLP, idiomatically: one ``LpVariable`` per column, ``lpSum`` constraints
  (``_pulp_model.build_pulp``) + ``writeMPS`` (PuLP's hand-off to CBC);
* linopy (if installed; ``pip install '.[bench]'``), idiomatically for linopy: per-column data
  gathered from the spec, one binary variable array, the objective and the yearly budgets as
  array expressions, the choice rows and relations as padded (row, term) index arrays
  (``_linopy_model.build_linopy``) + ``to_highspy`` (linopy's hand-off to HiGHS).

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

import _engine_runs as runs  # noqa: E402
from _engine_runs import fmt, markdown_table  # noqa: E402
from _linopy_model import build_linopy, linopy_available, linopy_handoff  # noqa: E402
from _pulp_model import build_pulp, pulp_handoff  # noqa: E402

from problems.generate import generate  # noqa: E402


def measure(n: int, args, log) -> dict:
    spec = generate(n, seed=args.seed)
    row: dict = {"n": n}
    t, model = runs.timed(runs.engine_compile, spec, repeat=args.repeat)
    th, _ = runs.timed(runs.engine_handoff, model, repeat=args.repeat)
    row.update(
        cols=model.n, rows=model.m, nnz=int(model.A.nnz), engine_build_s=t, engine_handoff_s=th
    )
    if not args.no_memory:
        row["engine_mib"] = runs.peak_mib(runs.engine_compile, spec)
    log(f"n={n}: engine {t:.3f} + {th:.3f} s")
    rep = args.repeat if n <= 10_000 else 1
    if n <= args.pulp_max:
        with tempfile.TemporaryDirectory() as tmp:
            t, prob = runs.timed(build_pulp, spec, repeat=rep)
            th, _ = runs.timed(pulp_handoff, prob, tmp, repeat=rep)
        del prob
        row.update(pulp_build_s=t, pulp_handoff_s=th)
        if not args.no_memory and n <= args.memory_max:
            row["pulp_mib"] = runs.peak_mib(build_pulp, spec)
        log(f"n={n}: PuLP {t:.3f} + {th:.3f} s")
    if linopy_available() and n <= args.linopy_max:
        t, lm = runs.timed(build_linopy, spec, repeat=rep)
        th, h = runs.timed(linopy_handoff, lm, repeat=rep)
        row.update(
            linopy_build_s=t,
            linopy_handoff_s=th,
            linopy_cols=int(h.getNumCol()),
            linopy_rows=int(h.getNumRow()),
        )
        del lm, h
        if not args.no_memory and n <= args.memory_max:
            row["linopy_mib"] = runs.peak_mib(build_linopy, spec)
        log(f"n={n}: linopy {t:.3f} + {th:.3f} s")
    if n in args.solve_at:
        for s in args.solvers:
            row[f"solve_{s}"] = runs.solve_limited(model, s, args.time_limit, args.threads)
            r = row[f"solve_{s}"]
            log(f"n={n}: {s} {r['status']} {r['time_s']:.1f} s gap {r['gap']}")
    return row


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
    build = []
    for r in rows:
        e = r["engine_build_s"] + r["engine_handoff_s"]
        p = r.get("pulp_build_s", math.nan) + r.get("pulp_handoff_s", math.nan)
        lp = r.get("linopy_build_s", math.nan) + r.get("linopy_handoff_s", math.nan)
        build.append(
            [
                fmt(r["n"]),
                fmt(r["cols"]),
                fmt(r["nnz"]),
                fmt(e),
                fmt(p),
                fmt(lp),
                "-" if math.isnan(p) else f"{p / e:.1f}x",
                "-" if math.isnan(lp) else f"{lp / e:.1f}x",
                fmt(r.get("engine_mib"), 1),
                fmt(r.get("pulp_mib"), 1),
                fmt(r.get("linopy_mib"), 1),
            ]
        )
    out = [
        "Build + hand-off (best of repeats; memory: tracemalloc peak of the build)",
        "",
        *markdown_table(head, build),
    ]
    head = ["N", "columns"] + [f"{s} status / time s / gap" for s in solvers]
    solves = []
    for r in rows:
        cells = [fmt(r["n"]), fmt(r["cols"])]
        for s in solvers:
            x = r.get(f"solve_{s}")
            if x is None:
                cells.append("-")
                continue
            gap = "-" if x["gap"] is None else f"{x['gap']:.2%}"
            cells.append(f"{x['status']} / {x['time_s']:.1f} / {gap}")
        solves.append(cells)
    out += [
        "",
        "Solve of the engine's model (time limit per run)",
        "",
        *markdown_table(head, solves),
    ]
    return "\n".join(out)


def _finish(ax, xlabel: str, ylabel: str, title: str) -> None:
    """Log-log axes with their labels, a grid, and a legend when something is labelled."""
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)


def plot(rows: list[dict], solvers: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
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
    _finish(ax, "commitments (x 10 years x 3 scenarios)", "seconds", "Build + hand-off time")
    ax = axes[1]
    for key in ("engine", "pulp", "linopy"):
        pts = [(r["n"], r[f"{key}_mib"]) for r in rows if f"{key}_mib" in r]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=key)
    _finish(ax, "commitments", "MiB (tracemalloc peak)", "Build memory")
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
    _finish(ax, "commitments", "seconds", "Solve time (labels: gap left at the limit)")
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
    runs.warm_up(build_pulp, *([build_linopy] if linopy_available() else []))
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
