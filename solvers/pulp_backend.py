"""Every solver PuLP can drive: CBC (bundled with PuLP), GLPK, Gurobi, CPLEX, SCIP, ...

PuLP objects are made only here, from the ``MatrixModel``'s arrays. PuLP reports "Optimal"
after CBC stops at its time limit with an incumbent; the real state is in ``sol_status``
(integer feasible) and in CBC's log, which this back end reads for the status, the bound and
the node count.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from functools import cache

import numpy as np

from .base import Feature, SolveOptions, SolveResult, Status, relative_gap
from .stdio import solver_output
from .unbounded import INF  # bounds at or beyond it are no bound, as in HiGHS

# name in this engine -> PuLP solver class name
PULP_SOLVERS = {
    "cbc": "PULP_CBC_CMD",
    "coin": "COIN_CMD",
    "glpk": "GLPK_CMD",
    "gurobi": "GUROBI_CMD",
    "cplex": "CPLEX_CMD",
    "scip": "SCIP_CMD",
    "xpress": "XPRESS",
    "mosek": "MOSEK",
    "copt": "COPT_CMD",
}


@cache
def pulp_available(pulp_name: str) -> tuple[bool, str]:
    import importlib.util

    if importlib.util.find_spec("pulp") is None:
        return False, "the Python package 'pulp' is not installed"
    import pulp

    try:
        solver = pulp.getSolver(pulp_name, msg=False)
        ok = bool(solver.available())
    except Exception as e:  # a broken install must not break the listing
        return False, f"not usable: {e}"
    if ok and _is_this_program(getattr(solver, "path", None)):
        # FICO Xpress' command-line solver is also called 'optimizer': PuLP finds ours on PATH
        return False, f"PuLP cannot find {pulp_name} ('{solver.path}' on PATH is this program)"
    return (True, "") if ok else (False, f"PuLP cannot find {pulp_name} on this machine")


def _is_this_program(path: str | None) -> bool:
    """Whether ``path`` (as PuLP would run it) is this package's own console script."""
    import shutil

    exe = shutil.which(path) if isinstance(path, str) and path else None
    if exe is None:
        return False
    try:
        with open(exe, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"optimizer.cli" in head


def build_pulp(model):
    """A ``pulp.LpProblem`` equal to ``model`` and its variables, in column order."""
    import pulp

    sense = pulp.LpMaximize if model.maximize else pulp.LpMinimize
    prob = pulp.LpProblem("model", sense)
    xs = []
    for j in range(model.n):
        lo = model.col_lower[j]
        up = model.col_upper[j]
        cat = pulp.LpInteger if model.integrality[j] else pulp.LpContinuous
        xs.append(
            pulp.LpVariable(
                f"x{j}",
                lowBound=None if lo <= -INF else float(lo),
                upBound=None if up >= INF else float(up),
                cat=cat,
            )
        )
    c = np.asarray(model.c)
    nz = np.nonzero(c)[0]
    prob += pulp.LpAffineExpression([(xs[j], float(c[j])) for j in nz]) + float(
        model.objective_offset
    )
    A = model.A.tocsr()
    for i in range(model.m):
        lo_i, hi_i = A.indptr[i], A.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [
                (xs[j], float(v))
                for j, v in zip(A.indices[lo_i:hi_i], A.data[lo_i:hi_i], strict=True)
            ]
        )
        lo, up = model.row_lower[i], model.row_upper[i]
        if lo == up:
            prob += expr == float(lo), f"r{i}"
            continue
        if up < INF:
            prob += expr <= float(up), f"r{i}u"
        if lo > -INF:
            prob += expr >= float(lo), f"r{i}l"
    return prob, xs


_CBC_RESULT = re.compile(r"^Result - (.+)$", re.M)
_CBC_OBJ = re.compile(r"^Objective value:\s+(\S+)", re.M)
_CBC_BOUND = re.compile(r"^(?:Lower|Upper) bound:\s+(\S+)", re.M)
_CBC_NODES = re.compile(r"^Enumerated nodes:\s+(\d+)", re.M)


def parse_cbc_log(text: str) -> dict:
    out: dict = {}
    if m := _CBC_RESULT.search(text):
        out["result"] = m.group(1).strip()
    if m := _CBC_OBJ.search(text):
        out["objective"] = float(m.group(1))
    if m := _CBC_BOUND.search(text):
        out["bound"] = float(m.group(1))
    if m := _CBC_NODES.search(text):
        out["nodes"] = int(m.group(1))
    return out


def _plain(model) -> list[int]:
    from .unbounded import plain_columns

    return plain_columns(model.A, model.c, model.col_lower, model.col_upper, bool(model.maximize))


def _ray(model, options: SolveOptions) -> list[int]:
    """Columns along which an unbounded ``model`` improves without limit (through HiGHS'
    primal ray when the direction is not plain from the model; empty when unknown)."""
    from .unbounded import ray_columns

    plain = _plain(model)
    if plain:
        return plain
    try:
        from .highs import load_highs

        return ray_columns(load_highs(model, SolveOptions(time_limit=options.time_limit)), options)
    except Exception:  # the direction is a courtesy: without HiGHS, no names
        return []


class PulpSolver:
    features = frozenset({Feature.INTEGER, Feature.TIME_LIMIT, Feature.MIP_GAP})

    def __init__(self, name: str):
        self.name = name
        self.pulp_name = PULP_SOLVERS[name]

    def available(self) -> tuple[bool, str]:
        return pulp_available(self.pulp_name)

    def solve(self, model, options: SolveOptions) -> SolveResult:
        import pulp

        prob, xs = build_pulp(model)
        kwargs: dict = {"msg": bool(options.verbose)}
        if options.time_limit is not None:
            kwargs["timeLimit"] = float(options.time_limit)
        kwargs["gapRel"] = options.effective_mip_gap
        if options.threads is not None:
            kwargs["threads"] = int(options.threads)
        log_text = ""
        with tempfile.TemporaryDirectory(prefix="optimizer-") as tmp:
            log_path = os.path.join(tmp, "cbc.log")
            if self.name == "cbc":
                kwargs["logPath"] = log_path
                kwargs["msg"] = False
            solver = pulp.getSolver(self.pulp_name, **kwargs)
            solver.tmpDir = tmp  # PuLP's temporary files go where they are removed, also on Ctrl-C
            if self.name == "cbc" or isinstance(solver, pulp.COIN_CMD):
                from .cbc_process import run_cbc

                # CBC as a child this process owns: stopped on Ctrl-C (PuLP leaves it running)
                solver.actualSolve = lambda lp, **_: run_cbc(solver, lp, tmp, log_path)
            t0 = time.perf_counter()
            try:
                with solver_output(options.verbose):  # a solver program's log: stderr with -v
                    prob.solve(solver)
            except Exception as e:  # PulpSolverError, or a broken program's unreadable output
                message = (
                    str(e)
                    if isinstance(e, pulp.PulpSolverError)
                    else f"its output could not be read: {type(e).__name__}: {e}"
                )
                return SolveResult(
                    Status.ERROR,
                    None,
                    None,
                    solver=self.name,
                    message=message,
                    time_s=time.perf_counter() - t0,
                    # CBC crashes on some unbounded models: say where they may be unbounded
                    extra={"ray": _plain(model)},
                )
            elapsed = time.perf_counter() - t0
            if os.path.exists(log_path):
                with open(log_path, errors="replace") as f:
                    log_text = f.read()
                if options.verbose:
                    print(log_text, file=sys.stderr)
        log = parse_cbc_log(log_text) if log_text else {}
        st, sol_st = prob.status, prob.sol_status
        raw = f"{pulp.LpStatus.get(st, st)} / {pulp.LpSolution.get(sol_st, sol_st)}"
        if log.get("result"):
            raw += f" / {log['result']}"
        result = log.get("result", "").lower()
        stopped = "stopped" in result or sol_st == pulp.LpSolutionIntegerFeasible
        if st == pulp.LpStatusOptimal and not stopped:
            status = Status.OPTIMAL
        elif st == pulp.LpStatusOptimal and stopped:
            status = Status.TIME_LIMIT
        elif st == pulp.LpStatusInfeasible:
            status = Status.INFEASIBLE
        elif st == pulp.LpStatusUnbounded:
            status = Status.UNBOUNDED
        elif st == pulp.LpStatusNotSolved and options.time_limit is not None:
            status = Status.TIME_LIMIT
        else:
            status = Status.UNKNOWN
        x = None
        objective = None
        if status in (Status.OPTIMAL, Status.TIME_LIMIT) and sol_st in (
            pulp.LpSolutionOptimal,
            pulp.LpSolutionIntegerFeasible,
        ):
            x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs], dtype=float)
            objective = float(np.dot(model.c, x) + model.objective_offset)
        bound = None
        if status == Status.OPTIMAL:
            bound = objective
        elif "bound" in log:
            # CBC minimises internally; with -max its log shows the negated problem's bound
            b = log["bound"]
            if model.maximize and objective is not None and "objective" in log:
                b = -b if np.sign(log["objective"]) != np.sign(objective) else b
            bound = b
        gap = 0.0 if status == Status.OPTIMAL else relative_gap(objective, bound)
        return SolveResult(
            extra={"ray": _ray(model, options)} if status == Status.UNBOUNDED else {},
            status=status,
            x=x,
            objective=objective,
            bound=bound,
            gap=gap,
            time_s=elapsed,
            solver=self.name,
            raw_status=raw,
            nodes=log.get("nodes"),
        )
