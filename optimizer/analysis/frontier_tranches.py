"""The capacity frontier of a problem with conditional tranches (``stage = 2``).

The packages are offers, each with its tranches re-optimised in every scenario; a resource a
tranche uses has one row per scenario (``political_capital[rupture]``, ...), all scaled by the
same factor. Raising the factor only adds feasible (offer, tranches) policies, so the optimal
value is a non-decreasing step function of it, and a policy found optimal at a factor stays
feasible -- and so optimal -- down to its own *threshold*: the largest ratio, over the
resource's rows in every scenario, of what the offer and that scenario's tranches use to the
row's base capacity (read from the verified solution, no solve). The walk of
``frontier.threshold_walk`` applies unchanged: one solve of the problem rebuilt at each
factor per segment. A breakpoint may change the tranches alone (``golden_dome.full in
new_equilibrium``): the value steps there while the offer stays.

The Pareto fronts (expected value against a resource's total use, or against CVaR) are not
given with tranches: a policy's use differs by scenario.
"""

from __future__ import annotations

import math
import time

import numpy as np

from solvers.resolve import Change

from ..errors import InputError, UsageError
from .frontier import Breakpoint, Frontier, FrontierPoint, Segment, threshold_walk
from .offer_envelope import OfferSolver, tie
from .sensitivity import FEASIBILITY_STEP

NOTES = (
    "packages are offers; each offer's conditional tranches are re-optimised in every "
    "scenario at each capacity, and a breakpoint may change the tranches alone",
    "Pareto fronts (total use, CVaR) are not given with conditional tranches: a policy's use "
    "of a resource differs by scenario",
)


def _labels(sol) -> tuple[str, ...]:
    """The offer and its tranches, ``c.o in s``: what a breakpoint changes."""
    tr = [f"{c} in {s}" for s, cs in sol.tranches.items() for c in cs]
    return (*map(str, sol.chosen), *tr)


def tranche_frontier(
    spec, resource: str, *, lo, hi, steps, tolerance, solver, options, **_ignored
) -> Frontier:
    """``frontier.capacity_frontier`` for a problem with tranches (see the module doc)."""
    t0 = time.perf_counter()
    res = spec.resource(resource)
    caps = [float(c) for c in res.capacity]
    if any(c < 0 for c in caps):
        raise UsageError(
            f"resource '{resource}' has a negative capacity: its frontier is not defined yet "
            "for problems with conditional tranches",
            where="--resource",
        )
    positive = [c for c in caps if math.isfinite(c) and c > 0]
    if not positive:
        raise InputError(
            f"resource '{resource}' has no finite capacity to scale", where="--resource"
        )
    ses = OfferSolver(spec, solver, options)
    found: dict[tuple, object] = {}

    def spec_at(f: float):
        if len(caps) == 1:
            return spec.with_capacity(resource, f * caps[0])
        return spec.with_capacity(
            resource, {y: f * c for y, c in zip(spec.period_labels, caps, strict=True)}
        )

    def at(f: float):
        fd = ses.at(spec_at(f))
        if fd is None:
            return None
        key = (_labels(fd.sol), round(float(fd.sol.expected), 9))
        found.setdefault(key, fd)
        return key

    def threshold(key) -> float:
        t = 0.0
        for u in found[key].sol.resources:
            mine = u.id == resource or u.id.startswith(resource + "[")
            if mine and math.isfinite(u.capacity) and u.capacity > 0:
                t = max(t, u.used / u.capacity * factor_of[key])
        return t

    factor_of: dict[tuple, float] = {}

    def at_f(f: float):
        key = at(f)
        if key is not None:
            factor_of.setdefault(key, f)
        return key

    tol = FEASIBILITY_STEP / min(positive) if tolerance is None else max(tolerance, 0.0)
    tol = max(tol, FEASIBILITY_STEP / min(positive))
    walk = threshold_walk(at_f, threshold, lo, hi, tol)[::-1]  # bottom up

    def ev(key):
        return None if key is None else float(found[key].sol.expected)

    merged: list[list] = []
    for a, b, k in walk:  # join neighbouring segments of equal value (ties)
        if merged and k is not None and merged[-1][2] is not None:
            e0, e1 = ev(merged[-1][2]), ev(k)
            if abs(e0 - e1) <= tie(e0, e1):
                merged[-1][1] = b
                continue
        merged.append([a, b, k])

    def offer(key):
        return None if key is None else tuple(map(str, found[key].sol.chosen))

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
        before = set(() if kb is None else kb[0])
        f = merged[i][0]
        breakpoints.append(
            Breakpoint(
                scale=f,
                capacity=tuple((y, f * c) for y, c in base_cap),
                expected_below=ev(kb),
                expected_above=ev(ka),
                change=Change(
                    tuple(x for x in ka[0] if x not in before),
                    tuple(x for x in (kb[0] if kb else ()) if x not in set(ka[0])),
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
        use_front=None,
        cvar_front=None,
        solves=ses.solves,
        solver=ses.backend.name,
        time_s=time.perf_counter() - t0,
        notes=NOTES,
    )
