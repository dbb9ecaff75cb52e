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
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from problems.generate import generate  # noqa: E402


# ---- the same model, built the way a PuLP user writes it ------------------------------------
def _profile(amount, start: int, T: int, recurring: bool) -> list[float]:
    out = [0.0] * T
    if isinstance(amount, tuple):
        for k, v in enumerate(amount):
            if start + k < T:
                out[start + k] += v
    elif recurring:
        for t in range(start, T):
            out[t] = amount
    else:
        out[start] = amount
    return out


def build_pulp(spec):
    """A ``pulp.LpProblem`` of ``spec`` (expected value), written as a PuLP user would."""
    import pulp

    T = spec.n_periods
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    prob_of = {s.id: s.probability for s in spec.scenarios}
    sense = pulp.LpMaximize if spec.sense == "maximize" else pulp.LpMinimize
    prob = pulp.LpProblem(spec.name.replace("-", "_"), sense)
    res = {r.id: r for r in spec.resources}
    x: dict[tuple[str, str, int], pulp.LpVariable] = {}
    by_commitment: dict[str, list] = {}
    by_option: dict[tuple[str, str], list] = {}
    start_of: dict[str, int] = {}
    obj = []
    use_terms: dict[tuple[str, int], list] = {}
    for c in spec.commitments:
        for o in c.options:
            lo, hi = spec.start_window(o)
            for s in range(lo, hi + 1):
                v = pulp.LpVariable(f"x_{c.id}_{o.id}_{s}", cat=pulp.LpBinary)
                x[c.id, o.id, s] = v
                start_of[v.name] = s
                by_commitment.setdefault(c.id, []).append(v)
                by_option.setdefault((c.id, o.id), []).append(v)
                value = 0.0
                for sid, amt in o.value.items():
                    prof = _profile(amt, s, T, o.value_per_year)
                    value += prob_of[sid] * sum(a * d for a, d in zip(prof, disc, strict=True))
                if value:
                    obj.append(value * v)
                for rid, amt in o.use.items():
                    r = res[rid]
                    prof = _profile(amt, s, T, r.kind == "per_year")
                    if r.kind == "total":
                        use_terms.setdefault((rid, -1), []).append(sum(prof) * v)
                        continue
                    for t, a in enumerate(prof):
                        if a:
                            use_terms.setdefault((rid, t), []).append(a * v)
    prob += pulp.lpSum(obj)
    for c in spec.commitments:
        vs = by_commitment[c.id]
        cid = c.id
        if c.required:
            prob += pulp.lpSum(vs) == 1, f"choice_{cid}"
        elif len(vs) > 1:
            prob += pulp.lpSum(vs) <= 1, f"choice_{cid}"
    for (rid, t), terms in use_terms.items():
        cap = res[rid].capacity[0 if t < 0 else t]
        if cap != float("inf"):
            prob += pulp.lpSum(terms) <= cap, f"{rid}_{t}"

    def members(m):
        return (
            by_commitment[m.commitment] if m.option is None else by_option[m.commitment, m.option]
        )

    for k, rel in enumerate(spec.relations):
        if rel.type == "requires":
            a, b = members(rel.a), members(rel.b)
            if rel.lag is None:
                prob += pulp.lpSum(a) <= pulp.lpSum(b), f"rel{k}"
                continue
            for s in sorted({start_of[v.name] for v in a}):
                prob += (
                    pulp.lpSum(v for v in a if start_of[v.name] <= s)
                    <= pulp.lpSum(v for v in b if start_of[v.name] <= s - rel.lag),
                    f"rel{k}_{s}",
                )
        elif rel.type in ("excludes", "at_most", "at_least", "exactly"):
            expr = pulp.lpSum(v for m in rel.members for v in members(m))
            if rel.type == "excludes":
                prob += expr <= 1, f"rel{k}"
            elif rel.type == "at_most":
                prob += expr <= rel.count, f"rel{k}"
            elif rel.type == "at_least":
                prob += expr >= rel.count, f"rel{k}"
            else:
                prob += expr == rel.count, f"rel{k}"
        elif rel.type == "both_or_neither":
            first = pulp.lpSum(members(rel.members[0]))
            for i, m in enumerate(rel.members[1:]):
                prob += first == pulp.lpSum(members(m)), f"rel{k}_{i}"
        elif rel.type in ("force", "forbid"):
            for i, m in enumerate(rel.members):
                rhs = 1 if rel.type == "force" else 0
                prob += pulp.lpSum(members(m)) == rhs, f"rel{k}_{i}"
    return prob


def pulp_handoff(prob, directory: str) -> None:
    prob.writeMPS(os.path.join(directory, "model.mps"))


# ---- the engine --------------------------------------------------------------------------
def engine_compile(spec):
    from optimizer.compile import compile_spec

    return compile_spec(spec)


def engine_handoff(model):
    from solvers import SolveOptions
    from solvers.highs import load_highs

    return load_highs(model, SolveOptions())


# ---- measuring ---------------------------------------------------------------------------
def timed(fn, *args, repeat: int = 1):
    """(best seconds, last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mib(fn, *args) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def solve_highs(model, time_limit: float) -> dict:
    from solvers import SolveOptions, get

    res = get("highs").solve(model, SolveOptions(time_limit=time_limit))
    return {
        "status": res.status.value,
        "objective": res.objective,
        "bound": res.bound,
        "gap": res.gap,
        "time_s": res.time_s,
    }


def warm_up(*builders) -> None:
    """Run every builder once on a tiny problem: imports and first-call costs are not timed."""
    spec = generate(20, seed=0)
    model = engine_compile(spec)
    engine_handoff(model)
    for build in builders:
        build(spec)


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

    def f(x, d=3):
        if x is None:
            return "-"
        if isinstance(x, float):
            return f"{x:.{d}f}" if x < 1000 else f"{x:,.0f}"
        return f"{x:,}" if isinstance(x, int) else str(x)

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        q = ratios(r)
        h = r.get("highs")
        lines.append(
            "| "
            + " | ".join(
                [
                    f(r["n"]),
                    f(r["cols"]),
                    f(r["nnz"]),
                    f(r["engine_compile_s"]),
                    f(r["engine_handoff_s"]),
                    f(r.get("pulp_build_s")),
                    f(r.get("pulp_handoff_s")),
                    f(q.get("build_ratio"), 1) + ("x" if "build_ratio" in q else ""),
                    f(q.get("total_ratio"), 1) + ("x" if "total_ratio" in q else ""),
                    f(r.get("engine_compile_peak_mib"), 1),
                    f(r.get("pulp_build_peak_mib"), 1),
                    f(q.get("memory_ratio"), 1) + ("x" if "memory_ratio" in q else ""),
                    "-" if h is None else f"{h['time_s']:.2f} ({h['status']})",
                    "-" if h is None else f"{100 * q['compile_share_of_solve']:.2f}%",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


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
