"""A package to start the exact MILP of shifts from (a MIP start: it never changes the optimum).

With shifts the expected value ``E(x) = p(x) . (b + C^T x)`` is bilinear, and HiGHS' own
heuristics find good packages late: on the generated problems of ``benchmarks/bench_shifts.py``
the root bound is within 1% of the optimum within a second, but the incumbent needs a minute.
Here the objective is linearised once, around the optimum ``x0`` of the LP relaxation of the
exact model (a first-order expansion, exact at ``x0``)::

    E(x) ~ sum_j x_j [ C_j . p(x0) + sum_{m owns j} delta_m . (b + C^T x0) ]

and that linear objective is maximised over the same rows (the products' columns cost
nothing there; at any package their rows fix them to ``y_m x_j``, so the answer is a complete
feasible point of the exact model). HiGHS is then started from it (``setSolution``): the
start is only an incumbent, so the optimum and its proof are those of the exact model, and
the engine still checks the answer independently (``optimizer.engine.finish``).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

START_GAP = 0.01  # the linearised MIP is solved to this gap (or the caller's, if looser)
START_SHARE = 1 / 3  # of the caller's time limit, at most, for finding the start
START_MAX_S = 60.0  # for finding the start when the caller sets no time limit
# the linearised MIP without the McCormick rows (w completed after) from this many directions
# of the shifts: 2.7 s against 14 s with 20 (5 scenarios), 5.1 s against 1.3 s with 6
FREE_PRODUCTS_DIRS = 7
NARROW = True  # narrow the products' ranges from the start (optimizer/odds_tighten.py)
# stop at the start when an LP bound (the relaxation's, or the narrowed model's) proves it
# within the gap: no MIP (benchmarks/README.md; False: HiGHS' MIP runs from the start)
LP_PROOF = True


def wants_start(model, backend) -> bool:
    """A start is worth finding: the expected value of a MILP with shifts, and a back end
    that takes a start (``Feature.START``)."""
    from solvers import Feature

    shifts = model.meta.get("shifts")
    return (
        shifts is not None
        and model.objective == "expected"
        and bool(model.integrality.any())
        and Feature.START in getattr(backend, "features", ())
    )


def linearised(model, x0: np.ndarray) -> np.ndarray:
    """The objective of the first-order expansion of ``E`` around ``x0`` (0 on columns that
    carry no scenario value, such as the products' own columns)."""
    from .compile import expand_ranges
    from .odds import member_columns

    meta = model.meta["shifts"]
    delta = np.asarray(meta["delta"], dtype=float)
    _, lo, hi = member_columns(model, list(meta["members"]))
    nd = model.n_decision
    off = model.objective_offset if model.scenario_offset is None else model.scenario_offset
    cols, owner = expand_ranges(lo, hi)
    y = np.bincount(owner, weights=x0[cols], minlength=delta.shape[0])
    p = model.p + delta.T @ y
    level = off + x0[:nd] @ model.C[:nd]  # b_s + V_s(x0)
    c = np.zeros(model.n)
    c[:nd] = model.C[:nd] @ p
    c += np.bincount(cols, weights=(delta @ level)[owner], minlength=model.n)
    return c


def find_start(model, options) -> np.ndarray | None:
    """A feasible point of ``model`` (see the module docstring), or ``None`` when the LP or
    the linearised MIP gives none within ``options.time_limit``. When the linearised MIP
    stops at the limit: its best package or the LP point rounded (``rounded``), the better."""
    return start_and_bound(model, options)[0]


def start_and_bound(model, options) -> tuple[np.ndarray | None, float | None]:
    """``(find_start's point, the objective of the LP relaxation: a bound on the optimum)``."""
    from solvers import Status
    from solvers.highs import HighsSolver

    t0 = time.perf_counter()
    highs = HighsSolver()
    lp = highs.solve(model.relaxed(), replace(options, mip_gap=None))
    if lp.status != Status.OPTIMAL or lp.x is None:
        return None, None
    rest = None
    if options.time_limit is not None:
        rest = max(0.0, options.time_limit - (time.perf_counter() - t0))
    gap = max(START_GAP, options.effective_mip_gap)
    lin = model.with_objective(linearised(model, lp.x))
    if "odds_rows" in model.meta and _directions(model) >= FREE_PRODUCTS_DIRS:
        from .odds_aggregate import free_products, products_at

        res = highs.solve(free_products(lin), replace(options, time_limit=rest, mip_gap=gap))
        x = None if res.x is None else products_at(model, res.x)
    else:
        res = highs.solve(lin, replace(options, time_limit=rest, mip_gap=gap))
        x = res.x
    if res.status != Status.OPTIMAL:  # stopped at its share of the time: a start may be poor
        r = rounded(model, lp.x, lin.c)
        if r is not None and (x is None or _better(model, r, x)):
            x = r
    return x, lp.objective


def rounded(model, x_lp: np.ndarray, c_lin: np.ndarray) -> np.ndarray | None:
    """A complete feasible point of ``model`` (the aggregated form) from the LP point ``x_lp``:
    its decision columns rounded down, repaired and filled greedily by the linearised objective
    ``c_lin`` over the rows of the decision columns alone (``solvers.start``), the scenario
    levels and products then computed from the package (``products_at``). ``None`` where that
    does not apply (another form, responses) or the point breaks a row of ``model``.

    The fallback when the linearised MIP stops at its share of the time limit (10^4
    commitments: the LP relaxation alone takes about 13 s), where HiGHS' incumbent can be far
    from the optimum (benchmarks/README.md)."""
    from solvers.start import round_and_repair, supports

    from .odds_aggregate import products_at

    if "odds_rows" not in model.meta:
        return None
    nd = model.n_decision
    A = model.A.tocsr()
    own = np.flatnonzero(abs(A[:, nd:]).sum(axis=1).A.ravel() == 0)  # decision columns only
    dec = replace(
        model,
        c=np.asarray(c_lin[:nd], dtype=float),
        A=A[own][:, :nd].tocsr(),
        row_lower=model.row_lower[own],
        row_upper=model.row_upper[own],
        col_lower=model.col_lower[:nd],
        col_upper=model.col_upper[:nd],
        integrality=model.integrality[:nd],
        C=model.C[:nd],
        row_kind=model.row_kind[own],
        row_label=model.row_label[own],
        col_commitment=model.col_commitment[:nd],
        col_option=model.col_option[:nd],
        col_start=model.col_start[:nd],
        objective_offset=0.0,
        aux_names=(),
        meta={},
        col_response=None if model.col_response is None else model.col_response[:nd],
    )
    if not supports(dec):
        return None
    xd = round_and_repair(dec, np.asarray(x_lp[:nd], dtype=float))
    if xd is None:
        return None
    x = np.zeros(model.n)
    x[:nd] = xd
    x = products_at(model, x)
    act = model.A @ x
    tol = 1e-6 * (1.0 + np.abs(act))
    if np.any(act > model.row_upper + tol) or np.any(act < model.row_lower - tol):
        return None
    return x


def _better(model, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the point ``a`` is better than ``b`` in ``model``'s objective."""
    za, zb = float(model.c @ a), float(model.c @ b)
    return za > zb if model.maximize else za < zb


def _directions(model) -> int:
    from .odds_tighten import directions

    return len(directions(np.asarray(model.meta["shifts"]["delta"], dtype=float))[0])


def open_gap(model, x: np.ndarray, bound: float | None, options) -> bool:
    """Whether the start ``x`` is further from the LP ``bound`` than the gap the solve must
    prove (HiGHS' relative gap): when it is not, HiGHS stops at its root and narrowing the
    products' ranges would only cost time."""
    if bound is None:
        return True
    z0 = float(model.c @ x + model.objective_offset)
    gap = (bound - z0) if model.maximize else (z0 - bound)
    return gap > options.effective_mip_gap * max(abs(z0), 1e-10)


def solve(backend, model, options):
    """``backend.solve(model, options)``, started from ``find_start`` when ``wants_start``;
    the result's ``time_s`` includes the time spent finding the start.

    When the start is within the requested gap of an LP bound (the exact model's relaxation,
    or, after narrowing, the narrowed model's: valid for every package at least as good as
    the start, so for the optimum), that bound is the proof and no MIP is run (``proven``).
    """
    from solvers import Status

    if not wants_start(model, backend):
        return backend.solve(model, options)
    t0 = time.perf_counter()
    share = START_MAX_S if options.time_limit is None else START_SHARE * options.time_limit
    x, bound = start_and_bound(model, replace(options, time_limit=share, verbose=False))
    t1 = time.perf_counter()
    extra = {"started": x is not None, "proof": None}
    if x is not None and not open_gap(model, x, bound, options) and LP_PROOF:
        return proven(backend, model, x, bound, t0, {**extra, "proof": "lp"})
    if x is not None and NARROW and open_gap(model, x, bound, options):
        # rows valid for packages at least as good as x (optimizer/odds_tighten.py)
        from .odds_tighten import narrowed

        model = narrowed(model, x, replace(options, time_limit=share, verbose=False))
        extra["narrow_s"] = time.perf_counter() - t1
        if "odds_rows" in model.meta and LP_PROOF:
            narrowed_bound = lp_bound(model, replace(options, time_limit=share))
            bound = bound if narrowed_bound is None else narrowed_bound
            if not open_gap(model, x, bound, options):
                return proven(backend, model, x, bound, t0, {**extra, "proof": "narrowed lp"})
    spent = time.perf_counter() - t0
    rest = None if options.time_limit is None else max(0.0, options.time_limit - spent)
    started = model if x is None else replace(model, meta={**model.meta, "start": x})
    res = backend.solve(started, replace(options, time_limit=rest))
    if x is not None and res.status in (Status.TIME_LIMIT, Status.INTERRUPTED):
        res = _at_least_the_start(model, res, x, bound)
    return replace(res, time_s=res.time_s + spent, extra={**res.extra, "start_s": spent, **extra})


def _at_least_the_start(model, res, x: np.ndarray, bound: float | None):
    """``res`` of a MIP run from the start ``x`` that stopped short of the optimum, with the
    start as its package where the run returned none or a worse one (HiGHS with seconds left
    may stop before taking the start), and the tighter of its bound and the LP ``bound``
    (both hold the optimum); the status stays the run's (a time limit): never optimal."""
    from solvers.base import relative_gap

    z0 = float(model.c @ x + model.objective_offset)
    obj, xs = res.objective, res.x
    if xs is None or obj is None or (obj < z0 if model.maximize else obj > z0):
        obj, xs = z0, x
    bounds = [b for b in (res.bound, bound) if b is not None and math.isfinite(b)]
    best = (min if model.maximize else max)(bounds) if bounds else None
    return replace(res, x=xs, objective=obj, bound=best, gap=relative_gap(obj, best))


def lp_bound(model, options) -> float | None:
    """The objective of ``model``'s LP relaxation (``None`` when the LP does not finish)."""
    from solvers import Status
    from solvers.highs import HighsSolver

    lp = HighsSolver().solve(model.relaxed(), replace(options, mip_gap=None, verbose=False))
    return lp.objective if lp.status == Status.OPTIMAL else None


def proven(backend, model, x: np.ndarray, bound: float, t0: float, extra: dict):
    """The ``SolveResult`` of the start ``x`` proven within the gap by the LP ``bound``."""
    from solvers import SolveResult, Status
    from solvers.base import relative_gap

    z0 = float(model.c @ x + model.objective_offset)
    spent = time.perf_counter() - t0
    return SolveResult(
        status=Status.OPTIMAL,
        x=x,
        objective=z0,
        bound=float(bound),
        gap=relative_gap(z0, bound),
        time_s=spent,
        solver=backend.name,
        raw_status=f"the start is within the gap of the {extra['proof']} bound",
        nodes=0,
        extra={**extra, "start_s": spent},
    )
