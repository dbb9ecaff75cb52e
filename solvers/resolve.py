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

With HiGHS a re-solve costs what the solver costs: the instance keeps the options of many
small solves (``solvers.highs.RESOLVE_OPTIONS``: one thread unless ``options.threads`` says
otherwise, no restarts, no primal heuristics), its interrupt callback is subscribed once, it
runs in a thread kept for such runs (``solvers.highs_run``), and a MIP starts from the best
solution met so far that is feasible for the data as changed (checked here, strictly, before
it is passed): HiGHS still proves the optimum, the start only prunes sooner.

The parametric searches that use these sessions are in ``solvers.resolve_search`` (and are
importable from here).

>>> lm = load(model)                              # doctest: +SKIP
>>> lm.set_costs([0, 3], [2.5, -1.0])             # doctest: +SKIP
>>> lm.set_row_bounds([4], [-np.inf], [12.0])     # doctest: +SKIP
>>> lm.solve().objective                          # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from .base import SolveOptions, SolveResult, Status
from .resolve_search import (
    MAX_STEPS,
    Change,
    Key,
    Packages,
    Runner,
    bisect_edge,
    envelope_walk,
    objective_edge,
    rhs_upper_edge,
)

WARM_STARTS_KEPT = 16  # solutions kept as candidate starts (most recent first to go)
START_TOL = 1e-9  # a start must satisfy every bound to this (relative) tolerance
START_CHECK_TOL = 1e-7  # c . x + offset against the objective HiGHS reports (relative)


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
        from .highs import load_highs, tune_for_resolves

        self.h = load_highs(model, self.options)
        tune_for_resolves(self.h, self.options.threads)
        self.is_mip = bool(np.asarray(model.integrality).any())
        self._int = np.asarray(model.integrality) != 0
        self.starts: dict[bytes, np.ndarray] = {}  # candidate warm starts, oldest first
        self.warm_started = 0  # solves given a start
        self.cold_retries = 0  # of those, solved again without it (see ``_consistent``)

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

    # ---- warm starts -----------------------------------------------------------------
    def remember(self, x: np.ndarray) -> None:
        """Keep ``x`` (integer columns rounded) as a candidate start for later solves."""
        x = np.array(x, dtype=float)
        x[self._int] = np.round(x[self._int])
        key = x[self._int].tobytes()
        self.starts.pop(key, None)
        self.starts[key] = x
        if len(self.starts) > WARM_STARTS_KEPT:
            del self.starts[next(iter(self.starts))]

    def best_start(self) -> np.ndarray | None:
        """The best kept solution that satisfies the current bounds and rows (strictly: to
        ``START_TOL``, relative), or None. Not with changed coefficients (none is checked)."""
        if not self.starts or self.coeffs:
            return None
        X = np.vstack(list(self.starts.values()))

        def within(v, lo, up):
            return np.all(
                (v >= lo - START_TOL * np.maximum(1.0, np.abs(lo)))
                & (v <= up + START_TOL * np.maximum(1.0, np.abs(up))),
                axis=1,
            )

        ok = within(X, self.col_lower, self.col_upper)
        if not ok.any():
            return None
        X = X[ok]
        ok = within(np.asarray(self.base.A @ X.T).T, self.row_lower, self.row_upper)
        if not ok.any():
            return None
        X = X[ok]
        v = X @ self.c
        return X[int(np.argmax(v) if self.base.maximize else np.argmin(v))]

    def _warm_start(self) -> bool:
        x = self.best_start() if self.is_mip else None
        if x is None:
            return False
        import highspy

        sol = highspy.HighsSolution()
        sol.col_value = x
        sol.value_valid = True
        self.h.setSolution(sol)
        self.warm_started += 1
        return True

    def _consistent(self, res: SolveResult) -> bool:
        """Whether the solution HiGHS returns has the objective it reports.

        Not always so after a start: HiGHS (1.16) can map a start into its presolved model
        with a better objective than the start has, prune with that value, and then return the
        start itself as the optimum ("MIP start solution is feasible in the reduced space:
        objective value is ..." in its log, a value the start does not have)."""
        if res.x is None or res.objective is None:
            return True
        x = np.asarray(res.x, dtype=float)
        value = float(self.c @ x) + float(self.base.objective_offset)
        scale = max(1.0, abs(res.objective), float(np.abs(self.c) @ np.abs(x)))
        return abs(value - res.objective) <= START_CHECK_TOL * scale

    def _run(self) -> SolveResult:
        from .highs import run_loaded

        started = self._warm_start()
        res = run_loaded(self.h, self.base, self.options, self.solver_name)
        if started and not self._consistent(res):
            self.cold_retries += 1
            self.h.clearSolver()  # forget the start, and solve again from nothing
            res = run_loaded(self.h, self.base, self.options, self.solver_name)
            if not self._consistent(res):
                return replace(
                    res,
                    status=Status.ERROR,
                    x=None,
                    objective=None,
                    raw_status=f"{res.raw_status}; the solution returned does not have the "
                    "objective value reported",
                )
        if self.is_mip and res.x is not None and res.status in (Status.OPTIMAL, Status.TIME_LIMIT):
            self.remember(res.x)
        return res


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
        if isinstance(lm, HighsLoaded) and isinstance(new, HighsLoaded) and model.n == lm.base.n:
            for x in lm.starts.values():  # still candidates: each is checked before use
                new.remember(x)
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


__all__ = [
    "MAX_STEPS",
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
