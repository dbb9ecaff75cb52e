"""The result types of the efficient frontier (``frontier.capacity_frontier``): segments,
breakpoints, sampled points, the Pareto fronts and the whole ``Frontier``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solvers.resolve import Change

from ..frames_api import Frames
from .sensitivity_results import _num


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


NOT_PROVEN = (
    "threshold walk, NOT proven: some re-solves stopped at the per-solve time limit "
    "(--time-limit) before proving optimality, so the segments, breakpoints and packages are "
    "only as good as the packages those solves found; raise --time-limit for exact ones"
)


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
    proven: bool = True  # False: some re-solve stopped at a limit unproven (--time-limit)

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
                if self.proven
                else NOT_PROVEN
            ),
            "proven": self.proven,
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
