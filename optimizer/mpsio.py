"""MPS and LP files as ``MatrixModel`` objects, and an independent check of their solutions.

``read_model(path)`` reads a (free or fixed) MPS file or a CPLEX LP file through highspy's
reader and returns a ``FileModel``: a ``MatrixModel`` with no problem spec behind it, in which
every column is a decision column carrying the name it has in the file (one pseudo-commitment
per column, one scenario ``base`` of probability 1). Any solver back end can solve it.

``verify(model, x)`` re-evaluates a solution against such a model in plain NumPy: every column
bound, integrality, every row's activity (summed from the COO triplets, not the CSR product a
solver back end uses) against its bounds, and the objective recomputed from the costs. It is
the file-model counterpart of ``optimizer.solution.evaluate``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, VerificationError
from .model import MatrixModel

SUFFIXES = (".mps", ".lp", ".mps.gz", ".lp.gz", ".free-mps")
FEAS_TOL = 1e-6  # absolute + relative (scaled by max(1, |bound|)) row and bound tolerance
INT_TOL = 1e-6


def is_model_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` names an MPS or LP file (by its suffix)."""
    name = os.fspath(path).lower()
    return name.endswith(SUFFIXES)


@dataclass(frozen=True, eq=False)
class FileModel(MatrixModel):
    """A ``MatrixModel`` read from a file: columns and rows keep the file's names."""

    col_labels: tuple[str, ...] = ()

    def col_name(self, j: int) -> str:
        if j < len(self.col_labels):
            return self.col_labels[j]
        return super().col_name(j)


def _ignored(lines: list[str]) -> list[str]:
    """HiGHS' reader warnings about entries it dropped (a row name not defined in ROWS, a
    duplicate value): each entry named, or the section's count when none is."""
    import re

    warned = [
        " ".join(t.split()).removeprefix("WARNING:").strip()
        for t in lines
        if t.lstrip().startswith("WARNING") and "ignored" in t
    ]
    counts = [w for w in warned if re.search(r"section: ignored", w)]
    named = [w for w in warned if w not in counts]
    return named or [w for w in counts if any(int(k) for k in re.findall(r"\d+", w))]


def read_model(path: str | os.PathLike) -> FileModel:
    """Read an MPS or LP file through highspy into a ``FileModel``.

    Raises ``InputError`` when the file is missing, unreadable, or uses a column type the
    engine does not model (semi-continuous, semi-integer).
    """
    import highspy

    p = Path(path)
    where = str(p)
    if not p.is_file():
        if p.exists():  # a named pipe or a device would keep HiGHS' reader waiting
            from .spec.files import kind

            raise InputError(f"is {kind(p.stat().st_mode)}, not a regular file", where=where)
        raise InputError("no such file", where=where)
    if not is_model_file(p):
        raise InputError(
            f"unknown model file type '{p.suffix}'; allowed: {', '.join(SUFFIXES)}", where=where
        )
    from solvers import SolveOptions
    from solvers.highs import log_collected
    from solvers.stdio import solver_output

    with solver_output():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    with solver_output(), log_collected(h, SolveOptions()) as lines:
        status = h.readModel(str(p))
    if status == highspy.HighsStatus.kError:
        errors = [" ".join(t.split()) for t in lines if t.lstrip().startswith("ERROR")]
        reason = "; ".join(e.removeprefix("ERROR:").strip() for e in errors)
        raise InputError(
            "HiGHS cannot read this model file" + (f": {reason}" if reason else ""), where=where
        )
    dropped = _ignored(lines)
    if dropped:
        more = f" (and {len(dropped) - 3} more)" if len(dropped) > 3 else ""
        raise InputError(
            "HiGHS would ignore part of this model file, so another model would be solved: "
            + "; ".join(dropped[:3])
            + more,
            where=where,
        )
    lp = h.getLp()
    n, m = int(lp.num_col_), int(lp.num_row_)
    if n == 0:
        raise InputError("the model has no columns", where=where)
    integrality = np.zeros(n, dtype=bool)
    types = list(lp.integrality_)
    if types:
        codes = np.array([int(t) for t in types], dtype=np.int64)
        bad = np.isin(
            codes,
            [int(highspy.HighsVarType.kSemiContinuous), int(highspy.HighsVarType.kSemiInteger)],
        )
        if bad.any():
            j = int(np.nonzero(bad)[0][0])
            raise InputError(
                f"column '{lp.col_names_[j] if lp.col_names_ else j}' is semi-continuous or "
                "semi-integer, which the engine does not model",
                where=where,
            )
        integrality = codes != int(highspy.HighsVarType.kContinuous)
    A = _csr_from_highs(lp, m, n)
    c = np.asarray(lp.col_cost_, dtype=float).copy()
    col_names = (
        tuple(lp.col_names_) if len(lp.col_names_) == n else tuple(f"c{j}" for j in range(n))
    )
    row_names = (
        np.array(list(lp.row_names_), dtype=object)
        if len(lp.row_names_) == m
        else np.array([f"r{i}" for i in range(m)], dtype=object)
    )
    model = FileModel(
        c=c,
        A=A,
        row_lower=np.asarray(lp.row_lower_, dtype=float).copy(),
        row_upper=np.asarray(lp.row_upper_, dtype=float).copy(),
        col_lower=np.asarray(lp.col_lower_, dtype=float).copy(),
        col_upper=np.asarray(lp.col_upper_, dtype=float).copy(),
        integrality=integrality,
        maximize=lp.sense_ == highspy.ObjSense.kMaximize,
        C=c[:, None].copy(),
        p=np.ones(1),
        scenario_ids=("base",),
        row_kind=np.full(m, "user", dtype=object),
        row_label=row_names,
        col_commitment=np.arange(n, dtype=np.int64),
        col_option=np.zeros(n, dtype=np.int64),
        col_start=np.zeros(n, dtype=np.int64),
        commitment_ids=col_names,
        option_ids=(("x",),) * n,
        period_labels=(None,),
        n_decision=n,
        objective_offset=float(lp.offset_),
        meta={"problem": p.name.split(".")[0], "file": where},
        col_labels=col_names,
    )
    from .numerics import check_magnitudes

    return check_magnitudes(model, where=where)


def _csr_from_highs(lp, m: int, n: int):
    from scipy import sparse

    a = lp.a_matrix_
    start = np.asarray(a.start_, dtype=np.int64)
    index = np.asarray(a.index_, dtype=np.int64)
    value = np.asarray(a.value_, dtype=float)
    import highspy

    if a.format_ == highspy.MatrixFormat.kRowwise:
        M = sparse.csr_matrix((value, index, start), shape=(m, n))
    else:
        M = sparse.csc_matrix((value, index, start), shape=(m, n)).tocsr()
    M.sum_duplicates()
    M.eliminate_zeros()
    return M


@dataclass(frozen=True)
class Verification:
    """The outcome of ``verify``: what holds, the worst violations, and the objective."""

    objective: float
    max_row_violation: float
    max_bound_violation: float
    max_integrality_violation: float
    violations: tuple[str, ...] = field(default=())

    @property
    def feasible(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "objective": self.objective,
            "max_row_violation": self.max_row_violation,
            "max_bound_violation": self.max_bound_violation,
            "max_integrality_violation": self.max_integrality_violation,
            "violations": list(self.violations),
        }


def _excess(value: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """How far each value lies outside [lower, upper], relative to max(1, |bound|)."""
    with np.errstate(invalid="ignore"):
        below = np.where(np.isfinite(lower), (lower - value) / np.maximum(1.0, np.abs(lower)), 0.0)
        above = np.where(np.isfinite(upper), (value - upper) / np.maximum(1.0, np.abs(upper)), 0.0)
    return np.maximum(np.maximum(below, above), 0.0)


def verify(
    model: MatrixModel,
    x: np.ndarray,
    *,
    tol: float = FEAS_TOL,
    int_tol: float = INT_TOL,
    max_listed: int = 10,
) -> Verification:
    """Check ``x`` against every bound, integrality flag and row of ``model``.

    Row activities are summed from the COO triplets with ``np.add.at`` (an independent path
    from the sparse product the back ends use); the objective is ``c @ x + offset``.
    """
    x = np.asarray(x, dtype=float)
    if x.shape != (model.n,):
        raise VerificationError(f"expected a solution of {model.n} values, got shape {x.shape}")
    violations: list[str] = []
    if not np.all(np.isfinite(x)):
        j = int(np.nonzero(~np.isfinite(x))[0][0])
        violations.append(f"column '{model.col_name(j)}' is {x[j]}")
    bound_ex = _excess(x, model.col_lower, model.col_upper)
    ints = np.asarray(model.integrality, dtype=bool)
    frac = np.where(ints, np.abs(x - np.round(x)), 0.0)
    coo = model.A.tocoo()
    activity = np.zeros(model.m)
    np.add.at(activity, coo.row, coo.data * x[coo.col])
    row_ex = _excess(activity, model.row_lower, model.row_upper)

    for j in np.argsort(-bound_ex)[:max_listed]:
        if bound_ex[j] > tol:
            violations.append(
                f"column '{model.col_name(int(j))}' = {x[j]:.10g} outside "
                f"[{model.col_lower[j]:.10g}, {model.col_upper[j]:.10g}]"
            )
    for j in np.argsort(-frac)[:max_listed]:
        if frac[j] > int_tol:
            violations.append(f"integer column '{model.col_name(int(j))}' = {x[j]:.10g}")
    for i in np.argsort(-row_ex)[:max_listed]:
        if row_ex[i] > tol:
            violations.append(
                f"row '{model.row_label[i]}' = {activity[i]:.10g} outside "
                f"[{model.row_lower[i]:.10g}, {model.row_upper[i]:.10g}]"
            )
    objective = float(np.dot(np.asarray(model.c, dtype=float), x) + model.objective_offset)
    return Verification(
        objective=objective,
        max_row_violation=float(row_ex.max(initial=0.0)),
        max_bound_violation=float(bound_ex.max(initial=0.0)),
        max_integrality_violation=float(frac.max(initial=0.0)),
        violations=tuple(violations),
    )


def verify_result(model: MatrixModel, result, *, obj_tol: float = 1e-6) -> Verification:
    """``verify`` a back end's ``SolveResult``; also compare the recomputed objective with the
    solver's. Raises ``VerificationError`` when the solution does not hold up."""
    if result.x is None:
        raise VerificationError(f"solver '{result.solver}' returned no solution to verify")
    v = verify(model, result.x)
    if not v.feasible:
        raise VerificationError(
            f"the solver's solution fails the independent check: {v.violations[0]}"
        )
    if result.objective is not None and abs(v.objective - result.objective) > obj_tol * max(
        1.0, abs(v.objective)
    ):
        raise VerificationError(
            f"recomputed objective {v.objective:.10g} differs from the solver's "
            f"{result.objective:.10g}"
        )
    return v


@dataclass(frozen=True)
class FileSolution:
    """A verified solution of a model file: the values by column name and what was checked."""

    file: str
    status: str  # "optimal" | "time_limit"
    objective: float
    sense: str
    values: dict[str, float]
    check: Verification
    solver: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "file": self.file,
            "status": self.status,
            "objective": {"value": self.objective, "sense": self.sense},
            "values": {k: v for k, v in self.values.items() if v != 0},
            "verified": self.check.feasible,
            "check": self.check.to_dict(),
            "solver": self.solver,
        }

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent)

    def to_csv(self) -> str:
        lines = ["column,value"]
        lines += [f"{k},{v!r}" for k, v in self.values.items() if v != 0]
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        nz = [(k, v) for k, v in self.values.items() if v != 0]
        gap = self.solver.get("gap")
        head = (
            f"{self.file}\nstatus: {self.status}   objective ({self.sense}): "
            f"{self.objective:.10g}   verified: {'yes' if self.check.feasible else 'no'}\n"
            f"solver: {self.solver['name']}   time: {self.solver['time_s']:.3f} s   "
            f"gap: {'-' if gap is None else f'{gap:.2%}'}\n"
            f"nonzero columns: {len(nz)} of {len(self.values)}\n"
        )
        return head + "".join(f"  {k} = {v:.10g}\n" for k, v in nz[:200])


def solve_file(
    path: str | os.PathLike,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    verbose: bool = False,
) -> FileSolution:
    """Read, solve and verify an MPS/LP file: the model-file counterpart of ``api.solve``.

    Raises ``InfeasibleError``, ``LimitError`` (no solution within the limits), ``SolverError``
    or ``VerificationError``, as ``api.solve`` does.
    """
    import solvers

    from .errors import InfeasibleError, LimitError, SolverError

    model = read_model(path)
    backend = solvers.get(solver)
    opts = solvers.SolveOptions(
        time_limit=time_limit, mip_gap=mip_gap, threads=threads, verbose=verbose
    )
    res = backend.solve(model, opts)
    name = str(path)
    if res.status == solvers.Status.INFEASIBLE:
        raise InfeasibleError(f"{name}: infeasible ({res.raw_status})")
    if res.status == solvers.Status.UNBOUNDED:
        from solvers.unbounded import unbounded_text

        raise SolverError(f"{name}: {unbounded_text(model, res)}")
    if res.x is None:
        if res.status == solvers.Status.TIME_LIMIT:
            raise LimitError(f"{name}: no solution found within the limits ({res.raw_status})")
        raise SolverError(f"{name}: solver '{res.solver}' failed: {res.status.value}")
    check = verify_result(model, res)
    return FileSolution(
        file=name,
        status="optimal" if res.status == solvers.Status.OPTIMAL else "time_limit",
        objective=check.objective,
        sense="maximize" if model.maximize else "minimize",
        values=dict(zip(model.col_labels, (float(v) for v in res.x), strict=True)),
        check=check,
        solver=res.summary(),
    )
