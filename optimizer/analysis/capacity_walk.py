"""The capacity walk, shared by the frontier and the sensitivity analyses: the exact step
function of the optimum over a factor on a resource's capacities.

``threshold_walk`` -- raising a capacity only adds feasible packages, so the package optimal
at a factor stays optimal down to its own *threshold* (the factor at which it fits); one
re-solve just below the threshold finds the next package. ``frontier.capacity_frontier``
walks the loaded model with it.

``CapacityWalk`` -- the same walk for a problem with conditional tranches (``stage = 2``),
where the packages are offers with their tranches re-optimised in every scenario and a
threshold is read from the verified solution (``frontier_tranches``, the frontier), and
``capacity_tipping`` -- the tipping point of a capacity factor read off two such walks
(``sensitivity_tranches``, the sensitivity).
"""

from __future__ import annotations

import math

from solvers.deadline import expired
from solvers.resolve import MAX_STEPS, Key

from ..errors import InputError, SolverError, UsageError
from .offer_envelope import OfferSolver, tie
from .proven import watch
from .sensitivity_params import FEASIBILITY_STEP
from .sensitivity_results import TippingPoint


def threshold_walk(at, threshold, lo: float, hi: float, tol: float, enough=None):
    """Segments ``(lower, upper, key)`` of the optimal package over [lo, hi], top down.

    ``at(f)`` solves at factor ``f`` (None if infeasible); ``threshold(key)`` is the smallest
    factor at which the package fits. ``upper`` of a segment is where it was found optimal.
    ``enough(segments)``: true once the segments found so far (top down) answer the caller,
    and the walk stops there.
    """
    segs: list[tuple[float, float, Key | None]] = []
    b = hi
    k = at(b)
    if expired():
        return segs
    for _ in range(MAX_STEPS):
        if k is None:
            segs.append((lo, b, None))  # infeasible here, so at every smaller factor too
            return segs
        t = threshold(k)
        segs.append((max(t, lo), b, k))
        if t <= lo or (enough is not None and enough(segs)):
            return segs
        b = max(t - tol, lo)
        nk = at(b)
        if expired():  # --max-time: the range below is left unfinished (partial.py)
            return segs
        if nk == k:
            raise SolverError("the capacity walk did not make progress (tolerance too small?)")
        k = nk
    raise SolverError("the capacity walk did not converge")


def _labels(sol) -> tuple[str, ...]:
    """The offer and its tranches, ``c.o in s``: what a breakpoint changes."""
    tr = [f"{c} in {s}" for s, cs in sol.tranches.items() for c in cs]
    return (*map(str, sol.chosen), *tr)


class CapacityWalk:
    """The exact step function of the optimum (or of one offer's value, its tranches
    re-optimised) over a factor on ``resource``'s capacities: ``threshold_walk``."""

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

    def segments(
        self, lo: float, hi: float, tol: float, mode: str = "best", key=None, enough=None
    ) -> list:
        """``[lower, upper, Found | None]`` bottom up, neighbours of equal value joined.

        ``enough(merged)``: given the segments found so far, joined, true once they answer the
        caller (the walk, top down, then stops). It is asked only where the lowest segment
        found is apart from the one above it by more than two ties, so no segment below can
        join the ones above it: what ``enough`` sees above the lowest is final."""
        found: dict[tuple, tuple] = {}  # key -> (Found, the factor it was solved at)

        def at(f: float):
            try:
                fd = self.ses.at(self.spec_at(f), mode, key)
            except SolverError:  # a solve cut short by --max-time: the walk stops at it
                if not expired():
                    raise
                return None
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

        def merge(raw) -> list:
            merged: list[list] = []
            for a, b, k in raw[::-1]:
                fd = None if k is None else found[k][0]
                if merged and fd is not None and merged[-1][2] is not None:
                    e0, e1 = merged[-1][2].sol.expected, fd.sol.expected
                    if abs(e0 - e1) <= tie(e0, e1):  # a tie, not a step: keep the lower policy
                        merged[-1][1] = b
                        continue
                merged.append([a, b, fd])
            return merged

        def apart(raw) -> bool:
            """Whether the lowest segment found stands apart from the one above it."""
            if len(raw) < 2 or raw[-1][2] is None or raw[-2][2] is None:
                return len(raw) >= 2
            e0, e1 = (found[raw[i][2]][0].sol.expected for i in (-1, -2))
            return abs(e0 - e1) > 2 * tie(e0, e1)

        stop = None if enough is None else (lambda raw: apart(raw) and enough(merge(raw)))
        return merge(threshold_walk(at, threshold, lo, hi, tol, stop))


def at(segs, f):
    """The solution of the segment (bottom up) holding factor ``f``; ``None`` below them all."""
    return [fd for a, _b, fd in segs if a <= f][-1] if segs and segs[0][0] <= f else None


def capacity_label(spec, resource: str) -> str:
    """The name of a resource's capacity tipping point (also for it left unfinished)."""
    single = len(spec.resource(resource).capacity) == 1
    return f"{resource} capacity" + ("" if single else " (all years, scaled)")


def capacity_tipping(ses: OfferSolver, spec, resource: str, hi: float = 2.0):
    """The tipping point of a factor on ``resource``'s capacities (0 .. ``hi``): the interval
    around 1 over which the base offer stays optimal. Both the optimum and the base offer's
    value (its tranches re-optimised) are exact step functions (``CapacityWalk``); the offer
    is optimal where they meet. Ends are exact thresholds; a step narrower than the walk's
    tolerance (``tolerance``, in the capacity's unit) could be missed."""
    before, proven = ses.solves, watch(ses)
    sg = 1.0 if spec.sense == "maximize" else -1.0
    cw = CapacityWalk(ses, spec, resource)
    mine = cw.segments(0.0, hi, cw.step, "fixed", ses.key0)  # cheap: the offer is fixed

    def holds(best, f) -> bool:
        v, m = at(best, f), at(mine, f)
        if v is None or m is None:
            return False  # the base offer has no feasible tranches there, or nothing has
        m, v = sg * m.sol.expected, sg * v.sol.expected
        return m >= v - tie(m, v)

    def lower_end(best, final: bool = False) -> tuple | None:
        """``(lower, below)`` where the segments of ``best`` (bottom up) show the base offer
        stop being optimal below 1; ``None`` unless that is above the lowest segment (which
        more segments below could still join) or ``final`` (the walk is done)."""
        cuts = sorted({0.0, hi, *(a for a, _b, _f in best + mine)})
        for i in range(len(cuts) - 1, 0, -1):
            c, prev = cuts[i], cuts[i - 1]
            if c > 1.0 or holds(best, prev):
                continue
            known = final or (len(best) > 1 and prev >= best[1][0])
            return (c, at(best, prev)) if known else None
        return None

    # walked top down: it stops once the lower end is known (the segments below it, often
    # most of the walk, change nothing), exact all the same
    best = cw.segments(0.0, hi, cw.step, enough=lambda segs: lower_end(segs) is not None)
    cuts = sorted({0.0, hi, *(a for a, _b, _f in best + mine)})
    upper, above = hi, None
    for c in (c for c in cuts if 1.0 < c <= hi):
        if not holds(best, c):
            upper, above = c, at(best, c)
            break
    end = lower_end(best, final=True)
    lower, below = end if end is not None else (0.0, None)
    infeasible = end is not None and below is None
    ses.walks[resource] = (best, mine)  # the tornado's capacity row reads its ends off them
    ok = proven()
    if not ok:
        ses.unproven_walks.add(resource)
    single = len(cw.caps) == 1
    unit = spec.resource(resource).unit if single else "x"
    k = cw.caps[0] if single else 1.0
    return TippingPoint(
        parameter=capacity_label(spec, resource),
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
        proven=ok,
    )
