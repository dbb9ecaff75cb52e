"""Unbounded models: telling them from infeasible ones when HiGHS answers "either", and naming
the columns along which the objective improves without limit.

HiGHS' presolve often stops at ``kUnboundedOrInfeasible``. The model is then solved again
with a zero objective (the feasibility problem): a feasible point means the model is
unbounded, none means it is infeasible; a feasibility solve stopped by a limit leaves the
question open, and the status stays unknown -- never infeasible by default.

The direction comes from the model's structure where it is plain (a column in no constraint
whose objective improves and which has no bound that way) and otherwise from the primal ray
of the continuous relaxation solved without presolve (``Highs.getPrimalRay``).
"""

from __future__ import annotations

import numpy as np

INF = 1e20  # HiGHS' infinite_bound: a bound this large in magnitude is no bound
RAY_TOL = 1e-9
MAX_NAMED = 5


def _copy(h, options, *, presolve: bool):
    """A fresh ``Highs`` holding ``h``'s current model, quiet, with ``options``' limits."""
    import highspy

    g = highspy.Highs()
    g.setOptionValue("output_flag", False)
    if options.time_limit is not None:
        g.setOptionValue("time_limit", float(options.time_limit))
    if options.threads is not None:
        g.setOptionValue("threads", int(options.threads))
    if not presolve:
        g.setOptionValue("presolve", "off")
    g.passModel(h.getLp())
    return g


def feasible(h, options) -> bool | None:
    """Whether ``h``'s model has a feasible point (``None`` when a limit stopped the check)."""
    import highspy

    g = _copy(h, options, presolve=True)
    n = int(g.getNumCol())
    if n:
        idx = np.arange(n, dtype=np.int32)
        g.changeColsCost(n, idx, np.zeros(n))
    g.run()
    ms = g.getModelStatus()
    S = highspy.HighsModelStatus
    if ms in (S.kOptimal, S.kModelEmpty):
        return True
    if ms == S.kInfeasible:
        return False
    return True if g.getInfo().primal_solution_status == 2 else None


def plain_columns(A, c, lower, upper, maximize: bool) -> list[int]:
    """Columns in no constraint (no nonzero in ``A``) whose objective improves and that have
    no bound that way: along each, alone, the objective improves without limit."""
    from scipy import sparse

    n = len(c)
    if n == 0:
        return []
    counts = np.diff(sparse.csc_matrix(A, shape=(A.shape[0], n)).indptr)
    c = -np.asarray(c, dtype=float) if maximize else np.asarray(c, dtype=float)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    grows = (c < 0) & (upper >= INF)  # (as a minimisation) increasing it lowers the objective
    falls = (c > 0) & (lower <= -INF)
    return [int(j) for j in np.flatnonzero((counts == 0) & (grows | falls))]


def _plain_columns_of(h) -> list[int]:
    import highspy
    from scipy import sparse

    lp = h.getLp()
    n, m = int(lp.num_col_), int(lp.num_row_)
    a = lp.a_matrix_
    parts = (np.asarray(a.value_, float), np.asarray(a.index_), np.asarray(a.start_))
    if a.format_ == highspy.MatrixFormat.kRowwise:
        A = sparse.csr_matrix(parts, shape=(m, n))
    else:
        A = sparse.csc_matrix(parts, shape=(m, n))
    maximize = lp.sense_ == highspy.ObjSense.kMaximize
    return plain_columns(A, lp.col_cost_, lp.col_lower_, lp.col_upper_, maximize)


def ray_columns(h, options) -> list[int]:
    """Columns along which ``h``'s unbounded model improves without limit, largest first."""
    import highspy

    plain = _plain_columns_of(h)
    if plain:
        return plain[:MAX_NAMED]
    g = _copy(h, options, presolve=False)
    n = int(g.getNumCol())
    if n == 0 or not hasattr(g, "getPrimalRay"):
        return []
    g.changeColsIntegrality(
        n,
        np.arange(n, dtype=np.int32),
        np.zeros(n, dtype=np.uint8),
    )
    g.run()
    if g.getModelStatus() != highspy.HighsModelStatus.kUnbounded:
        return []
    _, has_ray, ray = g.getPrimalRay()
    if not has_ray:
        return []
    ray = np.abs(np.asarray(ray, dtype=float))
    nz = np.flatnonzero(ray > RAY_TOL)
    return [int(j) for j in nz[np.argsort(-ray[nz], kind="stable")][:MAX_NAMED]]


def unbounded_text(model, res) -> str:
    """ "unbounded: ... along r" for an unbounded ``SolveResult``, naming the columns of the
    solver's unbounded direction when it gave them (its ``extra["ray"]``)."""
    ray = [model.col_name(int(j)) for j in res.extra.get("ray", ())]
    along = f" along {', '.join(repr(r) for r in ray)}" if ray else ""
    hint = "; give it a bound" if len(ray) == 1 else ""
    return (
        f"unbounded: the objective improves without limit{along}{hint} "
        f"(solver '{res.solver}': {res.raw_status})"
    )
