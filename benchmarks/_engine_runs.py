"""What the compile benchmarks share: the engine's build and hand-off, timing, memory, warm-up.

``engine_compile`` (``compile_spec``) and ``engine_handoff`` (``load_highs``) are the engine's
two steps; ``timed`` gives the best of R runs, ``peak_mib`` the ``tracemalloc`` peak of one,
``warm_up`` runs every builder once on a tiny problem so that imports are not timed, and
``fmt`` writes a number in a results table. Used by ``bench_compile.py`` and
``bench_scaling.py``.
"""

from __future__ import annotations

import gc
import math
import time
import tracemalloc

from problems.generate import generate


def engine_compile(spec):
    from optimizer.compile import compile_spec

    return compile_spec(spec)


def engine_handoff(model):
    from solvers import SolveOptions
    from solvers.highs import load_highs

    return load_highs(model, SolveOptions())


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


def solve_limited(model, solver: str, time_limit: float, threads: int | None) -> dict:
    """Solve with ``solver`` under a time limit; the status as ``optimizer bench`` reports it."""
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


def warm_up(*builders) -> None:
    """Run every builder once on a tiny problem: imports and first-call costs are not timed."""
    spec = generate(20, seed=0)
    model = engine_compile(spec)
    engine_handoff(model)
    for build in builders:
        build(spec)


def fmt(x, d: int = 3) -> str:
    """A table cell: ``-`` for none or not finite, ``d`` decimals below 1,000, else thousands."""
    if x is None:
        return "-"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "-"
        return f"{x:.{d}f}" if abs(x) < 1000 else f"{x:,.0f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def markdown_table(head: list[str], rows: list[list[str]]) -> list[str]:
    """The lines of a Markdown table: the header, its rule, a line per row of cells."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]
