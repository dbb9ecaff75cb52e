"""The capacity frontier of a problem with conditional tranches (``stage = 2``).

The packages are offers, each with its tranches re-optimised in every scenario; a resource a
tranche uses has one row per scenario (``political_capital[rupture]``, ...), all scaled by the
same factor. Raising the factor only adds feasible (offer, tranches) policies, so the optimal
value is a non-decreasing step function of it, and a policy found optimal at a factor stays
feasible -- and so optimal -- down to its own *threshold*: the largest ratio, over the
resource's rows in every scenario, of what the offer and that scenario's tranches use to the
row's base capacity (read from the verified solution, no solve). The walk of
``capacity_walk.threshold_walk`` applies unchanged (``capacity_walk.CapacityWalk``, shared
with the capacity tipping point of ``sensitivity_tranches``): one solve of the problem
rebuilt at each factor per segment. A breakpoint may change the tranches alone (``golden_dome.full in
new_equilibrium``): the value steps there while the offer stays.

The Pareto front against use is that of the offer's own total use of the resource, each offer
valued with its tranches re-optimised (``frontier_tranche_front``); the CVaR front is not given
with tranches.
"""

from __future__ import annotations

import time

import numpy as np

from solvers.resolve import Change

from .capacity_walk import CapacityWalk, _labels
from .frontier_types import Breakpoint, Frontier, FrontierPoint, Segment
from .offer_envelope import OfferSolver

NOTES = (
    "packages are offers; each offer's conditional tranches are re-optimised in every "
    "scenario at each capacity, and a breakpoint may change the tranches alone",
    "the Pareto front is of the offer's own total use of the resource (a tranche's use differs "
    "by scenario), each offer valued with its tranches re-optimised; no CVaR front is given "
    "with conditional tranches",
)


def tranche_frontier(
    spec, resource: str, *, lo, hi, steps, tolerance, solver, options, pareto=True, **kw
) -> Frontier:
    """``frontier.capacity_frontier`` for a problem with tranches (see the module doc)."""
    t0 = time.perf_counter()
    res = spec.resource(resource)
    ses = OfferSolver(spec, solver, options)
    cw = CapacityWalk(ses, spec, resource)
    caps = cw.caps
    tol = cw.step if tolerance is None else max(tolerance, cw.step)
    merged = cw.segments(lo, hi, tol)

    def ev(fd):
        return None if fd is None else float(fd.sol.expected)

    def offer(fd):
        return None if fd is None else tuple(map(str, fd.sol.chosen))

    segments = []
    for i, (a, _b, k) in enumerate(merged):
        upper = merged[i + 1][0] if i + 1 < len(merged) else hi
        segments.append(Segment(a, upper, ev(k), offer(k)))
    years = [None] * len(caps) if len(caps) == 1 else list(spec.period_labels)
    base_cap = tuple(zip(years, caps, strict=True))
    breakpoints = []
    for i in range(1, len(merged)):
        kb, ka = merged[i - 1][2], merged[i][2]
        if ka is None:
            continue
        now = _labels(ka.sol)
        before = set(() if kb is None else _labels(kb.sol))
        f = merged[i][0]
        breakpoints.append(
            Breakpoint(
                scale=f,
                capacity=tuple((y, f * c) for y, c in base_cap),
                expected_below=ev(kb),
                expected_above=ev(ka),
                change=Change(
                    tuple(x for x in now if x not in before),
                    tuple(x for x in (_labels(kb.sol) if kb else ()) if x not in set(now)),
                ),
                tolerance=tol,
            )
        )
    points = []
    for f in np.linspace(lo, hi, steps + 1):
        k = merged[0][2]
        for a, _b, kk in merged:
            if f >= a:
                k = kk
        points.append(FrontierPoint(float(f), ev(k), offer(k)))
    use = None
    if pareto:
        from .frontier_tranche_front import tranche_use_front

        limit = kw.get("max_points", 200)
        use = tranche_use_front(spec, resource, ses=ses, tolerance=tolerance, max_points=limit)
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
        cvar_front=None,
        solves=ses.solves,
        solver=ses.backend.name,
        time_s=time.perf_counter() - t0,
        notes=NOTES,
    )
