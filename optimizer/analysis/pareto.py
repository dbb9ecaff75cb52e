"""The exact Pareto front of two criteria (ε-constraint with the next-value step).

Criterion ``a`` is optimised while criterion ``b`` is bounded: ``b`` at least (at most, when
minimised) the last point's value plus one step. When every coefficient of ``b`` is a multiple
of a common step ``g`` (integers, or decimals with at most 9 digits), the next value of ``b``
is at least one ``g`` away, so no non-dominated value is skipped: the front is exact. Each
point is made lexicographically optimal (``a`` first, then ``b``): in one solve with an
augmented objective ``a + rho * b`` when ``a`` also has a step (``rho`` small enough that a
step of ``a`` outweighs any change of ``b``), else in two. Every package is decoded and checked
against the spec (:func:`optimizer.solution.evaluate`), its criteria recomputed from the spec.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers.deadline import expired

from ..criteria_objective import _exact, _known, optimum, with_requires
from ..errors import InputError, VerificationError

MAX_DIGITS = 9


def grid_step(coef: np.ndarray) -> float | None:
    """The largest ``g`` that divides every coefficient (``None``: no common step found)."""
    v = np.abs(coef[coef != 0])
    if v.size == 0:
        return None
    for d in range(MAX_DIGITS + 1):
        scaled = v * 10.0**d
        r = np.round(scaled)
        if np.all(np.abs(scaled - r) <= 1e-9 * np.maximum(1.0, scaled)) and r.max() < 2**53:
            g = 0
            for k in r.astype(np.int64):
                g = math.gcd(g, int(k))
            return g / 10.0**d
    return None


@dataclass(frozen=True)
class ParetoPoint:
    criteria: dict[str, float]
    chosen: tuple
    supported: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "criteria": {k: round(v, 10) for k, v in self.criteria.items()},
            "package": [c.to_dict() for c in self.chosen],
        }
        if self.supported is not None:
            d["supported"] = self.supported
        return d


@dataclass(frozen=True)
class ParetoFront:
    problem: str
    criteria: tuple[str, ...]
    senses: tuple[str, ...]
    points: tuple[ParetoPoint, ...]
    method: str
    exact: bool
    solves: int
    step: dict[str, float] = field(default_factory=dict)
    unfinished: tuple[str, ...] | None = None  # --max-time: what was not found (partial.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "criteria": list(self.criteria),
            "senses": dict(zip(self.criteria, self.senses, strict=True)),
            "method": self.method,
            "exact": self.exact,
            "solves": self.solves,
            "step": self.step,
            "points": [p.to_dict() for p in self.points],
        }


def check_package(spec, model, x):
    """``(chosen, criteria values)`` of a solver's ``x``, from the spec alone."""
    from ..criteria_check import package_criteria
    from ..solution import decode, decode_responses, evaluate

    chosen = decode(model, x)
    ev = evaluate(spec, chosen, decode_responses(model, x))
    if not ev.feasible:
        raise VerificationError(
            f"{spec.name}: a Pareto package fails the independent check: {ev.violations[0]}"
        )
    return tuple(chosen), package_criteria(spec, chosen, ev.expected)


def non_dominated(points: list[ParetoPoint], ids, maximize) -> list[ParetoPoint]:
    """The points no other point dominates (values compared to 1e-9 relative)."""
    if not points:  # none found within the time budget
        return []
    sg = np.array([1.0 if m else -1.0 for m in maximize])
    V = np.array([[p.criteria[c] for c in ids] for p in points]) * sg
    tol = 1e-9 * np.maximum(1.0, np.abs(V).max(axis=0))
    keep = []
    for i in range(len(points)):
        ge = np.all(V[i] - tol <= V, axis=1)
        gt = np.any(V[i] + tol < V, axis=1)
        dominated = np.any(ge & gt)
        dup = any(np.all(np.abs(V[j] - V[i]) <= tol) for j in keep)
        if not dominated and not dup:
            keep.append(i)
    return [points[i] for i in keep]


def _setup(spec, criteria, requires):
    from ..compile import compile_spec
    from ..criteria import criteria_of

    model = compile_spec(spec)
    data = criteria_of(model, "--criteria")
    for cid in criteria:
        _known(data, cid, "--criteria")
    if len(set(criteria)) != len(criteria) or len(criteria) < 2:
        raise InputError(
            f"expected two or more different criteria, got {','.join(criteria)}", where="--criteria"
        )
    return with_requires(model, tuple(requires)), data


def pareto_front(
    spec,
    criteria=("expected",),
    *,
    solver: Any = "highs",
    options: Any = None,
    requires=(),
    max_points: int = 10_000,
) -> ParetoFront:
    """The non-dominated set of ``criteria`` (two: exact; more: the supported points)."""
    criteria = tuple(criteria)
    model, data = _setup(spec, criteria, requires)
    if len(criteria) > 2:
        from .pareto_supported import supported_front

        return supported_front(spec, model, data, criteria, solver, options)
    from ..criteria_objective import _backend

    backend, opts = _backend(solver), _exact(options)
    a, b = criteria
    ga, gb = grid_step(data.K[:, data.index(a)]), grid_step(data.K[:, data.index(b)])
    if gb is None and ga is not None:  # step on the criterion that has a grid
        a, b, ga, gb = b, a, gb, ga
    ka, kb = data.index(a), data.index(b)
    ma, mb = bool(data.maximize[ka]), bool(data.maximize[kb])
    sa, sb = (1.0 if ma else -1.0), (1.0 if mb else -1.0)
    ca, cb = data.column(a, model.n), data.column(b, model.n)
    exact = gb is not None
    span_b = float(np.abs(data.K[:, kb]).sum()) + (gb or 0.0)
    step = gb if exact else 1e-6 * max(1.0, span_b)
    rho = ga / (2.0 * span_b) if ga is not None and span_b > 0 else None
    if rho is not None and rho * step < 1e-5:  # a tie-break the solver's tolerances would blur
        rho = None
    points: list[ParetoPoint] = []
    solves = 0
    level = None
    while len(points) < max_points:
        m = model if level is None else with_requires(model, ((b, ">=" if mb else "<=", level),))
        if rho is not None:
            x = optimum(m, sa * ca + rho * sb * cb, True, backend, opts)
            solves += 1
        else:
            x = optimum(m, ca, ma, backend, opts)
            solves += 1
            if x is not None:
                va = float(data.values(x)[ka])
                tol = 1e-9 * max(1.0, abs(va))
                held = (a, ">=", va - tol) if ma else (a, "<=", va + tol)
                x2 = optimum(with_requires(m, (held,)), cb, mb, backend, opts)
                x = x if x2 is None else x2
                solves += 1
        if x is None or expired():  # --max-time: the rest of the front is left unfinished
            break
        chosen, values = check_package(spec, model, x)
        points.append(ParetoPoint({c: values[c] for c in criteria}, chosen))
        vb = values[b]
        level = vb + sb * step * (1.0 - 1e-3)
    pts = non_dominated(points, criteria, [data.maximize[data.index(c)] for c in criteria])
    pts.sort(key=lambda p: [p.criteria[c] for c in criteria])
    how = f"ε-constraint on '{b}' with the next-value step {step:g}"
    how += "; one augmented solve a point" if rho is not None else "; two solves a point"
    if not exact:
        how += " (no common step found: a point closer than the step to another may be missed)"
    return ParetoFront(
        problem=spec.name,
        criteria=criteria,
        senses=tuple("maximize" if data.maximize[data.index(c)] else "minimize" for c in criteria),
        points=tuple(pts),
        method=how,
        exact=exact,
        solves=solves,
        step={b: step} | ({a: ga} if ga else {}),
        unfinished=(
            ("the whole front" if level is None else f"points past {b} = {level:g}",)
            if expired()
            else ()
        ),
    )
