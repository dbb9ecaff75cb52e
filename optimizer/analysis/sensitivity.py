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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from solvers.deadline import expired
from solvers.resolve import (
    Key,
    Runner,
    bisect_edge,
    envelope_walk,
    objective_edge,
    rhs_upper_edge,
)

from ..errors import InputError, SolverError, UsageError
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

DEFAULT_TOLERANCE = 1e-4  # relative, for capacities


# ---- the analysis ------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionClasses:
    """The best package in each class of packages split by which column of one option they
    choose (``None``: none of them), at the base costs; ``None`` where a class is empty."""

    cols: tuple[int, ...]
    best: dict  # column or None -> (key, objective) or None
    base_class: int | None


class Session:
    """One loaded expected-value model, its base package, and the helpers every search uses."""

    def __init__(
        self, spec, solver: str | Any = "highs", options=None, model=None, packages=None
    ) -> None:
        from solvers import SolveOptions
        from solvers.resolve import load

        from ..compile import compile_spec

        self.spec = spec
        self.model = compile_spec(spec) if model is None else model
        self.options = options or SolveOptions()
        self.lm = load(self.model, solver, self.options)
        if packages is None:  # under [[shifts]]: each package valued at the odds it induces
            from .odds_packages import packages_for

            packages = packages_for(self.model)
        self.pk = packages
        self.run = Runner(self.lm, self.pk)
        self.unfinished: list[str] = []  # --max-time: what was not computed (partial.py)
        key0 = self.run()
        if key0 is None:
            from ..engine import solve

            solve(spec, solver=self.lm.solver_name or "highs")  # raises with a diagnosis
            raise SolverError(f"{spec.name}: infeasible")
        self.key0 = key0
        self.v0 = self.pk.expected(key0)
        self.sigma = 1.0 if self.model.maximize else -1.0
        self.tol_v = 1e-9 * _spread(self.model)
        self._classes: dict[tuple[int, int], OptionClasses] = {}

    def score(self, key: Key) -> float:
        return self.sigma * self.pk.expected(key)

    # -- classes of packages by one option -------------------------------------------------
    def classes(self, ci: int, oi: int) -> OptionClasses:
        """Best package choosing each column of the option, and choosing none of them.

        A parameter that changes only this option's costs moves every package of a class by
        the same amount (its columns exclude each other), so the best package of each class
        stays the best of its class: the optimal value is the upper envelope of one line per
        class, exact after one solve per column (found once, shared by every scenario's value,
        the threshold and the tornado)."""
        if (ci, oi) in self._classes:
            return self._classes[(ci, oi)]
        cols = option_columns(self.model, ci, oi)
        base_class = next((int(j) for j in cols if int(j) in self.key0), None)
        best: dict = {base_class: (self.key0, self.v0)}
        lo = np.asarray(self.lm.col_lower, dtype=float)[cols].copy()
        up = np.asarray(self.lm.col_upper, dtype=float)[cols].copy()
        for j in [*(int(j) for j in cols), None]:
            if j == base_class:
                continue
            if j is None:
                self.lm.set_col_bounds(cols, 0.0, 0.0)
            else:
                self.lm.set_col_bounds([j], 1.0, 1.0)
            k = self.run()
            self.lm.set_col_bounds(cols, lo, up)
            best[j] = None if k is None else (k, self.pk.expected(k))
        oc = OptionClasses(tuple(int(j) for j in cols), best, base_class)
        self._classes[(ci, oi)] = oc
        return oc

    def class_lines(self, oc: OptionClasses, slope: np.ndarray):
        """Score lines ``alpha + beta * delta`` of the non-empty classes, base class first.

        ``slope[i]`` is the objective's change per unit of the parameter on column
        ``oc.cols[i]`` (the none-class does not move)."""
        s = self.sigma
        order = [oc.base_class] + [c for c in oc.best if c != oc.base_class]
        lines, keys = [], []
        for c in order:
            if oc.best[c] is None:
                continue
            k, v = oc.best[c]
            beta = 0.0 if c is None else float(slope[oc.cols.index(c)])
            lines.append((s * v, s * beta))
            keys.append((c, k))
        return lines, keys

    def value_at_classes(self, oc: OptionClasses, slope: np.ndarray, delta: float):
        """Optimal objective and package with the option's costs moved by ``slope * delta``."""
        lines, keys = self.class_lines(oc, slope)
        i = max(range(len(lines)), key=lambda i: (lines[i][0] + lines[i][1] * delta, -i))
        return self.sigma * (lines[i][0] + lines[i][1] * delta), keys[i][1]

    # -- one parameter -------------------------------------------------------------------
    def tipping(self, param, tolerance: float = DEFAULT_TOLERANCE) -> TippingPoint:
        before = self.run.solves
        if isinstance(param, ObjectiveParam) and param.option is not None:
            tp = self._tipping_classes(param)
        elif isinstance(param, ObjectiveParam):
            tp = self._tipping_objective(param)
            param.restore(self.lm)
        else:
            tp = self._tipping_rhs(param, tolerance)
            param.restore(self.lm)
        return replace(tp, solves=self.run.solves - before)

    def _at(self, param) -> Callable[[float], Key | None]:
        def at(theta: float) -> Key | None:
            param.apply(self.lm, theta)
            return self.run()

        return at

    def _tipping_point(self, p, lower, upper, below, above, tol=0.0, below_inf=False):
        return TippingPoint(
            parameter=p.name,
            kind=p.kind,
            target=p.target,
            unit=p.unit,
            base=p.base,
            lower=lower,
            upper=upper,
            below=self.pk.change(self.key0, below),
            above=self.pk.change(self.key0, above),
            tolerance=tol,
            solves=0,
            below_infeasible=below_inf,
            searched=(p.lo, p.hi),
        )

    def _tipping_classes(self, p: ObjectiveParam) -> TippingPoint:
        oc = self.classes(*p.option)
        lines, keys = self.class_lines(oc, p.b)
        d_hi, i_hi = envelope_walk(lines, 0, +1.0)
        d_lo, i_lo = envelope_walk(lines, 0, -1.0)
        return self._tipping_point(
            p,
            p.base + d_lo,
            p.base + d_hi,
            None if i_lo is None else keys[i_lo][1],
            None if i_hi is None else keys[i_hi][1],
        )

    def _tipping_objective(self, p: ObjectiveParam) -> TippingPoint:
        at = self._at(p)

        def line(k: Key) -> tuple[float, float]:
            return p.line(self.pk, k)

        lo, below = objective_edge(at, line, p.base, self.key0, p.lo, self.tol_v)
        hi, above = objective_edge(at, line, p.base, self.key0, p.hi, self.tol_v)
        if below is None and not p.natural_lo:
            lo = -math.inf
        if above is None and not p.natural_hi:
            hi = math.inf
        return self._tipping_point(p, lo, hi, below, above)

    def _tipping_rhs(self, p: RhsParam, tolerance: float) -> TippingPoint:
        at = self._at(p)
        tol = p.tol_abs(tolerance)
        below_inf = False
        if p.monotone:
            # down: exact -- the base package fits down to its own threshold, and what is
            # optimal just below it takes over
            t0 = p.threshold(self.pk, self.key0)
            if t0 <= p.lo:
                lower, below = p.lo, None
            else:
                lower = t0
                eps = p.eps_abs()
                below = at(max(p.lo, t0 - eps))
                for _ in range(3):  # still let through by the solver's tolerance: step further
                    if below != self.key0:
                        break
                    eps *= 10
                    below = at(max(p.lo, t0 - eps))
                below_inf = below is None
            upper, above, width = rhs_upper_edge(
                at,
                lambda k: p.threshold(self.pk, k),
                self.score,
                p.base,
                self.key0,
                p.hi,
                tol,
                self.tol_v,
            )
        else:
            lower, below = bisect_edge(at, p.base, self.key0, p.lo, tol)
            below_inf = below is None and lower != p.lo
            upper, above = bisect_edge(at, p.base, self.key0, p.hi, tol)
            width = tol
            if above is None:
                upper = math.inf
        return self._tipping_point(p, lower, upper, below, above, width, below_inf)

    # -- what would it take --------------------------------------------------------------
    def threshold(self, ci: int, oi: int) -> Threshold:
        """The change in the option's value, the same in every scenario, that brings it into
        the optimal package (not chosen) or drops it (chosen): the first breakpoint, in the
        favourable direction, where the class on top switches between 'with' and 'without'."""
        spec = self.spec
        before = self.run.solves
        _cols, w, basis = unit_value_direction(spec, self.model, ci, oi)
        label = f"{spec.commitments[ci].id}.{spec.commitments[ci].options[oi].id}"
        oc = self.classes(ci, oi)
        chosen = oc.base_class is not None
        lines, keys = self.class_lines(oc, w)  # one unit in every scenario: sum(p) = 1
        # favourable direction: up for an option not chosen (maximisation), down for a chosen
        direction = self.sigma * (-1.0 if chosen else 1.0)
        d, i = envelope_walk(lines, 0, direction, stop=lambda i: (keys[i][0] is None) == chosen)
        return Threshold(
            option=label,
            chosen=chosen,
            change=None if i is None else d,
            unit=spec.value_unit,
            basis=basis,
            package=None if i is None else self.pk.change(self.key0, keys[i][1]),
            solves=self.run.solves - before,
        )

    # -- tornado ---------------------------------------------------------------------------
    def tornado(self, rel: float, tipping: Sequence[TippingPoint] = ()) -> list[TornadoRow]:
        """Optimal expected value with each input at base * (1 - rel) and base * (1 + rel)."""
        spec, model = self.spec, self.model
        known = {(t.kind, t.target): t for t in tipping}
        rows: list[TornadoRow] = []

        def value_at(param, theta: float) -> tuple[float, Key | None]:
            if isinstance(param, ObjectiveParam) and param.option is not None:
                oc = self.classes(*param.option)
                return self.value_at_classes(oc, param.b, theta - param.base)
            t = known.get((param.kind, param.target))
            # inside the base package's interval (capacities: clear of the tolerance window)
            if t is not None and t.lower <= theta <= t.upper - t.tolerance:
                k = self.key0
            else:
                param.apply(self.lm, theta)
                k = self.run()
                param.restore(self.lm)
                if k is None:
                    return math.nan, k
            if isinstance(param, ObjectiveParam):
                return param.objective(self.pk, k, theta), k
            return self.pk.expected(k), k

        def add(name: str, kind: str, param, lo: float, hi: float) -> None:
            if expired():  # --max-time: the row is left unfinished (partial.py)
                return self.unfinished.append(f"tornado: {name}")
            vl, kl = value_at(param, lo)
            vh, kh = value_at(param, hi)
            if expired():
                return self.unfinished.append(f"tornado: {name}")
            rows.append(
                TornadoRow(
                    name,
                    kind,
                    lo,
                    hi,
                    vl,
                    vh,
                    None if kl == self.key0 else self.pk.change(self.key0, kl),
                    None if kh == self.key0 else self.pk.change(self.key0, kh),
                    getattr(param, "unit", ""),
                )
            )

        for p in probability_params(spec, model):
            add(
                p.name, "probability", p, max(0.0, p.base * (1 - rel)), min(1.0, p.base * (1 + rel))
            )
        c0 = np.asarray(model.c, dtype=float)
        for ci, cm in enumerate(spec.commitments):
            for oi, o in enumerate(cm.options):
                cols = option_columns(model, ci, oi)
                if cols.size == 0 or not np.any(c0[cols]):
                    continue
                p = ObjectiveParam(
                    name=f"{cm.id}.{o.id} value",
                    kind="option_value",
                    target=f"{cm.id}.{o.id}",
                    unit="x",
                    base=1.0,
                    lo=0.0,
                    hi=2.0,
                    cols=cols,
                    a=np.zeros(cols.size),
                    b=c0[cols],
                    option=(ci, oi),
                )
                add(p.name, "value", p, 1 - rel, 1 + rel)
        for r in spec.resources:
            sp = scale_param(spec, model, r.id)
            if sp is not None:
                add(f"{r.id} capacity", "capacity", sp, 1 - rel, 1 + rel)
        return by_swing(rows)

    # -- shadow prices -------------------------------------------------------------------
    def shadow_prices(self) -> tuple[list[ShadowPrice], float | None]:
        """Row duals of the resource rows in the LP relaxation (HiGHS gives duals)."""
        import solvers
        from solvers import Status

        if "highs" not in solvers.available():
            return [], None
        relaxed = self.model.relaxed()
        res = solvers.get("highs").solve(relaxed, self.options)
        if res.status != Status.OPTIMAL or res.duals is None:
            return [], None
        units = {r.id: r.unit for r in self.spec.resources}
        act = relaxed.A @ res.x
        out = []
        for rid, rows in resource_rows(self.spec, self.model).items():
            for i, y in rows:
                out.append(
                    ShadowPrice(
                        rid,
                        y,
                        float(self.model.row_upper[i]),
                        float(act[i]),
                        float(res.duals[i]),
                        units.get(rid, ""),
                    )
                )
        return out, res.objective


def sensitivity(
    spec,
    *,
    solver: str = "highs",
    options=None,
    tolerance: float = DEFAULT_TOLERANCE,
    tornado_range: float = 0.2,
    kinds: Sequence[str] = KINDS,
    sections: Sequence[str] = ("tipping", "thresholds", "tornado", "shadow"),
) -> SensitivityReport:
    """Tipping points, what-would-it-take thresholds, tornado and LP shadow prices of ``spec``
    (expected-value objective). With ``[[shifts]]``: ``sensitivity_odds``; with conditional
    tranches: ``sensitivity_tranches``."""
    from ..spec.tranches import has_tranches

    if has_tranches(spec):  # the offer is the package: sensitivity_tranches
        from .sensitivity_tranches import tranche_sensitivity as fn
    elif spec.responses:
        raise UsageError(
            f"{spec.name} has responses (two-stage recourse); this analysis covers packages of "
            "commitments only, use 'optimizer scenarios' for value of information",
            where="sensitivity",
        )
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
        )
    t0 = time.perf_counter()
    ses = Session(spec, solver, options)
    tipping: list[TippingPoint] = []
    if "tipping" in sections:
        params = parameters(spec, ses.model, kinds)
        tipping, left = each(params, lambda p: ses.tipping(p, tolerance), lambda p: p.name)
        ses.unfinished += [f"tipping: {n}" for n in left]
    thresholds: list[Threshold] = []
    if "thresholds" in sections:
        ids = [(ci, oi) for ci, cm in enumerate(spec.commitments) for oi in range(len(cm.options))]
        ids = [i for i in ids if option_columns(ses.model, *i).size]
        label = lambda i: f"{spec.commitments[i[0]].id}.{spec.commitments[i[0]].options[i[1]].id}"  # noqa: E731
        thresholds, left = each(ids, lambda i: ses.threshold(*i), label)
        ses.unfinished += [f"thresholds: {n}" for n in left]
    tornado = ses.tornado(tornado_range, tipping) if "tornado" in sections else []
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
        solves=ses.run.solves,
        solver=ses.lm.solver_name,
        time_s=time.perf_counter() - t0,
        warnings=tuple(ses.run.warnings),
        notes=notes,
        unfinished=tuple(ses.unfinished),
    )
