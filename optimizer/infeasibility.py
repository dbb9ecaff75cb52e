"""Why is a problem infeasible? An elastic re-solve that finds the smallest relaxation.

Every bound that can give way (a budget or total resource, a relation, a forced or forbidden
choice, a required commitment, a general constraint) gets a non-negative slack column. The
smallest relaxation is found in two exact MILP phases:

1. the smallest total *relative* relaxation: each slack divided by the size of its bound (a
   capacity of 40 raised by 4 counts 0.1; dropping a relation or a requirement counts 1), so
   amounts in different units (C$, seats, political capital) are never added as if they were
   the same thing;
2. among relaxations of that total, the fewest constraints that give way (a binary indicator
   a slack, ``s_i <= M_i z_i``, with ``M_i`` the most the row could ever be violated by, from
   the column bounds).

Rows with positive slack are the constraints that must give way, with the amount in the
analyst's units. Rows added by a risk reformulation are left out (they only define the
objective and can always be met). Works with any back end that solves MILPs: no commercial
IIS needed. When several relaxations tie on both counts, the one reported is the solver's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

FIXED_KINDS = ("choice", "risk")  # structure, not limits (a choice row's lower bound may give)
RELATION_KINDS = ("requires", "excludes", "both_or_neither", "force", "forbid")
SLACK_TOL = 1e-7


@dataclass(frozen=True)
class Relaxation:
    kind: str
    label: str
    amount: float  # > 0: the row must be loosened by this much
    direction: str  # "raise" (upper bound) or "lower" (lower bound)

    def describe(self, units: dict[str, str] | None = None) -> str:
        amount = f"{self.amount:.4g}"
        if self.kind in ("budget", "total"):
            unit = ""
            if units:
                rid = self.label.split(" ")[0]
                unit = f" {units.get(rid, '')}".rstrip()
            sign = "+" if self.direction == "raise" else "-"
            return f"{self.label}: {sign}{amount}{unit}"
        if self.kind == "choice":
            return f"required '{self.label}': allow none"
        if self.kind in ("force", "forbid"):
            # rows made by spec.force/forbid are labelled "force a, b: a"; show "force a"
            prefix = self.kind + " "
            if self.label.startswith(prefix):
                member = self.label.rsplit(": ", 1)[1] if ": " in self.label else self.label
                return f"{prefix}{member.removeprefix(prefix)}: drop"
            return f"relation {self.label}: drop"
        if self.kind in RELATION_KINDS:
            return f"relation {self.label}: drop"
        if self.kind == "count":
            more = "more" if self.direction == "raise" else "fewer"
            return f"relation {self.label}: allow {amount} {more}"
        return f"constraint {self.label}: relax by {amount}"

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
    total: float  # total relative relaxation (phase 1 minimises it)
    solver: str
    count: int = 0  # how many constraints must give way (phase 2 minimises it)

    @property
    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.relaxations})

    def summary(self, units: dict[str, str] | None = None) -> str:
        if not self.relaxations:
            return "no elastic relaxation found"
        return "; ".join(r.describe(units) for r in self.relaxations)

    def to_dict(self) -> dict:
        return {
            "count": self.count,
            "total": self.total,
            "solver": self.solver,
            "relaxations": [r.to_dict() for r in self.relaxations],
        }


def _activity_range(A, lo, up) -> tuple[np.ndarray, np.ndarray]:
    """Least and greatest value each row can take over the column bounds."""
    A = A.tocsr()
    pos = A.maximum(0)
    neg = A.minimum(0)
    with np.errstate(invalid="ignore"):
        lo0 = np.where(np.isfinite(lo), lo, 0.0)
        up0 = np.where(np.isfinite(up), up, 0.0)
        amin = pos @ lo0 + neg @ up0
        amax = pos @ up0 + neg @ lo0
    # a nonzero on a column with an infinite bound makes the row unbounded that way
    inf_lo = sparse_any(pos, ~np.isfinite(lo)) | sparse_any(neg, ~np.isfinite(up))
    inf_up = sparse_any(pos, ~np.isfinite(up)) | sparse_any(neg, ~np.isfinite(lo))
    amin = np.where(inf_lo, -np.inf, amin)
    amax = np.where(inf_up, np.inf, amax)
    return np.asarray(amin).ravel(), np.asarray(amax).ravel()


def sparse_any(M, cols: np.ndarray) -> np.ndarray:
    """For each row of ``M``: does it have a nonzero in one of the flagged columns?"""
    if not cols.any():
        return np.zeros(M.shape[0], dtype=bool)
    return np.asarray((abs(M) @ cols.astype(float)) > 0).ravel()


def _scale(A, rows: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """The size of each row's bound (what a relative relaxation is measured against)."""
    absA = abs(A.tocsr())
    biggest = np.asarray(absA.max(axis=1).todense()).ravel()[rows] if A.shape[0] else np.zeros(0)
    b = np.abs(bound)
    out = np.where(b > 1e-9, b, biggest)
    return np.where(out > 1e-9, out, 1.0)


def elastic_model(model):
    """The phase-1 elastic model and the data to read its slacks back.

    Returns ``(big, info)``; ``big``'s columns are the model's, then one slack a relaxable
    bound, then one binary indicator a slack whose largest violation is finite.
    """
    from scipy import sparse

    keep = np.nonzero(model.row_kind.astype(str) != "risk")[0]
    A = model.A.tocsr()[keep]
    kind = model.row_kind[keep].astype(str)
    rlo, rup = model.row_lower[keep], model.row_upper[keep]
    amin, amax = _activity_range(A, model.col_lower, model.col_upper)
    can = ~np.isin(kind, FIXED_KINDS)
    # upper bounds that may give way, and could ever be exceeded
    up_rows = np.nonzero(can & np.isfinite(rup) & (amax > rup + SLACK_TOL))[0]
    # lower bounds too (a required commitment's choice row among them)
    lo_ok = can | (kind == "choice")
    lo_rows = np.nonzero(lo_ok & np.isfinite(rlo) & (amin < rlo - SLACK_TOL))[0]
    m, n = A.shape
    k_up, k_lo = up_rows.size, lo_rows.size
    k = k_up + k_lo
    rows = np.concatenate([up_rows, lo_rows])
    sign = np.concatenate([-np.ones(k_up), np.ones(k_lo)])
    bound = np.concatenate([rup[up_rows], rlo[lo_rows]])
    big_m = np.concatenate([amax[up_rows] - rup[up_rows], rlo[lo_rows] - amin[lo_rows]])
    scale = _scale(A, rows, bound)
    has_z = np.isfinite(big_m)
    zi = np.nonzero(has_z)[0]
    kz = zi.size
    S = sparse.csr_matrix((sign, (rows, np.arange(k))), shape=(m, k))
    top = sparse.hstack([A, S, sparse.csr_matrix((m, kz))], format="csr")
    # s_i - M_i z_i <= 0
    link = sparse.hstack(
        [
            sparse.csr_matrix((kz, n)),
            sparse.csr_matrix((np.ones(kz), (np.arange(kz), zi)), shape=(kz, k)),
            sparse.csr_matrix((-big_m[zi], (np.arange(kz), np.arange(kz))), shape=(kz, kz)),
        ],
        format="csr",
    )
    big_A = sparse.vstack([top, link], format="csr")
    # phase 1: the total relative relaxation (phase 2 counts the indicators)
    c = np.concatenate([np.zeros(n), 1.0 / scale, np.zeros(kz)])
    big = replace(
        model,
        c=c,
        A=big_A,
        row_lower=np.concatenate([rlo, np.full(kz, -np.inf)]),
        row_upper=np.concatenate([rup, np.zeros(kz)]),
        col_lower=np.concatenate([model.col_lower, np.zeros(k + kz)]),
        col_upper=np.concatenate([model.col_upper, np.full(k, np.inf), np.ones(kz)]),
        integrality=np.concatenate(
            [model.integrality, np.zeros(k, dtype=bool), np.ones(kz, dtype=bool)]
        ),
        maximize=False,
        objective_offset=0.0,
        row_kind=np.concatenate([model.row_kind[keep], np.full(kz, "elastic", dtype=object)]),
        row_label=np.concatenate(
            [model.row_label[keep], np.array([f"slack {i}" for i in zi], dtype=object)]
        ),
        C=np.zeros((n + k + kz, model.C.shape[1])),
        aux_names=tuple(model.aux_names)
        + tuple(f"slack{i}" for i in range(k))
        + tuple(f"gives{i}" for i in zi),
    )
    info = {
        "keep": keep,
        "rows": rows,
        "k_up": k_up,
        "scale": scale,
        "n": n,
        "k": k,
    }
    return big, info


def diagnose(model, solver, options) -> Diagnosis:
    """Smallest total relative relaxation, then the fewest constraints giving way."""
    from scipy import sparse

    from solvers import SolveOptions, Status

    options = options or SolveOptions()
    big, info = elastic_model(model)
    n, k = info["n"], info["k"]
    if k == 0:
        return Diagnosis((), float("nan"), solver.name)
    res1 = solver.solve(big, options)
    if res1.status == Status.INFEASIBLE and options.presolve:
        # the elastic model is feasible whenever the rows it keeps firm are; HiGHS 1.10's
        # presolve called one such MIP infeasible (tests/test_tranches_mc_breaks.py, oldest
        # pins): the answer without presolve is the one kept
        res1 = solver.solve(big, replace(options, presolve=False))
    if res1.status not in (Status.OPTIMAL, Status.TIME_LIMIT) or res1.x is None:
        return Diagnosis((), float("nan"), solver.name)
    first = float(res1.objective)
    # phase 2: keep phase 1's total at its optimum, minimise the number of rows relaxed
    tol = 1e-6 * max(1.0, abs(first))
    cap = sparse.csr_matrix(big.c.reshape(1, -1))
    c2 = np.zeros(big.n)
    c2[n + k :] = 1.0
    two = replace(
        big,
        c=c2,
        A=sparse.vstack([big.A, cap], format="csr"),
        row_lower=np.concatenate([big.row_lower, [-np.inf]]),
        row_upper=np.concatenate([big.row_upper, [first + tol]]),
        row_kind=np.concatenate([big.row_kind, np.array(["elastic"], dtype=object)]),
        row_label=np.concatenate([big.row_label, np.array(["smallest"], dtype=object)]),
    )
    res2 = solver.solve(two, options)
    res = res2 if res2.x is not None else res1
    s = res.x[n : n + k]
    out = []
    keep, rows, k_up = info["keep"], info["rows"], info["k_up"]
    for i in np.argsort(keep[rows], kind="stable"):
        v = float(s[i])
        if v > SLACK_TOL * max(1.0, info["scale"][i]):
            r = int(keep[rows[i]])
            out.append(
                Relaxation(
                    str(model.row_kind[r]),
                    str(model.row_label[r]),
                    v,
                    "raise" if i < k_up else "lower",
                )
            )
    total = float(np.dot(s, 1.0 / info["scale"]))
    return Diagnosis(tuple(out), total, solver.name, count=len(out))
