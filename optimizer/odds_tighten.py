"""Narrower McCormick ranges for the shifts' products, valid for every package at least as good
as a known one (optimality-based bound tightening; it never changes the optimum).

In the aggregated form (``optimizer/odds_aggregate.py``) the product ``w_m = y_m r_m`` is exact
at ``y_m`` in {0, 1} for any range ``[L_m, U_m]`` that holds ``r_m(x)``, but the LP relaxation
is as weak as the range is wide: a member half chosen collects about ``min(U_m, -L_m) / 2``.
Given a feasible point ``x0`` of the exact model worth ``z0`` (the MIP start), only packages
worth at least ``z0`` matter, and each of them is, with its exact products, a point of the LP
relaxation with the row ``objective >= z0``. Over that LP, per direction ``d`` of the shifts
(``delta_m = s_m d``, ``s_m > 0``), ``d . v`` ranges over ``[lo_d, hi_d]`` (two LPs, warm
started: only the objective changes), and::

    r_m = s_m d . v - own_m(x),   own_m in [min(0, min_j g_j), max(0, max_j g_j)]

(``own_m``: the value member ``m``'s own commitment adds in its direction; it chooses at most
one column), so ``r_m`` lies in ``[s_m lo_d - max own, s_m hi_d - min own]``. The new rows
keep every package at least as good as ``x0`` with its exact value (a package whose ``r_m``
leaves the range makes the rows infeasible, never overvalued), so the optimum and its proof
are the exact model's. The narrowed model serves the plain solve only (``odds_start.solve``):
worse packages, which other analyses need, may be cut off. Up to ``ROUNDS`` rounds: each
round's LP has the previous round's narrower rows.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

ROUNDS = 1  # rounds of narrowing (benchmarks/README.md)
CUT_TOL = 1e-6  # the row objective >= z0 is loosened by this, relative
PAD = 1e-4  # widening of each LP's range, relative (as odds_aggregate.PAD)
# the LPs' order (bench_shifts.py --narrowing measures all three): "path", each LP next to the
# one before it (``lp_order``); "split", every minimum, then every maximum in reverse; "pairs",
# each direction's minimum and maximum one after the other
ORDER = "path"


def directions(delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dirs, inv, scale)``: ``delta[m] = scale[m] * dirs[inv[m]]`` (``scale`` > 0)."""
    scale = np.abs(delta).max(axis=1)
    scale[scale == 0] = 1.0  # a member whose shifts cancel: r_m = 0
    dirs, inv = np.unique(delta / scale[:, None], axis=0, return_inverse=True)
    return dirs, inv.ravel(), scale


def own_ranges(model, delta: np.ndarray, mc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per member, the range of its own commitment's part ``sum_j g_j x_j`` (``g = C delta_m``
    on the commitment's columns, at most one chosen)."""
    from .compile import expand_ranges
    from .odds_aggregate import _commitment_ranges

    cs, ce = _commitment_ranges(model)
    oj, om = expand_ranges(cs[mc], ce[mc])
    og = np.einsum("ij,ij->i", model.C[oj], delta[om])
    M = delta.shape[0]
    lo, hi = np.zeros(M), np.zeros(M)
    np.minimum.at(lo, om, og)
    np.maximum.at(hi, om, og)
    return lo, hi


def value_ranges(model, z0: float, dirs: np.ndarray, options) -> tuple[np.ndarray, np.ndarray]:
    """Per direction ``d``: ``min`` and ``max`` of ``d . v`` over the LP relaxation of
    ``model`` with the row ``objective >= z0`` (``-inf``/``inf`` where an LP does not finish)."""
    import highspy

    from solvers.highs import load_highs
    from solvers.highs_run import run_interruptible

    at = model.meta["odds_rows"]
    delta = np.asarray(model.meta["shifts"]["delta"], dtype=float)
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)
    vcols = (at["v"] + np.arange(used.shape[0])).astype(np.int32)
    base = replace(model.relaxed().with_objective(np.zeros(model.n)), objective_offset=0.0)
    h = load_highs(replace(base, meta={}), replace(options, verbose=False, mip_gap=None))
    nz = np.flatnonzero(model.c)
    tol = CUT_TOL * (1.0 + abs(z0))
    z = z0 - model.objective_offset  # the cut: c . x at least as good as z
    cut = (z - tol, np.inf) if model.maximize else (-np.inf, z + tol)
    h.addRow(*cut, int(nz.size), nz.astype(np.int32), model.c[nz].astype(float))
    ok = highspy.HighsModelStatus.kOptimal
    keys: dict[bytes, np.ndarray] = {}  # d and -d: the same two LPs
    flips = []
    for d in dirs:  # a few: pairs of scenarios
        nz_d = np.flatnonzero(d)
        flip = nz_d.size > 0 and d[nz_d[0]] < 0
        e = (-d if flip else d) + 0.0  # no -0.0: the key is the bytes
        keys.setdefault(e.tobytes(), e)
        flips.append((e.tobytes(), flip))
    mn, mx = highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize
    got: dict[tuple[bytes, bool], float] = {}
    for key, up in lp_order(keys):
        sign = mx if up else mn
        h.changeColsCost(int(vcols.size), vcols, np.ascontiguousarray(keys[key][used]))
        h.changeObjectiveSense(sign)
        # in the engine's kept worker thread for this thread count, as every HiGHS run: run
        # here, a process that had run HiGHS with another count got no LP (an error status)
        run_interruptible(h, None)
        value = h.getInfo().objective_function_value if h.getModelStatus() == ok else np.nan
        got[key, sign == mx] = value
    lo, hi = np.full(len(dirs), -np.inf), np.full(len(dirs), np.inf)
    for k, (key, flip) in enumerate(flips):
        a, b = got[key, False], got[key, True]
        a, b = (-b, -a) if flip else (a, b)
        lo[k] = -np.inf if np.isnan(a) else a
        hi[k] = np.inf if np.isnan(b) else b
    return lo, hi


def lp_order(keys: dict[bytes, np.ndarray], order: str | None = None) -> list[tuple]:
    """The order of the narrowing's LPs: ``(key, maximise)`` pairs. Each LP starts from the
    optimal basis of the one before, so the fewer pivots between neighbours the better. In
    ``"path"`` order, each next LP is the one whose objective (``key``, or ``-key`` for a
    minimum) is closest in angle to the last one's (ties: the first in ``keys``), from the
    first key's maximum: on generated problems at 10^3 commitments with 5 scenarios, 12-22 k
    simplex iterations against 23-28 k in ``"split"`` order and 49 k in ``"pairs"``
    (benchmarks/README.md)."""
    order = ORDER if order is None else order
    names = list(keys)
    if order == "split":
        return [(k, False) for k in names] + [(k, True) for k in reversed(names)]
    if order == "pairs":
        return [(k, up) for k in names for up in (False, True)]
    objs = [(k, True, keys[k]) for k in names] + [(k, False, -keys[k]) for k in names]
    unit = np.array([o / max(np.linalg.norm(o), 1e-300) for _, _, o in objs])
    left = list(range(1, len(objs)))
    path = [0]
    while left:
        sim = unit[left] @ unit[path[-1]]
        path.append(left.pop(int(np.argmax(sim))))  # argmax: the first of equals
    return [objs[i][:2] for i in path]


def narrowed(model, x0: np.ndarray, options):
    """``model`` with narrower McCormick rows for packages at least as good as ``x0`` (a
    feasible point of ``model``), or ``model`` itself when it is not in the aggregated form."""
    from .odds import member_columns
    from .odds_aggregate import with_bounds

    if "odds_rows" not in model.meta or not model.integrality.any():
        return model
    t0 = time.perf_counter()
    meta = model.meta["shifts"]
    delta = np.asarray(meta["delta"], dtype=float)
    mc, _, _ = member_columns(model, list(meta["members"]))
    dirs, inv, scale = directions(delta)
    own_lo, own_hi = own_ranges(model, delta, mc)
    z0 = float(model.c @ x0 + model.objective_offset)
    for _ in range(ROUNDS):
        rest = None
        if options.time_limit is not None:
            rest = options.time_limit - (time.perf_counter() - t0)
            if rest <= 0:
                break
        lo_d, hi_d = value_ranges(model, z0, dirs, replace(options, time_limit=rest))
        at = model.meta["odds_rows"]
        up = scale * hi_d[inv] - own_lo
        dn = scale * lo_d[inv] - own_hi
        U = np.minimum(at["U"], up + PAD * (1.0 + np.abs(up)))
        L = np.maximum(at["L"], dn - PAD * (1.0 + np.abs(dn)))
        bad = ~(L <= U)  # an LP's rounding: keep the range it had
        L[bad], U[bad] = at["L"][bad], at["U"][bad]
        model = with_bounds(model, L, U)
    return model
