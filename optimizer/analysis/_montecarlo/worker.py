"""A worker: one loaded HiGHS MIP and LP, and the loop over a chunk of draws."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from solvers.highs import change_rows_bounds

from ...errors import SolverError
from ..partial import stop_if_spent
from .completion import first_stage_bounds, joined, least_breach
from .drawn import DrawData, Drawn
from .linear import TOL, _tol
from .loaded import (  # noqa: F401
    ANCHOR_LIMIT,
    BY_ENUM,
    BY_LP,
    BY_MIP,
    BY_POOL,
    FIRST_STAGE,
    INFEASIBLE,
    KNOWN,
    LIMIT,
    LP_PROBE,
    OK,
    POOL_LIMIT,
    Anchors,
    Context,
    _Loaded,
    _tune,
)
from .risk import row_excess
from .splitenum import SplitEnumerator


class Worker:
    """One worker's loaded models and the draw loop (see the module docstring)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.lm = ctx.lm
        self.drawn = Drawn(ctx.lm)
        base = ctx.lm.base
        self.base = base
        self.sgn = 1.0 if base.maximize else -1.0
        self.is_mip = bool(base.integrality.any())
        self.mip = _Loaded(base, ctx, True)
        self.lp = _Loaded(base.relaxed(), ctx, False) if self.is_mip else None
        self.fixed: _Loaded | None = None
        self.breach_time = 0.0  # in least-breach re-solves (``completion.py``)
        self.int_cols = np.nonzero(base.integrality)[0]
        self.anchors: Anchors | None = None
        self.anchor_up: np.ndarray | None = None
        self.enum: SplitEnumerator | None = None
        if self.lp is not None and ctx.exact_enum:
            self.enum = SplitEnumerator.build(base, self.drawn, self._point_duals, ctx.base_x)
        # packages this worker found optimal, most recently used last (split enumeration's
        # incumbents; its answers do not depend on them)
        self.known: dict[tuple[int, ...], np.ndarray] = {}
        self.known_X: np.ndarray | None = None
        if self.enum is not None and ctx.base_x is not None:
            self._remember(ctx.base_x)

    def _point_duals(self) -> np.ndarray | None:
        """The point-value LP's row duals (a cold solve: the same in every worker); they price
        the linking rows of the split enumeration."""
        st, _, _, _ = self.lp.run(clear=True)
        if st != "optimal":
            return None
        return np.asarray(self.lp.h.getSolution().row_dual, dtype=float)

    def set_anchors(self, anchors: Anchors | None) -> None:
        """Put the stage's anchor cuts into the loaded LP (rows after the model's own)."""
        if self.lp is None or anchors is None:
            return
        if self.anchors is not None and self.anchors.token == anchors.token:
            return
        h, m = self.lp.h, self.base.m
        if self.anchors is not None and self.anchors.n:
            h.deleteRows(self.anchors.n, np.arange(m, m + self.anchors.n, dtype=np.int32))
        if anchors.n:
            C = self.sgn * anchors.C
            nz = C != 0
            starts = np.concatenate([[0], np.cumsum(nz.sum(axis=1))[:-1]]).astype(np.int32)
            idx = np.nonzero(nz)[1].astype(np.int32)
            k = anchors.n
            h.addRows(k, np.full(k, -np.inf), np.full(k, np.inf), int(idx.size), starts, idx, C[nz])
        self.anchors = anchors
        self.anchor_up = np.full(anchors.n, np.inf)

    def _anchor_bounds(self, d: DrawData) -> None:
        a = self.anchors
        if a is None or a.n == 0:
            return
        up = np.where(
            self.drawn.contained(d, a), self.sgn * a.b + 1e-9 * np.maximum(1.0, np.abs(a.b)), np.inf
        )
        ch = np.nonzero(up != self.anchor_up)[0]
        if ch.size:
            rows = (self.base.m + ch).astype(np.int32)
            change_rows_bounds(self.lp.h, rows, np.full(ch.size, -np.inf), up[ch])
            self.anchor_up[ch] = up[ch]

    def solver_time(self) -> float:
        t = self.mip.solve_time + self.breach_time
        for m in (self.lp, self.fixed):
            if m is not None:
                t += m.solve_time
        return t

    def _pool_best(self, d: DrawData, pool) -> tuple[int, float]:
        """Index (in the pool) and value of the best pool package feasible in the draw;
        among packages within ``TOL`` of the best, the one earliest in the pool."""
        if pool is None or pool.shape[0] == 0:
            return -1, math.nan
        vals = self.sgn * (pool @ d.c)
        order = np.argsort(-vals, kind="stable")
        best, best_v = -1, -math.inf
        for k in range(0, order.size, 16):  # feasibility checked 16 packages at a time
            batch = order[k : k + 16]
            if best >= 0:
                batch = batch[vals[batch] >= best_v - _tol(best_v)]
                if batch.size == 0:
                    break
            ok = batch[self.drawn.violations(d, pool[batch]) <= TOL]
            if ok.size:
                if best < 0:
                    best_v = float(vals[ok[0]])
                    ok = ok[vals[ok] >= best_v - _tol(best_v)]
                    best = int(ok.min())
                else:
                    best = min(best, int(ok.min()))
        if best < 0:
            return -1, math.nan
        return best, float(pool[best] @ d.c)

    def _remember(self, x: np.ndarray) -> None:
        key = package_key(self.base, x)
        if key in self.known:
            self.known[key] = self.known.pop(key)  # most recently used: last
            return
        self.known[key] = x
        if len(self.known) > KNOWN:
            del self.known[next(iter(self.known))]
        self.known_X = np.vstack(list(self.known.values()))

    def _incumbent(self, d: DrawData) -> float | None:
        """The value of the best known package that is feasible in the draw (None: none is)."""
        X = self.known_X
        if X is None:
            return None
        ok = self.drawn.violations(d, X) <= TOL
        if not ok.any():
            return None
        vals = X[ok] @ d.c
        return float(vals.max() if self.sgn > 0 else vals.min())

    def solve(self, d: DrawData, pool, use_lp: bool = True):
        """(status, how, x, value, proven bound) of one draw."""
        if self.enum is None:
            return self._solve(d, pool, use_lp)
        out = self.enum.solve(d, self._incumbent(d))
        if out is not None:
            x, v = out
            self._remember(x)
            return OK, BY_ENUM, x, v, v + self.sgn * _tol(v)
        st, how, x, v, bound = self._solve(d, pool, use_lp)
        if st == OK and x is not None:
            # the enumeration's own pick among the packages within TOL of the optimum, so
            # the answer is the same whichever incumbent this worker had above
            out = self.enum.solve(d, v)
            if out is not None:
                x, v = out
            self._remember(x)
        return st, how, x, v, bound

    def _solve(self, d: DrawData, pool, use_lp: bool = True):
        """The solver path: (status, how, x, value, proven bound) of one draw."""
        inc, inc_v = self._pool_best(d, pool)
        inc_x = pool[inc] if inc >= 0 else None
        start = inc_x
        if self.lp is not None and use_lp:
            self.lp.apply(d, self.lm)
            self._anchor_bounds(d)
            # warm-started: only its optimal value is used, and that does not depend on
            # earlier solves (an integral LP solution is re-derived by the MIP below)
            st, x_lp, z_lp, _ = self.lp.run(clear=False)
            if st == "infeasible":
                return INFEASIBLE, BY_LP, None, math.nan, math.nan
            if st != "optimal":
                raise SolverError(f"the LP relaxation of a draw failed: {st}")
            if inc >= 0 and self.sgn * z_lp <= self.sgn * inc_v + _tol(inc_v):
                return OK, BY_POOL, inc_x, inc_v, z_lp
            xi = x_lp[self.int_cols]
            if np.all(np.abs(xi - np.round(xi)) <= 1e-9):
                x = x_lp.copy()
                x[self.int_cols] = np.round(xi)
                if self.drawn.violation(d, x) <= TOL:
                    v = float(d.c @ x)
                    if inc < 0 or self.sgn * v > self.sgn * inc_v + _tol(v):
                        # a new package: take the vertex of a cold solve, which does not
                        # depend on earlier solves
                        st, x_lp, z_lp, _ = self.lp.run(clear=True)
                        xi = x_lp[self.int_cols]
                        if st == "optimal" and np.all(np.abs(xi - np.round(xi)) <= 1e-9):
                            x = x_lp.copy()
                            x[self.int_cols] = np.round(xi)
                            return OK, BY_LP, x, float(d.c @ x), z_lp
        self.mip.apply(d, self.lm)
        st, x, z, bound = self.mip.run(start)
        if st == "infeasible":
            return INFEASIBLE, BY_MIP, None, math.nan, math.nan
        if st == "unbounded":
            raise SolverError("a draw's model is unbounded")
        if x is None:
            if st == "limit":
                return LIMIT, BY_MIP, None, math.nan, math.nan
            raise SolverError(f"HiGHS failed on a draw: {st}")
        if inc >= 0 and self.sgn * inc_v >= self.sgn * z - _tol(z):
            return OK, BY_MIP, inc_x, inc_v, bound
        x = x.copy()
        x[self.int_cols] = np.round(x[self.int_cols])
        if st != "optimal":
            return LIMIT, BY_MIP, x, float(d.c @ x), math.nan
        return OK, BY_MIP, x, float(d.c @ x), bound

    def base_value(self, d: DrawData) -> tuple[float, tuple | None]:
        """The point-value package's value in the draw (NaN when it is infeasible there) and,
        where it is infeasible, ``(limits, excesses)`` of the limits it breaks: with recourse,
        the drawn bounds its first-stage values lie outside and, where no completion of them
        is feasible, the rows its least-breach completion breaks (``completion.py``)."""
        x = self.ctx.base_x
        if x is None:
            return math.nan, None
        if not self.ctx.recourse:
            if self.drawn.violation(d, x) <= TOL:
                return float(d.c @ x), None
            return math.nan, row_excess(self.drawn, d, x)
        fs = self.ctx.first_stage
        if self.fixed is None:  # first-stage columns fixed to the package; recourse re-optimised
            b = self.base
            lo, up, _ = first_stage_bounds(x, fs, b.col_lower, b.col_upper)
            self.fixed = _Loaded(b.with_bounds(col_lower=lo, col_upper=up), self.ctx, True)
        cl, cu, bounds = first_stage_bounds(x, fs, d.cl, d.cu)
        self.fixed.apply(d, self.lm, cl, cu)
        st, xf, _, _ = self.fixed.run()
        if st != "infeasible":
            if bounds[0]:
                return math.nan, bounds
            return (float(d.c @ xf) if st == "optimal" else math.nan), None
        from solvers import SolveOptions

        t0 = time.perf_counter()
        model = self.drawn.model(d)
        opts = SolveOptions(time_limit=self.ctx.time_limit, mip_gap=self.ctx.mip_gap)
        rows = least_breach(model, model.with_bounds(col_lower=cl, col_upper=cu), opts)
        self.breach_time += time.perf_counter() - t0
        return math.nan, joined(bounds, rows)


_LOCAL = threading.local()


def warm_up() -> int:
    """Run once per worker process before the draws are ready: the imports a worker needs
    (NumPy, SciPy's sparse matrices, highspy, and the fresh solve of the independent check)
    happen while the parent samples and compiles."""
    import os

    import highspy  # noqa: F401
    import scipy.sparse  # noqa: F401

    from solvers.highs import load_highs  # noqa: F401

    from ... import compile, engine, solution  # noqa: F401

    return os.getpid()


def _worker(ctx: Context) -> Worker:
    cache = getattr(_LOCAL, "workers", None)
    if cache is None:
        cache = _LOCAL.workers = {}
    w = cache.get(ctx.token)
    if w is None:
        cache.clear()
        w = cache[ctx.token] = Worker(ctx)
    return w


@dataclass
class ChunkResult:
    draws: np.ndarray
    status: np.ndarray
    how: np.ndarray
    value: np.ndarray
    bound: np.ndarray
    used_lp: np.ndarray
    base_value: np.ndarray
    keys: list[tuple[int, ...]]
    new: dict[tuple[int, ...], np.ndarray]
    worst_violation: float
    solver_time: float
    busy_time: float
    base_breaks: dict = field(default_factory=dict)  # chunk position -> (rows, excesses)


def package_key(model, x: np.ndarray | None) -> tuple[int, ...]:
    from ...offer import offer_key  # the offer: first-stage columns (tranches are recourse)

    return offer_key(model, x)


def run_chunk(
    ctx: Context,
    draws: np.ndarray,
    deltas: np.ndarray,
    probs: np.ndarray,
    pool,
    lp_mode: str = "all",
    anchors: Anchors | None = None,
) -> ChunkResult:
    """Solve the draws of one chunk (runs in a worker process or thread)."""
    t0 = time.perf_counter()
    w = _worker(ctx)
    s0 = w.solver_time()
    pool = pool.toarray()  # sent sparse; dense rows here
    k = len(draws)
    status = np.zeros(k, dtype=np.int8)
    how = np.zeros(k, dtype=np.int8)
    value = np.full(k, np.nan)
    bound = np.full(k, np.nan)
    used_lp = np.zeros(k, dtype=bool)
    base_value = np.full(k, np.nan)
    breaks: dict[int, tuple] = {}
    w.set_anchors(anchors)
    keys: list[tuple[int, ...]] = []
    new: dict[tuple[int, ...], np.ndarray] = {}
    worst = 0.0
    for i in range(k):
        stop_if_spent()  # --max-time, in this process (a worker process has no budget)
        d = w.drawn.at(deltas[i], probs[i])
        use_lp = lp_mode == "all" or (lp_mode == "probe" and draws[i] % LP_PROBE == 0)
        st, hw, x, v, b = w.solve(d, pool, use_lp)
        status[i], how[i], value[i], bound[i], used_lp[i] = st, hw, v, b, use_lp
        key = package_key(w.base, x)
        keys.append(key)
        if x is not None:
            worst = max(worst, w.drawn.violation(d, x))
            if key not in new:
                new[key] = x
        base_value[i], brk = w.base_value(d)
        if brk is not None:  # which limits it breaks
            breaks[i] = brk
    return ChunkResult(
        draws=np.asarray(draws),
        status=status,
        how=how,
        value=value,
        bound=bound,
        used_lp=used_lp,
        base_value=base_value,
        keys=keys,
        new=new,
        worst_violation=worst,
        solver_time=w.solver_time() - s0,
        busy_time=time.perf_counter() - t0,
        base_breaks=breaks,
    )
