"""How the recommended (point-value) package fares across the Monte Carlo draws.

The recommended package is the optimum at the point values, held fixed while the inputs are
drawn. In a draw it is either feasible (its value there is known) or it breaks a limit.

Convention for the comparisons (stated in every output and in docs/problem-format.md):

* ``infeasible_share``: the share of the draws done in which the package breaks a limit (a
  resource in a year, a relation, a constraint, a stage-1 response's drawn bound); ``breaks``
  says which limits, in how many draws, and by how much its use exceeds them there (in the
  limit's own unit). With recourse (responses or tranches) the package is its first-stage
  values with the rest re-optimised in the draw; where no completion is feasible, the limits
  named are those its least-breach completion breaks (``completion.py``).
* ``value``, ``optimal_same`` and ``regret`` are taken over the *same* draws: the solved draws
  in which the package is feasible (``feasible_draws`` of them). Per draw, the optimum is at
  least the package's value (the package is one of the candidates; a MIP gap could otherwise
  leave a found optimum below it), so the package's mean never exceeds the optimum's mean on
  those draws and its regret is never negative. A draw where it is infeasible counts in
  ``infeasible_share`` and ``worse_share``, never as a value.
* ``optimal_share`` and ``worse_share``: shares of the solved draws (optimal: the draw's
  optimum is the package, and the package is feasible there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .completion import ColumnBound
from .linear import TOL
from .summary import Summary, _num

CONVENTION = (
    "value, optimum and regret over the same draws: those where the recommended package is "
    "feasible; draws where it breaks a limit count in the infeasible share"
)


@dataclass(frozen=True)
class LimitBreak:
    """One limit the recommended package breaks in some draws."""

    limit: str  # what the row stands for: "fiscal 2027", a relation's or constraint's label;
    # a stage-1 response's drawn bound: "acres_corn upper"
    kind: str  # the row's kind: budget, total, requires, user, ...; "response bound"
    draws: int  # draws in which the package breaks it
    share: float  # of the draws done
    excess: Summary  # by how much the package's use exceeds the limit, over those draws

    def to_dict(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "kind": self.kind,
            "draws": self.draws,
            "share": _num(self.share),
            "excess": self.excess.to_dict(),
        }


@dataclass(frozen=True)
class BaseRisk:
    """The point-value package across the draws (see the module docstring)."""

    choices: tuple[str, ...]
    point_value: float
    value: Summary  # its value, over the draws where it is feasible
    infeasible_share: float  # of the draws done
    optimal_share: float
    regret_threshold: float
    worse_share: float  # worse than the draw's best by more than the threshold (or infeasible)
    regret: Summary  # over the same draws as ``value``
    draws: int = 0  # draws done
    infeasible_draws: int = 0
    feasible_draws: int = 0  # solved draws where it is feasible: the draws of the comparisons
    optimal_same: Summary | None = None  # the draws' optimum, over the same draws as ``value``
    breaks: tuple[LimitBreak, ...] = ()  # most often broken first

    def to_dict(self) -> dict[str, Any]:
        return {
            "choices": list(self.choices),
            "point_value": _num(self.point_value),
            "comparison": CONVENTION,
            "draws": self.draws,
            "feasible_draws": self.feasible_draws,
            "infeasible_draws": self.infeasible_draws,
            "infeasible_share": _num(self.infeasible_share),
            "value": self.value.to_dict(),
            "optimal_value_same_draws": (
                self.optimal_same.to_dict() if self.optimal_same is not None else None
            ),
            "regret": self.regret.to_dict(),
            "optimal_share": _num(self.optimal_share),
            "regret_threshold": _num(self.regret_threshold),
            "worse_share": _num(self.worse_share),
            "breaks": [b.to_dict() for b in self.breaks],
        }


def row_excess(drawn, d, x: np.ndarray) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The rows package ``x`` breaks in draw ``d`` (relative violation above ``TOL``, as the
    re-check counts it) and by how much, in the row's own unit."""
    lm = drawn.lm
    if d.A is not None:
        act = d.A @ x
    else:
        act = np.bincount(lm.rows, weights=d.data * x[lm.cols], minlength=drawn.m)
    over = np.zeros(drawn.m)
    broken = np.zeros(drawn.m, dtype=bool)
    for mask, bound, sign in ((drawn.fin_ru, d.ru, 1.0), (drawn.fin_rl, d.rl, -1.0)):
        if mask is None:
            continue
        ex = np.where(mask, sign * (act - np.where(mask, bound, 0.0)), 0.0)
        rel = ex / np.maximum(1.0, np.abs(np.where(mask, bound, 0.0)))
        hit = mask & (rel > TOL)
        over = np.where(hit, np.maximum(over, ex), over)
        broken |= hit
    rows = np.nonzero(broken)[0]
    return tuple(int(i) for i in rows), tuple(float(over[i]) for i in rows)


def _limit(model, key) -> tuple[str, str]:
    """What a broken limit is called and its kind: a row's label and kind, or a column's
    name and side (a stage-1 response's drawn bound, e.g. "acres_corn upper")."""
    if isinstance(key, ColumnBound):
        resp = model.col_response is not None and model.col_response[key.col] >= 0
        return f"{model.col_name(key.col)} {key.side}", "response bound" if resp else "bound"
    return str(model.row_label[key]), str(model.row_kind[key])


def _breaks(model, breaks: dict, n_done: int) -> tuple[LimitBreak, ...]:
    by_limit: dict[int | ColumnBound, list[float]] = {}
    for limits, excess in breaks.values():
        for key, e in zip(limits, excess, strict=True):
            by_limit.setdefault(key, []).append(e)
    out = [
        LimitBreak(
            *_limit(model, key),
            len(ex),
            len(ex) / n_done if n_done else math.nan,
            Summary.of(np.asarray(ex)),
        )
        for key, ex in by_limit.items()
    ]
    out.sort(key=lambda b: (-b.draws, -b.excess.max, b.limit))
    return tuple(out)


def base_risk(
    model,
    choices: tuple[str, ...],
    point_value: float,
    *,
    status: np.ndarray,
    values: np.ndarray,
    base_values: np.ndarray,
    pkg: np.ndarray,
    ok_status: int,
    regret_threshold: float,
    breaks: dict,
) -> BaseRisk:
    """``BaseRisk`` from the per-draw arrays (``breaks``: draw -> (limits, excesses) for the
    draws where the package is infeasible; a limit is a row's index or a ``ColumnBound``)."""
    sgn = 1.0 if model.maximize else -1.0
    done = status >= 0
    ok = status == ok_status
    n_done, n_ok = int(done.sum()), int(ok.sum())
    feasible = np.isfinite(base_values)
    same = ok & feasible
    bv = base_values[same]
    # the draw's optimum is at least the package's value: the package is a candidate there
    best = values[same]
    best = np.maximum(best, bv) if sgn > 0 else np.minimum(best, bv)
    regret = sgn * (best - bv)
    # worse than the draw's best by more than the threshold, or infeasible: over solved draws
    r_ok = np.where(feasible[ok], sgn * (values[ok] - np.nan_to_num(base_values[ok])), np.inf)
    tol = TOL * np.maximum(1.0, np.abs(values[ok]))
    n_inf = int(np.sum(done & ~feasible))
    return BaseRisk(
        choices=choices,
        point_value=float(point_value),
        value=Summary.of(bv),
        infeasible_share=n_inf / n_done if n_done else math.nan,
        # its offer optimal where the offer itself is feasible: an offer identifies only the
        # commitments, so a draw's optimum may share it while the package's responses break
        optimal_share=float(np.mean((pkg[ok] == 0) & feasible[ok])) if n_ok else math.nan,
        regret_threshold=float(regret_threshold),
        worse_share=float(np.mean(r_ok > regret_threshold + tol)) if n_ok else math.nan,
        regret=Summary.of(regret),
        draws=n_done,
        infeasible_draws=n_inf,
        feasible_draws=int(same.sum()),
        optimal_same=Summary.of(best),
        breaks=_breaks(model, breaks, n_done),
    )
