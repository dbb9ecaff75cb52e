"""The LP relaxation of a large model by column generation: a few columns, priced in NumPy.

At 10^5 commitments (580,000 columns, 6 million nonzeros) HiGHS' root LP of the whole model
takes a minute, yet its optimum uses one column in ten at most. Here HiGHS solves the LP
over a restricted set of columns (at first each commitment's best column under the resource
prices of a sample of the commitments, ``solvers.prices``), the row duals price every column at once (``c - A^T y``, one
sparse product), the columns that would improve the LP are added (``addCols``, the simplex
warm-started), until none would or the time is up.

Whatever the stage, ``solvers.start.dual_bound`` turns the current duals (and first the
sample's prices) into a bound that holds for the whole model (weak duality over all columns,
not only the restricted ones); the least of them is kept, so the result always carries a
proven bound, and at the end it is the LP optimum.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from .base import SolveOptions
from .prices import RESOURCE_KINDS, resource_rows, sample_prices
from .start import dual_bound, tighten_choice

ADD_PER_ROUND = 30_000  # columns added per pricing round, at most
MAX_ROUNDS = 60
PRICE_TOL = 1e-7  # relative to the largest objective coefficient
log = logging.getLogger(__name__)
INITIAL_SHARE = 0.7
INITIAL_MIN = 5_000
SAMPLE_TIME_SHARE = 0.2  # of the LP's time, at most, for the sample's prices
_LP = SimpleNamespace(integrality=np.zeros(1, dtype=bool))  # what run_loaded reads of an LP


@dataclass(frozen=True)
class LPResult:
    x: np.ndarray  # (n,) the restricted LP's optimum, 0 on columns never generated (all 0
    # when no round ended: then ``y`` are the sample's prices, ``solvers.prices``)
    y: np.ndarray  # (m,) its row duals
    objective: float  # the restricted LP's value (a package's value never exceeds ``bound``)
    bound: float  # the least dual_bound of the multipliers met: proven for the whole model
    columns: np.ndarray  # the columns generated
    bound_y: np.ndarray  # (m,) the multipliers that prove ``bound`` (``dual_bound``)
    rounds: int
    converged: bool  # no column prices out: ``bound`` is the LP optimum
    time_s: float


def _first_per_group(groups: np.ndarray, score: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Of ``cols``, the one with the highest ``score`` in each of its ``groups``."""
    order = np.lexsort((-score[cols], groups[cols]))
    g = groups[cols][order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    return cols[order][first]


def initial_columns(model, y: np.ndarray | None = None) -> np.ndarray:
    """With row prices ``y`` (``solvers.prices``): per commitment its column of best reduced
    cost ``c - A^T y``, where that is positive. Without (or when none is): per commitment its
    column of best value per unit of resource, of the commitments whose best is in the upper
    ``INITIAL_SHARE`` (all when there are few)."""
    sign = 1.0 if model.maximize else -1.0
    c = sign * model.c
    groups = np.where(model.col_commitment >= 0, model.col_commitment, -1 - np.arange(model.n))
    if y is not None:
        d = c - model.A.T @ (sign * y)
        priced = np.flatnonzero((d > 0) & (c > 0))
        if priced.size:
            return np.sort(_first_per_group(groups, d, priced))
    kinds = np.asarray(model.row_kind, dtype=object)
    res_rows = np.flatnonzero(np.isin(kinds, RESOURCE_KINDS))
    use = np.asarray(abs(model.A[res_rows]).sum(axis=0)).ravel() if res_rows.size else 0.0
    ratio = c / (use + 1e-9)
    best = _first_per_group(groups, ratio, np.flatnonzero(c > 0))
    if best.size > INITIAL_MIN:  # the better ones: budgets bind, the LP takes few
        keep = max(INITIAL_MIN, int(INITIAL_SHARE * best.size))
        best = best[np.argpartition(-ratio[best], keep - 1)[:keep]]
    return np.sort(best)


def _sub(model, cols: np.ndarray):
    """The LP over ``cols`` as the arrays ``load_highs`` reads."""
    return SimpleNamespace(
        n=int(cols.size),
        m=model.m,
        A=model.A[:, cols],
        maximize=model.maximize,
        objective_offset=model.objective_offset,
        c=model.c[cols],
        col_lower=model.col_lower[cols],
        col_upper=model.col_upper[cols],
        row_lower=model.row_lower,
        row_upper=model.row_upper,
        integrality=np.zeros(cols.size, dtype=np.int32),
    )


def solve_lp(model, options: SolveOptions, time_limit: float | None) -> LPResult | None:
    """The LP relaxation of ``model`` by column generation within ``time_limit`` seconds;
    ``None`` if HiGHS finds no optimum of the first restricted LP (e.g. infeasible without
    the columns left out) or the time runs out before one."""
    from .highs import load_highs, run_loaded

    t0 = time.perf_counter()
    A_csc = model.A.tocsc()
    sign = 1.0 if model.maximize else -1.0
    tol = PRICE_TOL * max(1.0, float(np.abs(model.c).max(initial=0.0)))
    groups = np.where(model.col_commitment >= 0, model.col_commitment, -1 - np.arange(model.n))
    prices = sample_prices(
        model, options, None if time_limit is None else SAMPLE_TIME_SHARE * time_limit
    )
    bound, bound_y = np.inf, None  # the best proven so far (sense of a maximisation)

    def prove(y: np.ndarray) -> None:
        nonlocal bound, bound_y
        tight = tighten_choice(model, y)  # never looser (its docstring)
        b = sign * dual_bound(model, tight)
        if b < bound:
            bound, bound_y = b, tight

    if prices is not None:
        prove(prices)
    shared = np.zeros(model.m, dtype=bool)
    shared[resource_rows(model)] = True
    cols = initial_columns(model, prices)
    in_set = np.zeros(model.n, dtype=bool)
    in_set[cols] = True

    def left() -> float | None:
        return None if time_limit is None else time_limit - (time.perf_counter() - t0)

    opts = SolveOptions(time_limit=left(), threads=options.threads, verbose=options.verbose)
    h = load_highs(_sub(model, cols), opts)
    h.setOptionValue("presolve", "off")  # rounds warm-start the simplex from the last basis
    best = None
    converged = False
    rounds = 0
    while rounds < MAX_ROUNDS:
        rest = left()
        if rest is not None and rest <= 0:
            break
        # HiGHS' time limit counts its run time over all runs of this instance
        h.setOptionValue("time_limit", h.getRunTime() + rest if rest is not None else np.inf)
        res = run_loaded(h, _LP, SolveOptions(time_limit=rest))
        if res.status.value != "optimal" or res.x is None:
            stopped = h.getSolution()  # the dual simplex's duals so far: a bound as any are
            y = np.asarray(stopped.row_dual, dtype=float)
            if stopped.dual_valid and y.size == model.m and np.all(np.isfinite(y)):
                prove(y)
                if prices is not None:
                    prove(np.where(shared, prices, y))
            break
        rounds += 1
        log.debug(
            "column generation round %d: %d columns, LP %.9g, %.2f s",
            rounds,
            cols.size,
            res.objective,
            time.perf_counter() - t0,
        )
        y = np.asarray(h.getSolution().row_dual, dtype=float)
        x = np.zeros(model.n)
        x[cols] = res.x
        best = (x, y, float(res.objective), cols.copy())
        prove(y)
        if prices is not None:  # the sample's resource prices with this LP's other duals
            prove(np.where(shared, prices, y))
        d = sign * (model.c - A_csc.T @ y)
        cand = np.flatnonzero((d > tol) & ~in_set)
        if cand.size == 0:
            converged = True
            break
        new = _first_per_group(groups, d, cand)
        if new.size > ADD_PER_ROUND:
            new = new[np.argpartition(-d[new], ADD_PER_ROUND - 1)[:ADD_PER_ROUND]]
        new = np.sort(new)
        block = A_csc[:, new]
        h.addCols(
            int(new.size),
            np.ascontiguousarray(model.c[new], dtype=np.float64),
            np.ascontiguousarray(model.col_lower[new], dtype=np.float64),
            np.ascontiguousarray(model.col_upper[new], dtype=np.float64),
            int(block.nnz),
            np.ascontiguousarray(block.indptr[:-1], dtype=np.int32),
            np.ascontiguousarray(block.indices, dtype=np.int32),
            np.ascontiguousarray(block.data, dtype=np.float64),
        )
        cols = np.concatenate([cols, new])
        in_set[new] = True
    if best is None and bound_y is None:
        return None
    if best is None:  # no round ended: the sample's prices, for the bound and a greedy fill
        best = (np.zeros(model.n), bound_y, -sign * np.inf, cols[:0])
    x, y, obj, used = best
    return LPResult(
        x=x,
        y=y,
        objective=obj,
        bound=sign * bound,
        columns=used,
        bound_y=bound_y,
        rounds=rounds,
        converged=converged,
        time_s=time.perf_counter() - t0,
    )


__all__ = ["LPResult", "initial_columns", "solve_lp"]
