"""Which limits a fixed offer breaks in a Monte Carlo draw where no completion of it is feasible.

With conditional tranches (or responses) the point-value package is an *offer*: its
first-stage columns are fixed and its tranches are re-optimised in each draw. Where no choice
of tranches keeps every limit, the offer breaks a limit whatever is done next, but which one
depends on the completion. The one reported is the **least-breach completion**: the offer's
columns fixed, the tranches and responses free, every limit that can give way made elastic,
and the total *relative* excess (each excess over the size of its limit) minimised exactly,
then, among completions with that total, the fewest limits broken -- the elastic re-solve of
``optimizer.infeasibility`` on the drawn model with the offer fixed. Each limit that gives
way there (by more than the Monte Carlo re-check's relative tolerance) is a break, with its
excess in the limit's own unit, as the package without tranches reports its own.

A drawn bound of a first-stage column (a stage-1 response's ``lower`` or ``upper``) can leave
the offer's own value outside it: no completion helps, and that bound is a break of its own
(a ``ColumnBound``, with its excess in the response's unit). The least-breach completion is
then that of the offer's values as they are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .linear import TOL


class ColumnBound(NamedTuple):
    """A column's bound as a broken limit (beside the rows' indices in a break's limits)."""

    col: int
    side: str  # "lower" or "upper"


def first_stage_bounds(x: np.ndarray, fs: np.ndarray, lo: np.ndarray, up: np.ndarray):
    """``(lower, upper, breaks)``: the column bounds ``lo``/``up`` with the first-stage
    columns ``fs`` fixed to ``x``, and ``(limits, excesses)`` of the bounds the fixed values
    lie outside (by more than the relative ``TOL``; ``ColumnBound`` limits)."""
    limits: list[ColumnBound] = []
    excess: list[float] = []
    js = np.flatnonzero(fs)
    xs = x[js]
    for side, ex, bound in (("lower", lo[js] - xs, lo[js]), ("upper", xs - up[js], up[js])):
        # an infinite bound gives an excess of -inf, never above the tolerance
        for k in np.flatnonzero(ex > TOL * np.maximum(1.0, np.abs(bound))):
            limits.append(ColumnBound(int(js[k]), side))
            excess.append(float(ex[k]))
    lo, up = np.array(lo, dtype=float), np.array(up, dtype=float)
    lo[fs] = up[fs] = x[fs]
    return lo, up, (tuple(limits), tuple(excess))


def joined(a: tuple, b: tuple) -> tuple:
    """Two ``(limits, excesses)`` as one."""
    return a[0] + b[0], a[1] + b[1]


def least_breach(model, fixed_model, options=None) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """``(rows, excesses)`` of the least-breach completion of ``fixed_model`` (``model`` with
    the offer's columns fixed by their bounds): the rows of ``model`` that give way and by
    how much; empty if the elastic re-solve finds none."""
    import solvers

    from ...infeasibility import diagnose

    dg = diagnose(fixed_model, solvers.get("highs"), options)
    index: dict[tuple[str, str], int] = {}
    for i, (kind, label) in enumerate(zip(model.row_kind, model.row_label, strict=True)):
        index.setdefault((str(kind), str(label)), i)
    rows: list[int] = []
    excess: list[float] = []
    for r in dg.relaxations:
        i = index[(r.kind, r.label)]
        bound = model.row_upper[i] if r.direction == "raise" else model.row_lower[i]
        if r.amount / max(1.0, abs(float(bound))) > TOL and i not in rows:
            rows.append(i)
            excess.append(float(r.amount))
    order = np.argsort(rows, kind="stable")
    return tuple(rows[k] for k in order), tuple(excess[k] for k in order)
