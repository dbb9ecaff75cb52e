"""The inputs of ``optimizer sensitivity``: objective parameters (a probability, an option's
value) and right-hand-side parameters (a capacity, a scale of all of a resource's capacities),
each a change of some costs or row bounds of the loaded model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.resolve import Key, Packages

FEASIBILITY_STEP = 1e-5  # well past the solvers' feasibility tolerances (HiGHS MIP: 1e-6)
KINDS = ("probability", "value", "capacity", "scale", "baseline", "shift")


# ---- parameters --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ObjectiveParam:
    """Costs of ``cols`` are ``a + theta * b``; all other costs stay at the base model's."""

    name: str
    kind: str
    target: str
    unit: str
    base: float
    lo: float
    hi: float
    cols: np.ndarray
    a: np.ndarray
    b: np.ndarray
    natural_lo: bool = False  # lo is an end of the parameter's domain (a probability of 0)
    natural_hi: bool = False
    option: tuple[int, int] | None = None  # (commitment, option) when only its costs move
    offset: tuple[float, float] | None = None  # objective offset a + theta * b, if it moves

    def costs(self, theta: float) -> np.ndarray:
        return self.a + theta * self.b

    def apply(self, lm, theta: float) -> None:
        lm.set_costs(self.cols, self.costs(theta))

    def restore(self, lm) -> None:
        lm.set_costs(self.cols, np.asarray(lm.base.c, dtype=float)[self.cols])

    def line(self, pk: Packages, key: Key) -> tuple[float, float]:
        """Score (sign-adjusted objective) of ``key`` as ``alpha + beta * theta``."""
        m = pk.model
        v = pk.vec(key)
        c0 = np.asarray(m.c, dtype=float)[: pk.nd]
        vc = v[self.cols]
        off_a, off_b = (m.objective_offset, 0.0) if self.offset is None else self.offset
        alpha = c0 @ v - c0[self.cols] @ vc + self.a @ vc + off_a
        beta = self.b @ vc + off_b
        s = 1.0 if m.maximize else -1.0
        return s * float(alpha), s * float(beta)

    def objective(self, pk: Packages, key: Key, theta: float) -> float:
        a, b = self.line(pk, key)
        s = 1.0 if pk.model.maximize else -1.0
        return s * (a + b * theta)


@dataclass(frozen=True, eq=False)
class RhsParam:
    """Upper bounds of ``rows`` are ``theta * g`` (their lower bounds stay)."""

    name: str
    kind: str
    target: str
    unit: str
    base: float
    lo: float
    hi: float  # at or above this the rows can never bind
    rows: np.ndarray
    g: np.ndarray
    A_rows: Any  # csr (len(rows), n_decision)
    resource: str = ""

    @property
    def monotone(self) -> bool:
        return bool(np.all(self.g > 0))

    def apply(self, lm, theta: float) -> None:
        lm.set_row_bounds(self.rows, lm.base.row_lower[self.rows], theta * self.g)

    def restore(self, lm) -> None:
        lm.set_row_bounds(self.rows, lm.base.row_lower[self.rows], lm.base.row_upper[self.rows])

    def threshold(self, pk: Packages, key: Key) -> float:
        """The smallest theta at which package ``key`` fits these rows."""
        act = self.A_rows @ pk.vec(key)
        return float(np.max(act / self.g)) if act.size else -math.inf

    def eps_abs(self) -> float:
        """A step past a threshold that the solver notices (HiGHS accepts a MIP solution that
        breaks a row by up to 1e-6)."""
        scale = abs(self.base) if self.base != 0 else max(self.hi - self.lo, 1.0)
        return max(1e-7 * scale, FEASIBILITY_STEP / float(np.min(np.abs(self.g))))

    def tol_abs(self, tolerance: float) -> float:
        scale = abs(self.base) if self.base != 0 else max(self.hi - self.lo, 1.0)
        return max(tolerance * scale, FEASIBILITY_STEP / float(np.min(np.abs(self.g))))


def discount_weights(spec, model) -> tuple[np.ndarray, np.ndarray]:
    """Per decision column: present value of one unit of value as a one-off at its start, and
    as a yearly amount from its start to the end of the horizon."""
    T = spec.n_periods
    disc = (1.0 + spec.discount_rate) ** -np.arange(T, dtype=float)
    tail = np.cumsum(disc[::-1])[::-1]
    start = np.asarray(model.col_start[: model.n_decision], dtype=np.int64)
    return disc[start], tail[start]


def option_columns(model, ci: int, oi: int) -> np.ndarray:
    nd = model.n_decision
    return np.nonzero((model.col_commitment[:nd] == ci) & (model.col_option[:nd] == oi))[0]


def unit_value_direction(spec, model, ci: int, oi: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Columns of an option and the present value of one more unit of its stated value there
    (one-off at the start, or each year when the option's value is per year)."""
    once, yearly = discount_weights(spec, model)
    cols = option_columns(model, ci, oi)
    o = spec.commitments[ci].options[oi]
    if o.value_per_year:
        return cols, yearly[cols], "per year"
    return cols, once[cols], "one-off" if spec.years else ""


def resource_rows(spec, model) -> dict[str, list[tuple[int, int | None]]]:
    """Rows of each resource in ``model`` with their year (None for a total or single period)."""
    where = {
        (str(k), str(lab)): i
        for i, (k, lab) in enumerate(zip(model.row_kind, model.row_label, strict=True))
    }
    out: dict[str, list[tuple[int, int | None]]] = {}
    for r in spec.resources:
        rows: list[tuple[int, int | None]] = []
        if r.kind == "total":
            i = where.get(("total", f"{r.id} (total)"))
            if i is not None:
                rows.append((i, None))
        else:
            for y in spec.period_labels:
                i = where.get(("budget", r.id if y is None else f"{r.id} {y}"))
                if i is not None:
                    rows.append((i, y))
        out[r.id] = rows
    return out


def _spread(model) -> float:
    """A change in one column's cost larger than this decides any comparison of packages."""
    c = np.asarray(model.c[: model.n_decision], dtype=float)
    return float(np.abs(c).sum()) + 1.0


def probability_params(spec, model) -> list[ObjectiveParam]:
    """Each scenario's probability over [0, 1], the others rescaled in proportion (with
    scenario baselines, the objective offset ``p . b`` moves with it)."""
    nd = model.n_decision
    C = np.asarray(model.C[:nd], dtype=float)
    p = np.asarray(model.p, dtype=float)
    b = np.array([float(s.baseline) for s in spec.scenarios])
    off0 = float(model.objective_offset - p @ b)
    out = []
    if len(p) < 2:
        return out
    cols = np.arange(nd)
    for s, sid in enumerate(model.scenario_ids):
        rest = 1.0 - p[s]
        if rest <= 1e-12:
            continue
        others = np.delete(np.arange(len(p)), s)
        R = C[:, others] @ (p[others] / rest)
        rb = float(b[others] @ (p[others] / rest))
        out.append(
            ObjectiveParam(
                name=f"P({sid})",
                kind="probability",
                target=sid,
                unit="",
                base=float(p[s]),
                lo=0.0,
                hi=1.0,
                cols=cols,
                a=R,
                b=C[:, s] - R,
                natural_lo=True,
                natural_hi=True,
                offset=(off0 + rb, float(b[s]) - rb) if b.any() else None,
            )
        )
    return out


def value_params(spec, model) -> list[ObjectiveParam]:
    """Each option's value in each scenario (of positive probability).

    The parameter is the amount written in the problem when that is a number; when it is a
    profile by year, a multiplier of the profile (base 1).
    """
    p = np.asarray(model.p, dtype=float)
    c0 = np.asarray(model.c, dtype=float)
    spread = _spread(model)
    out = []
    for ci, cm in enumerate(spec.commitments):
        for oi, o in enumerate(cm.options):
            cols, w, _ = unit_value_direction(spec, model, ci, oi)
            if cols.size == 0:
                continue
            for s, sid in enumerate(model.scenario_ids):
                if p[s] <= 0:
                    continue
                amount = o.value.get(sid, 0.0)
                if isinstance(amount, tuple):
                    d = np.asarray(model.C[cols, s], dtype=float)
                    base, unit = 1.0, "x"
                else:
                    d = w
                    base, unit = float(amount), spec.value_unit
                if not np.any(d):
                    continue
                b = p[s] * d
                M = spread / float(np.min(np.abs(b)[np.abs(b) > 0]))
                out.append(
                    ObjectiveParam(
                        name=f"{cm.id}.{o.id} value in {sid}",
                        kind="value",
                        target=f"{cm.id}.{o.id}:{sid}",
                        unit=unit,
                        base=base,
                        lo=base - M,
                        hi=base + M,
                        cols=cols,
                        a=c0[cols] - base * b,
                        b=b,
                        option=(ci, oi),
                    )
                )
    return out


def capacity_params(spec, model, *, per_year: bool = True, scale: bool = True) -> list[RhsParam]:
    """Each resource's capacity in each year (or its total), and a scale of all its years."""
    nd = model.n_decision
    A = model.A.tocsr()
    out: list[RhsParam] = []
    for r in spec.resources:
        rows_years = resource_rows(spec, model)[r.id]
        if not rows_years:
            continue
        rows = np.array([i for i, _ in rows_years], dtype=np.int64)
        if per_year:
            for i, y in rows_years:
                Ai = A[[i]][:, :nd]
                coefs = Ai.toarray().ravel()
                lo = min(0.0, float(np.minimum(coefs, 0).sum()))
                hi = float(np.maximum(coefs, 0).sum())
                if y is not None:
                    label = f"{r.id} {y}"
                else:
                    label = f"{r.id} (total)" if r.kind == "total" else r.id
                out.append(
                    RhsParam(
                        name=f"capacity {label}",
                        kind="capacity",
                        target=label,
                        unit=r.unit,
                        base=float(model.row_upper[i]),
                        lo=lo,
                        hi=hi,
                        rows=np.array([i]),
                        g=np.array([1.0]),
                        A_rows=Ai,
                        resource=r.id,
                    )
                )
        if scale and rows.size > 1:
            sp = scale_param(spec, model, r.id)
            if sp is not None:
                out.append(sp)
    return out


def scale_param(spec, model, resource_id: str) -> RhsParam | None:
    """All of a resource's capacities times one factor (base 1); None if it has no limit."""
    r = spec.resource(resource_id)
    rows_years = resource_rows(spec, model)[r.id]
    if not rows_years:
        return None
    rows = np.array([i for i, _ in rows_years], dtype=np.int64)
    g = np.asarray(model.row_upper[rows], dtype=float)
    keep = g != 0  # a zero capacity does not scale
    if not keep.any():
        return None
    rows_k, g_k = rows[keep], g[keep]
    Ak = model.A.tocsr()[rows_k][:, : model.n_decision]
    pos = np.asarray(Ak.maximum(0).sum(axis=1)).ravel()
    hi = float(np.max(pos / g_k)) if np.all(g_k > 0) else 2.0
    return RhsParam(
        name=f"capacity {r.id} (all years, scaled)",
        kind="scale",
        target=r.id,
        unit="x",
        base=1.0,
        lo=0.0,
        hi=max(hi, 1.0),
        rows=rows_k,
        g=g_k,
        A_rows=Ak,
        resource=r.id,
    )


def parameters(spec, model, kinds: Sequence[str] = KINDS) -> list:
    out: list = []
    if "probability" in kinds:
        out += probability_params(spec, model)
    if "value" in kinds:
        out += value_params(spec, model)
    if "capacity" in kinds or "scale" in kinds:
        out += [
            p
            for p in capacity_params(spec, model)
            if (p.kind == "capacity" and "capacity" in kinds)
            or (p.kind == "scale" and "scale" in kinds)
        ]
    return out
