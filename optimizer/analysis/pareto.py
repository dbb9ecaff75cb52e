"""The exact Pareto front of two criteria (ε-constraint with the next-value step).

Criterion ``a`` is optimised while criterion ``b`` is bounded: ``b`` at least (at most, when
minimised) the last point's value plus one step. When every coefficient of ``b`` is a multiple
of a common step ``g`` (integers, or decimals with at most 9 digits), the next value of ``b``
is at least one ``g`` away, so no non-dominated value is skipped: the front is exact. One solve
a point: when ``a`` also has a step, the objective is ``a + rho * b`` with ``rho`` so small that
one step of ``a`` outweighs any change of ``b`` (a lexicographic optimum in one solve). Else the
objective is ``a`` alone and the walk itself breaks ties: a solve that returns a package with
the best ``a`` but not the best ``b`` among those is followed by one at the next value of ``b``,
which returns the same ``a`` with a larger ``b``; such weakly dominated visits are dropped at
the end (see :func:`pareto_front`). Every package is decoded and checked against the spec
(:func:`optimizer.solution.evaluate`), its criteria recomputed from the spec.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.deadline import expired

from ..criteria_objective import _exact, _known, optimum, with_requires
from ..errors import InputError
from .pareto_points import ParetoFront, ParetoPoint, check_package, non_dominated

MAX_DIGITS = 9


def grid_step(coef: np.ndarray) -> float | None:
    """The largest ``g`` that divides every coefficient (``None``: no common step found)."""
    v = np.abs(coef[coef != 0])
    if v.size == 0:
        return None
    for d in range(MAX_DIGITS + 1):
        if v.max() >= 2**53 / 10.0**d:  # no whole multiple below 2**53 here, nor at more digits
            return None
        scaled = v * 10.0**d  # below 2**53: no overflow
        r = np.round(scaled)
        close = np.all(np.abs(scaled - r) <= 1e-9 * np.maximum(1.0, scaled))
        if close and r.min() > 0 and r.max() < 2**53:  # (a value rounded to 0 has no step)
            g = 0
            for k in r.astype(np.int64):
                g = math.gcd(g, int(k))
            return g / 10.0**d
    return None


def _setup(spec, criteria, requires):
    from ..compile import compile_spec
    from ..criteria import criteria_of

    model = compile_spec(spec)
    data = criteria_of(model, "--criteria")
    for cid in criteria:
        _known(data, cid, "--criteria")
    if len(set(criteria)) != len(criteria) or len(criteria) < 2:
        raise InputError(
            f"expected two or more different criteria, got {','.join(criteria)}", where="--criteria"
        )
    return with_requires(model, tuple(requires)), data


def pareto_front(
    spec,
    criteria=("expected",),
    *,
    solver: Any = "highs",
    options: Any = None,
    requires=(),
    max_points: int = 10_000,
) -> ParetoFront:
    """The non-dominated set of ``criteria`` (two: exact; more: the supported points).

    Why the walk without a tie-break is exact (``b`` on a step ``g``): let ``A`` be the best
    ``a`` among the packages whose ``b`` meets the level, and ``B`` the best ``b`` among those
    with ``a = A``. A solve returns some ``(A, b1)``; if ``b1 < B``, then ``B >= b1 + g`` meets
    the next level, so the next solve again returns ``a = A`` (the best ``a`` of a smaller
    region that still holds it), and so on until ``(A, B)``, which nothing dominates: a package
    with ``a >= A`` and ``b >= B`` lies in the region, so has ``a = A`` and ``b <= B``. The
    visits ``(A, b1)`` before it are weakly dominated and dropped by :func:`non_dominated`.
    """
    criteria = tuple(criteria)
    model, data = _setup(spec, criteria, requires)
    if len(criteria) > 2:
        from .pareto_supported import supported_front

        return supported_front(spec, model, data, criteria, solver, options)
    from ..criteria_objective import _backend

    backend, opts = _backend(solver), _exact(options)
    a, b = criteria
    ga, gb = grid_step(data.K[:, data.index(a)]), grid_step(data.K[:, data.index(b)])
    if gb is None and ga is not None:  # step on the criterion that has a grid
        a, b, ga, gb = b, a, gb, ga
    ka, kb = data.index(a), data.index(b)
    ma, mb = bool(data.maximize[ka]), bool(data.maximize[kb])
    sa, sb = (1.0 if ma else -1.0), (1.0 if mb else -1.0)
    ca, cb = data.column(a, model.n), data.column(b, model.n)
    exact = gb is not None
    span_b = float(np.abs(data.K[:, kb]).sum()) + (gb or 0.0)
    step = gb if exact else 1e-6 * max(1.0, span_b)
    rho = ga / (2.0 * span_b) if ga is not None and span_b > 0 else None
    if rho is not None and rho * step < 1e-5:  # a tie-break the solver's tolerances would blur
        rho = None
    points: list[ParetoPoint] = []
    solves = 0
    level = None
    while len(points) < max_points:
        m = model if level is None else with_requires(model, ((b, ">=" if mb else "<=", level),))
        c = sa * ca + rho * sb * cb if rho is not None else sa * ca
        x = optimum(m, c, True, backend, opts)
        solves += 1
        if x is None and level is None and not expired():  # no package meets the limits
            from ..errors import InfeasibleError

            raise InfeasibleError(f"{spec.name}: infeasible (no package meets every limit and "
                                  "requirement)", None)  # fmt: skip
        if x is None or expired():  # --max-time: the rest of the front is left unfinished
            break
        chosen, values = check_package(spec, model, x)
        points.append(ParetoPoint({c: values[c] for c in criteria}, chosen))
        vb = values[b]
        level = vb + sb * step * (1.0 - 1e-3)
    grid = {c: g for c, g in ((a, ga), (b, gb)) if g}
    pts = non_dominated(points, criteria, [data.maximize[data.index(c)] for c in criteria], grid)
    pts.sort(key=lambda p: [p.criteria[c] for c in criteria])
    how = f"ε-constraint on '{b}' with the next-value step {step:g}"
    how += "; one augmented solve a point" if rho is not None else "; one solve a point"
    if not exact:
        how += " (no common step found: a point closer than the step to another may be missed)"
    return ParetoFront(
        problem=spec.name,
        criteria=criteria,
        senses=tuple("maximize" if data.maximize[data.index(c)] else "minimize" for c in criteria),
        points=tuple(pts),
        method=how,
        exact=exact,
        solves=solves,
        step={b: step} | ({a: ga} if ga else {}),
        unfinished=(
            ("the whole front" if level is None else f"points past {b} = {level:g}",)
            if expired()
            else ()
        ),
    )
