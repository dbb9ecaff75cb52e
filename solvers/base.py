"""The one small interface between the engine and solver back ends.

A back end sees only a ``MatrixModel`` (never commitments or scenarios) and returns a
``SolveResult`` whose ``status`` is a ``Status``; the solver's own status text is kept in
``raw_status`` for debugging.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # NumPy is imported by the back ends, not by `optimizer --help`
    import numpy as np


class Status(enum.StrEnum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"  # stopped at the limit; x is the incumbent if there is one
    INTERRUPTED = "interrupted"
    ERROR = "error"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class Feature(enum.StrEnum):
    INTEGER = "integer"
    DUALS = "duals"  # row duals for continuous models
    TIME_LIMIT = "time_limit"
    MIP_GAP = "mip_gap"
    WARM_RESOLVE = "warm_resolve"  # keeps a model loaded and changes costs/bounds in place
    START = "start"  # starts a MIP from a feasible point (``model.meta["start"]``)


DEFAULT_MIP_GAP = 1e-6  # relative; tighter than HiGHS' 1e-4 so "optimal" means proven to 6 digits


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    verbose: bool = False
    presolve: bool = True

    @property
    def effective_mip_gap(self) -> float:
        return DEFAULT_MIP_GAP if self.mip_gap is None else float(self.mip_gap)


@dataclass(frozen=True)
class SolveResult:
    status: Status
    x: np.ndarray | None
    objective: float | None
    bound: float | None = None
    gap: float | None = None
    time_s: float = 0.0
    solver: str = ""
    raw_status: str = ""
    message: str = ""
    duals: np.ndarray | None = None
    nodes: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.x is not None

    def __repr__(self) -> str:
        obj = "None" if self.objective is None else f"{self.objective:.6g}"
        return f"SolveResult({self.solver}: {self.status.value}, objective={obj}, time={self.time_s:.3f}s)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "time_s": self.time_s,
            "solver": self.solver,
            "raw_status": self.raw_status,
            "nodes": self.nodes,
        }

    def summary(self) -> dict[str, Any]:
        """What a verified solution reports of the solve (its ``solver`` field)."""
        return {
            "name": self.solver,
            "time_s": round(self.time_s, 6),
            "gap": self.gap,
            "bound": self.bound,
            "raw_status": self.raw_status,
            "nodes": self.nodes,
        }


class Solver(Protocol):
    name: str
    features: frozenset[Feature]

    def solve(self, model: Any, options: SolveOptions) -> SolveResult: ...


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|bound - objective| / max(1, |objective|), as HiGHS and CBC report it."""
    if (
        objective is None
        or bound is None
        or not math.isfinite(bound)
        or not math.isfinite(objective)
    ):
        return None
    return abs(bound - objective) / max(1.0, abs(objective))
