"""PRIM, the patient rule induction method: boxes of input ranges where a 0/1 outcome is common.

Friedman & Fisher (1999), "Bump hunting in high-dimensional data", Statistics and Computing 9,
as used for scenario discovery by Bryant & Lempert (2010), Technological Forecasting and
Social Change 77. Given points ``X`` (rows: draws, columns: inputs) and ``y`` (1: the case of
interest, here a draw where the recommended package fails), PRIM looks for a box -- a range
per input -- holding many of the cases (coverage: the share of all cases inside) and few of
the others (density: the share of cases among the points inside).

Peeling: from the box holding every point, each step cuts one face of the box so that the
share ``alpha`` of the points inside with the lowest (or highest) value of one input leaves;
of all ``2 d`` cuts the one whose remaining box has the highest density is taken (ties: the
cut that removes fewer points). Peeling stops when no cut raises the density or the next box
would hold less than ``min_support`` of all points. The boxes met on the way are the
*peeling trajectory*; one step is picked from it (by default the step with the largest
weighted relative accuracy, support x (density - share of cases), after Lavrač, Flach & Zupan
1999, which is 0 for the whole space and for a box no denser than the data; or the caller's).
Pasting then widens the picked box face by face, ``alpha`` of its points at a time, while
that raises its density. Covering: the points of the box are set aside and the search is run
again on the rest, for up to ``max_boxes`` boxes, while a box is denser than what is left
(and, after the first, at least half of its points are cases: ``min_density``). Pasting here
adds ``alpha`` of the box's points per step, as Friedman & Fisher describe it.

For each restricted input a quasi-p-value (Bryant & Lempert 2010): the one-sided binomial
probability of at least the box's cases among its points, were the density that of the box
with that input's restriction dropped. A large value says the restriction adds little:
restrictions above ``max_p`` (0.05) are dropped from the picked box one at a time, the largest
first, so that a box names only the inputs that matter (with few draws and many inputs,
peeling also cuts on noise).
Coverage and support are shares of *all* points and cases, for every box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError

EPS = 1e-12


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(f"{x:.12g}")


@dataclass(frozen=True)
class Step:
    """One box of a peeling trajectory."""

    points: int  # points inside
    cases: int  # cases inside
    coverage: float  # cases inside / all cases
    density: float  # cases inside / points inside
    support: float  # points inside / all points
    low: tuple[float, ...]  # per input; -inf: not restricted from below
    high: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "cases": self.cases,
            "coverage": _num(self.coverage),
            "density": _num(self.density),
            "support": _num(self.support),
        }


@dataclass(frozen=True)
class Restriction:
    input: str
    low: float  # the box's range of the input
    high: float
    range: tuple[float, float]  # the input's range over all points
    p_value: float  # quasi-p-value of the restriction (see the module docstring)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "low": _num(self.low),
            "high": _num(self.high),
            "range": [_num(self.range[0]), _num(self.range[1])],
            "p_value": _num(self.p_value),
        }


@dataclass(frozen=True)
class Box:
    """One box of the covering, with the trajectory it was picked from."""

    coverage: float
    density: float
    support: float
    points: int
    cases: int
    restrictions: tuple[Restriction, ...]
    trajectory: tuple[Step, ...]
    step: int  # the step of the trajectory picked (before pasting)
    pasted: bool  # pasting widened the picked step
    dropped: tuple[str, ...]  # restrictions dropped for a quasi-p-value above max_p
    low: tuple[float, ...]
    high: tuple[float, ...]

    def contains(self, X: np.ndarray) -> np.ndarray:
        return _inside(np.asarray(X, dtype=float), np.array(self.low), np.array(self.high))

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": _num(self.coverage),
            "density": _num(self.density),
            "support": _num(self.support),
            "points": self.points,
            "cases": self.cases,
            "step": self.step,
            "pasted": self.pasted,
            "dropped": list(self.dropped),
            "restrictions": [r.to_dict() for r in self.restrictions],
            "trajectory": [s.to_dict() for s in self.trajectory],
        }


@dataclass(frozen=True)
class PrimResult:
    inputs: tuple[str, ...]
    points: int
    cases: int
    boxes: tuple[Box, ...]
    alpha: float
    min_support: float
    note: str  # why there is no box (no case, every point a case, no cut helps), or ""

    @property
    def case_share(self) -> float:
        return self.cases / self.points if self.points else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": list(self.inputs),
            "points": self.points,
            "cases": self.cases,
            "case_share": _num(self.case_share),
            "alpha": self.alpha,
            "min_support": self.min_support,
            "note": self.note,
            "boxes": [b.to_dict() for b in self.boxes],
        }


def _inside(X: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.all((lo <= X) & (hi >= X), axis=1)


def _step(X, y, lo, hi, n_all, c_all) -> Step:
    m = _inside(X, lo, hi)
    pts, cases = int(m.sum()), int(y[m].sum())
    return Step(
        pts,
        cases,
        cases / c_all if c_all else math.nan,
        cases / pts if pts else math.nan,
        pts / n_all,
        tuple(float(v) for v in lo),
        tuple(float(v) for v in hi),
    )


def cut(xs: np.ndarray, q: float) -> float:
    """Where to cut sorted values ``xs`` to peel the share ``q`` (q < 0.5: from below, else the
    share 1 - q from above): halfway between the order statistics around position
    ``(m - 1) q``, moved past ties so that at least one value leaves (as sdtoolkit and
    ema_workbench do)."""
    i = (xs.size - 1) * q
    lo, hi = math.floor(i), math.ceil(i)
    if q > 0.5:
        while xs[lo] == xs[hi] and lo > 0:
            lo -= 1
    else:
        while xs[lo] == xs[hi] and hi < xs.size - 1:
            hi += 1
    return float((xs[lo] + xs[hi]) / 2)


def peel(X, y, alpha: float, min_points: int, n_all: int, c_all: int) -> list[Step]:
    """The peeling trajectory over the points ``X``, ``y`` (see the module docstring)."""
    d = X.shape[1]
    lo, hi = np.full(d, -np.inf), np.full(d, np.inf)
    inside = np.ones(len(y), dtype=bool)
    out = [_step(X, y, lo, hi, n_all, c_all)]
    while True:
        Xb, yb = X[inside], y[inside]
        xs = np.sort(Xb, axis=0)
        mean = float(yb.mean())
        best = None  # (density, kept, -order), j, side, bound
        order = 0
        for j in range(d):
            x = Xb[:, j]
            for side in (0, 1):
                order += 1
                b = cut(xs[:, j], alpha if side == 0 else 1.0 - alpha)
                keep = x >= b if side == 0 else x <= b
                kept = int(keep.sum())
                if kept == x.size or kept < min_points:
                    continue
                key = (float(yb[keep].mean()), kept, -order)
                if best is None or key > best[0]:
                    best = (key, j, side, b)
        if best is None or best[0][0] <= mean + EPS:
            return out
        _, j, side, b = best
        if side == 0:
            lo[j] = b
        else:
            hi[j] = b
        inside &= _inside(X, lo, hi)
        out.append(_step(X, y, lo, hi, n_all, c_all))


def paste(X, y, lo, hi, alpha: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """Widen the box ``lo``..``hi`` face by face while that raises its density."""
    lo, hi = lo.copy(), hi.copy()
    widened = False
    while True:
        m = _inside(X, lo, hi)
        mean = float(y[m].mean())
        k = max(1, math.ceil(alpha * int(m.sum())))
        best = None
        for j in range(X.shape[1]):
            others = np.ones(X.shape[0], dtype=bool)
            for i in range(X.shape[1]):
                if i != j:
                    others &= (X[:, i] >= lo[i]) & (X[:, i] <= hi[i])
            for side in (0, 1):
                if side == 0:
                    cand = np.sort(X[others & (X[:, j] < lo[j]), j])[::-1]
                else:
                    cand = np.sort(X[others & (X[:, j] > hi[j]), j])
                if cand.size == 0:
                    continue
                b = float(cand[min(k, cand.size) - 1])
                nlo, nhi = lo.copy(), hi.copy()
                (nlo if side == 0 else nhi)[j] = b
                mm = _inside(X, nlo, nhi)
                key = float(y[mm].mean())
                if best is None or key > best[0]:
                    best = (key, nlo, nhi)
        if best is None or best[0] <= mean + EPS:
            return lo, hi, widened
        _, lo, hi = best
        widened = True


def wracc(s: Step, share: float) -> float:
    """Weighted relative accuracy of a step: support x (density - share of cases)."""
    return s.support * (s.density - share)


def _p_values(X, y, lo, hi) -> np.ndarray:
    from scipy.stats import binom

    m = _inside(X, lo, hi)
    n_b, k_b = int(m.sum()), int(y[m].sum())
    out = np.full(X.shape[1], np.nan)
    for j in range(X.shape[1]):
        if np.isinf(lo[j]) and np.isinf(hi[j]):
            continue
        l2, h2 = lo.copy(), hi.copy()
        l2[j], h2[j] = -np.inf, np.inf
        m2 = _inside(X, l2, h2)
        p0 = float(y[m2].mean())
        out[j] = float(binom.sf(k_b - 1, n_b, p0))
    return out


def prim(
    X,
    y,
    names: Sequence[str],
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
    pasting: bool = True,
    max_boxes: int = 3,
    step: int | None = None,
    min_density: float = 0.5,
    max_p: float = 0.05,
) -> PrimResult:
    """Boxes where ``y`` (0/1 per row of ``X``) is concentrated (see the module docstring).

    ``step`` picks the step of the first box's peeling trajectory (0: the whole space; a
    negative number counts from the end); by default the step with the largest weighted
    relative accuracy. Later boxes always take the default, and are kept only with a
    density of at least ``min_density``. Restrictions with a quasi-p-value above ``max_p`` are
    dropped from a picked box, the least significant first (1: keep every restriction).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(bool).astype(float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or len(names) != X.shape[1]:
        raise InputError(f"expected X (n, d), y (n,) and d names, got {X.shape}, {y.shape}")
    if not np.all(np.isfinite(X)):
        raise InputError("PRIM needs finite inputs")
    if not 0 < alpha < 1 or not 0 < min_support <= 1:
        raise InputError(
            f"expected 0 < alpha < 1 and 0 < min_support <= 1, got {alpha}, {min_support}"
        )
    if max_boxes < 1:
        raise InputError(f"expected at least 1 box, got {max_boxes}", where="--boxes")
    n_all, c_all = X.shape[0], int(y.sum())
    args = (tuple(names), n_all, c_all)
    if n_all == 0 or c_all == 0:
        return PrimResult(
            *args, (), alpha, min_support, "no point is a case: there is no box to find"
        )
    if c_all == n_all:
        return PrimResult(*args, (), alpha, min_support, "every point is a case: no box is denser")
    data_lo, data_hi = X.min(axis=0), X.max(axis=0)
    min_points = max(1, math.ceil(min_support * n_all))
    rest = np.ones(n_all, dtype=bool)
    boxes: list[Box] = []
    note = ""
    while len(boxes) < max_boxes:
        Xr, yr = X[rest], y[rest]
        share = float(yr.mean()) if yr.size else 0.0
        if yr.size == 0 or share == 0.0 or share == 1.0:
            break
        traj = peel(Xr, yr, alpha, min_points, n_all, c_all)
        if len(traj) == 1:
            if not boxes:
                note = "no cut of the inputs' ranges raises the share of cases"
            break
        scores = [wracc(s, share) for s in traj]
        k = int(np.argmax(scores[1:])) + 1
        if not boxes and step is not None:
            if not -len(traj) <= step < len(traj):
                raise InputError(
                    f"the trajectory has steps 0 to {len(traj) - 1}, got {step}", where="--step"
                )
            k = step % len(traj)
        elif scores[k] <= EPS:
            break
        lo, hi = np.array(traj[k].low), np.array(traj[k].high)
        widened = False
        if pasting:
            lo, hi, widened = paste(Xr, yr, lo, hi, alpha)
        pv, dropped = _p_values(Xr, yr, lo, hi), []
        while np.any(pv > max_p):  # drop the least significant restriction, then look again
            j = int(np.nanargmax(pv))
            lo[j], hi[j] = -np.inf, np.inf
            dropped.append(names[j])
            pv = _p_values(Xr, yr, lo, hi)
        if np.all(np.isinf(lo) & np.isinf(hi)):
            if not boxes:
                note = f"no restriction has a quasi-p-value of at most {max_p:g}"
            break
        restr = []
        for j in range(X.shape[1]):
            if lo[j] > data_lo[j] or hi[j] < data_hi[j]:
                low, high = max(lo[j], data_lo[j]), min(hi[j], data_hi[j])
                restr.append(
                    Restriction(
                        names[j], low, high, (float(data_lo[j]), float(data_hi[j])), float(pv[j])
                    )
                )
        restr.sort(key=lambda r: (r.p_value if math.isfinite(r.p_value) else 1.0, r.input))
        s = _step(Xr, yr, lo, hi, n_all, c_all)
        if boxes and s.density < min_density:
            break
        boxes.append(
            Box(
                s.coverage,
                s.density,
                s.support,
                s.points,
                s.cases,
                tuple(restr),
                tuple(traj),
                k,
                widened,
                tuple(dropped),
                s.low,
                s.high,
            )
        )
        inside = np.zeros(n_all, dtype=bool)
        inside[np.nonzero(rest)[0][_inside(Xr, lo, hi)]] = True
        rest &= ~inside
    return PrimResult(*args, tuple(boxes), alpha, min_support, note)
