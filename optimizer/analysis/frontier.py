"""The efficient frontier: expected value against one resource.

``capacity_frontier`` -- the optimal expected value as a resource's capacities are scaled by a
factor over a range. Raising a capacity only adds feasible packages, so the optimal value is a
non-decreasing step function of the factor, and a package is feasible from its own
*threshold* on (the factor at which it fits, computed from the matrix without a solve). The
walk starts at the top of the range: the package optimal there is optimal down to its
threshold; one re-solve just below the threshold finds the next package, and so on. Each solve
finds one segment, so the frontier costs one solve per package on it, and every breakpoint is
the exact threshold of the package that enters there. By default the re-solve is a hair below
the threshold (past the solver's feasibility tolerance), so no segment is missed; with a
``tolerance`` it is that far below, which skips segments narrower than the tolerance (fewer
solves, breakpoints then located to the tolerance). The evenly spaced ``steps`` are read off
the segments without further solves.

``use_front`` -- the Pareto front between expected value and the total use of a resource over
the horizon (epsilon-constraint: maximise expected value with total use at most epsilon, then
lower epsilon to just below the use of the package found).

``cvar_front`` -- the Pareto front between expected value and CVaR (the expected value of
the worst ALPHA share of probability), when ``optimizer/objectives.py`` provides
``apply_objective(model, "cvar:ALPHA")``: maximise expected value subject to the CVaR
reformulation's objective being at least epsilon, raising epsilon past the CVaR of each
package found.
"""

from __future__ import annotations

import math
import time

import numpy as np

from solvers.deadline import expired
from solvers.resolve import Key, Packages, bisect_edge

from ..errors import InputError, SolverError, UsageError
from .capacity_walk import threshold_walk
from .frontier_fronts import cvar_front, total_use_vector, use_front
from .frontier_plot import MAX_LABELS, plot
from .frontier_types import Breakpoint, Frontier, FrontierPoint, ParetoFront, ParetoPoint, Segment
from .odds_packages import packages_for
from .sensitivity_params import FEASIBILITY_STEP, resource_rows, scale_param
from .sensitivity_session import Session

DEFAULT_MAX_POINTS = 200
# the largest --range factor: beyond it, scaled capacities leave the solvers' numeric range
MAX_FACTOR = 1e6
SHIFTS_NOTE = (
    "the package moves the odds: every expected value and CVaR is at the probabilities that "
    "package induces"
)


# ---- the capacity walk -------------------------------------------------------------------


def _merge_ties(walk, pk: Packages, tol_v: float):
    """Join neighbouring segments of equal value (ties between packages, not a change in the
    frontier); the lower package is kept, as it fits all through the joined segment."""
    out: list[tuple[float, float, Key | None]] = []
    for a, b, k in walk:
        if out and k is not None and out[-1][2] is not None:
            prev = out[-1]
            if abs(pk.expected(k) - pk.expected(prev[2])) <= tol_v:
                out[-1] = (prev[0], b, prev[2])
                continue
        out.append((a, b, k))
    return out


def _bisect_walk(at, lo: float, hi: float, steps: int, tol: float):
    """Fallback when a capacity is negative (the feasible sets are then not nested): solve at
    each step and bisect between steps whose packages differ."""
    grid = np.linspace(lo, hi, steps + 1)
    keys = [at(float(f)) for f in grid]
    segs: list[tuple[float, float, Key | None]] = []
    start = lo
    for i in range(steps):
        if keys[i] != keys[i + 1]:
            edge, _ = bisect_edge(at, float(grid[i]), keys[i], float(grid[i + 1]), tol)
            segs.append((start, edge, keys[i]))
            start = edge
    segs.append((start, hi, keys[-1]))
    return segs[::-1]


def capacity_frontier(
    spec,
    resource: str,
    *,
    lo: float = 0.5,
    hi: float = 1.5,
    steps: int = 20,
    tolerance: float | None = None,
    solver: str = "highs",
    options=None,
    pareto: bool = True,
    cvar_alpha: float | None = 0.1,
    max_points: int = DEFAULT_MAX_POINTS,
    executor=None,
) -> Frontier:
    """Expected value as ``resource``'s capacities are scaled over [lo, hi] (see module doc).

    ``executor``: the Pareto fronts run on it while this process walks the capacities
    (``frontier_sweep``; with conditional tranches the front against use,
    ``frontier_tranche_sweep``); the same result."""
    from ..spec.tranches import has_tranches

    staged = has_tranches(spec)  # offers as the packages: frontier_tranches
    if spec.responses and not staged:
        raise UsageError(
            f"{spec.name} has responses (two-stage recourse); this analysis covers packages of "
            "commitments only, use 'optimizer scenarios' for value of information",
            where="frontier",
        )
    try:
        spec.resource(resource)
    except KeyError:
        from ..errors import did_you_mean

        raise InputError(
            f"unknown resource '{resource}'{did_you_mean(resource, [r.id for r in spec.resources])}",
            where="--resource",
        ) from None
    if not 0 <= lo < hi:
        raise InputError(f"the range must satisfy 0 <= low < high, got {lo},{hi}", where="--range")
    if hi > MAX_FACTOR:
        raise InputError(
            f"a factor above {MAX_FACTOR:g} is not a capacity to plan for, got {hi:g}",
            where="--range",
        )
    if steps < 1:
        raise InputError("steps must be at least 1", where="--steps")
    if staged:
        from .frontier_tranches import tranche_frontier

        kw = dict(lo=lo, hi=hi, steps=steps, tolerance=tolerance, solver=solver, options=options)
        kw.update(pareto=pareto, max_points=max_points)
        return tranche_frontier(spec, resource, **kw, executor=executor)
    t0 = time.perf_counter()
    from ..compile import compile_spec

    model = compile_spec(spec)
    # under [[shifts]]: each package valued at the odds it induces, from the first solve on
    ses = Session(spec, solver, options, model=model, packages=packages_for(model))
    param = scale_param(spec, ses.model, resource)
    if param is None:
        raise InputError(
            f"resource '{resource}' has no finite capacity to scale", where="--resource"
        )
    res = spec.resource(resource)
    rows_years = resource_rows(spec, ses.model)[resource]
    base_cap = tuple((y, float(ses.model.row_upper[i])) for i, y in rows_years)
    step = FEASIBILITY_STEP / float(np.min(np.abs(param.g)))
    tol = step if tolerance is None else max(tolerance, step)

    def at(f: float) -> Key | None:
        param.apply(ses.lm, f)
        return ses.run()

    notes: list[str] = [SHIFTS_NOTE] if spec.shifts else []
    fronts = None
    if pareto and executor is not None:
        from .frontier_sweep import start_fronts

        kw = dict(tolerance=tolerance, max_points=max_points, cvar_alpha=cvar_alpha)
        fronts = start_fronts(ses, resource, executor=executor, **kw)
    if param.monotone:
        walk = threshold_walk(at, lambda k: param.threshold(ses.pk, k), lo, hi, tol)
    else:
        notes.append(
            "a capacity of this resource is negative, so raising the factor does not only add "
            "packages: breakpoints are found by bisection between steps and may miss a change "
            "that reverts within one step"
        )
        walk = _bisect_walk(at, lo, hi, steps, tol)
    param.restore(ses.lm)
    pk = ses.pk
    walk = _merge_ties(walk[::-1], pk, ses.tol_v)  # bottom up

    def ev(k: Key | None) -> float | None:
        return None if k is None else pk.expected(k)

    segments = []
    for i, (a, _b, k) in enumerate(walk):
        upper = walk[i + 1][0] if i + 1 < len(walk) else hi
        segments.append(Segment(a, upper, ev(k), None if k is None else pk.names(k)))
    breakpoints = []
    for i in range(1, len(walk)):
        kb, ka = walk[i - 1][2], walk[i][2]
        f = walk[i][0]
        ch = pk.change(kb or (), ka) if ka is not None else None
        if ch is None:
            continue
        breakpoints.append(
            Breakpoint(
                scale=f,
                capacity=tuple((y, f * c) for y, c in base_cap),
                expected_below=ev(kb),
                expected_above=ev(ka),
                change=ch,
                tolerance=tol,
            )
        )
    points = []
    reached, unfinished = (walk[0][0] if walk else math.inf), []  # --max-time (partial.py)
    for f in np.linspace(lo, hi, steps + 1):
        if f < reached:
            unfinished.append(f"point at scale {f:g}")
            continue
        # the segment holding f; inside a tolerance window, the lower package (it is feasible)
        k = walk[0][2]
        for a, _b, kk in walk:
            if f >= a:
                k = kk
        points.append(FrontierPoint(float(f), ev(k), None if k is None else pk.names(k)))

    use = cvar = None
    if fronts is not None:
        use, cvar, note = fronts()
        if note:
            notes.append(note)
    elif pareto and not expired():
        try:
            use = use_front(ses, resource, tolerance=tolerance, max_points=max_points)
            if cvar_alpha is not None:
                cvar, note = cvar_front(ses, cvar_alpha, tolerance=tolerance, max_points=max_points)
                if note:
                    notes.append(note)
        except SolverError:  # a solve cut short by --max-time: the fronts are unfinished
            if not expired():  # (as on a worker: frontier_sweep.front_task)
                raise
    if pareto and expired():  # not computed, or cut short by --max-time (partial.py)
        use = cvar = None
        unfinished.append("Pareto fronts")
    solves = ses.run.solves + (use.solves if use else 0) + (cvar.solves if cvar else 0)
    return Frontier(
        problem=spec.name,
        sense=spec.sense,
        value_unit=spec.value_unit,
        resource=resource,
        unit=res.unit,
        base_capacity=base_cap,
        range=(lo, hi),
        tolerance=tol,
        segments=tuple(segments),
        breakpoints=tuple(breakpoints),
        points=tuple(points),
        use_front=use,
        cvar_front=cvar,
        solves=solves,
        solver=ses.lm.solver_name,
        time_s=time.perf_counter() - t0,
        notes=tuple(notes + ses.run.warnings),
        unfinished=tuple(unfinished),
        proven=ses.run.doubts == 0,
    )


__all__ = [
    "MAX_LABELS",
    "Breakpoint",
    "Frontier",
    "FrontierPoint",
    "ParetoFront",
    "ParetoPoint",
    "Segment",
    "capacity_frontier",
    "cvar_front",
    "plot",
    "threshold_walk",
    "total_use_vector",
    "use_front",
]
