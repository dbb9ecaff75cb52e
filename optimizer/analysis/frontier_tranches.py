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

The Pareto front against use is that of the offer's own total use of the resource, each offer
valued with its tranches re-optimised (``frontier_tranche_front``); the CVaR front is not given
with tranches.
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
    "the Pareto front is of the offer's own total use of the resource (a tranche's use differs "
    "by scenario), each offer valued with its tranches re-optimised; no CVaR front is given "
    "with conditional tranches",
)


def _labels(sol) -> tuple[str, ...]:
    """The offer and its tranches, ``c.o in s``: what a breakpoint changes."""
    tr = [f"{c} in {s}" for s, cs in sol.tranches.items() for c in cs]
    return (*map(str, sol.chosen), *tr)


class CapacityWalk:
    """The exact step function of the optimum (or of one offer's value, its tranches
    re-optimised) over a factor on ``resource``'s capacities: ``frontier.threshold_walk``."""

    def __init__(self, ses: OfferSolver, spec, resource: str) -> None:
        self.ses, self.spec, self.resource = ses, spec, resource
        self.caps = [float(c) for c in spec.resource(resource).capacity]
        if any(c < 0 for c in self.caps):
            raise UsageError(
                f"resource '{resource}' has a negative capacity: its frontier is not defined "
                "yet for problems with conditional tranches",
                where="--resource",
            )
        positive = [c for c in self.caps if math.isfinite(c) and c > 0]
        if not positive:
            raise InputError(
                f"resource '{resource}' has no finite capacity to scale", where="--resource"
            )
        self.step = FEASIBILITY_STEP / min(positive)  # past the solvers' feasibility tolerance

    def spec_at(self, f: float):
        caps, years = self.caps, self.spec.period_labels
        if len(caps) == 1:
            return self.spec.with_capacity(self.resource, f * caps[0])
        return self.spec.with_capacity(
            self.resource, {y: f * c for y, c in zip(years, caps, strict=True)}
        )

    def segments(self, lo: float, hi: float, tol: float, mode: str = "best", key=None) -> list:
        """``[lower, upper, Found | None]`` bottom up, neighbours of equal value joined."""
        found: dict[tuple, tuple] = {}  # key -> (Found, the factor it was solved at)

        def at(f: float):
            fd = self.ses.at(self.spec_at(f), mode, key)
            if fd is None:
                return None
            k = (_labels(fd.sol), round(float(fd.sol.expected), 9))
            found.setdefault(k, (fd, f))
            return k

        def threshold(k) -> float:
            fd, f = found[k]
            t = 0.0
            for u in fd.sol.resources:
                mine = u.id == self.resource or u.id.startswith(self.resource + "[")
                if mine and math.isfinite(u.capacity) and u.capacity > 0:
                    t = max(t, u.used / u.capacity * f)
            return t

        merged: list[list] = []
        for a, b, k in threshold_walk(at, threshold, lo, hi, tol)[::-1]:
            fd = None if k is None else found[k][0]
            if merged and fd is not None and merged[-1][2] is not None:
                e0, e1 = merged[-1][2].sol.expected, fd.sol.expected
                if abs(e0 - e1) <= tie(e0, e1):  # a tie, not a step: keep the lower policy
                    merged[-1][1] = b
                    continue
            merged.append([a, b, fd])
        return merged


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


def capacity_tipping(ses: OfferSolver, spec, resource: str, hi: float = 2.0):
    """The tipping point of a factor on ``resource``'s capacities (0 .. ``hi``): the interval
    around 1 over which the base offer stays optimal. Both the optimum and the base offer's
    value (its tranches re-optimised) are exact step functions (``CapacityWalk``); the offer
    is optimal where they meet. Ends are exact thresholds; a step narrower than the walk's
    tolerance (``tolerance``, in the capacity's unit) could be missed."""
    from .sensitivity_results import TippingPoint

    before = ses.solves
    sg = 1.0 if spec.sense == "maximize" else -1.0
    cw = CapacityWalk(ses, spec, resource)
    best = cw.segments(0.0, hi, cw.step)
    mine = cw.segments(0.0, hi, cw.step, "fixed", ses.key0)

    def at(segs, f):
        return [fd for a, _b, fd in segs if a <= f][-1] if segs and segs[0][0] <= f else None

    def holds(f) -> bool:
        v, m = at(best, f), at(mine, f)
        if v is None or m is None:
            return False  # the base offer has no feasible tranches there, or nothing has
        m, v = sg * m.sol.expected, sg * v.sol.expected
        return m >= v - tie(m, v)

    cuts = sorted({0.0, hi, *(a for a, _b, _f in best + mine)})
    upper, above = hi, None
    for c in (c for c in cuts if 1.0 < c <= hi):
        if not holds(c):
            upper, above = c, at(best, c)
            break
    lower, below, infeasible = 0.0, None, False
    for i in range(len(cuts) - 1, 0, -1):
        c, prev = cuts[i], cuts[i - 1]
        if c > 1.0 or holds(prev):
            continue
        lower, below = c, at(best, prev)
        infeasible = below is None
        break
    single = len(cw.caps) == 1
    unit = spec.resource(resource).unit if single else "x"
    k = cw.caps[0] if single else 1.0
    return TippingPoint(
        parameter=f"{resource} capacity" + ("" if single else " (all years, scaled)"),
        kind="capacity" if single else "scale",
        target=resource,
        unit=unit,
        base=k,
        lower=lower * k,
        upper=upper * k,
        below=None if below is None else ses.change(below),
        above=None if above is None else ses.change(above),
        tolerance=cw.step * k,
        solves=ses.solves - before,
        below_infeasible=infeasible,
        searched=(0.0, hi * k),
    )
