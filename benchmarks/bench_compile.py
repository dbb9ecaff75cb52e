"""Compile time and memory: the engine's vectorised compile against the same model built
idiomatically in PuLP, on generated portfolio problems (``problems/generate.py``).

For each size N (commitments x 10 years x 3 scenarios, start windows and relations):

* engine: ``optimizer.compile.compile_spec(spec)`` (build) and ``solvers.highs.load_highs``
  (hand-off: a new ``highspy.Highs`` with the model's arrays passed in, ready to run);
* PuLP: one ``LpVariable`` per column, every constraint written with ``lpSum`` from the same
  ``ProblemSpec`` (build), then ``prob.writeMPS`` (hand-off: what PuLP's CBC interface does
  before it starts CBC);
* the HiGHS solve time of the engine's model, with a time limit.

Times are the best of ``--repeat`` runs (``time.perf_counter``); peak memory is measured in a
separate pass with ``tracemalloc`` (Python-level allocations, so NumPy arrays and PuLP objects;
not HiGHS' own memory). The table gives the ratios PuLP / engine and compile / solve.

Both paths start from the same ``ProblemSpec`` object and nothing is carried from one repeat
to the next: ``compile_spec`` keeps no cache (on the spec or elsewhere), every hand-off makes
a new ``Highs`` from the ``MatrixModel`` (CSR -> CSC conversion included), and every PuLP
repeat builds a new ``LpProblem``.

Run from the repository root::

    python benchmarks/bench_compile.py --sizes 100,1000,10000,100000 --time-limit 120 \\
        --output benchmarks/results/compile
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from _engine_runs import (  # noqa: E402
    engine_compile,
    engine_handoff,
    fmt,
    markdown_table,
    peak_mib,
    solve_highs,
    timed,
    warm_up,
)
from _pulp_model import build_pulp, pulp_handoff  # noqa: E402

from problems.generate import generate  # noqa: E402


def measure(
    n: int,
    *,
    seed: int,
    repeat: int,
    time_limit: float | None,
    memory: bool,
    pulp_max: int,
    log=print,
) -> dict:
    spec = generate(n, seed=seed)
    row: dict = {"n": n, "seed": seed}
    t_c, model = timed(engine_compile, spec, repeat=repeat)
    t_h, _ = timed(engine_handoff, model, repeat=repeat)
    row.update(
        cols=model.n, rows=model.m, nnz=int(model.A.nnz), engine_compile_s=t_c, engine_handoff_s=t_h
    )
    log(
        f"n={n}: {model.n} columns, {model.m} rows, {model.A.nnz} nonzeros; "
        f"engine compile {t_c:.3f} s, hand-off {t_h:.3f} s"
    )
    if memory:
        row["engine_compile_peak_mib"] = peak_mib(engine_compile, spec)
    if n <= pulp_max:
        with tempfile.TemporaryDirectory() as tmp:
            pulp_repeat = repeat if n <= 10_000 else 1
            t_pb, prob = timed(build_pulp, spec, repeat=pulp_repeat)
            t_pw, _ = timed(pulp_handoff, prob, tmp, repeat=pulp_repeat)
            row.update(
                pulp_build_s=t_pb,
                pulp_handoff_s=t_pw,
                pulp_rows=len(prob.constraints),
                pulp_cols=len(prob.variables()),
            )
            del prob
            log(f"n={n}: PuLP build {t_pb:.3f} s, writeMPS {t_pw:.3f} s")
            if memory:
                row["pulp_build_peak_mib"] = peak_mib(build_pulp, spec)
    if time_limit:
        row["highs"] = solve_highs(model, time_limit)
        log(f"n={n}: HiGHS {row['highs']['status']} in {row['highs']['time_s']:.2f} s")
    return row


STAGES = (
    ("_Layout", "__init__", "layout: gather option data (_Layout.__init__)"),
    ("_Layout", "use_rows", "resource rows, CSR by row (_Layout.use_rows)"),
    ("_Layout", "objective", "objective (_Layout.objective)"),
    (None, "_compile_relations", "relations (_compile_relations)"),
    ("_Triplets", "build", "CSR blocks end to end (_Triplets.build)"),
)


def profile_compile(n: int, seed: int, repeat: int = 3, top: int = 15) -> str:
    """Time each stage of ``compile_spec`` (best of ``repeat``), then a cProfile listing."""
    import cProfile
    import functools
    import io
    import pstats

    import optimizer.compile as C
    import optimizer.compile_build as B  # the stages live in the build module

    spec = generate(n, seed=seed)
    warm_up()
    spent: dict[str, float] = {}
    saved = []
    for owner_name, attr, label in STAGES:
        owner = B if owner_name is None else getattr(B, owner_name)
        if not hasattr(owner, attr):
            continue
        f = getattr(owner, attr)
        saved.append((owner, attr, f))

        def timed_stage(*a, _f=f, _label=label, **k):
            t0 = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - t0

        setattr(owner, attr, functools.wraps(f)(timed_stage))
    best: dict[str, float] | None = None
    try:
        for _ in range(repeat):
            spent.clear()
            gc.collect()
            t0 = time.perf_counter()
            C.compile_spec(spec)
            total = time.perf_counter() - t0
            if best is None or total < best["total"]:
                best = dict(spent, total=total)
    finally:
        for owner, attr, f in saved:
            setattr(owner, attr, f)
    assert best is not None
    total = best.pop("total")
    lines = [f"compile_spec at N={n} (best of {repeat}): {total:.3f} s", ""]
    lines += ["| stage | seconds | share |", "|---|---|---|"]
    for label, sec in best.items():
        lines.append(f"| {label} | {sec:.3f} | {100 * sec / total:.0f} % |")
    rest = total - sum(best.values())
    lines.append(
        f"| rest of compile_spec (choice/budget rows, index dicts, labels) | "
        f"{rest:.3f} | {100 * rest / total:.0f} % |"
    )
    prof = cProfile.Profile()
    prof.enable()
    C.compile_spec(spec)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    lines += ["", "cProfile, sorted by own time:", "", "```", buf.getvalue().strip(), "```"]
    return "\n".join(lines)


def ratios(row: dict) -> dict:
    out = {}
    eng = row["engine_compile_s"] + row["engine_handoff_s"]
    if "pulp_build_s" in row:
        out["build_ratio"] = row["pulp_build_s"] / row["engine_compile_s"]
        out["total_ratio"] = (row["pulp_build_s"] + row["pulp_handoff_s"]) / eng
    if "engine_compile_peak_mib" in row and "pulp_build_peak_mib" in row:
        out["memory_ratio"] = row["pulp_build_peak_mib"] / row["engine_compile_peak_mib"]
    if "highs" in row:
        out["compile_share_of_solve"] = row["engine_compile_s"] / max(row["highs"]["time_s"], 1e-9)
    return out


def table(rows: list[dict]) -> str:
    head = [
        "N",
        "columns",
        "nonzeros",
        "engine compile s",
        "engine hand-off s",
        "PuLP build s",
        "PuLP writeMPS s",
        "build ratio",
        "build+hand-off ratio",
        "engine MiB",
        "PuLP MiB",
        "memory ratio",
        "HiGHS solve s (status)",
        "compile / solve",
    ]

    cells = []
    for r in rows:
        q = ratios(r)
        h = r.get("highs")
        cells.append(
            [
                fmt(r["n"]),
                fmt(r["cols"]),
                fmt(r["nnz"]),
                fmt(r["engine_compile_s"]),
                fmt(r["engine_handoff_s"]),
                fmt(r.get("pulp_build_s")),
                fmt(r.get("pulp_handoff_s")),
                fmt(q.get("build_ratio"), 1) + ("x" if "build_ratio" in q else ""),
                fmt(q.get("total_ratio"), 1) + ("x" if "total_ratio" in q else ""),
                fmt(r.get("engine_compile_peak_mib"), 1),
                fmt(r.get("pulp_build_peak_mib"), 1),
                fmt(q.get("memory_ratio"), 1) + ("x" if "memory_ratio" in q else ""),
                "-" if h is None else f"{h['time_s']:.2f} ({h['status']})",
                "-" if h is None else f"{100 * q['compile_share_of_solve']:.2f}%",
            ]
        )
    return "\n".join(markdown_table(head, cells))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000,100000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="best of R (PuLP at N > 10^4: 1)")
    ap.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="HiGHS time limit in seconds; 0 skips the solve",
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    ap.add_argument("--pulp-max", type=int, default=10**6, help="skip PuLP above this N")
    ap.add_argument("--output", type=Path, default=None, help="folder for compile.json/.md")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="only profile compile_spec at each size: time by stage, then cProfile",
    )
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.profile:
        text = "\n\n".join(profile_compile(n, args.seed, args.repeat) for n in sizes)
        print(text)
        if args.output:
            args.output.mkdir(parents=True, exist_ok=True)
            cmd = "python benchmarks/bench_compile.py " + " ".join(
                sys.argv[1:] if argv is None else argv
            )
            (args.output / "profile.md").write_text(f"```\n{cmd}\n```\n\n{text}\n")
        return 0
    warm_up(build_pulp)
    rows = []
    for n in sizes:
        rows.append(
            measure(
                n,
                seed=args.seed,
                repeat=args.repeat,
                time_limit=args.time_limit or None,
                memory=not args.no_memory,
                pulp_max=args.pulp_max,
                log=lambda s: print(s, file=sys.stderr),
            )
        )
    text = table(rows)
    print(text)
    if args.output:
        from optimizer.bench import machine_info

        args.output.mkdir(parents=True, exist_ok=True)
        cmd = "python benchmarks/bench_compile.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        doc = {
            "command": cmd,
            "machine": machine_info(),
            "rows": rows,
            "ratios": [ratios(r) for r in rows],
        }
        (args.output / "compile.json").write_text(json.dumps(doc, indent=2) + "\n")
        (args.output / "compile.md").write_text(f"```\n{cmd}\n```\n\n{text}\n")
        print(f"wrote {args.output}/compile.json, compile.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
