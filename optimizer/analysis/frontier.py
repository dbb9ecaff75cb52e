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

import importlib
import math
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from solvers.deadline import expired
from solvers.resolve import MAX_STEPS, Change, Key, Packages, Runner, bisect_edge

from ..errors import InputError, OptimizerError, SolverError, UsageError
from ..frames_api import Frames
from .odds_packages import OddsPackages, packages_for
from .sensitivity import (
    FEASIBILITY_STEP,
    Session,
    _num,
    resource_rows,
    scale_param,
)

DEFAULT_MAX_POINTS = 200
MAX_LABELS = 8  # breakpoints labelled on a plot (the largest jumps)
# the largest --range factor: beyond it, scaled capacities leave the solvers' numeric range
MAX_FACTOR = 1e6
SHIFTS_NOTE = (
    "the package moves the odds: every expected value and CVaR is at the probabilities that "
    "package induces"
)


@dataclass(frozen=True)
class Segment:
    """Package ``package`` is optimal for factors in [lower, upper)."""

    lower: float
    upper: float
    expected: float | None  # None: infeasible
    package: tuple[str, ...] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "expected": _num(self.expected),
            "package": None if self.package is None else list(self.package),
        }


@dataclass(frozen=True)
class Breakpoint:
    """At ``scale`` the package changes from the one below to the one above."""

    scale: float
    capacity: tuple[tuple[int | None, float], ...]  # (year, capacity) at this scale
    expected_below: float | None
    expected_above: float | None
    change: Change
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": _num(self.scale),
            "capacity": [{"year": y, "capacity": _num(c)} for y, c in self.capacity],
            "expected_below": _num(self.expected_below),
            "expected_above": _num(self.expected_above),
            "enter": list(self.change.enter),
            "leave": list(self.change.leave),
            "tolerance": self.tolerance,
        }


@dataclass(frozen=True)
class FrontierPoint:
    scale: float
    expected: float | None
    package: tuple[str, ...] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": _num(self.scale),
            "expected": _num(self.expected),
            "package": None if self.package is None else list(self.package),
        }


@dataclass(frozen=True)
class ParetoPoint:
    """A non-dominated package: its measure (total use, or CVaR) and expected value."""

    measure: float
    expected: float
    package: tuple[str, ...]
    change: Change  # from the package with the best expected value

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": _num(self.measure),
            "expected": _num(self.expected),
            "package": list(self.package),
            "change": self.change.to_dict(),
        }


@dataclass(frozen=True)
class ParetoFront:
    measure: str  # "total use of fiscal", "CVaR 0.1"
    unit: str
    points: tuple[ParetoPoint, ...]
    solves: int
    tolerance: float  # a package whose measure lies within this of a found one may be missed
    complete: bool  # False when stopped at max_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "unit": self.unit,
            "points": [p.to_dict() for p in self.points],
            "solves": self.solves,
            "tolerance": self.tolerance,
            "complete": self.complete,
        }


@dataclass(frozen=True)
class Frontier(Frames):
    problem: str
    sense: str
    value_unit: str
    resource: str
    unit: str
    base_capacity: tuple[tuple[int | None, float], ...]
    range: tuple[float, float]
    tolerance: float  # absolute, in units of the factor
    segments: tuple[Segment, ...]
    breakpoints: tuple[Breakpoint, ...]
    points: tuple[FrontierPoint, ...]
    use_front: ParetoFront | None
    cvar_front: ParetoFront | None
    solves: int
    solver: str
    time_s: float
    notes: tuple[str, ...] = ()
    unfinished: tuple[str, ...] | None = None  # --max-time: what was not computed (partial.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "problem": self.problem,
            "sense": self.sense,
            "value_unit": self.value_unit,
            "resource": self.resource,
            "unit": self.unit,
            "base_capacity": [{"year": y, "capacity": _num(c)} for y, c in self.base_capacity],
            "range": list(self.range),
            "method": (
                "threshold walk: each breakpoint is the exact factor at which the entering "
                "package fits; a segment narrower than the tolerance below a breakpoint could "
                "be missed (by default the tolerance is the solver's feasibility tolerance)"
            ),
            "tolerance": self.tolerance,
            "segments": [s.to_dict() for s in self.segments],
            "breakpoints": [b.to_dict() for b in self.breakpoints],
            "points": [p.to_dict() for p in self.points],
            "use_front": None if self.use_front is None else self.use_front.to_dict(),
            "cvar_front": None if self.cvar_front is None else self.cvar_front.to_dict(),
            "solves": self.solves,
            "solver": self.solver,
            "time_s": round(self.time_s, 6),
            "notes": list(self.notes),
        }


# ---- the capacity walk -------------------------------------------------------------------


def threshold_walk(at, threshold, lo: float, hi: float, tol: float):
    """Segments ``(lower, upper, key)`` of the optimal package over [lo, hi], top down.

    ``at(f)`` solves at factor ``f`` (None if infeasible); ``threshold(key)`` is the smallest
    factor at which the package fits. ``upper`` of a segment is where it was found optimal.
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
        if t <= lo:
            return segs
        b = max(t - tol, lo)
        nk = at(b)
        if expired():  # --max-time: the range below is left unfinished (partial.py)
            return segs
        if nk == k:
            raise SolverError("the capacity walk did not make progress (tolerance too small?)")
        k = nk
    raise SolverError("the capacity walk did not converge")


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
) -> Frontier:
    """Expected value as ``resource``'s capacities are scaled over [lo, hi] (see module doc)."""
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
        return tranche_frontier(spec, resource, **kw)
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
    if pareto and not expired():
        use = use_front(ses, resource, tolerance=tolerance, max_points=max_points)
        if cvar_alpha is not None:
            cvar, note = cvar_front(ses, cvar_alpha, tolerance=tolerance, max_points=max_points)
            if note:
                notes.append(note)
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
    )


# ---- Pareto fronts (epsilon-constraint) ---------------------------------------------------


def total_use_vector(spec, model, resource: str) -> np.ndarray:
    """Per decision column: its total use of ``resource`` over the horizon (every year, also
    those without a limit)."""
    from ..compile import compile_spec

    # a finite capacity in every year gives every year a row (capacity does not change the
    # coefficients)
    limited = spec.with_capacity(resource, 1.0)
    m = compile_spec(limited)
    rows = [i for i, _ in resource_rows(limited, m)[resource]]
    return np.asarray(m.A.tocsr()[rows].sum(axis=0)).ravel()[: model.n_decision]


def _with_row(model, coefs: np.ndarray, kind: str, label: str, objective: np.ndarray | None = None):
    """``model`` with one more row (coefficients on its columns, bounds free)."""
    from scipy import sparse

    row = sparse.csr_matrix(np.asarray(coefs, dtype=float).reshape(1, -1))
    A = sparse.vstack([model.A.tocsr(), row], format="csr")
    return replace(
        model,
        c=model.c if objective is None else objective,
        A=A,
        row_lower=np.append(model.row_lower, -np.inf),
        row_upper=np.append(model.row_upper, np.inf),
        row_kind=np.append(model.row_kind, np.array([kind], dtype=object)),
        row_label=np.append(model.row_label, np.array([label], dtype=object)),
    )


def _front(run, pk: Packages, measure, step, better_ev, max_points: int):
    """Epsilon-constraint loop: solve, record, move epsilon past the package; filter."""
    found: list[tuple[float, float, Key]] = []
    k = run()
    complete = True
    while k is not None:
        if len(found) >= max_points:
            complete = False
            break
        m = measure(k)
        found.append((m, pk.expected(k), k))
        step(m)
        k = run()
    keep = []
    for i, (m, e, k) in enumerate(found):
        # weakly dominated: the next package is as good in expected value and better in measure
        if i + 1 < len(found) and not better_ev(e, found[i + 1][1]):
            continue
        keep.append((m, e, k))
    return keep, complete


def use_front(
    ses: Session, resource: str, *, tolerance: float | None = None, max_points: int = 200
) -> ParetoFront:
    """Pareto front of expected value against total use of ``resource`` (less is better)."""
    from solvers.resolve import load

    from ..spec.tranches import refuse_tranches

    refuse_tranches(ses.spec, "frontier")

    model = ses.model
    u = total_use_vector(ses.spec, model, resource)
    aug = _with_row(
        model,
        np.concatenate([u, np.zeros(model.n - model.n_decision)]),
        "user",
        f"total use of {resource}",
    )
    lm = load(aug, ses.lm.solver_name or "highs", ses.options)
    pk = packages_for(aug)
    run = Runner(lm, pk)
    row = aug.m - 1
    scale = float(np.abs(u).sum()) or 1.0
    tol = FEASIBILITY_STEP if tolerance is None else max(tolerance * scale, FEASIBILITY_STEP)
    sigma = ses.sigma
    tol_v = ses.tol_v

    def measure(k: Key) -> float:
        return float(u @ pk.vec(k))

    def step(m: float) -> None:
        lm.set_row_bounds([row], [-np.inf], [m - tol])

    keep, complete = _front(
        run, pk, measure, step, lambda e, nxt: sigma * e > sigma * nxt + tol_v, max_points
    )
    best = keep[0][2] if keep else ()
    unit = ses.spec.resource(resource).unit
    return ParetoFront(
        measure=f"total use of {resource}",
        unit=unit,
        points=tuple(
            ParetoPoint(m, e, pk.names(k), pk.change(best, k) or Change((), ())) for m, e, k in keep
        ),
        solves=lm.solves,
        tolerance=tol,
        complete=complete,
    )


def _objectives_module():
    try:
        mod = importlib.import_module("optimizer.objectives")
    except ImportError:
        return None
    if not (hasattr(mod, "apply_objective") and hasattr(mod, "measure")):
        return None
    return mod


def cvar_front(
    ses: Session, alpha: float, *, tolerance: float | None = None, max_points: int = 200
) -> tuple[ParetoFront | None, str]:
    """Pareto front of expected value against CVaR at ``alpha``; ``(None, why)`` when risk
    objectives are not available."""
    obj = _objectives_module()
    if obj is None:
        return (
            None,
            "CVaR front skipped: risk objectives (optimizer/objectives.py) are not available",
        )
    from solvers.resolve import load

    name = f"cvar:{alpha:g}"
    try:
        mc = obj.apply_objective(ses.model, name)
    except OptimizerError as e:
        return None, f"CVaR front skipped: {e.one_line()}"
    model = ses.model
    ev = np.zeros(mc.n)
    ev[: model.n] = np.asarray(model.c, dtype=float)  # with the odds' products, under shifts
    # maximise expected value subject to "the CVaR reformulation's objective >= epsilon": for
    # fixed decisions its best auxiliary values give exactly the package's CVaR
    aug = _with_row(mc, np.asarray(mc.c, dtype=float), "risk", f"{name} floor", objective=ev)
    aug = replace(
        aug, maximize=model.maximize, objective="expected", objective_offset=model.objective_offset
    )
    lm = load(aug, ses.lm.solver_name or "highs", ses.options)
    pk = packages_for(aug)
    run = Runner(lm, pk)
    row = aug.m - 1
    off = float(mc.objective_offset)
    scenario_ids = model.scenario_ids
    levels = model.objective_offset if model.scenario_offset is None else model.scenario_offset

    def measure(k: Key) -> float:
        # levels (baselines included), at the odds the package induces under shifts
        v = pk.vec(k) @ model.C[: model.n_decision] + levels
        by = dict(zip(scenario_ids, v.tolist(), strict=True))
        q = None
        if isinstance(pk, OddsPackages):
            q = dict(zip(scenario_ids, pk.probabilities(k).tolist(), strict=True))
        return float(obj.measure(name, ses.spec, by, mc, q))

    values: list[float] = []
    rel = FEASIBILITY_STEP if tolerance is None else max(tolerance, FEASIBILITY_STEP)

    def step(m: float) -> None:
        values.append(m)
        tol = rel * max(abs(m), 1.0)
        if mc.maximize:
            lm.set_row_bounds([row], [m + tol - off], [np.inf])
        else:
            lm.set_row_bounds([row], [-np.inf], [m - tol - off])

    sigma = ses.sigma
    keep, complete = _front(
        run, pk, measure, step, lambda e, nxt: sigma * e > sigma * nxt + ses.tol_v, max_points
    )
    best = keep[0][2] if keep else ()
    scale = max((abs(v) for v in values), default=1.0)
    return (
        ParetoFront(
            measure=f"CVaR {alpha:g}",
            unit=ses.spec.value_unit,
            points=tuple(
                ParetoPoint(m, e, pk.names(k), pk.change(best, k) or Change((), ()))
                for m, e, k in keep
            ),
            solves=lm.solves,
            tolerance=rel * max(scale, 1.0),
            complete=complete,
        ),
        "",
    )


# ---- plot --------------------------------------------------------------------------------


def _short(ch: Change, limit: int = 3) -> str:
    parts = [f"+{e}" for e in ch.enter] + [f"-{x}" for x in ch.leave]
    if len(parts) > limit:
        parts = [*parts[:limit], f"(+{len(parts) - limit} more)"]
    return "\n".join(parts)


def plot(front: Frontier, path) -> None:
    """Draw the frontier (and the Pareto fronts) to ``path`` (.png or .svg), atomically."""
    from pathlib import Path

    try:
        import matplotlib
    except ImportError:
        from ..errors import UsageError

        raise UsageError(
            "plotting needs matplotlib: pip install 'commitment-optimizer[plot]'", where="--plot"
        ) from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..report.output import save_figure

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"the plot must be .png or .svg, got '{path.name}'", where="--plot")
    fronts = [f for f in (front.use_front, front.cvar_front) if f is not None and f.points]
    fig, axes = plt.subplots(1, 1 + len(fronts), figsize=(7 + 5 * len(fronts), 5), squeeze=False)
    ax = axes[0][0]
    vu = f" ({front.value_unit})" if front.value_unit else ""
    xs, ys = [], []
    for s in front.segments:
        if s.expected is None:
            continue
        xs += [s.lower, s.upper]
        ys += [s.expected, s.expected]
    ax.plot(xs, ys, color="tab:blue", lw=2, drawstyle="steps-post")
    pts = [p for p in front.points if p.expected is not None]
    ax.plot([p.scale for p in pts], [p.expected for p in pts], "o", ms=3, color="tab:blue")
    shown = [b for b in front.breakpoints if b.expected_above is not None]
    for b in shown:
        ax.axvline(b.scale, color="grey", lw=0.6, ls=":")
    # label the largest jumps only, so that the labels stay readable
    shown.sort(key=lambda b: -(b.expected_above - (b.expected_below or 0.0)))
    shown = sorted(shown[:MAX_LABELS], key=lambda b: b.scale)
    for i, b in enumerate(shown):
        ax.annotate(
            _short(b.change),
            (b.scale, b.expected_above),
            xytext=(4, -10 - 12 * (i % 3)),
            textcoords="offset points",
            fontsize=7,
            va="top",
        )
    ax.axvline(1.0, color="black", lw=0.8, ls="--")
    ax.set_xlabel(f"capacity of {front.resource} (x base)")
    ax.set_ylabel(f"expected value{vu}")
    ax.set_title(f"{front.problem}: value of {front.resource}")
    for j, f in enumerate(fronts, start=1):
        a = axes[0][j]
        pts_f = sorted(f.points, key=lambda p: p.measure)
        a.plot(
            [p.measure for p in pts_f],
            [p.expected for p in pts_f],
            "o-",
            drawstyle="steps-post" if f.measure.startswith("total") else "default",
            color="tab:orange",
        )
        idx = np.unique(np.linspace(1, len(f.points) - 1, MAX_LABELS // 2).round().astype(int))
        for p in [f.points[int(i)] for i in idx if 0 < i < len(f.points)]:
            a.annotate(
                _short(p.change, 2),
                (p.measure, p.expected),
                fontsize=6,
                xytext=(3, 3),
                textcoords="offset points",
            )
        unit = f" ({f.unit})" if f.unit else ""
        a.set_xlabel(f"{f.measure}{unit}")
        a.set_ylabel(f"expected value{vu}")
        a.set_title(f"Pareto front: expected value vs {f.measure}")
    fig.tight_layout()
    save_figure(fig, path)


__all__ = [
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
    "use_front",
]
