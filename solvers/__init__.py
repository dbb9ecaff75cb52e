"""Solver back ends behind one small interface, found through an explicit registry.

``REGISTRY`` maps each name to a factory; ``available()`` probes cheaply (no solver import
beyond ``importlib.util.find_spec`` for highspy; PuLP asks each solver once and caches).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Feature, SolveOptions, Solver, SolveResult, Status


def _highs() -> Solver:
    from .highs import HighsSolver

    return HighsSolver()


def _pulp(name: str) -> Callable[[], Solver]:
    def make() -> Solver:
        from .pulp_backend import PulpSolver

        return PulpSolver(name)

    return make


REGISTRY: dict[str, Callable[[], Solver]] = {
    "highs": _highs,
    "cbc": _pulp("cbc"),
    "coin": _pulp("coin"),
    "glpk": _pulp("glpk"),
    "gurobi": _pulp("gurobi"),
    "cplex": _pulp("cplex"),
    "scip": _pulp("scip"),
    "xpress": _pulp("xpress"),
    "mosek": _pulp("mosek"),
    "copt": _pulp("copt"),
}
DEFAULT = "highs"
AUTO = "auto"  # chooses by the model's size and structure: see ``choose``
AUTO_CBC_MAX_COLUMNS = 60_000


def choose(model) -> str:
    """The back end ``--solver auto`` picks for ``model``.

    Evidence (benchmarks/README.md, "Where each solver wins"): on pure 0-1 models up to a few
    tens of thousands of columns (OR-Library mknapcb1, generated portfolios) CBC proves more
    optima within the same time than HiGHS; on general MIPs (MIPLIB 3) and continuous models
    HiGHS is faster. So: CBC for pure 0-1 models up to ``AUTO_CBC_MAX_COLUMNS`` columns when
    it is available, HiGHS otherwise.
    """
    import numpy as np

    binary = bool(
        model.integrality.all() and np.all(model.col_lower >= 0) and np.all(model.col_upper <= 1)
    )
    if binary and model.n <= AUTO_CBC_MAX_COLUMNS and "cbc" in available():
        return "cbc"
    return DEFAULT


@dataclass(frozen=True)
class SolverInfo:
    name: str
    available: bool
    reason: str
    features: frozenset[Feature]
    via: str


def info(name: str) -> SolverInfo:
    if name == "highs":
        from .highs import HighsSolver

        ok, why = HighsSolver.available()
        return SolverInfo(name, ok, why, HighsSolver.features, "highspy")
    from .pulp_backend import PULP_SOLVERS, PulpSolver, pulp_available

    ok, why = pulp_available(PULP_SOLVERS[name])
    return SolverInfo(name, ok, why, PulpSolver.features, f"PuLP {PULP_SOLVERS[name]}")


def available() -> list[str]:
    """Names of the back ends usable on this machine, default first."""
    return [n for n in REGISTRY if info(n).available]


def get(name: str) -> Solver:
    """The back end called ``name``; ``SolverError`` listing the usable ones otherwise."""
    from optimizer.errors import SolverError, did_you_mean

    if name not in REGISTRY:
        raise SolverError(f"unknown solver '{name}'{did_you_mean(name, REGISTRY)}")
    i = info(name)
    if not i.available:
        raise SolverError(
            f"solver '{name}' is not available ({i.reason}); available: {', '.join(available())}"
        )
    return REGISTRY[name]()


__all__ = [
    "DEFAULT",
    "REGISTRY",
    "Feature",
    "SolveOptions",
    "SolveResult",
    "Solver",
    "SolverInfo",
    "Status",
    "available",
    "get",
    "info",
]
