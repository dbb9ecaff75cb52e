"""Every supported point of three or more criteria, exactly (weight-space decomposition).

The best weighted sum ``F(w) = max_x w . u(x)`` over the weight simplex (``u`` the criteria,
signed so that more is better and scaled to a common size) is convex and piecewise linear; so is
``f(w) = max_y w . y`` over the points ``y`` found so far, and ``f <= F``. Where ``f`` is linear
(the cell of one point) the convex ``F`` lies below the interpolation of its values at the
cell's vertices, so ``F = f`` at every vertex of the cells implies ``F = f`` everywhere. The
method (the dual form of Benson's outer approximation; Przybylski, Gandibleux and Ehrgott 2010
decompose the weight set the same way) solves at each vertex of ``f``'s cells: a point better
than ``f`` there is new and refines the cells; a vertex where the optimum equals ``f`` is
settled for good (``f`` only grows). When every vertex is settled, every point that is the only
optimum of some weights (each extreme non-dominated point) has been found. The vertices are
those of the polyhedron ``{(w, z): w in the simplex, z >= w . y for every y}``, computed by
Qhull's half-space intersection. At weights with a zero component the optimum may be weakly
dominated, so a second solve takes, among the optima there, one with the largest sum of the
scaled criteria: a point optimal for weights that are all positive.
"""

from __future__ import annotations

import numpy as np

from ..criteria_objective import _backend, _exact, optimum
from .pareto_points import ParetoFront, ParetoPoint, check_package, non_dominated

TOL = 1e-9


def cell_vertices(Y: np.ndarray) -> np.ndarray:
    """The weights at the vertices of the cells of ``f(w) = max_y w . y`` (rows sum to 1)."""
    from scipy.spatial import HalfspaceIntersection

    m, k = Y.shape
    top = float(Y.max()) + 1.0 + float(np.abs(Y).max())
    rows = [np.concatenate([Y[:, : k - 1] - Y[:, k - 1 : k], -np.ones((m, 1)), Y[:, k - 1 :]], 1)]
    rows.append(np.concatenate([-np.eye(k - 1), np.zeros((k - 1, 2))], 1))
    rows.append(np.concatenate([np.ones((1, k - 1)), np.zeros((1, 1)), -np.ones((1, 1))], 1))
    rows.append(np.concatenate([np.zeros((1, k - 1)), np.ones((1, 1)), [[-top]]], 1))
    centre = np.full(k, 1.0 / k)
    f0 = float((Y @ centre).max())
    inner = np.concatenate([centre[: k - 1], [(f0 + top) / 2.0]])
    pts = HalfspaceIntersection(np.concatenate(rows), inner).intersections
    pts = pts[pts[:, -1] < top - 1e-9 * max(1.0, abs(top))]
    w = np.concatenate([pts[:, : k - 1], 1.0 - pts[:, : k - 1].sum(1, keepdims=True)], 1)
    w = np.clip(w, 0.0, None)
    w[np.abs(w) < 1e-12] = 0.0
    w = w / w.sum(1, keepdims=True)
    return np.unique(np.round(w, 12), axis=0)


def supported_front(spec, model, data, criteria, solver, options) -> ParetoFront:
    from .weights import with_requires_row

    backend, opts = _backend(solver), _exact(options)
    idx = [data.index(c) for c in criteria]
    maxi = [bool(data.maximize[k]) for k in idx]
    sign = np.array([1.0 if m else -1.0 for m in maxi])
    n = model.n
    cols = np.stack([data.column(c, n) for c in criteria], 1)
    scale = np.abs(cols).sum(0) + np.abs(data.offset[idx])
    scale = np.where(scale > 0, scale, 1.0)
    U = cols * (sign / scale)  # the scaled criteria, less their constants
    solves = 0
    found: list[ParetoPoint] = []
    Y: list[np.ndarray] = []

    def solve_at(w):
        nonlocal solves
        c = U @ w
        x = optimum(model, c, True, backend, opts)
        solves += 1
        if x is not None and np.any(w == 0):  # the best sum among the optima at w
            v = float(c @ x[:n])
            held = with_requires_row(model, c, v - TOL * max(1.0, abs(v)))
            x2 = optimum(held, U.sum(1), True, backend, opts)
            solves += 1
            x = x if x2 is None else x2
        if x is None:
            return None
        chosen, values = check_package(spec, model, x)
        y = np.array([values[c] for c in criteria]) * sign / scale
        return ParetoPoint({c: values[c] for c in criteria}, chosen, supported=True), y

    first = solve_at(np.full(len(criteria), 1.0 / len(criteria)))
    from solvers.deadline import expired

    if first is None and not expired():  # no package meets the limits: not an empty front
        from ..errors import InfeasibleError

        raise InfeasibleError(
            f"{spec.name}: infeasible (no package meets every limit and requirement)", None
        )
    if first is not None:
        found.append(first[0])
        Y.append(first[1])
    settled: set[tuple] = set()
    grew = bool(Y)
    while grew:
        grew = False
        for w in cell_vertices(np.array(Y)):
            key = tuple(w)
            if key in settled:
                continue
            settled.add(key)
            got = solve_at(w)
            best = float((np.array(Y) @ w).max())
            if got is not None and float(got[1] @ w) > best + TOL * max(1.0, abs(best)):
                found.append(got[0])
                Y.append(got[1])
                grew = True
    pts = non_dominated(found, criteria, maxi) if found else []
    pts.sort(key=lambda p: [p.criteria[c] for c in criteria])
    return ParetoFront(
        problem=spec.name,
        criteria=tuple(criteria),
        senses=tuple("maximize" if m else "minimize" for m in maxi),
        points=tuple(pts),
        method="weight-space decomposition (every vertex of the weight cells solved): every "
        "extreme supported point, exactly; non-dominated points that no weighted sum "
        "reaches (unsupported) are not listed",
        exact=True,
        solves=solves,
    )
