"""Weight sensitivity: the exact intervals of one criterion's weight over which the weighted
optimum stays the same, and the weights at which it changes.

The weight ``t`` of criterion ``i`` runs from 0 to 1, the other weights keeping their
proportions (``w_j (1 - t) / (1 - w_i)``). On the 0..100 swing scales (fixed: the ranges over
the feasible packages) the weighted score is ``t u_i(x) + (1 - t) R(x)``, linear in ``t`` for
each package, so the optimum as a function of ``t`` is the upper envelope of lines. It is found
exactly by the dichotomic method: optimise at ``t = 0`` and ``t = 1`` (ties broken
lexicographically), then at the weight where two neighbouring optima tie; a third, better
package there is a new optimum to recurse on, else the tie is a breakpoint. One solve a
breakpoint and one a package, plus the scaling solves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..criteria_objective import (
    _backend,
    _exact,
    _known,
    normalised_weights,
    optimum,
    swing_ranges,
    with_requires,
)
from ..errors import InfeasibleError
from .pareto_points import check_package

TIE = 1e-9


@dataclass(frozen=True)
class WeightInterval:
    low: float
    high: float
    criteria: dict[str, float]
    chosen: tuple

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight_from": self.low,
            "weight_to": self.high,
            "criteria": {k: round(v, 10) for k, v in self.criteria.items()},
            "package": [c.to_dict() for c in self.chosen],
        }


@dataclass(frozen=True)
class WeightSensitivity:
    problem: str
    criterion: str
    current: float
    weights: dict[str, float]
    criteria: tuple[str, ...]
    intervals: tuple[WeightInterval, ...]
    breakpoints: tuple[float, ...]
    solves: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "criterion": self.criterion,
            "current_weight": self.current,
            "weights": self.weights,
            "breakpoints": list(self.breakpoints),
            "intervals": [iv.to_dict() for iv in self.intervals],
            "solves": self.solves,
        }


def weights_at(w: np.ndarray, i: int, t: float) -> np.ndarray:
    """The weights with criterion ``i`` at ``t``, the others in their proportions."""
    rest = w.copy()
    rest[i] = 0.0
    rest = rest / rest.sum() if rest.sum() > 0 else np.where(np.arange(len(w)) == i, 0.0, 1.0)
    rest = rest / rest.sum() if rest.sum() > 0 else rest
    out = (1.0 - t) * rest
    out[i] = t
    return out


def weight_sensitivity(
    spec, criterion: str, *, solver: Any = "highs", options: Any = None, weights=(), requires=()
) -> WeightSensitivity:
    """The intervals of ``criterion``'s weight over which the weighted optimum is one package."""
    from ..compile import compile_spec
    from ..criteria import criteria_of

    base = compile_spec(spec)
    data = criteria_of(base, "--criterion")
    i = _known(data, criterion, "--criterion")
    model = with_requires(base, tuple(requires))
    backend, opts = _backend(solver), _exact(options)
    w = normalised_weights(data, tuple(weights))
    ranges = swing_ranges(model, data, backend, opts)
    if ranges is None:
        raise InfeasibleError(f"{spec.name}: infeasible: no package meets the constraints", None)
    worst, best = ranges
    span = np.where(best - worst == 0, 1.0, best - worst)
    solves = 2 * len(data.ids)
    # u_k(x) = scale_k @ x + const_k on 0..100; the package's point is (u_i, R)
    n = model.n
    cols = np.stack([data.column(c, n) for c in data.ids], axis=1) * (100.0 / span)
    const = 100.0 * (data.offset - worst) / span
    const = np.where(best - worst == 0, 100.0, const)
    cols[:, best - worst == 0] = 0.0
    rest_w = weights_at(w, i, 0.0)
    ci, cr = cols[:, i], cols @ rest_w
    ki, kr = const[i], float(const @ rest_w)

    def point(x):
        return (float(ci @ x[:n] + ki), float(cr @ x[:n] + kr))

    def solve_at(t: float, tiebreak: bool):
        nonlocal solves
        x = optimum(model, t * ci + (1 - t) * cr, True, backend, opts)
        solves += 1
        if x is None:
            raise InfeasibleError(
                f"{spec.name}: infeasible: no package meets the constraints", None
            )
        if tiebreak:  # among the optima at t, the best for the side it leads to
            v = t * point(x)[0] + (1 - t) * point(x)[1]
            row = t * ci + (1 - t) * cr
            held = with_requires_row(
                model, row, v - 1e-9 * max(1.0, abs(v)) - (t * ki + (1 - t) * kr)
            )
            x2 = optimum(held, ci if t == 0 else cr, True, backend, opts)
            solves += 1
            x = x if x2 is None else x2
        return x, point(x)

    lo_x, lo_p = solve_at(0.0, True)
    hi_x, hi_p = solve_at(1.0, True)
    breaks: list[tuple[float, Any]] = []

    def recurse(L, H):
        (_, pl), (_, ph) = L, H
        du, dr = ph[0] - pl[0], pl[1] - ph[1]
        if du <= TIE * 100 or abs(pl[0] - ph[0]) + abs(pl[1] - ph[1]) <= TIE * 100:
            return
        t = dr / (dr + du)
        x, p = solve_at(t, False)
        v_tie = t * pl[0] + (1 - t) * pl[1]
        if t * p[0] + (1 - t) * p[1] > v_tie + 1e-7 * max(1.0, abs(v_tie)):
            recurse(L, (x, p))
            recurse((x, p), H)
        else:
            breaks.append((t, H))

    recurse((lo_x, lo_p), (hi_x, hi_p))
    breaks.sort(key=lambda b: b[0])
    edges = [0.0, *[b for b, _ in breaks], 1.0]
    xs = [lo_x, *[h[0] for _, h in breaks]]
    intervals = []
    for k, x in enumerate(xs):
        chosen, values = check_package(spec, model, x)
        intervals.append(WeightInterval(edges[k], edges[k + 1], values, chosen))
    return WeightSensitivity(
        problem=spec.name,
        criterion=criterion,
        current=float(w[i]),
        weights=dict(zip(data.ids, (float(x) for x in w), strict=True)),
        criteria=data.ids,
        intervals=tuple(intervals),
        breakpoints=tuple(b for b, _ in breaks),
        solves=solves,
    )


def with_requires_row(model, row, lower):
    """``model`` with ``row @ x >= lower`` (a tie-break holding an optimum's value)."""
    from dataclasses import replace

    from ..objectives import _extend

    out = _extend(
        model,
        model.objective,
        model.c,
        [],
        [],
        [],
        [],
        [(row[None, :], [lower], [np.inf], ["hold"])],
        model.maximize,
    )
    return replace(out, objective=model.objective, meta=model.meta)


@dataclass(frozen=True)
class WeightReport:
    """The weight sensitivity of several criteria."""

    results: tuple[WeightSensitivity, ...]
    unfinished: tuple[str, ...] | None = None  # --max-time: criteria not done (partial.py)

    def to_dict(self) -> dict[str, Any]:
        return {"criteria": [r.to_dict() for r in self.results]}


def weight_report(spec, ids, **kw) -> WeightReport:
    """``weight_sensitivity`` of each criterion in ``ids`` while the time budget lasts."""
    from .partial import each

    done, left = each(ids, lambda c: weight_sensitivity(spec, c, **kw))
    return WeightReport(tuple(done), tuple(f"criterion {c}" for c in left))
