"""Scenario discovery: where in the uncertain inputs does the recommended package fail?

After a Monte Carlo run (``optimizer.analysis.montecarlo``) each draw has the numbers its
uncertain inputs took and how the recommended (point-value) package fared. A draw *fails*
when the package is

* infeasible in the draw (it breaks a drawn limit; a draw where no package is feasible counts
  here too), or
* feasible but worse than the draw's optimum by more than ``threshold`` (in the problem's
  value unit; with 0, "not optimal", ties within the Monte Carlo tolerance counting as optimal).

Draws stopped at a solver limit while the package was feasible are left out (whether it fails
is not known). PRIM (``optimizer.analysis.prim``) then finds the few boxes of input ranges
where failing draws concentrate. The draws' numbers come from ``sample_inputs`` with the run's
seed: the very numbers the run solved (the sampling is deterministic), not a second loop.

Columns: one per uncertain input, named by its ``path`` as the uncertainty listing shows it;
inputs that share a ``group`` move together (one random quantile per draw), so a group is one
column, shown as its first input (the others are at the same quantile). Under a Dirichlet, one
column per scenario probability, ``scenarios[i].probability``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .prim import PrimResult, prim

FAILING = (
    "a draw fails when the recommended package is infeasible in it (breaks a drawn limit) or "
    "is worse than the draw's optimum by more than the threshold"
)


@dataclass(frozen=True)
class Column:
    """One column of the input matrix."""

    name: str  # an uncertain input's path (the first of its group), or a scenario probability
    group: str  # the group it stands for, or ""
    members: int  # how many uncertain inputs move with it

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.name, "group": self.group, "members": self.members}


@dataclass(frozen=True, eq=False)
class Discovery:
    problem: str
    title: str
    seed: int
    threshold: float
    draws: int  # draws done
    used: int  # draws where failing is known (the points PRIM sees)
    failing: int
    failing_infeasible: int  # of which the package is infeasible
    columns: tuple[Column, ...]
    prim: PrimResult
    value_unit: str = ""

    @property
    def failing_share(self) -> float:
        return self.failing / self.used if self.used else math.nan

    def statement(self) -> str:
        """One sentence on what was found, for text and the report."""
        if self.failing == 0:
            return (
                f"The recommended package does not fail in any of the {self.used} draws: "
                "there is no failing region to find."
            )
        if self.failing == self.used:
            return (
                f"The recommended package fails in every one of the {self.used} draws "
                f"({self.failing_infeasible} infeasible): no input range separates failing "
                "draws from the others."
            )
        if not self.prim.boxes:
            return f"No box of input ranges concentrates the failing draws ({self.prim.note})."
        b = self.prim.boxes[0]
        return (
            f"The recommended package fails in {self.failing} of {self.used} draws "
            f"({self.failing_share:.0%}); the first box holds {b.coverage:.0%} of them "
            f"(coverage) at a failing share of {b.density:.0%} (density), in {b.support:.0%} "
            f"of the draws, restricting {len(b.restrictions)} input(s)."
        )

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if not math.isfinite(x) else float(f"{x:.12g}")

        groups = {c.name: c for c in self.columns}
        boxes = []
        for b in self.prim.boxes:
            d = b.to_dict()
            for r in d["restrictions"]:
                c = groups[r["input"]]
                r["group"], r["members"] = c.group, c.members
            d.pop("trajectory")
            boxes.append(d)
        first = self.prim.boxes[0].trajectory if self.prim.boxes else ()
        return {
            "schema_version": 1,
            "problem": self.problem,
            "seed": self.seed,
            "threshold": num(self.threshold),
            "value_unit": self.value_unit,
            "definition": FAILING,
            "draws": self.draws,
            "draws_used": self.used,
            "failing": self.failing,
            "failing_infeasible": self.failing_infeasible,
            "failing_share": num(self.failing_share),
            "statement": self.statement(),
            "alpha": self.prim.alpha,
            "min_support": self.prim.min_support,
            "columns": [c.to_dict() for c in self.columns],
            "boxes": boxes,
            "trajectory": [s.to_dict() for s in first],
            "trajectories": [[s.to_dict() for s in b.trajectory] for b in self.prim.boxes],
        }


def input_matrix(spec, n: int, seed: int) -> tuple[np.ndarray, tuple[Column, ...]]:
    """The draws' inputs as a matrix (draws x columns) and its columns (module docstring)."""
    from ..spec.uncertain import sample_inputs

    draws = sample_inputs(spec, n, seed)
    cols, data, seen = [], [], {}
    for k, u in enumerate(spec.uncertain):
        if u.dist.kind == "dirichlet":
            continue
        g = u.dist.group
        if g and g in seen:
            c = cols[seen[g]]
            cols[seen[g]] = Column(c.name, g, c.members + 1)
            continue
        if g:
            seen[g] = len(cols)
        cols.append(Column(u.path, g, 1))
        data.append(draws.values[:, k])
    if draws.probabilities is not None and any(u.dist.kind == "dirichlet" for u in spec.uncertain):
        for i in range(draws.probabilities.shape[1]):
            cols.append(Column(f"scenarios[{i}].probability", "", 1))
            data.append(draws.probabilities[:, i])
    X = np.column_stack(data) if data else np.zeros((n, 0))
    return X, tuple(cols)


def failing_draws(mc, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per draw of ``mc``: whether it fails, whether that is known, whether the package is
    infeasible there (see the module docstring; the comparison is the Monte Carlo result's)."""
    from ._montecarlo.linear import TOL
    from ._montecarlo.worker import OK

    sgn = 1.0 if mc.sense == "maximize" else -1.0
    done = mc.status >= 0
    infeasible = done & ~np.isfinite(mc.base_values)
    ok = (mc.status == OK) & ~infeasible
    regret = sgn * (mc.values - np.where(ok, mc.base_values, 0.0))
    tol = TOL * np.maximum(1.0, np.abs(np.nan_to_num(mc.values)))
    worse = ok & (np.nan_to_num(regret) > threshold + tol)
    return infeasible | worse, infeasible | ok, infeasible


def discover(
    spec,
    n: int = 1000,
    seed: int = 0,
    *,
    threshold: float = 0.0,
    boxes: int = 3,
    alpha: float = 0.05,
    min_support: float = 0.05,
    pasting: bool = True,
    step: int | None = None,
    max_p: float = 0.05,
    mc=None,
    **mc_options: Any,
) -> Discovery:
    """Run Monte Carlo (or take its result ``mc`` for ``spec``) and find with PRIM the boxes
    of input ranges where the recommended package fails (see the module docstring).
    ``mc_options`` go to ``monte_carlo`` (``executor``, ``workers``, ``verify``, ...)."""
    from ..errors import InputError

    if not math.isfinite(threshold) or threshold < 0:
        raise InputError(f"expected a threshold >= 0, got {threshold}", where="--threshold")
    if mc is None:
        from .montecarlo import monte_carlo

        mc = monte_carlo(spec, n, seed, regret_threshold=threshold, **mc_options)
    X, cols = input_matrix(spec, mc.n_requested, mc.seed)
    fail, known, infeasible = failing_draws(mc, threshold)
    res = prim(
        X[known],
        fail[known],
        [c.name for c in cols],
        alpha=alpha,
        min_support=min_support,
        pasting=pasting,
        max_boxes=boxes,
        step=step,
        max_p=max_p,
    )
    return Discovery(
        problem=mc.problem,
        title=mc.title,
        seed=mc.seed,
        threshold=float(threshold),
        draws=mc.n_done,
        used=int(known.sum()),
        failing=int(fail[known].sum()),
        failing_infeasible=int(infeasible.sum()),
        columns=cols,
        prim=res,
        value_unit=mc.value_unit,
    )
