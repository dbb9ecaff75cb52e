"""Monte Carlo draws of a problem whose package moves the odds: each draw rebuilt and solved.

Under ``[[shifts]]`` the objective of a draw is ``sum_s p_s(x) (baseline_s + V_s(x))`` with the
draw's own amounts, baselines, probabilities and values: its product columns (one per member
and column whose value differs between the shift's scenarios) and their costs depend on the
drawn numbers, so the linear deltas of ``linear.py`` (``c = C @ p``) do not describe it. Each
draw is therefore rebuilt from the spec (``spec.with_values``, which also re-checks that every
package keeps every probability in [0, 1] with the drawn numbers), compiled by
``optimizer.odds`` and solved exactly by HiGHS from scratch. A draw's answer depends on the
draw alone, so the results do not depend on the workers or the chunks.

The point-value package is evaluated on each drawn spec by ``solution.evaluate``, which
recomputes the package's induced probabilities p(x) from the spec; with tranches or responses
its second-stage columns are re-optimised with its first-stage columns fixed, and where that
is infeasible the limits its least-breach completion breaks are named (``completion.py``), as
is a drawn bound of a first-stage column that the offer's value lies outside.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ...errors import InputError, SolverError
from ..partial import stop_if_spent
from .completion import first_stage_bounds, joined
from .linear import TOL
from .worker import BY_MIP, INFEASIBLE, LIMIT, OK, ChunkResult, _Loaded, package_key


@dataclass(eq=False)
class ExactContext:
    """What a worker needs to solve draws exactly (sent with each chunk)."""

    spec: object
    base_x: np.ndarray | None  # the point-value package (its columns in the base model)
    base_choices: tuple  # its choices (``solution.Choice``)
    n_commitment_cols: int
    recourse: bool
    time_limit: float | None
    mip_gap: float  # relative gap of every solve


def row_breaks(model, x: np.ndarray, rows_only: bool = False):
    """``(rows, excesses)`` of the model's own limits ``x`` breaks (relative violation above
    ``TOL``; the odds' product rows are not limits), and the largest relative violation over
    all rows and, unless ``rows_only``, the column bounds and integrality."""
    act = model.A @ x
    limit = ~np.char.startswith(np.asarray(model.row_label, dtype=str), "odds ")
    over = np.full(model.m, -np.inf)
    rel = np.full(model.m, -np.inf)
    for bound, sign in ((model.row_upper, 1.0), (model.row_lower, -1.0)):
        fin = np.isfinite(bound)
        ex = np.where(fin, sign * (act - np.where(fin, bound, 0.0)), -np.inf)
        r = ex / np.maximum(1.0, np.abs(np.where(fin, bound, 0.0)))
        over = np.where(r > rel, ex, over)
        rel = np.maximum(rel, r)
    worst = float(rel.max(initial=0.0))
    hit = np.nonzero(limit & (rel > TOL))[0]
    if not rows_only:
        for bound, sign in ((model.col_lower, -1.0), (model.col_upper, 1.0)):
            fin = np.isfinite(bound)
            if fin.any():
                r = sign * (x[fin] - bound[fin]) / np.maximum(1.0, np.abs(bound[fin]))
                worst = max(worst, float(r.max()))
        xi = x[model.integrality]
        if xi.size:
            worst = max(worst, float(np.max(np.abs(xi - np.round(xi)))))
    return (tuple(int(i) for i in hit), tuple(float(over[i]) for i in hit)), worst


def _drawn_spec(spec, d: int, locations: dict):
    try:
        return spec.with_values(locations)
    except InputError as e:
        raise InputError(
            f"draw {d}: {e.message}", where=e.where or spec.name, path=e.path
        ) from None


def _solve(model, ctx: ExactContext):
    """A fresh HiGHS model, tuned as the workers' (one thread, no primal heuristics)."""
    loaded = _Loaded(model, ctx, True)
    st, x, z, _ = loaded.run(clear=False)
    t = loaded.solve_time
    if st == "infeasible":
        return INFEASIBLE, None, math.nan, t
    if st == "unbounded":
        raise SolverError("a draw's model is unbounded")
    if x is None:
        if st == "limit":
            return LIMIT, None, math.nan, t
        raise SolverError(f"HiGHS failed on a draw: {st}")
    x = x.copy()
    x[model.integrality] = np.round(x[model.integrality])
    return (OK if st == "optimal" else LIMIT), x, float(z), t


def _base_value(sp, model, ctx: ExactContext):
    """The point-value package's value in the draw (NaN where it is infeasible) and the limits
    it breaks there; with tranches or responses, the drawn bounds of its first-stage columns
    that their fixed values lie outside, and those of its least-breach completion
    (``completion.py``) where no completion of its first-stage columns is feasible."""
    from ...solution import evaluate

    if ctx.base_x is None:
        return math.nan, None, 0.0
    if not ctx.recourse:
        ev = evaluate(sp, list(ctx.base_choices))
        if ev.feasible:
            return float(ev.expected), None, 0.0
        x = np.zeros(model.n)
        nc = ctx.n_commitment_cols
        x[:nc] = ctx.base_x[:nc]
        brk, _ = row_breaks(model, x, rows_only=True)
        return math.nan, brk, 0.0
    fs, nd = model.first_stage_mask, model.n_decision
    fixed = np.zeros(model.n)
    fixed[:nd] = ctx.base_x[:nd]
    # the offer's values outside a drawn bound of their own (a stage-1 response's) break it
    lo, up, bounds = first_stage_bounds(fixed, fs, model.col_lower, model.col_upper)
    fixed_model = model.with_bounds(col_lower=lo, col_upper=up)
    st, _, v, t = _solve(fixed_model, ctx)
    if st != INFEASIBLE:
        if bounds[0]:
            return math.nan, bounds, t
        return (v if st == OK else math.nan), None, t
    from solvers import SolveOptions

    from .completion import least_breach  # no completion of the offer keeps every limit

    t0 = time.perf_counter()
    brk = least_breach(
        model, fixed_model, SolveOptions(time_limit=ctx.time_limit, mip_gap=ctx.mip_gap)
    )
    return math.nan, joined(bounds, brk), t + time.perf_counter() - t0


def run_exact_chunk(ctx: ExactContext, draws: np.ndarray, locations: list[dict]) -> ChunkResult:
    """Rebuild, compile and solve each draw of a chunk (runs in a worker process or thread)."""
    from ...compile import compile_spec

    t0 = time.perf_counter()
    k = len(draws)
    status = np.zeros(k, dtype=np.int8)
    value = np.full(k, np.nan)
    base_value = np.full(k, np.nan)
    keys: list[tuple[int, ...]] = []
    new: dict[tuple[int, ...], np.ndarray] = {}
    breaks: dict[int, tuple] = {}
    worst = solver_time = 0.0
    for i, d in enumerate(draws):
        stop_if_spent()  # --max-time, in this process (a worker process has no budget)
        sp = _drawn_spec(ctx.spec, int(d), locations[i])
        model = compile_spec(sp)
        if model.n_commitment_cols != ctx.n_commitment_cols:
            raise SolverError(f"internal: draw {d} changed the commitments' columns")
        st, x, v, t = _solve(model, ctx)
        solver_time += t
        status[i], value[i] = st, v
        key = package_key(model, x)
        keys.append(key)
        if x is not None:
            worst = max(worst, row_breaks(model, x)[1])
            new.setdefault(key, x[: model.n_decision])
        base_value[i], brk, t = _base_value(sp, model, ctx)
        solver_time += t
        if brk is not None:
            breaks[i] = brk
    return ChunkResult(
        draws=np.asarray(draws),
        status=status,
        how=np.full(k, BY_MIP, dtype=np.int8),
        value=value,
        bound=np.full(k, np.nan),
        used_lp=np.zeros(k, dtype=bool),
        base_value=base_value,
        keys=keys,
        new=new,
        worst_violation=worst,
        solver_time=solver_time,
        busy_time=time.perf_counter() - t0,
        base_breaks=breaks,
    )


def baseline_offsets(spec, draws, probs: np.ndarray) -> np.ndarray:
    """``sum_s p_s baseline_s`` of each draw (drawn probabilities and baselines): the constant
    a problem without shifts adds to every package's expected value in the draw."""
    B = np.tile([float(s.baseline) for s in spec.scenarios], (probs.shape[0], 1))
    for k, u in enumerate(spec.uncertain):
        for t in u.targets:
            if t.endswith(".baseline"):
                B[:, int(t[len("scenarios[") : -len("].baseline")])] = draws.values[:, k]
    return np.sum(probs * B, axis=1)
