"""Supported points of three or more criteria: weighted-sum optima over a lattice of weights.

Each weight vector of the simplex lattice (step ``1/STEPS``) is optimised on the 0..100 swing
scales; the distinct non-dominated results are supported Pareto points (each optimal for some
weights). Between lattice weights a supported point may be missed: the result says so.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from ..criteria_objective import _backend, _exact, optimum, swing_ranges, weighted_coefficients
from .pareto_points import ParetoFront, ParetoPoint, check_package, non_dominated

STEPS = 10


def lattice(k: int, steps: int = STEPS):
    """Every weight vector of ``k`` criteria in multiples of ``1/steps`` summing to 1."""
    for head in product(range(steps + 1), repeat=k - 1):
        if sum(head) <= steps:
            yield np.array([*head, steps - sum(head)], float) / steps


def supported_front(spec, model, data, criteria, solver, options) -> ParetoFront:
    backend, opts = _backend(solver), _exact(options)
    idx = [data.index(c) for c in criteria]
    ranges = swing_ranges(model, data, backend, opts)
    solves = 2 * len(data.ids)
    points: list[ParetoPoint] = []
    if ranges is not None:
        worst, best = ranges
        for wk in lattice(len(criteria)):
            w = np.zeros(len(data.ids))
            w[idx] = wk
            c, _ = weighted_coefficients(data, w, worst, best, model.n)
            x = optimum(model, c, True, backend, opts)
            solves += 1
            if x is None:
                continue
            chosen, values = check_package(spec, model, x)
            points.append(ParetoPoint({c: values[c] for c in criteria}, chosen, supported=True))
    maxi = [bool(data.maximize[k]) for k in idx]
    pts = non_dominated(points, criteria, maxi) if points else []
    pts.sort(key=lambda p: [p.criteria[c] for c in criteria])
    return ParetoFront(
        problem=spec.name,
        criteria=tuple(criteria),
        senses=tuple("maximize" if m else "minimize" for m in maxi),
        points=tuple(pts),
        method=f"weighted sums on a lattice of weights (step 1/{STEPS}) over the 0..100 swing "
        "scales: supported points only, and one between lattice weights may be missed",
        exact=False,
        solves=solves,
    )
