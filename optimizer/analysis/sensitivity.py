"""Sensitivity that holds for the integer problem: tipping points, "what would it take",
a tornado table, and LP-relaxation shadow prices.

Everything is found by re-solving one loaded model (``solvers.resolve``), changing only costs,
column bounds or row bounds between solves.

An option's value (in one scenario, or in all): the option's columns exclude each other, so
the packages fall into classes -- those choosing each of its columns (start years), and those
choosing none -- and a change in the option's value moves every package of a class by the
same amount. The best package of each class (one solve per column, with that column fixed)
stays the best of its class, so the optimal value is exactly the upper envelope of one line
per class: every breakpoint, for every scenario's value, the what-would-it-take threshold and
the tornado, follows without another solve.

A scenario's probability (the others rescaled in proportion) moves every column: with the
package fixed the objective is a line in the probability, so the optimal value is the upper
envelope of one line per package, convex and piecewise linear (for maximisation). The edge of
the base package's interval is found exactly by intersecting lines (Eisner & Severance):
solve at the far end of the range, intersect the base package's line with the line of the
package found there, and re-solve at the intersection; if nothing beats the base package
there, the intersection is the breakpoint, otherwise the better package replaces the far one.

Capacities (right-hand sides): the optimal value is a non-decreasing step function of a
capacity, because raising it only adds feasible packages. A package is feasible from its own
*threshold* on (the capacity it uses; computed exactly from the matrix, no solve), so:

* down, exactly: the base package stays optimal down to its own threshold, and the package
  optimal just below it (one solve) takes over;
* up, to the stated tolerance: solve at the top of the range; a better package found there
  fits from its threshold on, which brackets the breakpoint between the base value (nothing
  better fits there) and that threshold. Probes alternate between just below the upper end of
  the bracket (one solve settles the common case: the breakpoint is that threshold) and its
  middle; a probe that finds a better package moves the upper end down to that package's
  threshold. The reported end is the exact capacity at which the package taking over fits;
  the breakpoint lies within the tolerance below it.

This needs each capacity to enter its rows with a positive factor (always true for one row,
and for scaling a resource whose capacities are positive); otherwise plain bisection to the
tolerance is used (``bisect_edge``).

This module holds the entry point; the parts are ``sensitivity_session`` (the loaded model and
its re-solves), ``sensitivity_tipping``, ``sensitivity_thresholds``, ``sensitivity_tornado``
and ``sensitivity_duals``, with the inputs in ``sensitivity_params`` and the results in
``sensitivity_results``; problems with ``[[shifts]]`` go to ``sensitivity_odds`` and those
with conditional tranches to ``sensitivity_tranches`` (on an executor: ``sensitivity_sweep``,
``sensitivity_odds_sweep`` and ``sensitivity_tranche_sweep``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..errors import InputError, UsageError
from .partial import each
from .sensitivity_params import (
    FEASIBILITY_STEP,
    KINDS,
    ObjectiveParam,
    RhsParam,
    _spread,
    capacity_params,
    discount_weights,
    option_columns,
    parameters,
    probability_params,
    resource_rows,
    scale_param,
    unit_value_direction,
    value_params,
)
from .sensitivity_results import (
    SensitivityReport,
    ShadowPrice,
    Threshold,
    TippingPoint,
    TornadoRow,
    _num,
    by_swing,
)
from .sensitivity_session import OptionClasses, Session
from .sensitivity_tipping import DEFAULT_TOLERANCE

__all__ = [
    "DEFAULT_TOLERANCE",
    "FEASIBILITY_STEP",
    "KINDS",
    "ObjectiveParam",
    "OptionClasses",
    "RhsParam",
    "SensitivityReport",
    "Session",
    "ShadowPrice",
    "Threshold",
    "TippingPoint",
    "TornadoRow",
    "_num",
    "_spread",
    "by_swing",
    "capacity_params",
    "discount_weights",
    "option_columns",
    "parameters",
    "probability_params",
    "resource_rows",
    "scale_param",
    "sensitivity",
    "unit_value_direction",
    "value_params",
]


def sensitivity(
    spec,
    *,
    solver: str = "highs",
    options=None,
    tolerance: float = DEFAULT_TOLERANCE,
    tornado_range: float = 0.2,
    kinds: Sequence[str] = KINDS,
    sections: Sequence[str] = ("tipping", "thresholds", "tornado", "shadow"),
    sweep: bool = False,
    executor=None,
) -> SensitivityReport:
    """Tipping points, what-would-it-take thresholds, tornado and LP shadow prices of ``spec``
    (expected-value objective). With ``[[shifts]]``: ``sensitivity_odds``; with conditional
    tranches: ``sensitivity_tranches``.

    ``sweep`` (implied by an ``executor``): the re-solves cut into fixed chunks, each in a
    fresh session, on ``executor`` (``None``: in this process), with the same result for any
    number of workers (``sensitivity_sweep``; with tranches ``sensitivity_tranche_sweep``,
    with shifts ``sensitivity_odds_sweep``)."""
    from ..spec.tranches import has_tranches

    sweep = sweep or executor is not None
    extra_kw: dict = {}  # the tranche sweep's executor
    if has_tranches(spec) and sweep:  # the offer is the package, on the executor
        from .sensitivity_tranche_sweep import tranche_sweep as fn

        extra_kw = {"executor": executor}
    elif has_tranches(spec):  # the offer is the package: sensitivity_tranches
        from .sensitivity_tranches import tranche_sensitivity as fn
    elif spec.responses:
        raise UsageError(
            f"{spec.name} has responses (two-stage recourse); this analysis covers packages of "
            "commitments only, use 'optimizer scenarios' for value of information",
            where="sensitivity",
        )
    elif spec.shifts and sweep:  # the package moves the odds, on the executor
        from .sensitivity_odds_sweep import odds_sweep as fn

        extra_kw = {"executor": executor}
    elif spec.shifts:
        from .sensitivity_odds import odds_sensitivity as fn
    if not 0 < tolerance < 1:
        raise InputError(f"tolerance must be in (0, 1), got {tolerance}", where="--tolerance")
    if has_tranches(spec) or spec.shifts:
        return fn(
            spec,
            solver=solver,
            options=options,
            tolerance=tolerance,
            tornado_range=tornado_range,
            kinds=kinds,
            sections=sections,
            **extra_kw,
        )
    t0 = time.perf_counter()
    ses = Session(spec, solver, options)
    tipping: list[TippingPoint] = []
    thresholds: list[Threshold] = []
    tornado: list[TornadoRow] = []
    extra = 0  # the sweep's solves
    if sweep:
        from .sensitivity_sweep import sweep as run_sweep

        kw = dict(tolerance=tolerance, rel=tornado_range, kinds=kinds, sections=sections)
        tipping, thresholds, tornado, extra = run_sweep(ses, executor=executor, **kw)
    if "tipping" in sections and not sweep:
        params = parameters(spec, ses.model, kinds)
        tipping, left = each(params, lambda p: ses.tipping(p, tolerance), lambda p: p.name)
        ses.unfinished += [f"tipping: {n}" for n in left]
    if "thresholds" in sections and not sweep:
        ids = [(ci, oi) for ci, cm in enumerate(spec.commitments) for oi in range(len(cm.options))]
        ids = [i for i in ids if option_columns(ses.model, *i).size]
        label = lambda i: f"{spec.commitments[i[0]].id}.{spec.commitments[i[0]].options[i[1]].id}"  # noqa: E731
        thresholds, left = each(ids, lambda i: ses.threshold(*i), label)
        ses.unfinished += [f"thresholds: {n}" for n in left]
    if "tornado" in sections and not sweep:
        tornado = ses.tornado(tornado_range, tipping)
    notes: tuple[str, ...] = ()
    if any(s.baseline for s in spec.scenarios):
        from .sensitivity_odds import NOTE_BASELINES, baseline_rows

        notes = (NOTE_BASELINES,)
        if "tornado" in sections:
            tornado = by_swing([*tornado, *baseline_rows(spec, ses.v0, tornado_range)])
    prices, lp_obj = ([], None)
    if "shadow" in sections:
        done, left = each(["shadow prices"], lambda _: ses.shadow_prices())
        (prices, lp_obj), ses.unfinished = done[0] if done else ([], None), ses.unfinished + left
    return SensitivityReport(
        problem=spec.name,
        sense=spec.sense,
        value_unit=spec.value_unit,
        package=ses.pk.names(ses.key0),
        expected=ses.pk.expected(ses.key0),
        tolerance=tolerance,
        tipping=tuple(tipping),
        thresholds=tuple(thresholds),
        tornado=tuple(tornado),
        tornado_range=tornado_range,
        shadow_prices=tuple(prices),
        lp_objective=lp_obj,
        solves=ses.run.solves + extra,
        solver=ses.lm.solver_name,
        time_s=time.perf_counter() - t0,
        warnings=tuple(ses.run.warnings),
        notes=notes,
        unfinished=tuple(ses.unfinished),
        status=ses.status0,
    )
