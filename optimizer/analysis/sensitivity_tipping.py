"""Tipping points: the interval of one input over which the base package stays optimal, found
by re-solving the session's loaded model (the method is in the module doc of ``sensitivity``).

An option's value: the upper envelope of its classes' lines (``Session.classes``), no further
solve. A probability (or another objective parameter): the edges found by intersecting lines
(``objective_edge``). A capacity: down exactly from the base package's own threshold, up to the
tolerance (``rhs_upper_edge``); plain bisection (``bisect_edge``) when a capacity does not
enter its rows with a positive factor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from solvers.resolve import Key, bisect_edge, envelope_walk, objective_edge, rhs_upper_edge

from ..errors import SolverError
from .proven import limited, watch
from .sensitivity_params import ObjectiveParam, RhsParam
from .sensitivity_results import TippingPoint

if TYPE_CHECKING:
    from .sensitivity_session import Session

DEFAULT_TOLERANCE = 1e-4  # relative, for capacities


def tipping(ses: Session, param, tolerance: float = DEFAULT_TOLERANCE) -> TippingPoint:
    """The tipping point of ``param`` (``Session.tipping``); the model is left as it was."""
    before, start, proven = ses.run.solves, ses.doubts, watch(ses)
    try:
        if isinstance(param, ObjectiveParam) and param.option is not None:
            tp = _tipping_classes(ses, param)
        elif isinstance(param, ObjectiveParam):
            tp = _tipping_objective(ses, param)
            param.restore(ses.lm)
        else:
            tp = _tipping_rhs(ses, param, tolerance)
            param.restore(ses.lm)
    except SolverError as e:
        raise limited(ses, start, f"the tipping point of {param.name}", e) from e
    return replace(tp, solves=ses.run.solves - before, proven=proven())


def _at(ses: Session, param) -> Callable[[float], Key | None]:
    def at(theta: float) -> Key | None:
        param.apply(ses.lm, theta)
        return ses.run()

    return at


def tipping_point(
    ses: Session, p, lower, upper, below, above, tol=0.0, below_inf=False
) -> TippingPoint:
    """The ``TippingPoint`` of parameter ``p``, the packages on either side given as keys."""
    return TippingPoint(
        parameter=p.name,
        kind=p.kind,
        target=p.target,
        unit=p.unit,
        base=p.base,
        lower=lower,
        upper=upper,
        below=ses.pk.change(ses.key0, below),
        above=ses.pk.change(ses.key0, above),
        tolerance=tol,
        solves=0,
        below_infeasible=below_inf,
        searched=(p.lo, p.hi),
    )


def _tipping_classes(ses: Session, p: ObjectiveParam) -> TippingPoint:
    oc = ses.classes(*p.option)
    lines, keys = ses.class_lines(oc, p.b)
    d_hi, i_hi = envelope_walk(lines, 0, +1.0)
    d_lo, i_lo = envelope_walk(lines, 0, -1.0)
    return tipping_point(
        ses,
        p,
        p.base + d_lo,
        p.base + d_hi,
        None if i_lo is None else keys[i_lo][1],
        None if i_hi is None else keys[i_hi][1],
    )


def _tipping_objective(ses: Session, p: ObjectiveParam) -> TippingPoint:
    at = _at(ses, p)

    def line(k: Key) -> tuple[float, float]:
        return p.line(ses.pk, k)

    lo, below = objective_edge(at, line, p.base, ses.key0, p.lo, ses.tol_v)
    hi, above = objective_edge(at, line, p.base, ses.key0, p.hi, ses.tol_v)
    if below is None and not p.natural_lo:
        lo = -math.inf
    if above is None and not p.natural_hi:
        hi = math.inf
    return tipping_point(ses, p, lo, hi, below, above)


def _tipping_rhs(ses: Session, p: RhsParam, tolerance: float) -> TippingPoint:
    at = _at(ses, p)
    tol = p.tol_abs(tolerance)
    below_inf = False
    if p.monotone:
        # down: exact -- the base package fits down to its own threshold, and what is
        # optimal just below it takes over
        t0 = p.threshold(ses.pk, ses.key0)
        if t0 <= p.lo:
            lower, below = p.lo, None
        else:
            lower = t0
            eps = p.eps_abs()
            below = at(max(p.lo, t0 - eps))
            for _ in range(3):  # still let through by the solver's tolerance: step further
                if below != ses.key0:
                    break
                eps *= 10
                below = at(max(p.lo, t0 - eps))
            below_inf = below is None
        upper, above, width = rhs_upper_edge(
            at,
            lambda k: p.threshold(ses.pk, k),
            ses.score,
            p.base,
            ses.key0,
            p.hi,
            tol,
            ses.tol_v,
        )
    else:
        lower, below = bisect_edge(at, p.base, ses.key0, p.lo, tol)
        below_inf = below is None and lower != p.lo
        upper, above = bisect_edge(at, p.base, ses.key0, p.hi, tol)
        width = tol
        if above is None:
            upper = math.inf
    return tipping_point(ses, p, lower, upper, below, above, width, below_inf)
