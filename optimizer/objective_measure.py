"""An objective's value recomputed from per-scenario values alone (expected, worst, CVaR,
regret): the independent check of a solver's risk objective."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .objective_parse import Objective, parse_objective


def expected_value(values: Sequence[float], p: Sequence[float]) -> float:
    return float(np.dot(np.asarray(values, float), np.asarray(p, float)))


def worst_value(values: Sequence[float], maximize: bool) -> float:
    v = np.asarray(values, float)
    return float(v.min() if maximize else v.max())


def cvar_value(values: Sequence[float], p: Sequence[float], alpha: float, maximize: bool) -> float:
    """Mean of the worst ``alpha`` share of probability (lowest values, or highest costs)."""
    v = np.asarray(values, float)
    pr = np.asarray(p, float)
    order = np.argsort(v, kind="stable") if maximize else np.argsort(-v, kind="stable")
    left = alpha
    total = 0.0
    for s in order:
        if left <= 0.0:
            break
        take = min(pr[s], left)
        total += take * v[s]
        left -= take
    if left > 1e-12:  # probabilities summing to a little under 1
        total += left * v[order[-1]]
    return float(total / alpha)


def regrets(values: Sequence[float], best: Sequence[float], maximize: bool) -> np.ndarray:
    """Regret per scenario against that scenario's best (>= 0 for a feasible package)."""
    v = np.asarray(values, float)
    b = np.asarray(best, float)
    return b - v if maximize else v - b


def measure(
    objective: str | Objective,
    spec: Any,
    by_scenario: Mapping[str, float],
    model: Any = None,
    probabilities: Mapping[str, float] | None = None,
) -> float:
    """The objective's value of a package, recomputed from its value in each scenario.

    ``spec`` gives the probabilities (unless ``probabilities``, the package's ``p(x)`` under
    ``[[shifts]]``, does) and the sense; ``regret`` also needs each scenario's best value,
    read from ``model.meta["scenario_best"]`` (set by :func:`apply_objective`).
    """
    obj = parse_objective(objective)
    ids = [s.id for s in spec.scenarios]
    v = [float(by_scenario[s]) for s in ids]
    p = [s.probability for s in spec.scenarios]
    if probabilities:
        p = [float(probabilities[s]) for s in ids]
    maximize = spec.sense == "maximize"
    if obj.kind == "expected":
        return expected_value(v, p)
    if obj.kind == "maximin":
        return worst_value(v, maximize)
    if obj.kind == "cvar":
        return cvar_value(v, p, obj.alpha, maximize)
    if obj.kind == "mean-cvar":
        return (1.0 - obj.lam) * expected_value(v, p) + obj.lam * cvar_value(
            v, p, obj.alpha, maximize
        )
    best = None if model is None else model.meta.get("scenario_best")
    if best is None:
        raise ValueError("measuring 'regret' needs model.meta['scenario_best'] (apply_objective)")
    return float(regrets(v, [best[s] for s in ids], maximize).max())
