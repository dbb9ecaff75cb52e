"""What a re-solve costs against a fresh solve of the same model, and what sensitivity costs.

In each round, in alternating order (so a burst of load on a shared machine falls on both):

* ``fresh h.run()``: ``--fresh`` times, the model loaded into a new ``highspy.Highs`` with the
  engine's options (``solvers.highs.load_highs``) and ``h.run()`` timed alone, in this thread:
  the solver's own time on the base model (median of the round);
* ``sensitivity``: ``optimizer.analysis.sensitivity.sensitivity(spec)`` in this process; a
  re-solve's cost is the session's own clock (``LoadedModel.solve_time / solves``: choosing a
  start, the run in a kept thread with its interrupt callback, reading the result), and the
  analysis time is the report's ``time_s``;
* ``optimizer sensitivity PROBLEM``: the command in a fresh subprocess (wall clock, output to
  the null device), unless ``--no-cli``.

The ratio ``re-solve / fresh h.run()`` is taken inside each round; the summary gives the
median and the range over the rounds, and the load average (``os.getloadavg``, 1 minute)
before each round. Goals (the issue): ratio <= 1.1; sensitivity on the flagship <= 1 s on a
quiet machine.

Run:  python benchmarks/bench_resolve.py [--problem NAME] [--rounds 7] [--fresh 20]
      [--output FILE.md]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import optimizer

FLAGSHIP = "canada-us-2025"
GOAL_RATIO = 1.1
GOAL_SENSITIVITY_S = 1.0


def fresh_runs(model, k: int) -> float:
    """Median seconds of ``h.run()`` on a freshly loaded model (engine options)."""
    from solvers import SolveOptions
    from solvers.highs import load_highs

    times = []
    for _ in range(k):
        h = load_highs(model, SolveOptions())
        t0 = time.perf_counter()
        h.run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def session_model(spec):
    """The model sensitivity re-solves: with ``[[shifts]]`` the exact MILP at the base inputs
    (``sensitivity_odds.OddsSession``), else the compiled problem (with conditional tranches
    each solve compiles its own; the base problem's model stands for them)."""
    from optimizer.compile import compile_spec
    from optimizer.spec.tranches import has_tranches

    if spec.shifts and not has_tranches(spec):
        from optimizer.analysis.odds_inputs import Odds

        odds = Odds(spec)
        return odds.model_at(odds.base)
    return compile_spec(spec)


def fresh_full(spec, k: int) -> float:
    """Median seconds of one solve from the problem, as ``optimizer solve`` does it: compile,
    solve (``optimizer.odds_start.solve``: with shifts from a MIP start), independent check."""
    from optimizer import odds_start
    from optimizer.api import finish
    from optimizer.compile import compile_spec
    from solvers import SolveOptions, get

    backend, opts, times = get("highs"), SolveOptions(), []
    for _ in range(k):
        t0 = time.perf_counter()
        model = compile_spec(spec)
        finish(spec, model, odds_start.solve(backend, model, opts), backend, opts)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sensitivity_run(spec) -> dict:
    """One sensitivity analysis in this process, with its session's clock."""
    import solvers.resolve as resolve
    from optimizer.analysis.sensitivity import sensitivity

    sessions, models = [], []
    load = resolve.load

    def spy(*a, **k):
        lm = load(*a, **k)
        sessions.append(lm)
        models.append(a[0] if a else k["model"])
        return lm

    resolve.load = spy
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        rep = sensitivity(spec)
    finally:
        resolve.load = load
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if not sessions:  # with conditional tranches: every solve recompiled (offer_envelope)
        return {
            "model": None,
            "wall": wall,
            "cpu": cpu,
            "per_resolve": math.nan,
            "solves": rep.solves,
            "analysis": rep.time_s,
            "warm": 0,
            "retries": 0,
        }
    lm = sessions[-1]  # a session reloaded after a change of structure counts on
    return {
        "model": models[0],
        "wall": wall,
        "cpu": cpu,
        "per_resolve": lm.solve_time / max(lm.solves, 1),
        "solves": rep.solves,
        "analysis": rep.time_s,
        "warm": getattr(lm, "warm_started", 0),
        "retries": getattr(lm, "cold_retries", 0),
    }


def cli_run(problem: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "optimizer", "sensitivity", problem],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - t0


def summary(values: list[float], fmt: str) -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problem", default=FLAGSHIP)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--fresh", type=int, default=20, help="fresh runs per round")
    ap.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    ap.add_argument("--output", type=Path, default=None, help="also write the report here")
    args = ap.parse_args(argv)

    spec = optimizer.load(args.problem)
    model = session_model(spec)
    fresh_runs(model, 2)  # warm-up: imports, first thread and scheduler
    fresh_full(spec, 1)
    rows = []
    for r in range(args.rounds):
        load = os.getloadavg()[0]
        order = ("fresh", "sens") if r % 2 == 0 else ("sens", "fresh")
        got: dict = {}
        for what in order:
            if what == "fresh":
                got["fresh"] = fresh_runs(model, args.fresh)
                got["full"] = fresh_full(spec, max(3, args.fresh // 4))
            else:
                got.update(sensitivity_run(spec))
        got["cli"] = None if args.no_cli else cli_run(args.problem)
        got["load"] = load
        got["ratio"] = got["per_resolve"] / got["fresh"]
        got["vs_fresh"] = got["wall"] / (got["solves"] * got["full"])
        rows.append(got)

    lines = [
        f"# Re-solves against a fresh solve: `{args.problem}`",
        "",
        f"- {model.n} columns, {model.m} rows, {int(model.integrality.sum())} integer; "
        f"{args.rounds} rounds, {args.fresh} fresh runs a round; Python {sys.version.split()[0]}, "
        f"highspy {_version('highspy')}, {os.cpu_count()} cores",
        "",
        "| round | load (1 min) | fresh h.run() ms | re-solve ms | ratio | re-solves | warm-started "
        "| retried cold | sensitivity s | fresh solve from the spec ms | sensitivity / "
        "(solves x fresh solve) | `optimizer sensitivity` wall s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, g in enumerate(rows, 1):
        cli = "-" if g["cli"] is None else f"{g['cli']:.2f}"
        lines.append(
            f"| {i} | {g['load']:.2f} | {g['fresh'] * 1e3:.2f} | {g['per_resolve'] * 1e3:.2f} | "
            f"{g['ratio']:.2f} | {g['solves']} | {g['warm']} | {g['retries']} | "
            f"{g['analysis']:.2f} | {g['full'] * 1e3:.2f} | {g['vs_fresh']:.2f} | {cli} |"
        )
    ratio = [g["ratio"] for g in rows if not math.isnan(g["ratio"])]
    analysis = [g["analysis"] for g in rows]
    lines.append("")
    if ratio:
        lines += [
            f"- re-solve / fresh h.run(): median {summary(ratio, '{:.2f}')}x; goal <= "
            f"{GOAL_RATIO}x: **{'met' if statistics.median(ratio) <= GOAL_RATIO else 'missed'}**",
            f"- re-solve: median {summary([g['per_resolve'] * 1e3 for g in rows], '{:.2f}')} ms; "
            f"fresh h.run(): median {summary([g['fresh'] * 1e3 for g in rows], '{:.2f}')} ms",
        ]
    else:
        lines.append(
            "- re-solve / fresh h.run(): not measured: no model kept loaded (with conditional "
            "tranches every solve compiles its own problem)"
        )
    lines += [
        f"- sensitivity (analysis time): median {summary(analysis, '{:.2f}')} s; goal <= "
        f"{GOAL_SENSITIVITY_S:g} s on a quiet machine: "
        f"**{'met' if statistics.median(analysis) <= GOAL_SENSITIVITY_S else 'missed'}** here",
    ]
    lines.append(
        f"- sensitivity wall / (its solves x one fresh solve from the spec: compile, solve, "
        f"check): median {summary([g['vs_fresh'] for g in rows], '{:.2f}')}x "
        f"({rows[0]['solves']} solves)"
    )
    lines.append(
        f"- sensitivity CPU time (process, all threads; on this loaded machine the wall clock "
        f"waits for a core): median {summary([g['cpu'] for g in rows], '{:.2f}')} s"
    )
    if not args.no_cli:
        cli = [g["cli"] for g in rows]
        lines.append(
            f"- `optimizer sensitivity {args.problem}` (fresh process, wall): median "
            f"{summary(cli, '{:.2f}')} s"
        )
    loads = [g["load"] for g in rows]
    lines.append(f"- load average (1 min) before the rounds: {min(loads):.2f}-{max(loads):.2f}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
    return 0


def _version(name: str) -> str:
    import importlib.metadata as md

    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
