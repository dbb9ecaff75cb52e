"""The results of a Pareto analysis (points, front) and what every method shares: a package
checked from the spec alone, and the non-dominated filter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import VerificationError


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


def non_dominated(points: list[ParetoPoint], ids, maximize, steps=None) -> list[ParetoPoint]:
    """The points no other point dominates (values compared to 1e-9 relative, and to under
    half the step of a criterion whose values lie on a grid: ``steps``, criterion -> step, so
    values one step apart stay apart however large they are)."""
    if not points:  # none found within the time budget
        return []
    sg = np.array([1.0 if m else -1.0 for m in maximize])
    V = np.array([[p.criteria[c] for c in ids] for p in points]) * sg
    tol = 1e-9 * np.maximum(1.0, np.abs(V).max(axis=0))
    for k, c in enumerate(ids):
        if (steps or {}).get(c):
            tol[k] = min(tol[k], 0.4 * steps[c])
    keep = []
    for i in range(len(points)):
        ge = np.all(V[i] - tol <= V, axis=1)
        gt = np.any(V[i] + tol < V, axis=1)
        dominated = np.any(ge & gt)
        dup = any(np.all(np.abs(V[j] - V[i]) <= tol) for j in keep)
        if not dominated and not dup:
            keep.append(i)
    return [points[i] for i in keep]
