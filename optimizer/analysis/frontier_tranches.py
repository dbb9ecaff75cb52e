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
with tranches. With an executor (``--workers``, ``--scheduler``) the front runs on it while
this process walks the capacities (``frontier_tranche_sweep``; the same output); the walk
stays here. Under ``--max-time`` the walk keeps the segments found from the top of the range
down, and the range it did not reach, the points in it and an unfinished front are named.
"""

from __future__ import annotations

import time
from itertools import pairwise

import numpy as np

from solvers.deadline import expired
from solvers.resolve import Change

from ..errors import SolverError
from .capacity_walk import CapacityWalk, _labels
from .frontier_tranche_front import front
from .frontier_types import Breakpoint, Frontier, FrontierPoint, Segment
from .offer_envelope import UNPROVEN, OfferSolver

NOTES = (
    "packages are offers; each offer's conditional tranches are re-optimised in every "
    "scenario at each capacity, and a breakpoint may change the tranches alone",
    "the Pareto front is of the offer's own total use of the resource (a tranche's use differs "
    "by scenario), each offer valued with its tranches re-optimised; no CVaR front is given "
    "with conditional tranches",
)


def row(fd) -> tuple | None:
    """What the frontier reads of a policy: ``(expected, offer, labels)`` (``None``:
    infeasible); small and picklable, a worker's answer (``frontier_tranche_sweep``)."""
    if fd is None:
        return None
    return float(fd.sol.expected), tuple(map(str, fd.sol.chosen)), _labels(fd.sol)


def tranche_frontier(
    spec,
    resource: str,
    *,
    lo,
    hi,
    steps,
    tolerance,
    solver,
    options,
    pareto=True,
    max_points=200,
    executor=None,
) -> Frontier:
    """``frontier.capacity_frontier`` for a problem with tranches (see the module doc).

    ``executor``: the Pareto front runs on it while this process walks the capacities
    (``frontier_tranche_sweep``; the same output). Under ``--max-time`` the range below the
    factor the walk reached, its points and a front not finished are named unfinished."""
    t0 = time.perf_counter()
    step = CapacityWalk(None, spec, resource).step  # the resource checked before a solve
    tol = step if tolerance is None else max(tolerance, step)
    collect = None
    if pareto and executor is not None:
        from .frontier_tranche_sweep import start_front

        kw = dict(solver=solver, options=options, tolerance=tolerance, max_points=max_points)
        collect = start_front(spec, resource, **kw, executor=executor)
    try:
        ses = OfferSolver(spec, solver, options, probing=False)  # as sensitivity: same packages
    except SolverError:  # the solve of the problem as given, cut short by --max-time
        if not expired():
            raise
        ses = None
    merged = [] if ses is None else CapacityWalk(ses, spec, resource).segments(lo, hi, tol)
    uppers = [m[0] for m in merged[1:]] + [hi] * bool(merged)
    segs = [(a, b, row(fd)) for (a, _b, fd), b in zip(merged, uppers, strict=True)]
    reached = segs[0][0] if segs else hi
    unfinished = [] if reached <= lo else [f"capacity walk from factor {lo:g} to {reached:g}"]
    use = None
    if collect is not None:
        use = collect()
    elif pareto and ses is not None and not expired():
        use = front(spec, resource, ses, tolerance=tolerance, max_points=max_points)
    if pareto and use is None:
        unfinished.append("Pareto front")
    solves = (ses.solves if ses else 0) + (use.solves if use and collect else 0)
    name = ses.backend.name if ses else solver
    kw = dict(lo=lo, hi=hi, steps=steps, tol=tol, t0=t0, unfinished=unfinished)
    kw["warnings"] = ses.warnings if ses else []
    return assemble(spec, resource, segs, use=use, solves=solves, solver=name, **kw)


def assemble(
    spec,
    resource: str,
    segs,
    *,
    lo,
    hi,
    steps,
    tol,
    use,
    solves,
    solver,
    t0,
    unfinished=(),
    warnings=(),
) -> Frontier:
    """The ``Frontier`` of the walk's segments ``(lower, upper, row)`` bottom up (``row``:
    see ``row``); a breakpoint where one segment ends at the next one's lower end. A range
    no segment covers (``--max-time``) is left out, and its points are named unfinished after
    ``unfinished``."""
    caps = [float(c) for c in spec.resource(resource).capacity]
    years = [None] * len(caps) if len(caps) == 1 else list(spec.period_labels)
    base_cap = tuple(zip(years, caps, strict=True))

    def ev(r):
        return None if r is None else r[0]

    def offer(r):
        return None if r is None else r[1]

    segments = [Segment(a, b, ev(r), offer(r)) for a, b, r in segs]
    breakpoints = []
    for (_a0, b0, rb), (f, _b1, ra) in pairwise(segs):
        if ra is None or b0 != f:
            continue
        now, before = ra[2], () if rb is None else rb[2]
        breakpoints.append(
            Breakpoint(
                scale=f,
                capacity=tuple((y, f * c) for y, c in base_cap),
                expected_below=ev(rb),
                expected_above=ev(ra),
                change=Change(
                    tuple(x for x in now if x not in set(before)),
                    tuple(x for x in before if x not in set(now)),
                ),
                tolerance=tol,
            )
        )
    points, left = [], list(unfinished)  # the walk's range left, then its points
    for f in np.linspace(lo, hi, steps + 1):
        held = [s for s in segs if s[0] <= f <= s[1]]
        if not held:
            left.append(f"point at scale {f:g}")
            continue
        r = segs[0][2]
        for a, _b, rr in segs:
            if f >= a:
                r = rr
        points.append(FrontierPoint(float(f), ev(r), offer(r)))
    return Frontier(
        problem=spec.name,
        sense=spec.sense,
        value_unit=spec.value_unit,
        resource=resource,
        unit=spec.resource(resource).unit,
        base_capacity=base_cap,
        range=(lo, hi),
        tolerance=tol,
        segments=tuple(segments),
        breakpoints=tuple(breakpoints),
        points=tuple(points),
        use_front=use,
        cvar_front=None,
        solves=solves,
        solver=solver,
        time_s=time.perf_counter() - t0,
        notes=NOTES + tuple(warnings),  # a re-solve stopped at a limit (offer_envelope)
        unfinished=tuple(left),
        proven=UNPROVEN not in warnings,
    )
