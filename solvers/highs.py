"""HiGHS through highspy: the default back end.

The model is passed as arrays (CSC column-wise, HiGHS' native form); no files. HiGHS can
overrun its own time limit on large models (it checks the clock only at certain points), so a
watchdog thread cancels the run shortly after the limit: the limit holds all the same.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager

import numpy as np

from .base import Feature, SolveOptions, SolveResult, Status, relative_gap
from .deadline import cap
from .highs_run import ABANDON_AFTER_S, run_interruptible
from .stdio import solver_output

WATCHDOG_GRACE_S = 0.5


def highspy_status():
    import highspy

    return highspy.HighsModelStatus


@functools.cache
def _status_map():
    S = highspy_status()
    codes = {
        "kOptimal": Status.OPTIMAL,
        "kInfeasible": Status.INFEASIBLE,
        "kUnbounded": Status.UNBOUNDED,
        # kUnboundedOrInfeasible: settled by ``solvers.unbounded`` (never called infeasible)
        "kTimeLimit": Status.TIME_LIMIT,
        "kIterationLimit": Status.TIME_LIMIT,
        "kSolutionLimit": Status.TIME_LIMIT,
        "kInterrupt": Status.TIME_LIMIT,
        "kHighsInterrupt": Status.TIME_LIMIT,  # highspy >= 1.12
        "kObjectiveBound": Status.TIME_LIMIT,
        "kObjectiveTarget": Status.TIME_LIMIT,
        "kModelEmpty": Status.OPTIMAL,
        "kMemoryLimit": Status.ERROR,
        "kLoadError": Status.ERROR,
        "kModelError": Status.ERROR,
        "kPresolveError": Status.ERROR,
        "kSolveError": Status.ERROR,
        "kPostsolveError": Status.ERROR,
    }
    return {getattr(S, name): status for name, status in codes.items() if hasattr(S, name)}


def load_highs(model, options: SolveOptions):
    """A ``highspy.Highs`` instance with ``model`` passed in and options set (whatever HiGHS
    prints meanwhile, such as the banner highspy >= 1.12 prints on construction, goes to
    standard error)."""
    with solver_output(options.verbose):
        return _load_highs(model, options)


def _load_highs(model, options: SolveOptions):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(options.verbose))
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("mip_rel_gap", options.effective_mip_gap)
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))
    if not options.presolve:
        h.setOptionValue("presolve", "off")
    # The pointer overload of passModel takes NumPy arrays as they are (one memcpy each).
    # Assigning arrays to a ``HighsLp``'s vectors instead converts them element by element
    # through Python objects: ~1 s for the 6 million nonzeros of a 10^5-commitment model.
    A = model.A.tocsc()
    f64, i32 = np.float64, np.int32
    with log_collected(h, options) as lines:
        status = h.passModel(
            int(model.n),
            int(model.m),
            int(A.nnz),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMaximize if model.maximize else highspy.ObjSense.kMinimize),
            float(model.objective_offset),
            np.ascontiguousarray(model.c, dtype=f64),
            np.ascontiguousarray(model.col_lower, dtype=f64),
            np.ascontiguousarray(model.col_upper, dtype=f64),
            np.ascontiguousarray(model.row_lower, dtype=f64),
            np.ascontiguousarray(model.row_upper, dtype=f64),
            np.ascontiguousarray(A.indptr, dtype=i32),
            np.ascontiguousarray(A.indices, dtype=i32),
            np.ascontiguousarray(A.data, dtype=f64),
            # HighsVarType codes: 0 continuous, 1 integer
            np.ascontiguousarray(model.integrality, dtype=i32),
        )
    if status == highspy.HighsStatus.kError:
        from optimizer.errors import SolverError

        errors = [" ".join(t.split()) for t in lines if t.lstrip().startswith("ERROR")]
        reason = "; ".join(e.removeprefix("ERROR:").strip() for e in errors) or "no reason given"
        raise SolverError(f"HiGHS rejected the model: {reason}")
    return h


# Options for many solves of one model that start from a good incumbent (re-solve sessions,
# the Monte Carlo workers): one thread (HiGHS' parallel MIP workers cost more than they save
# on the small models re-solved many times, and each thread count needs its own scheduler),
# no restarts, no symmetry detection, no primal heuristics (the warm start is the incumbent),
# and pseudocosts trusted at once (strong branching costs more than the few nodes it saves).
# None of them changes what is proven: HiGHS still closes the gap to ``mip_rel_gap``.
RESOLVE_OPTIONS = {
    "mip_allow_restart": False,
    "mip_detect_symmetry": False,
    "mip_pscost_minreliable": 0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


def tune_for_resolves(h, threads: int | None = None) -> None:
    """Set ``RESOLVE_OPTIONS`` on ``h``, and ``threads`` (1 unless given)."""
    h.setOptionValue("threads", 1 if threads is None else int(threads))
    for name, value in RESOLVE_OPTIONS.items():
        h.setOptionValue(name, value)


@contextmanager
def log_collected(h, options: SolveOptions):
    """HiGHS' log lines meanwhile, in a list (for the reason it rejects a model); quiet
    runs stay quiet (the log reaches the callback, and the console copy goes nowhere)."""
    lines: list[str] = []
    hook = getattr(h, "cbLogging", None)
    if not hasattr(hook, "subscribe"):  # highspy < 1.8: no reason to collect
        yield lines
        return

    def collect(event) -> None:
        lines.append(str(getattr(event, "message", "")))

    hook.subscribe(collect)
    # The log must be on for the callback to see it; before highspy 1.14 the callback is not
    # called with log_to_console off, so the console copy is sent nowhere at the descriptor
    # level instead (solver_output), unless the user asked for the log (-v).
    if not options.verbose:
        h.setOptionValue("output_flag", True)
    try:
        with solver_output(options.verbose):
            yield lines
    finally:
        hook.unsubscribe(collect)
        if not options.verbose:
            h.setOptionValue("output_flag", False)


def change_rows_bounds(h, rows, lower, upper) -> None:
    """Set the bounds of ``rows`` (an index array) of a loaded ``Highs`` in place.

    ``changeRowsBounds`` by arrays came with highspy 1.13; before it, one row at a time.
    """
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    if hasattr(h, "changeRowsBounds"):
        h.changeRowsBounds(int(rows.size), rows, lower, upper)
        return
    for r, lo, up in zip(
        rows.tolist(),
        np.asarray(lower, dtype=float).tolist(),
        np.asarray(upper, dtype=float).tolist(),
        strict=True,
    ):
        h.changeRowBounds(r, lo, up)


def set_start(h, model) -> None:
    """Give HiGHS ``model.meta["start"]`` (a point of all ``model.n`` columns), if any, as a
    MIP start. HiGHS takes it as its first incumbent if it is feasible (else it fixes the
    integer columns and completes the rest by an LP, or drops it): a start never changes the
    optimum, only how soon a good package is known."""
    start = model.meta.get("start")
    if start is None or not model.integrality.any():
        return
    import highspy

    start = np.asarray(start, dtype=float)
    if start.shape != (model.n,):
        return
    sol = highspy.HighsSolution()
    sol.col_value = start.tolist()
    sol.value_valid = True
    with solver_output(False):
        h.setSolution(sol)


def run_loaded(h, model, options: SolveOptions, name: str = "highs") -> SolveResult:
    """Run an already loaded ``Highs`` and read the result (also used by re-solve paths)."""

    t0 = time.perf_counter()
    deadline = None
    limit = cap(options.time_limit)  # within a command's time budget (solvers.deadline)
    if limit is not None:
        deadline = t0 + float(limit) + (WATCHDOG_GRACE_S if limit == options.time_limit else 0)
    finished = run_interruptible(h, deadline, options.verbose)
    elapsed = time.perf_counter() - t0
    if not finished:
        return SolveResult(
            status=Status.TIME_LIMIT,
            x=None,
            objective=None,
            time_s=elapsed,
            solver=name,
            raw_status="abandoned: HiGHS did not stop within "
            f"{ABANDON_AFTER_S:g} s of the interrupt at its time limit",
        )
    ms = h.getModelStatus()
    status = _status_map().get(ms, Status.UNKNOWN)
    raw = h.modelStatusToString(ms) if hasattr(h, "modelStatusToString") else str(ms)
    if status in (Status.UNKNOWN, Status.UNBOUNDED):
        settled = _settle_unbounded(h, ms, status, options)
        if settled is not None:
            status, ray = settled
            if ms == highspy_status().kUnboundedOrInfeasible:
                raw += {
                    Status.UNKNOWN: "; the feasibility check that tells them apart stopped",
                    Status.INFEASIBLE: "; no feasible point: infeasible",
                    Status.UNBOUNDED: "; a feasible point exists: unbounded",
                }[status]
            return SolveResult(
                status=status,
                x=None,
                objective=None,
                time_s=time.perf_counter() - t0,
                solver=name,
                raw_status=raw,
                extra={"ray": ray} if status == Status.UNBOUNDED else {},
            )
    if options.time_limit is not None and elapsed > options.time_limit and status == Status.OPTIMAL:
        status = Status.OPTIMAL  # finished: a proof is a proof, even if late
    info = h.getInfo()
    is_mip = bool(model.integrality.any())
    x = None
    objective = None
    bound = None
    duals = None
    nodes = None
    if is_mip:
        has = info.primal_solution_status == 2  # kSolutionStatusFeasible
        nodes = int(info.mip_node_count)
        bound = float(info.mip_dual_bound)
        if has and status in (Status.OPTIMAL, Status.TIME_LIMIT, Status.UNKNOWN):
            sol = h.getSolution()
            x = np.asarray(sol.col_value, dtype=float)
            objective = float(info.objective_function_value)
    elif status == Status.OPTIMAL or (
        status == Status.TIME_LIMIT and info.primal_solution_status == 2
    ):
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        objective = float(info.objective_function_value)
        if sol.dual_valid:
            duals = np.asarray(sol.row_dual, dtype=float)
        bound = objective if status == Status.OPTIMAL else None
    if status == Status.OPTIMAL and bound is None:
        bound = objective
    gap = relative_gap(objective, bound)
    if status == Status.OPTIMAL and not is_mip:
        gap = 0.0
    if status == Status.UNKNOWN and x is not None:
        status = Status.TIME_LIMIT
    return SolveResult(
        status=status,
        x=x,
        objective=objective,
        bound=bound if bound is None or np.isfinite(bound) else None,
        gap=gap,
        time_s=elapsed,
        solver=name,
        raw_status=raw,
        duals=duals,
        nodes=nodes,
    )


def _settle_unbounded(h, ms, status: Status, options: SolveOptions):
    """``(status, ray columns)`` for an unbounded or "unbounded or infeasible" answer, else
    ``None``: HiGHS' "either" is settled by a feasibility solve (see ``solvers.unbounded``)."""
    import highspy

    from . import unbounded as hu

    if ms == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        ok = hu.feasible(h, options)
        if ok is None:
            return Status.UNKNOWN, []
        if not ok:
            return Status.INFEASIBLE, []
    elif status != Status.UNBOUNDED:
        return None
    try:
        ray = hu.ray_columns(h, options)
    except Exception:  # the direction is a courtesy (an older highspy may lack a call)
        ray = []
    return Status.UNBOUNDED, ray


class HighsSolver:
    name = "highs"
    features = frozenset(
        {
            Feature.INTEGER,
            Feature.DUALS,
            Feature.TIME_LIMIT,
            Feature.MIP_GAP,
            Feature.WARM_RESOLVE,
            Feature.START,
        }
    )

    def solve(self, model, options: SolveOptions) -> SolveResult:
        h = load_highs(model, options)
        set_start(h, model)
        return run_loaded(h, model, options, self.name)

    @staticmethod
    def available() -> tuple[bool, str]:
        import importlib.util

        if importlib.util.find_spec("highspy") is None:
            return False, "the Python package 'highspy' is not installed"
        return True, ""
