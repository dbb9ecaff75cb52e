"""Every instance with every solver, ``repeat`` times: the result rows, each checked against
the spec or the model file and compared with the known optimum."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from .instances import MATCH_TOL, Instance
from .runs import MEMORY_METHODS, Run, normalise, solve_isolated, solve_once


@dataclass
class Row:
    """One instance x solver: the median of the repeats, and how it compares with the known."""

    instance: str
    solver: str
    status: str
    objective: float | None
    bound: float | None
    known: float | None
    known_kind: str
    gap_known: float | None  # signed: > 0 worse than the known value, < 0 better
    matches_known: bool | None
    solver_gap: float | None
    time_s: float
    wall_s: float
    compile_s: float
    nodes: int | None
    peak_mib: float | None
    verified: bool | None
    n_cols: int
    n_rows: int
    nnz: int
    n_int: int
    repeats: int
    statuses: str
    raw_status: str
    source: str
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS = [f for f in Row.__dataclass_fields__]


def gap_to_known(objective: float | None, known: float | None, maximize: bool) -> float | None:
    """Signed relative shortfall against a known value: 0 matches, > 0 worse, < 0 better."""
    if objective is None or known is None:
        return None
    diff = (known - objective) if maximize else (objective - known)
    return diff / max(1.0, abs(known))


def _verify(spec, model, x, objective) -> tuple[bool, str]:
    """The independent check: from the spec for problem instances, in NumPy for files."""
    if x is None:
        return False, "no solution"
    if spec is not None:
        from ..solution import OBJ_TOL, decode, evaluate

        try:
            ev = evaluate(spec, decode(model, x))
        except Exception as e:  # a fractional value etc.
            return False, str(e)
        if not ev.feasible:
            return False, ev.violations[0]
        if objective is not None and abs(ev.expected - objective) > OBJ_TOL * max(
            1, abs(ev.expected)
        ):
            return False, f"recomputed objective {ev.expected:.10g} != {objective:.10g}"
        return True, ""
    from ..mpsio import verify

    v = verify(model, x)
    if not v.feasible:
        return False, v.violations[0]
    if objective is not None and abs(v.objective - objective) > 1e-6 * max(1, abs(v.objective)):
        return False, f"recomputed objective {v.objective:.10g} != {objective:.10g}"
    return True, ""


def run(
    instances: Iterable[Instance],
    solvers: Sequence[str],
    *,
    time_limit: float | None = 60.0,
    repeat: int = 1,
    mip_gap: float | None = None,
    threads: int | None = None,
    memory: str = "rss",
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Solve each instance with each solver ``repeat`` times; one ``Row`` per pair.

    The row holds the run with the median solver time (status, objective, bound, nodes), the
    median times, and the largest peak memory over the repeats.
    """
    from solvers.base import DEFAULT_MIP_GAP

    if memory not in MEMORY_METHODS:
        raise InputError(f"unknown memory method '{memory}'; allowed: {', '.join(MEMORY_METHODS)}")
    rows: list[Row] = []
    gap_tol = DEFAULT_MIP_GAP if mip_gap is None else mip_gap
    for inst in instances:
        spec, model, compile_s = inst.load()
        for solver in solvers:
            if progress:
                progress(f"{inst.name} · {solver}")
            runs = []
            for _ in range(max(1, repeat)):
                if memory == "rss":
                    out = solve_isolated(model, solver, time_limit, mip_gap, threads)
                else:
                    out = solve_once(model, solver, time_limit, mip_gap, threads, memory)
                out["status"] = normalise(
                    out["status"],
                    out["raw_status"],
                    out["solver_gap"],
                    out["time_s"],
                    time_limit,
                    gap_tol,
                )
                runs.append(Run(**out))
            rows.append(_row(inst, spec, model, compile_s, solver, runs))
    return rows


def _row(inst: Instance, spec, model, compile_s: float, solver: str, runs: list[Run]) -> Row:
    times = [r.time_s for r in runs]
    med = statistics.median(times)
    pick = min(runs, key=lambda r: abs(r.time_s - med))
    verified, why = (None, "")
    if pick.x is not None:
        verified, why = _verify(spec, model, pick.x, pick.objective)
    status = pick.status
    if verified is False and status == "optimal":
        status = "error"
    g = gap_to_known(pick.objective, inst.known, model.maximize)
    peaks = [r.peak_mib for r in runs if r.peak_mib is not None]
    return Row(
        instance=inst.name,
        solver=solver,
        status=status,
        objective=pick.objective,
        bound=pick.bound,
        known=inst.known,
        known_kind=inst.known_kind,
        gap_known=g,
        matches_known=None if g is None else abs(g) <= MATCH_TOL,
        solver_gap=pick.solver_gap,
        time_s=med,
        wall_s=statistics.median(r.wall_s for r in runs),
        compile_s=compile_s,
        nodes=pick.nodes,
        peak_mib=max(peaks) if peaks else None,
        verified=verified,
        n_cols=model.n,
        n_rows=model.m,
        nnz=int(model.A.nnz),
        n_int=int(np.count_nonzero(model.integrality)),
        repeats=len(runs),
        statuses=",".join(sorted({r.status for r in runs})),
        raw_status=pick.raw_status,
        source=inst.source,
        message=why or pick.message,
    )
