"""A package and a proven bound without a MIP solve: LP rounding with repair, and a dual bound.

Both work on any ``MatrixModel`` of binary columns and see nothing but its arrays:

* ``dual_bound(model, y)``: for ANY row multipliers ``y`` the Lagrangian
  ``sum_i y_i b_i(y_i) + sum_j max_{l_j <= x_j <= u_j} (c_j - A_j^T y) x_j`` (``b_i`` the
  row's upper bound where ``y_i > 0``, its lower bound where ``y_i < 0``) is at least the
  LP optimum, hence at least every package's value (for a maximisation; mirrored for a
  minimisation). It is weak-duality arithmetic in NumPy, independent of the solver that gave
  ``y``: a bound proven by the engine, exact when ``y`` are the LP's optimal duals.
* ``round_and_repair(model, x, order)``: an LP point rounded down to a package, the rows it
  breaks repaired by dropping chosen columns (the least valuable first), then columns added
  greedily in ``order`` while every row holds. ``None`` when a row cannot be repaired by
  dropping (a lower bound: a required commitment, an ``at_least``).

A package found here is only an incumbent: the caller hands it to the solver as a start and
it goes through the same verifier as every other answer.
"""

from __future__ import annotations

import numpy as np

ROW_TOL = 1e-9
MAX_REPAIR_ROUNDS = 200


def dual_bound(model, y: np.ndarray) -> float:
    """The Lagrangian bound of ``model`` (objective offset included) for row multipliers
    ``y`` in the sense of the objective: an upper bound when maximising, a lower bound when
    minimising. ``inf`` (or ``-inf``) when ``y`` leans on a row bound that is infinite."""
    y = np.asarray(y, dtype=float)
    sign = 1.0 if model.maximize else -1.0
    c = sign * np.asarray(model.c, dtype=float)  # maximise sign * c
    y = sign * y  # the same multipliers for the maximisation of sign * c
    rows = np.where(y > 0, model.row_upper, model.row_lower)
    used = y != 0
    if not np.all(np.isfinite(rows[used])):
        return sign * np.inf
    total = float(y[used] @ rows[used])
    d = c - model.A.T @ y
    lo, hi = model.col_lower, model.col_upper
    best = np.where(d > 0, d * hi, d * lo)
    best[d == 0] = 0.0
    if not np.all(np.isfinite(best)):
        return sign * np.inf
    return sign * (total + float(best.sum())) + float(model.objective_offset)


def supports(model) -> bool:
    """Whether the rounding applies: every column a binary decision (no responses, no
    auxiliary columns of a reformulation)."""
    return (
        model.n == model.n_decision
        and bool(model.integrality.all())
        and bool(np.all(model.col_lower == 0))
        and bool(np.all(model.col_upper == 1))
        and (model.col_response is None or not np.any(model.col_response >= 0))
    )


def _violations(model, act: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = ROW_TOL * np.maximum(1.0, np.abs(act))
    return act > model.row_upper + scale, act < model.row_lower - scale


def repair(model, x: np.ndarray, value: np.ndarray) -> np.ndarray | None:
    """``x`` (0/1) with chosen columns dropped until no row's upper bound is broken: each
    round drops, in every broken row, its chosen column of positive coefficient with the
    least ``value``. ``None`` if a lower bound is broken (dropping cannot mend it)."""
    x = x.copy()
    A = model.A.tocsr()
    for _ in range(MAX_REPAIR_ROUNDS):
        act = A @ x
        over, under = _violations(model, act)
        if under.any():
            return None
        if not over.any():
            return x
        sub = A[np.flatnonzero(over)].tocoo()
        keep = (sub.data > 0) & (x[sub.col] > 0.5)
        rows, cols = sub.row[keep], sub.col[keep]
        if rows.size == 0:
            return None
        # per broken row, the chosen column of least value: sort by (row, value), take firsts
        order = np.lexsort((value[cols], rows))
        first = np.ones(order.size, dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        x[cols[order][first]] = 0.0
    return None


def fill(model, x: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Add the columns of ``order`` (indices, best first) one by one while every row stays
    within its bounds; columns already chosen or worth nothing are passed over."""
    x = x.copy()
    A = model.A.tocsc()
    indptr, indices, data = A.indptr, A.indices, A.data
    act = model.A @ x
    lo, hi = model.row_lower, model.row_upper
    for j in order.tolist():
        if x[j] > 0.5:
            continue
        s, e = indptr[j], indptr[j + 1]
        r = indices[s:e]
        new = act[r] + data[s:e]
        if np.all(new <= hi[r] + ROW_TOL) and np.all(new >= lo[r] - ROW_TOL):
            act[r] = new
            x[j] = 1.0
    return x


def fill_order(model, x: np.ndarray, y: np.ndarray | None, limit: int) -> np.ndarray:
    """Up to ``limit`` columns not in ``x``, of positive value, best first: by reduced cost
    under the multipliers ``y`` (the LP's prices of the resources) when given, else by value."""
    sign = 1.0 if model.maximize else -1.0
    c = sign * model.c
    score = c if y is None else c - sign * (model.A.T @ y)
    cand = np.flatnonzero((c > 0) & (x < 0.5))
    if cand.size > limit:
        cand = cand[np.argpartition(-score[cand], limit - 1)[:limit]]
    return cand[np.argsort(-score[cand], kind="stable")]


def round_and_repair(
    model, x_lp: np.ndarray, y: np.ndarray | None = None, *, fill_limit: int = 200_000
) -> np.ndarray | None:
    """A package (0/1 vector) from the LP point ``x_lp``: rounded down, repaired, filled
    greedily (see the module docstring); ``None`` when it cannot be repaired."""
    sign = 1.0 if model.maximize else -1.0
    x = np.floor(np.asarray(x_lp, dtype=float) + 1e-6).clip(0.0, 1.0)
    x = repair(model, x, sign * model.c)
    if x is None:
        return None
    return fill(model, x, fill_order(model, x, y, fill_limit))


def value(model, x: np.ndarray) -> float:
    """The objective at ``x`` (offset included)."""
    return float(model.c @ x) + float(model.objective_offset)


__all__ = ["dual_bound", "fill", "repair", "round_and_repair", "supports", "value"]


def tighten_choice(model, y: np.ndarray) -> np.ndarray:
    """``y`` with the multipliers of the choice rows (``sum x <= 1`` over a commitment's
    columns) replaced by their best values given the others: ``max(0, max_j d_j)`` over the
    row's columns, ``d`` the reduced costs without them. ``dual_bound`` of the result is never
    above that of ``y`` (each row's term is minimised exactly), and columns the LP never saw
    are then priced against their own commitment's best, not against nothing."""
    sign = 1.0 if model.maximize else -1.0
    kinds = np.asarray(model.row_kind, dtype=object)
    A = model.A.tocsr()
    rows = np.flatnonzero((kinds == "choice") & (model.row_upper == 1.0) & (model.row_lower <= 0.0))
    if rows.size == 0:
        return y
    sub = A[rows].tocoo()
    if np.any(sub.data != 1.0) or np.unique(sub.col).size != sub.col.size:
        return y  # not disjoint sets of 0/1 columns: left as they are
    z = sign * np.asarray(y, dtype=float).copy()
    z[rows] = 0.0
    d = sign * model.c - A.T @ z
    best = np.zeros(rows.size)
    np.maximum.at(best, sub.row, d[sub.col])
    z[rows] = best
    return sign * z
