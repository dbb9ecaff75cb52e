"""The session every sensitivity search runs in: one loaded expected-value model, its base
package, re-solves, and the best package of each class of an option's columns.

The searches themselves live beside it -- ``sensitivity_tipping`` (tipping points),
``sensitivity_thresholds`` (what would it take), ``sensitivity_tornado`` and
``sensitivity_duals`` (LP shadow prices) -- and the methods of ``Session`` call them, so a
subclass (``sensitivity_odds.OddsSession``) can replace one. The method is described in the
module doc of ``sensitivity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.resolve import Key, Runner

from ..errors import SolverError
from . import sensitivity_duals, sensitivity_thresholds, sensitivity_tipping, sensitivity_tornado
from .sensitivity_params import _spread, option_columns
from .sensitivity_results import ShadowPrice, Threshold, TippingPoint, TornadoRow
from .sensitivity_tipping import DEFAULT_TOLERANCE


@dataclass(frozen=True)
class OptionClasses:
    """The best package in each class of packages split by which column of one option they
    choose (``None``: none of them), at the base costs; ``None`` where a class is empty."""

    cols: tuple[int, ...]
    best: dict  # column or None -> (key, objective) or None
    base_class: int | None
    proven: bool = True  # False: a solve of a class stopped unproven (``proven``)


class Session:
    """One loaded expected-value model, its base package, and the helpers every search uses."""

    def __init__(
        self, spec, solver: str | Any = "highs", options=None, model=None, packages=None
    ) -> None:
        from solvers import SolveOptions
        from solvers.resolve import load

        from ..compile import compile_spec

        self.spec = spec
        self.model = compile_spec(spec) if model is None else model
        self.options = options or SolveOptions()
        self.lm = load(self.model, solver, self.options)
        if packages is None:  # under [[shifts]]: each package valued at the odds it induces
            from .odds_packages import packages_for

            packages = packages_for(self.model)
        self.pk = packages
        self.run = Runner(self.lm, self.pk)
        self.unfinished: list[str] = []  # --max-time: what was not computed (partial.py)
        key0 = self.run()
        self.base_proven = self.run.doubts == 0  # else no item is proven (``proven.watch``)
        if key0 is None:
            from ..engine import solve

            solve(spec, solver=self.lm.solver_name or "highs")  # raises with a diagnosis
            raise SolverError(f"{spec.name}: infeasible")
        self.key0 = key0
        self.status0 = getattr(self.run.last_status, "value", "optimal")  # time_limit: unproven
        self.v0 = self.pk.expected(key0)
        self.sigma = 1.0 if self.model.maximize else -1.0
        self.tol_v = 1e-9 * _spread(self.model)
        self._classes: dict[tuple[int, int], OptionClasses] = {}

    @property
    def doubts(self) -> int:
        """Re-solves stopped unproven, and reads of kept results resting on one."""
        return self.run.doubts

    def score(self, key: Key) -> float:
        return self.sigma * self.pk.expected(key)

    # -- classes of packages by one option -------------------------------------------------
    def classes(self, ci: int, oi: int) -> OptionClasses:
        """Best package choosing each column of the option, and choosing none of them.

        A parameter that changes only this option's costs moves every package of a class by
        the same amount (its columns exclude each other), so the best package of each class
        stays the best of its class: the optimal value is the upper envelope of one line per
        class, exact after one solve per column (found once, shared by every scenario's value,
        the threshold and the tornado)."""
        if (ci, oi) in self._classes:
            oc = self._classes[(ci, oi)]
            if not oc.proven:  # what reads them rests on a solve stopped unproven
                self.run.doubts += 1
            return oc
        start = self.doubts
        cols = option_columns(self.model, ci, oi)
        base_class = next((int(j) for j in cols if int(j) in self.key0), None)
        best: dict = {base_class: (self.key0, self.v0)}
        lo = np.asarray(self.lm.col_lower, dtype=float)[cols].copy()
        up = np.asarray(self.lm.col_upper, dtype=float)[cols].copy()
        for j in [*(int(j) for j in cols), None]:
            if j == base_class:
                continue
            if j is None:
                self.lm.set_col_bounds(cols, 0.0, 0.0)
            else:
                self.lm.set_col_bounds([j], 1.0, 1.0)
            k = self.run()
            self.lm.set_col_bounds(cols, lo, up)
            best[j] = None if k is None else (k, self.pk.expected(k))
        oc = OptionClasses(tuple(int(j) for j in cols), best, base_class, self.doubts == start)
        self._classes[(ci, oi)] = oc
        return oc

    def class_lines(self, oc: OptionClasses, slope: np.ndarray):
        """Score lines ``alpha + beta * delta`` of the non-empty classes, base class first.

        ``slope[i]`` is the objective's change per unit of the parameter on column
        ``oc.cols[i]`` (the none-class does not move)."""
        s = self.sigma
        order = [oc.base_class] + [c for c in oc.best if c != oc.base_class]
        lines, keys = [], []
        for c in order:
            if oc.best[c] is None:
                continue
            k, v = oc.best[c]
            beta = 0.0 if c is None else float(slope[oc.cols.index(c)])
            lines.append((s * v, s * beta))
            keys.append((c, k))
        return lines, keys

    def value_at_classes(self, oc: OptionClasses, slope: np.ndarray, delta: float):
        """Optimal objective and package with the option's costs moved by ``slope * delta``."""
        lines, keys = self.class_lines(oc, slope)
        i = max(range(len(lines)), key=lambda i: (lines[i][0] + lines[i][1] * delta, -i))
        return self.sigma * (lines[i][0] + lines[i][1] * delta), keys[i][1]

    # -- the searches (each in its own module) -------------------------------------------
    def tipping(self, param, tolerance: float = DEFAULT_TOLERANCE) -> TippingPoint:
        """The interval of ``param`` over which the base package stays optimal."""
        return sensitivity_tipping.tipping(self, param, tolerance)

    def _tipping_point(self, p, lower, upper, below, above, tol=0.0, below_inf=False):
        return sensitivity_tipping.tipping_point(
            self, p, lower, upper, below, above, tol, below_inf
        )

    def threshold(self, ci: int, oi: int) -> Threshold:
        """What would it take: the change in the option's value that flips it."""
        return sensitivity_thresholds.threshold(self, ci, oi)

    def tornado(self, rel: float, tipping: Sequence[TippingPoint] = ()) -> list[TornadoRow]:
        """Optimal expected value with each input at base * (1 - rel) and base * (1 + rel)."""
        return sensitivity_tornado.tornado(self, rel, tipping)

    def shadow_prices(self) -> tuple[list[ShadowPrice], float | None]:
        """Row duals of the resource rows in the LP relaxation (HiGHS gives duals)."""
        return sensitivity_duals.shadow_prices(self)
