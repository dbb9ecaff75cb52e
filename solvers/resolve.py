"""Re-solve path: keep one model loaded and change only costs, bounds and coefficients.

Parametric sweeps (sensitivity, frontier, Monte Carlo) solve the same model many times with
small changes. ``load(model, solver, options)`` returns a ``LoadedModel``:

* with HiGHS, the ``highspy.Highs`` instance made by ``solvers.highs.load_highs`` stays
  loaded and each change is passed in place (``changeColsCost``, ``changeColsBounds``,
  ``changeRowsBounds``, ``changeCoeff``);
* with any other back end, the changes are kept in NumPy arrays and the model is rebuilt and
  solved from scratch on every ``solve()`` -- the same answers, without the saving.

Both keep the current data (``c``, bounds, coefficient changes), so ``current_model()`` is
always the ``MatrixModel`` that the next ``solve()`` solves, and ``reset()`` goes back to the
model first loaded.

>>> lm = load(model)                              # doctest: +SKIP
>>> lm.set_costs([0, 3], [2.5, -1.0])             # doctest: +SKIP
>>> lm.set_row_bounds([4], [-np.inf], [12.0])     # doctest: +SKIP
>>> lm.solve().objective                          # doctest: +SKIP
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .base import SolveOptions, SolveResult


def _idx(a) -> np.ndarray:
    return np.atleast_1d(np.asarray(a, dtype=np.int64))


def _val(a, k: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(a, dtype=np.float64), (k,)).copy()


class LoadedModel:
    """A model held ready for repeated solves after in-place changes.

    The arrays here always describe the model as changed so far; ``HighsLoaded`` also passes
    each change to the loaded solver, ``RebuildLoaded`` builds the model afresh at each solve.
    """

    solver_name = ""

    def __init__(self, model, options: SolveOptions | None = None) -> None:
        self.base = model
        self.options = options or SolveOptions()
        self.c = np.array(model.c, dtype=float)
        self.col_lower = np.array(model.col_lower, dtype=float)
        self.col_upper = np.array(model.col_upper, dtype=float)
        self.row_lower = np.array(model.row_lower, dtype=float)
        self.row_upper = np.array(model.row_upper, dtype=float)
        self.coeffs: dict[tuple[int, int], float] = {}
        self.solves = 0
        self.solve_time = 0.0

    # ---- changes ---------------------------------------------------------------------
    def set_costs(self, cols, values) -> tuple[np.ndarray, np.ndarray]:
        """Objective coefficients of ``cols`` become ``values``."""
        cols = _idx(cols)
        v = _val(values, cols.size)
        self.c[cols] = v
        return cols, v

    def set_col_bounds(self, cols, lower, upper) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols = _idx(cols)
        lo, up = _val(lower, cols.size), _val(upper, cols.size)
        self.col_lower[cols] = lo
        self.col_upper[cols] = up
        return cols, lo, up

    def set_row_bounds(self, rows, lower, upper) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = _idx(rows)
        lo, up = _val(lower, rows.size), _val(upper, rows.size)
        self.row_lower[rows] = lo
        self.row_upper[rows] = up
        return rows, lo, up

    def set_coeffs(self, rows, cols, values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Constraint matrix entries ``A[rows[k], cols[k]] = values[k]`` (0 removes one)."""
        rows, cols = _idx(rows), _idx(cols)
        v = _val(values, rows.size)
        for i, j, x in zip(rows.tolist(), cols.tolist(), v.tolist(), strict=True):
            self.coeffs[(i, j)] = x
        return rows, cols, v

    def reset(self) -> None:
        """Back to the model first loaded (only what was changed is passed again)."""
        b = self.base
        c0 = np.asarray(b.c, dtype=float)
        ch = np.nonzero(self.c != c0)[0]
        if ch.size:
            self.set_costs(ch, c0[ch])
        lo0, up0 = np.asarray(b.col_lower, dtype=float), np.asarray(b.col_upper, dtype=float)
        ch = np.nonzero((self.col_lower != lo0) | (self.col_upper != up0))[0]
        if ch.size:
            self.set_col_bounds(ch, lo0[ch], up0[ch])
        lo0, up0 = np.asarray(b.row_lower, dtype=float), np.asarray(b.row_upper, dtype=float)
        ch = np.nonzero((self.row_lower != lo0) | (self.row_upper != up0))[0]
        if ch.size:
            self.set_row_bounds(ch, lo0[ch], up0[ch])
        if self.coeffs:
            keys = list(self.coeffs)
            rows = np.array([k[0] for k in keys], dtype=np.int64)
            cols = np.array([k[1] for k in keys], dtype=np.int64)
            self.set_coeffs(rows, cols, np.asarray(b.A.tocsr()[rows, cols]).ravel())
            self.coeffs.clear()

    # ---- the model as changed ------------------------------------------------------------
    def current_A(self):
        A = self.base.A
        if not self.coeffs:
            return A
        from scipy import sparse

        M = sparse.lil_matrix(A)
        for (i, j), v in self.coeffs.items():
            M[i, j] = v
        M = M.tocsr()
        M.eliminate_zeros()
        return M

    def current_model(self):
        """The ``MatrixModel`` that ``solve()`` solves now."""
        return replace(
            self.base,
            c=self.c.copy(),
            A=self.current_A(),
            col_lower=self.col_lower.copy(),
            col_upper=self.col_upper.copy(),
            row_lower=self.row_lower.copy(),
            row_upper=self.row_upper.copy(),
        )

    # ---- solving ----------------------------------------------------------------------
    def solve(self) -> SolveResult:
        t0 = time.perf_counter()
        res = self._run()
        self.solve_time += time.perf_counter() - t0
        self.solves += 1
        return res

    def _run(self) -> SolveResult:
        raise NotImplementedError(f"{type(self).__name__} does not define how to solve")


class HighsLoaded(LoadedModel):
    """One ``highspy.Highs`` kept loaded; every change is made in place."""

    solver_name = "highs"

    def __init__(self, model, options: SolveOptions | None = None) -> None:
        super().__init__(model, options)
        from .highs import load_highs

        self.h = load_highs(model, self.options)

    def set_costs(self, cols, values):
        cols, v = super().set_costs(cols, values)
        self.h.changeColsCost(int(cols.size), cols.astype(np.int32), v)
        return cols, v

    def set_col_bounds(self, cols, lower, upper):
        cols, lo, up = super().set_col_bounds(cols, lower, upper)
        self.h.changeColsBounds(int(cols.size), cols.astype(np.int32), lo, up)
        return cols, lo, up

    def set_row_bounds(self, rows, lower, upper):
        rows, lo, up = super().set_row_bounds(rows, lower, upper)
        from .highs import change_rows_bounds

        change_rows_bounds(self.h, rows, lo, up)
        return rows, lo, up

    def set_coeffs(self, rows, cols, values):
        rows, cols, v = super().set_coeffs(rows, cols, values)
        for i, j, x in zip(rows.tolist(), cols.tolist(), v.tolist(), strict=True):
            self.h.changeCoeff(int(i), int(j), float(x))
        return rows, cols, v

    def _run(self) -> SolveResult:
        from .highs import run_loaded

        return run_loaded(self.h, self.base, self.options, self.solver_name)


class RebuildLoaded(LoadedModel):
    """For back ends that cannot keep a model loaded: rebuild and solve from scratch."""

    def __init__(self, model, backend: Any, options: SolveOptions | None = None) -> None:
        super().__init__(model, options)
        self.backend = backend
        self.solver_name = getattr(backend, "name", "")

    def _run(self) -> SolveResult:
        return self.backend.solve(self.current_model(), self.options)


def load(model, solver: str | Any = "highs", options: SolveOptions | None = None) -> LoadedModel:
    """A ``LoadedModel`` for ``model``: kept loaded in HiGHS, rebuilt for other back ends.

    ``solver`` is a registry name or a back-end object (anything with ``solve(model, options)``).
    """
    if isinstance(solver, str):
        from . import get

        backend = get(solver)
    else:
        backend = solver
    if getattr(backend, "name", "") == "highs":
        return HighsLoaded(model, options)
    return RebuildLoaded(model, backend, options)


def same_structure(a, b) -> bool:
    """Whether models ``a`` and ``b`` differ at most in costs, bounds and objective offset."""
    if (a.n, a.m) != (b.n, b.m) or a.maximize != b.maximize:
        return False
    if not np.array_equal(np.asarray(a.integrality), np.asarray(b.integrality)):
        return False
    return (a.A.tocsr() != b.A.tocsr()).nnz == 0


def restate(lm: LoadedModel, model) -> LoadedModel:
    """A loaded model that solves ``model``: ``lm`` changed in place when ``model`` differs
    from the one it holds only in costs, bounds or objective offset, else ``model`` loaded
    afresh (same back end and options; the solve count carries over).

    A re-solve that would change only some costs is wrong when a parameter reaches columns
    it does not list: under ``[[shifts]]`` a probability, an amount or a baseline also moves
    the costs of the product columns ``y_m * x_j``, and an amount that becomes 0 (or a value
    that becomes equal in two scenarios) removes products. Recompiling and restating the
    whole model covers every such case; only what differs is passed to the solver.
    """
    if not same_structure(lm.base, model):
        new = load(model, getattr(lm, "backend", None) or lm.solver_name, lm.options)
        new.solves, new.solve_time = lm.solves, lm.solve_time
        return new
    if lm.coeffs:
        lm.reset()
    c = np.asarray(model.c, dtype=float)
    ch = np.nonzero(lm.c != c)[0]
    if ch.size:
        lm.set_costs(ch, c[ch])
    lo, up = np.asarray(model.col_lower, dtype=float), np.asarray(model.col_upper, dtype=float)
    ch = np.nonzero((lm.col_lower != lo) | (lm.col_upper != up))[0]
    if ch.size:
        lm.set_col_bounds(ch, lo[ch], up[ch])
    lo, up = np.asarray(model.row_lower, dtype=float), np.asarray(model.row_upper, dtype=float)
    ch = np.nonzero((lm.row_lower != lo) | (lm.row_upper != up))[0]
    if ch.size:
        lm.set_row_bounds(ch, lo[ch], up[ch])
    if isinstance(lm, HighsLoaded) and model.objective_offset != lm.base.objective_offset:
        lm.h.changeObjectiveOffset(float(model.objective_offset))
    lm.base = model
    return lm


# ---- packages and parametric searches over a loaded model ---------------------------------
# The searches take callables -- ``at(theta)`` solves the model with the parameter set to
# ``theta`` and returns the optimal package's key -- so the same code serves objective and
# right-hand-side parameters, whatever the parameter is.

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

    @property
    def solves(self) -> int:
        return self.lm.solves

    def __call__(self) -> Key | None:
        from optimizer.errors import LimitError, SolverError

        from . import Status

        res = self.lm.solve()
        if res.status == Status.INFEASIBLE:
            return None
        if res.status == Status.UNBOUNDED:
            raise SolverError(f"the model is unbounded during a re-solve ({res.raw_status})")
        if res.x is None:
            cls = LimitError if res.status == Status.TIME_LIMIT else SolverError
            raise cls(f"a re-solve found no package: {res.status.value} ({res.raw_status})")
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
    "Change",
    "HighsLoaded",
    "Key",
    "LoadedModel",
    "Packages",
    "RebuildLoaded",
    "Runner",
    "bisect_edge",
    "envelope_walk",
    "load",
    "objective_edge",
    "restate",
    "rhs_upper_edge",
    "same_structure",
]
