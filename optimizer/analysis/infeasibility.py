"""Why is a problem infeasible? An elastic re-solve that finds the smallest relaxation.

Every row that can give way gets a non-negative slack column; the elastic model minimises
the total slack (resource amounts in their units, a relation or forced choice counted as 1 for
each choice it must give). Rows with positive slack are the constraints that must give way,
with the amount. Works with any back end that solves MILPs: no commercial IIS needed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

FIXED_KINDS = ("choice",)  # "at most one option of a commitment" is structure, not a limit


@dataclass(frozen=True)
class Relaxation:
    kind: str
    label: str
    amount: float  # > 0: the row must be loosened by this much
    direction: str  # "raise" (upper bound) or "lower" (lower bound)

    def describe(self, units: dict[str, str] | None = None) -> str:
        if self.kind in ("budget", "total"):
            unit = ""
            if units:
                rid = self.label.split(" ")[0]
                unit = f" {units.get(rid, '')}".rstrip()
            return f"{self.label}: +{self.amount:.4g}{unit}"
        if self.kind == "choice":
            return f"required '{self.label}': allow none"
        if self.kind in ("force", "requires", "excludes", "both_or_neither", "count", "forbid"):
            return f"relation {self.label}: drop"
        return f"{self.kind} {self.label}: relax by {self.amount:.4g}"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "amount": self.amount,
            "direction": self.direction,
        }


@dataclass(frozen=True)
class Diagnosis:
    relaxations: tuple[Relaxation, ...]
    total: float
    solver: str

    @property
    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.relaxations})

    def summary(self, units: dict[str, str] | None = None) -> str:
        if not self.relaxations:
            return "no elastic relaxation found"
        return "; ".join(r.describe(units) for r in self.relaxations)

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "solver": self.solver,
            "relaxations": [r.to_dict() for r in self.relaxations],
        }


def elastic_model(model):
    """The model with a slack column for every bound that may give way; objective = total slack."""
    from scipy import sparse

    m, n = model.m, model.n
    can = ~np.isin(model.row_kind.astype(str), FIXED_KINDS)
    up_rows = np.nonzero(can & np.isfinite(model.row_upper))[0]
    # lower bounds of choice rows (a required commitment) may give way too
    lo_rows = np.nonzero(np.isfinite(model.row_lower) & (can | (model.row_kind == "choice")))[0]
    k_up, k_lo = up_rows.size, lo_rows.size
    S_up = sparse.csr_matrix((-np.ones(k_up), (up_rows, np.arange(k_up))), shape=(m, k_up))
    S_lo = sparse.csr_matrix((np.ones(k_lo), (lo_rows, np.arange(k_lo))), shape=(m, k_lo))
    A = sparse.hstack([model.A, S_up, S_lo], format="csr")
    k = k_up + k_lo
    c = np.concatenate([np.zeros(n), np.ones(k)])
    big = replace(
        model,
        c=c,
        A=A,
        col_lower=np.concatenate([model.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([model.col_upper, np.full(k, np.inf)]),
        integrality=np.concatenate([model.integrality, np.zeros(k, dtype=bool)]),
        maximize=False,
        objective_offset=0.0,
        aux_names=tuple(model.aux_names) + tuple(f"slack{i}" for i in range(k)),
    )
    return big, up_rows, lo_rows


def diagnose(model, solver, options) -> Diagnosis:
    """Smallest total relaxation that makes ``model`` feasible."""
    from solvers import Status

    big, up_rows, lo_rows = elastic_model(model)
    res = solver.solve(big, options)
    if res.status not in (Status.OPTIMAL, Status.TIME_LIMIT) or res.x is None:
        return Diagnosis((), float("nan"), solver.name)
    s = res.x[model.n :]
    out = []
    for rows, vals, direction in (
        (up_rows, s[: up_rows.size], "raise"),
        (lo_rows, s[up_rows.size :], "lower"),
    ):
        for i, v in zip(rows, vals, strict=True):
            if v > 1e-7:
                out.append(
                    Relaxation(str(model.row_kind[i]), str(model.row_label[i]), float(v), direction)
                )
    out.sort(key=lambda r: (-r.amount, r.label))
    return Diagnosis(tuple(out), float(s.sum()), solver.name)
