"""What a Monte Carlo worker holds: the HiGHS MIP and LP loaded once (``_Loaded``), the
anchors, the context sent to it, and the outcome codes of a draw."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from solvers.highs import change_rows_bounds, tune_for_resolves

from .drawn import DrawData
from .linear import LinearModel

FIRST_STAGE = 32
POOL_LIMIT = 256
ANCHOR_LIMIT = 100
LP_PROBE = 32  # when the LP step is off, it still runs on every 32nd draw to see if it pays
KNOWN = 64  # split enumeration's incumbent: the best feasible of this worker's last KNOWN optima

OK, INFEASIBLE, LIMIT = 0, 1, 2
BY_POOL, BY_LP, BY_MIP, BY_ENUM = 0, 1, 2, 3


@dataclass(eq=False)
class Anchors:
    """Draws of earlier stages whose optimum is proven: for draw ``a``, ``c_a x <= b_a``
    (``b_a`` the proven bound) holds for every package feasible in a draw whose feasible
    set lies inside draw ``a``'s -- checked from the varying constraint data (``nest``).
    Added to the LP relaxation as cuts, they let a known package be proved optimal without
    branch-and-bound once the draw's objective lies among earlier ones with that optimum.
    """

    token: str
    C: np.ndarray  # (k, n) objectives
    b: np.ndarray  # (k,) proven bounds
    nest: np.ndarray  # (k, varying constraint numbers)

    @property
    def n(self) -> int:
        return int(self.b.shape[0])


@dataclass(eq=False)
class Context:
    """Everything a worker needs; sent with each chunk, loaded once per worker thread."""

    token: str
    lm: LinearModel
    v0: np.ndarray
    base_x: np.ndarray | None
    first_stage: np.ndarray  # mask of first-stage columns (commitments, stage-1 responses)
    recourse: bool  # the problem has recourse (stage-2) or continuous columns
    time_limit: float | None
    mip_gap: float
    exact_enum: bool = True  # prove draws by split enumeration where the model allows


def _tune(h, ctx: Context) -> None:
    """Options for many small solves that start from a good incumbent (the pool's package):
    ``solvers.highs.RESOLVE_OPTIONS``, one thread, and the analysis' gap."""
    tune_for_resolves(h)
    h.setOptionValue("mip_rel_gap", ctx.mip_gap)


class _Loaded:
    """A HiGHS model kept loaded; changes are passed only where a number differs."""

    def __init__(self, model, ctx: Context, mip: bool) -> None:
        from solvers import SolveOptions
        from solvers.highs import load_highs

        self.model = model
        self.h = load_highs(model, SolveOptions(time_limit=ctx.time_limit, mip_gap=ctx.mip_gap))
        _tune(self.h, ctx)
        self.mip = mip
        self.c = np.asarray(model.c, dtype=float).copy()
        self.rl = np.asarray(model.row_lower, dtype=float).copy()
        self.ru = np.asarray(model.row_upper, dtype=float).copy()
        self.cl = np.asarray(model.col_lower, dtype=float).copy()
        self.cu = np.asarray(model.col_upper, dtype=float).copy()
        self.A_val: np.ndarray | None = None
        self.solve_time = 0.0
        self.kept_thread = False  # runs go to a kept thread (see ``_run``)

    def apply(self, d: DrawData, lm: LinearModel, cl=None, cu=None) -> None:
        h = self.h
        ch = np.nonzero(d.c != self.c)[0]
        if ch.size:
            h.changeColsCost(int(ch.size), ch.astype(np.int32), d.c[ch])
            self.c[ch] = d.c[ch]
        chr_ = np.nonzero((d.rl != self.rl) | (d.ru != self.ru))[0]
        if chr_.size:
            change_rows_bounds(h, chr_, d.rl[chr_], d.ru[chr_])
            self.rl[chr_] = d.rl[chr_]
            self.ru[chr_] = d.ru[chr_]
        cl = d.cl if cl is None else cl
        cu = d.cu if cu is None else cu
        chc = np.nonzero((cl != self.cl) | (cu != self.cu))[0]
        if chc.size:
            h.changeColsBounds(int(chc.size), chc.astype(np.int32), cl[chc], cu[chc])
            self.cl[chc] = cl[chc]
            self.cu[chc] = cu[chc]
        if d.A_idx.size:
            old = self.A_val
            sel = np.arange(d.A_idx.size) if old is None else np.nonzero(d.A_val != old)[0]
            rows, cols = lm.rows[d.A_idx[sel]], lm.cols[d.A_idx[sel]]
            for r, j, v in zip(rows.tolist(), cols.tolist(), d.A_val[sel].tolist(), strict=True):
                h.changeCoeff(r, j, v)
            self.A_val = d.A_val.copy()

    def _run(self, highspy) -> None:
        """``h.run()``, in this thread while HiGHS takes it, else in a kept thread of its own.

        HiGHS' task scheduler is per thread and fixed by the thread's first run: when this
        thread has already run HiGHS with another thread count (a caller's own ``highspy``
        run, say), HiGHS refuses the run (an error, no model status) and every later one. The
        run then goes to a thread kept for this thread count (``solvers.highs_run``), as do
        this model's later runs; the answer is the same (one thread either way)."""
        h = self.h
        if not self.kept_thread:
            st = h.run()
            refused = h.getModelStatus() == highspy.HighsModelStatus.kNotset
            if st != highspy.HighsStatus.kError or not refused:
                return
            self.kept_thread = True
        from solvers.highs_run import submit, threads_key

        job = submit(h.run, threads_key(h))
        try:
            job.done.wait()
        except KeyboardInterrupt:  # as with a run in this thread: it ends, then Ctrl-C counts
            job.done.wait()
            raise
        if job.failure:
            raise job.failure[0]

    def run(self, start: np.ndarray | None = None, clear: bool = True):
        """Solve, by default from a cleared state (so the result does not depend on earlier
        solves): (status, x, objective, proven bound)."""
        import highspy

        h = self.h
        if clear:
            h.clearSolver()
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(map(float, start))
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        self._run(highspy)
        self.solve_time += time.perf_counter() - t0
        ms = h.getModelStatus()
        S = highspy.HighsModelStatus
        info = h.getInfo()
        x = None
        if info.primal_solution_status == 2:
            x = np.asarray(h.getSolution().col_value, dtype=float)
        if ms == S.kOptimal:
            z = float(info.objective_function_value)
            return "optimal", x, z, float(info.mip_dual_bound) if self.mip else z
        if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
            return "infeasible", None, None, None
        if ms == S.kUnbounded:
            return "unbounded", None, None, None
        if ms in (S.kTimeLimit, S.kIterationLimit, S.kInterrupt, S.kSolutionLimit):
            return "limit", x, None if x is None else float(info.objective_function_value), None
        return "error", None, None, None
