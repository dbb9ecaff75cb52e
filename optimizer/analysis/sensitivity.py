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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solvers.resolve import (
    Change,
    Key,
    Packages,
    Runner,
    bisect_edge,
    envelope_walk,
    objective_edge,
    rhs_upper_edge,
)

from ..errors import InputError, SolverError, UsageError

DEFAULT_TOLERANCE = 1e-4  # relative, for capacities
FEASIBILITY_STEP = 1e-5  # well past the solvers' feasibility tolerances (HiGHS MIP: 1e-6)
KINDS = ("probability", "value", "capacity", "scale", "baseline", "shift")


def _num(x: float | None) -> float | None:
    """JSON-safe number: None for infinities and NaN, float noise rounded away."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.12g}") if x != 0 else 0.0


# ---- parameters --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ObjectiveParam:
    """Costs of ``cols`` are ``a + theta * b``; all other costs stay at the base model's."""

    name: str
    kind: str
    target: str
    unit: str
    base: float
    lo: float
    hi: float
    cols: np.ndarray
    a: np.ndarray
    b: np.ndarray
    natural_lo: bool = False  # lo is an end of the parameter's domain (a probability of 0)
    natural_hi: bool = False
    option: tuple[int, int] | None = None  # (commitment, option) when only its costs move
    offset: tuple[float, float] | None = None  # objective offset a + theta * b, if it moves

    def costs(self, theta: float) -> np.ndarray:
        return self.a + theta * self.b

    def apply(self, lm, theta: float) -> None:
        lm.set_costs(self.cols, self.costs(theta))

    def restore(self, lm) -> None:
        lm.set_costs(self.cols, np.asarray(lm.base.c, dtype=float)[self.cols])

    def line(self, pk: Packages, key: Key) -> tuple[float, float]:
        """Score (sign-adjusted objective) of ``key`` as ``alpha + beta * theta``."""
        m = pk.model
        v = pk.vec(key)
        c0 = np.asarray(m.c, dtype=float)[: pk.nd]
        vc = v[self.cols]
        off_a, off_b = (m.objective_offset, 0.0) if self.offset is None else self.offset
        alpha = c0 @ v - c0[self.cols] @ vc + self.a @ vc + off_a
        beta = self.b @ vc + off_b
        s = 1.0 if m.maximize else -1.0
        return s * float(alpha), s * float(beta)

    def objective(self, pk: Packages, key: Key, theta: float) -> float:
        a, b = self.line(pk, key)
        s = 1.0 if pk.model.maximize else -1.0
        return s * (a + b * theta)


@dataclass(frozen=True, eq=False)
class RhsParam:
    """Upper bounds of ``rows`` are ``theta * g`` (their lower bounds stay)."""

    name: str
    kind: str
    target: str
    unit: str
    base: float
    lo: float
    hi: float  # at or above this the rows can never bind
    rows: np.ndarray
    g: np.ndarray
    A_rows: Any  # csr (len(rows), n_decision)
    resource: str = ""

    @property
    def monotone(self) -> bool:
        return bool(np.all(self.g > 0))

    def apply(self, lm, theta: float) -> None:
        lm.set_row_bounds(self.rows, lm.base.row_lower[self.rows], theta * self.g)

    def restore(self, lm) -> None:
        lm.set_row_bounds(self.rows, lm.base.row_lower[self.rows], lm.base.row_upper[self.rows])

    def threshold(self, pk: Packages, key: Key) -> float:
        """The smallest theta at which package ``key`` fits these rows."""
        act = self.A_rows @ pk.vec(key)
        return float(np.max(act / self.g)) if act.size else -math.inf

    def eps_abs(self) -> float:
        """A step past a threshold that the solver notices (HiGHS accepts a MIP solution that
        breaks a row by up to 1e-6)."""
        scale = abs(self.base) if self.base != 0 else max(self.hi - self.lo, 1.0)
        return max(1e-7 * scale, FEASIBILITY_STEP / float(np.min(np.abs(self.g))))

    def tol_abs(self, tolerance: float) -> float:
        scale = abs(self.base) if self.base != 0 else max(self.hi - self.lo, 1.0)
        return max(tolerance * scale, FEASIBILITY_STEP / float(np.min(np.abs(self.g))))


def discount_weights(spec, model) -> tuple[np.ndarray, np.ndarray]:
    """Per decision column: present value of one unit of value as a one-off at its start, and
    as a yearly amount from its start to the end of the horizon."""
    T = spec.n_periods
    disc = (1.0 + spec.discount_rate) ** -np.arange(T, dtype=float)
    tail = np.cumsum(disc[::-1])[::-1]
    start = np.asarray(model.col_start[: model.n_decision], dtype=np.int64)
    return disc[start], tail[start]


def option_columns(model, ci: int, oi: int) -> np.ndarray:
    nd = model.n_decision
    return np.nonzero((model.col_commitment[:nd] == ci) & (model.col_option[:nd] == oi))[0]


def unit_value_direction(spec, model, ci: int, oi: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Columns of an option and the present value of one more unit of its stated value there
    (one-off at the start, or each year when the option's value is per year)."""
    once, yearly = discount_weights(spec, model)
    cols = option_columns(model, ci, oi)
    o = spec.commitments[ci].options[oi]
    if o.value_per_year:
        return cols, yearly[cols], "per year"
    return cols, once[cols], "one-off" if spec.years else ""


def resource_rows(spec, model) -> dict[str, list[tuple[int, int | None]]]:
    """Rows of each resource in ``model`` with their year (None for a total or single period)."""
    where = {
        (str(k), str(lab)): i
        for i, (k, lab) in enumerate(zip(model.row_kind, model.row_label, strict=True))
    }
    out: dict[str, list[tuple[int, int | None]]] = {}
    for r in spec.resources:
        rows: list[tuple[int, int | None]] = []
        if r.kind == "total":
            i = where.get(("total", f"{r.id} (total)"))
            if i is not None:
                rows.append((i, None))
        else:
            for y in spec.period_labels:
                i = where.get(("budget", r.id if y is None else f"{r.id} {y}"))
                if i is not None:
                    rows.append((i, y))
        out[r.id] = rows
    return out


def _spread(model) -> float:
    """A change in one column's cost larger than this decides any comparison of packages."""
    c = np.asarray(model.c[: model.n_decision], dtype=float)
    return float(np.abs(c).sum()) + 1.0


def probability_params(spec, model) -> list[ObjectiveParam]:
    """Each scenario's probability over [0, 1], the others rescaled in proportion (with
    scenario baselines, the objective offset ``p . b`` moves with it)."""
    nd = model.n_decision
    C = np.asarray(model.C[:nd], dtype=float)
    p = np.asarray(model.p, dtype=float)
    b = np.array([float(s.baseline) for s in spec.scenarios])
    off0 = float(model.objective_offset - p @ b)
    out = []
    if len(p) < 2:
        return out
    cols = np.arange(nd)
    for s, sid in enumerate(model.scenario_ids):
        rest = 1.0 - p[s]
        if rest <= 1e-12:
            continue
        others = np.delete(np.arange(len(p)), s)
        R = C[:, others] @ (p[others] / rest)
        rb = float(b[others] @ (p[others] / rest))
        out.append(
            ObjectiveParam(
                name=f"P({sid})",
                kind="probability",
                target=sid,
                unit="",
                base=float(p[s]),
                lo=0.0,
                hi=1.0,
                cols=cols,
                a=R,
                b=C[:, s] - R,
                natural_lo=True,
                natural_hi=True,
                offset=(off0 + rb, float(b[s]) - rb) if b.any() else None,
            )
        )
    return out


def value_params(spec, model) -> list[ObjectiveParam]:
    """Each option's value in each scenario (of positive probability).

    The parameter is the amount written in the problem when that is a number; when it is a
    profile by year, a multiplier of the profile (base 1).
    """
    p = np.asarray(model.p, dtype=float)
    c0 = np.asarray(model.c, dtype=float)
    spread = _spread(model)
    out = []
    for ci, cm in enumerate(spec.commitments):
        for oi, o in enumerate(cm.options):
            cols, w, _ = unit_value_direction(spec, model, ci, oi)
            if cols.size == 0:
                continue
            for s, sid in enumerate(model.scenario_ids):
                if p[s] <= 0:
                    continue
                amount = o.value.get(sid, 0.0)
                if isinstance(amount, tuple):
                    d = np.asarray(model.C[cols, s], dtype=float)
                    base, unit = 1.0, "x"
                else:
                    d = w
                    base, unit = float(amount), spec.value_unit
                if not np.any(d):
                    continue
                b = p[s] * d
                M = spread / float(np.min(np.abs(b)[np.abs(b) > 0]))
                out.append(
                    ObjectiveParam(
                        name=f"{cm.id}.{o.id} value in {sid}",
                        kind="value",
                        target=f"{cm.id}.{o.id}:{sid}",
                        unit=unit,
                        base=base,
                        lo=base - M,
                        hi=base + M,
                        cols=cols,
                        a=c0[cols] - base * b,
                        b=b,
                        option=(ci, oi),
                    )
                )
    return out


def capacity_params(spec, model, *, per_year: bool = True, scale: bool = True) -> list[RhsParam]:
    """Each resource's capacity in each year (or its total), and a scale of all its years."""
    nd = model.n_decision
    A = model.A.tocsr()
    out: list[RhsParam] = []
    for r in spec.resources:
        rows_years = resource_rows(spec, model)[r.id]
        if not rows_years:
            continue
        rows = np.array([i for i, _ in rows_years], dtype=np.int64)
        if per_year:
            for i, y in rows_years:
                Ai = A[[i]][:, :nd]
                coefs = Ai.toarray().ravel()
                lo = min(0.0, float(np.minimum(coefs, 0).sum()))
                hi = float(np.maximum(coefs, 0).sum())
                if y is not None:
                    label = f"{r.id} {y}"
                else:
                    label = f"{r.id} (total)" if r.kind == "total" else r.id
                out.append(
                    RhsParam(
                        name=f"capacity {label}",
                        kind="capacity",
                        target=label,
                        unit=r.unit,
                        base=float(model.row_upper[i]),
                        lo=lo,
                        hi=hi,
                        rows=np.array([i]),
                        g=np.array([1.0]),
                        A_rows=Ai,
                        resource=r.id,
                    )
                )
        if scale and rows.size > 1:
            sp = scale_param(spec, model, r.id)
            if sp is not None:
                out.append(sp)
    return out


def scale_param(spec, model, resource_id: str) -> RhsParam | None:
    """All of a resource's capacities times one factor (base 1); None if it has no limit."""
    r = spec.resource(resource_id)
    rows_years = resource_rows(spec, model)[r.id]
    if not rows_years:
        return None
    rows = np.array([i for i, _ in rows_years], dtype=np.int64)
    g = np.asarray(model.row_upper[rows], dtype=float)
    keep = g != 0  # a zero capacity does not scale
    if not keep.any():
        return None
    rows_k, g_k = rows[keep], g[keep]
    Ak = model.A.tocsr()[rows_k][:, : model.n_decision]
    pos = np.asarray(Ak.maximum(0).sum(axis=1)).ravel()
    hi = float(np.max(pos / g_k)) if np.all(g_k > 0) else 2.0
    return RhsParam(
        name=f"capacity {r.id} (all years, scaled)",
        kind="scale",
        target=r.id,
        unit="x",
        base=1.0,
        lo=0.0,
        hi=max(hi, 1.0),
        rows=rows_k,
        g=g_k,
        A_rows=Ak,
        resource=r.id,
    )


# ---- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TippingPoint:
    """The interval of one input over which the optimal package stays the same.

    ``lower``/``upper`` are the ends; ``below``/``above`` the package that takes over past
    each end (None: no change up to the end of the searched range, which is then the end;
    an infinite end means no limit). ``tolerance`` is 0 where both ends are exact; otherwise
    a breakpoint lies within ``tolerance`` inside the reported end (for a capacity, below
    ``upper``: ``lower`` is exact).
    """

    parameter: str
    kind: str
    target: str
    unit: str
    base: float
    lower: float
    upper: float
    below: Change | None
    above: Change | None
    tolerance: float
    solves: int
    below_infeasible: bool = False
    searched: tuple[float, float] = (-math.inf, math.inf)

    @property
    def exact(self) -> bool:
        return self.tolerance == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "kind": self.kind,
            "target": self.target,
            "unit": self.unit,
            "base": _num(self.base),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "below": None if self.below is None else self.below.to_dict(),
            "above": None if self.above is None else self.above.to_dict(),
            "below_infeasible": self.below_infeasible,
            "exact": self.exact,
            "tolerance": self.tolerance,
            "searched": [_num(self.searched[0]), _num(self.searched[1])],
            "solves": self.solves,
        }


@dataclass(frozen=True)
class Threshold:
    """What would it take: the change in an option's value (the same in every scenario, so
    also its expected value) that brings it into the optimal package or drops it."""

    option: str
    chosen: bool
    change: float | None  # None: no change of value does it (constraints decide)
    unit: str
    basis: str  # "one-off", "per year" or "" (single period)
    package: Change | None
    solves: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "chosen": self.chosen,
            "change": _num(self.change),
            "unit": self.unit,
            "basis": self.basis,
            "package": None if self.package is None else self.package.to_dict(),
            "solves": self.solves,
        }


@dataclass(frozen=True)
class TornadoRow:
    input: str
    kind: str
    low: float
    high: float
    value_low: float
    value_high: float
    changes_low: Change | None
    changes_high: Change | None

    @property
    def swing(self) -> float:
        return abs(self.value_high - self.value_low)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "kind": self.kind,
            "low": _num(self.low),
            "high": _num(self.high),
            "value_low": _num(self.value_low),
            "value_high": _num(self.value_high),
            "swing": _num(self.swing),
            "package_changes_low": None if self.changes_low is None else self.changes_low.to_dict(),
            "package_changes_high": (
                None if self.changes_high is None else self.changes_high.to_dict()
            ),
        }


@dataclass(frozen=True)
class ShadowPrice:
    """Row dual of a resource row in the LP relaxation: objective change per unit."""

    resource: str
    year: int | None
    capacity: float
    used: float
    price: float
    unit: str

    def sentence(self, value_unit: str, sense: str = "maximize") -> str:
        where = self.resource if self.year is None else f"{self.resource} in {self.year}"
        unit = f" {self.unit}" if self.unit else ""
        vu = f" {value_unit}" if value_unit else ""
        if sense == "maximize":
            effect = f"is worth {self.price:.4g}{vu}"
        else:
            effect = f"changes the cost by {self.price:+.4g}{vu}"
        return f"one more{unit} of {where} {effect} in the LP relaxation"

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "year": self.year,
            "capacity": _num(self.capacity),
            "lp_use": _num(self.used),
            "lp_shadow_price": _num(self.price),
            "unit": self.unit,
        }


@dataclass(frozen=True)
class SensitivityReport:
    problem: str
    sense: str
    value_unit: str
    package: tuple[str, ...]
    expected: float
    tolerance: float
    tipping: tuple[TippingPoint, ...]
    thresholds: tuple[Threshold, ...]
    tornado: tuple[TornadoRow, ...]
    tornado_range: float
    shadow_prices: tuple[ShadowPrice, ...]
    lp_objective: float | None
    solves: int
    solver: str
    time_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # what is computed, where it differs from the plain problem

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "problem": self.problem,
            "sense": self.sense,
            "value_unit": self.value_unit,
            "package": list(self.package),
            "expected": _num(self.expected),
            "method": {
                "probabilities": "exact (line intersection, each verified by a re-solve)",
                "values": (
                    "exact (upper envelope of the best package of each class: packages choosing "
                    "each of the option's columns, or none)"
                ),
                "capacities": (
                    "lower end exact (the base package's own use); upper end located to the "
                    "stated tolerance (relative): the reported point is the exact capacity at "
                    "which the package taking over fits, and the breakpoint lies within the "
                    "tipping point's tolerance below it"
                ),
                "tolerance": self.tolerance,
            },
            "tipping_points": [t.to_dict() for t in self.tipping],
            "what_would_it_take": [t.to_dict() for t in self.thresholds],
            "tornado": {"range": self.tornado_range, "rows": [r.to_dict() for r in self.tornado]},
            "lp_relaxation": {
                "note": "shadow prices are row duals of the LP relaxation, not of the integer problem",
                "objective": _num(self.lp_objective),
                "shadow_prices": [
                    {**s.to_dict(), "sentence": s.sentence(self.value_unit, self.sense)}
                    for s in self.shadow_prices
                ],
            },
            "solves": self.solves,
            "solver": self.solver,
            "time_s": round(self.time_s, 6),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


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
        self.pk = Packages(self.model) if packages is None else packages
        self.run = Runner(self.lm, self.pk)
        key0 = self.run()
        if key0 is None:
            from ..api import solve

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
            vl, kl = value_at(param, lo)
            vh, kh = value_at(param, hi)
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


def by_swing(rows: list[TornadoRow]) -> list[TornadoRow]:
    """Tornado rows, largest swing first (an undefined swing on top)."""
    return sorted(rows, key=lambda r: (-(r.swing if math.isfinite(r.swing) else math.inf), r.input))


def parameters(spec, model, kinds: Sequence[str] = KINDS) -> list:
    out: list = []
    if "probability" in kinds:
        out += probability_params(spec, model)
    if "value" in kinds:
        out += value_params(spec, model)
    if "capacity" in kinds or "scale" in kinds:
        out += [
            p
            for p in capacity_params(spec, model)
            if (p.kind == "capacity" and "capacity" in kinds)
            or (p.kind == "scale" and "scale" in kinds)
        ]
    return out


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
    (expected-value objective). With ``[[shifts]]``: ``sensitivity_odds``."""
    if spec.responses:
        raise UsageError(
            f"{spec.name} has responses (two-stage recourse); this analysis covers packages of "
            "commitments only, use 'optimizer scenarios' for value of information",
            where="sensitivity",
        )
    if not 0 < tolerance < 1:
        raise InputError(f"tolerance must be in (0, 1), got {tolerance}", where="--tolerance")
    if spec.shifts:
        from .sensitivity_odds import odds_sensitivity

        return odds_sensitivity(
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
        tipping = [ses.tipping(p, tolerance) for p in parameters(spec, ses.model, kinds)]
    thresholds: list[Threshold] = []
    if "thresholds" in sections:
        for ci, cm in enumerate(spec.commitments):
            for oi in range(len(cm.options)):
                if option_columns(ses.model, ci, oi).size:
                    thresholds.append(ses.threshold(ci, oi))
    tornado = ses.tornado(tornado_range, tipping) if "tornado" in sections else []
    notes: tuple[str, ...] = ()
    if any(s.baseline for s in spec.scenarios):
        from .sensitivity_odds import NOTE_BASELINES, baseline_rows

        notes = (NOTE_BASELINES,)
        if "tornado" in sections:
            tornado = by_swing([*tornado, *baseline_rows(spec, ses.v0, tornado_range)])
    prices, lp_obj = ses.shadow_prices() if "shadow" in sections else ([], None)
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
    )
