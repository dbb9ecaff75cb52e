"""Packages and parametric searches over a loaded model (``solvers.resolve``).

The searches take callables -- ``at(theta)`` solves the model with the parameter set to
``theta`` and returns the optimal package's key -- so the same code serves objective and
right-hand-side parameters, whatever the parameter is. ``Runner`` turns a ``LoadedModel``
into such a solve, and ``Packages`` names and values the packages met on the way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_STEPS = 500  # safety net for the walks


@dataclass(frozen=True)
class Change:
    """How a package differs from a reference package."""

    enter: tuple[str, ...]
    leave: tuple[str, ...]

    def __str__(self) -> str:
        parts = [f"+{e}" for e in self.enter] + [f"-{x}" for x in self.leave]
        return " ".join(parts) if parts else "(same package)"

    def to_dict(self) -> dict[str, Any]:
        return {"enter": list(self.enter), "leave": list(self.leave)}


Key = tuple[int, ...]  # sorted chosen decision columns


class Packages:
    """The packages met during a sweep: key (chosen decision columns) -> 0/1 vector, names."""

    def __init__(self, model) -> None:
        self.model = model
        self.nd = model.n_decision
        self._vec: dict[Key, np.ndarray] = {}

    def key(self, x: np.ndarray) -> Key:
        k = tuple(np.nonzero(np.asarray(x[: self.nd]) > 0.5)[0].tolist())
        if k not in self._vec:
            v = np.zeros(self.nd)
            v[list(k)] = 1.0
            self._vec[k] = v
        return k

    def vec(self, key: Key) -> np.ndarray:
        return self._vec[key]

    def names(self, key: Key) -> tuple[str, ...]:
        return tuple(self.model.col_name(j) for j in key)

    def change(self, frm: Key, to: Key | None) -> Change | None:
        if to is None:
            return None
        a, b = set(frm), set(to)
        return Change(
            tuple(self.model.col_name(j) for j in sorted(b - a)),
            tuple(self.model.col_name(j) for j in sorted(a - b)),
        )

    def expected(self, key: Key, c: np.ndarray | None = None) -> float:
        """``c . x + offset`` over the decision columns: the objective of the package unless
        the model has products of the odds and the values (``[[shifts]]``), whose columns
        ``y_m * x_j`` it leaves out -- refused then (a subclass must value the package)."""
        if self.model.meta.get("shifts", {}).get("products", 0) and type(self) is Packages:
            raise NotImplementedError(
                "a package's value under [[shifts]] needs the products of the odds and the "
                "values; value it from p(x) and its levels (sensitivity_odds.OddsPackages)"
            )
        c = self.model.c if c is None else c
        return float(c[: self.nd] @ self.vec(key) + self.model.objective_offset)


class Runner:
    """Solves a ``LoadedModel`` and returns the optimal package's key (None if infeasible)."""

    def __init__(self, lm, packages: Packages) -> None:
        self.lm = lm
        self.pk = packages
        self.warnings: list[str] = []
        self.last_status = None  # the last run's ``Status`` (the base package's, first)
        # re-solves that stopped at a limit with a package not proven optimal, and reads of
        # a kept result that rests on one (``optimizer.analysis.proven``)
        self.doubts = 0

    @property
    def solves(self) -> int:
        return self.lm.solves

    def __call__(self) -> Key | None:
        from optimizer.errors import LimitError, SolverError

        from . import Status

        res = self.lm.solve()
        self.last_status = res.status
        if res.status == Status.INFEASIBLE:
            return None
        if res.status == Status.UNBOUNDED:
            raise SolverError(f"the model is unbounded during a re-solve ({res.raw_status})")
        if res.x is None:
            cls = LimitError if res.status == Status.TIME_LIMIT else SolverError
            why = f"{res.status.value} ({res.raw_status})"
            from .deadline import expired

            if res.status == Status.TIME_LIMIT and not expired():
                why += ": the per-solve time limit (--time-limit) is too short for it"
            raise cls(f"a re-solve found no package: {why}")
        if res.status != Status.OPTIMAL:
            self.doubts += 1
        if res.status != Status.OPTIMAL and not self.warnings:
            self.warnings.append(
                "some re-solves stopped at a limit before proving optimality; "
                "their breakpoints are only as good as the incumbent"
            )
        return self.pk.key(res.x)


def envelope_walk(
    lines: Sequence[tuple[float, float]],
    start: int,
    direction: float,
    stop: Callable[[int], bool] = lambda i: True,
) -> tuple[float, int | None]:
    """Walk the upper envelope of ``lines`` (``alpha + beta * d``, larger is better) from
    ``d = 0``, where line ``start`` is on top, in ``direction`` (+1 or -1).

    Returns ``(d, i)`` at the first breakpoint where the line taking over satisfies
    ``stop(i)``, or ``(direction * inf, None)`` if there is none. Exact: no solve.
    """
    cur, d = start, 0.0
    for _ in range(len(lines) + 1):
        a0, b0 = lines[cur]
        best = None
        for i, (a, b) in enumerate(lines):
            rate = (b - b0) * direction  # how fast line i gains on the current one
            if i == cur or rate <= 0:
                continue
            gap = max((a0 + b0 * d) - (a + b * d), 0.0)
            cand = (gap / rate, -rate, i)  # at a tie, the steepest line stays on top
            if best is None or cand < best:
                best = cand
        if best is None:
            return direction * math.inf, None
        d += direction * best[0]
        cur = best[2]
        if stop(cur):
            return d, cur
    return direction * math.inf, None


def objective_edge(
    at: Callable[[float], Key | None],
    line: Callable[[Key], tuple[float, float]],
    theta0: float,
    key0: Key,
    bound: float,
    tol_v: float,
) -> tuple[float, Key | None]:
    """Nearest breakpoint from ``theta0`` toward ``bound`` where ``key0`` stops being optimal.

    ``at(theta)`` solves and returns the optimal package; ``line(key)`` gives its score as
    ``alpha + beta * theta`` (larger is better). Returns ``(edge, taker)`` with ``taker``
    None when ``key0`` stays optimal all the way to ``bound``.
    """

    def score(k: Key, t: float) -> float:
        a, b = line(k)
        return a + b * t

    from optimizer.errors import SolverError

    if bound == theta0:
        return bound, None
    far = at(bound)
    if far is None:
        raise SolverError("a change to the objective made the model infeasible")
    if score(key0, bound) >= score(far, bound) - tol_v:
        return bound, None
    lo_t, hi_t = min(theta0, bound), max(theta0, bound)
    for _ in range(MAX_STEPS):
        a0, b0 = line(key0)
        a1, b1 = line(far)
        if b1 == b0:  # parallel: the far package beats the base one everywhere (ties at theta0)
            return theta0, far
        t = min(max((a0 - a1) / (b1 - b0), lo_t), hi_t)
        k = at(t)
        if k is None:
            raise SolverError("a change to the objective made the model infeasible")
        if score(k, t) <= score(key0, t) + tol_v or k == far:
            return t, far
        far = k
    raise SolverError("the breakpoint search did not converge")


def rhs_upper_edge(
    at: Callable[[float], Key | None],
    threshold: Callable[[Key], float],
    score: Callable[[Key], float],
    theta0: float,
    key0: Key,
    hi: float,
    tol: float,
    tol_v: float,
) -> tuple[float, Key | None, float]:
    """Capacity above ``theta0`` at which a package better than ``key0`` becomes feasible,
    for a right-hand side that only adds packages as it rises.

    Keeps a bracket: nothing better than ``key0`` fits at ``lo`` (checked by a solve, or
    ``theta0``), and a better package fits from ``hi`` on -- its *threshold*, computed
    exactly. Probes alternate between just below ``hi`` (by ``tol``: one solve ends the search
    when the breakpoint is that package's threshold) and the middle of the bracket (so that a
    walk through many small steps is cut short). A probe that finds a better package moves
    ``hi`` down to that package's threshold, not just to the probe. Returns ``(edge, taker,
    width)``: the breakpoint lies in ``(edge - width, edge]`` (``width <= tol``), and
    ``(inf, None, 0)`` when no better package fits up to ``hi``.
    """
    from optimizer.errors import SolverError

    if hi <= theta0:
        return math.inf, None, 0.0
    far = at(hi)
    v0 = score(key0) + tol_v
    if far is None or score(far) <= v0:
        return math.inf, None, 0.0
    lo, hi = theta0, threshold(far)
    for step in range(MAX_STEPS):
        if hi - lo <= tol:
            return hi, far, hi - lo
        probe = hi - tol if step % 2 == 0 else 0.5 * (lo + hi)
        k = at(probe)
        if k is None or score(k) <= v0:
            lo = probe
            continue
        t = threshold(k)
        if t >= hi:  # the solver's feasibility tolerance let it through
            raise SolverError("the capacity search did not make progress (tolerance too small?)")
        hi, far = t, k
    raise SolverError("the capacity search did not converge")


def bisect_edge(
    at: Callable[[float], Key | None],
    theta0: float,
    key0: Key,
    bound: float,
    tol: float,
) -> tuple[float, Key | None]:
    """Plain bisection for the point between ``theta0`` and ``bound`` where the package stops
    being ``key0`` (assumes it changes once; located to ``tol``)."""
    kb = at(bound)
    if kb == key0:
        return bound, None
    a, b = theta0, bound
    while abs(b - a) > tol:
        mid = 0.5 * (a + b)
        k = at(mid)
        if k == key0:
            a = mid
        else:
            b, kb = mid, k
    return b, kb


__all__ = [
    "MAX_STEPS",
    "Change",
    "Key",
    "Packages",
    "Runner",
    "bisect_edge",
    "envelope_walk",
    "objective_edge",
    "rhs_upper_edge",
]
