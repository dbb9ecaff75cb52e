"""Recompute a package's criteria from the problem file alone, and check a criteria objective.

Independent of the compiled coefficients: each chosen option's scores are read from the
spec and summed (a profile over the years from its start to the horizon's end).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import VerificationError
from .spec.criteria import EXPECTED, criterion_ids, score_total

TOL = 1e-6


def package_criteria(spec, chosen: Iterable, expected: float) -> dict[str, float]:
    """Every criterion's value of the package ``chosen`` (its expected value given)."""
    out = {cid: 0.0 for cid in criterion_ids(spec)}
    out[EXPECTED] = float(expected)
    by_id = {c.id: c for c in spec.commitments}
    first = spec.first_year
    for ch in chosen:
        o = by_id[ch.commitment].option(ch.option)
        start = 0 if ch.start is None or spec.years is None else ch.start - first
        for cid, amount in o.scores.items():
            out[cid] += score_total(amount, start, spec.n_periods)
    return out


def measure_criteria(objective, values: Mapping[str, float], meta: Mapping) -> float | None:
    """The value of a weighted or lexicographic objective from the criteria's values."""
    from .objectives import parse_objective

    obj = parse_objective(objective)
    if obj.kind == "lexicographic":
        return float(values[obj.order[-1]])
    if obj.kind != "weighted":
        return None
    sc = meta["criteria_scaling"]
    total = 0.0
    for cid, w in sc["weights"].items():
        span = sc["best"][cid] - sc["worst"][cid]
        total += 100.0 * w * (1.0 if span == 0 else (values[cid] - sc["worst"][cid]) / span)
    return total


def _close(a: float, b: float, tol: float = TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def verify_criteria(spec, model, chosen, expected: float, solver_value: float):
    """``(criteria values, objective value or None)``; raises ``VerificationError`` when a
    bound (``--require``) is broken or the solver's objective differs from the recomputed one.
    """
    values = package_criteria(spec, chosen, expected)
    text = model.meta.get("criteria_objective")
    if not text:
        return values, None
    from .objectives import parse_objective

    obj = parse_objective(text)
    for cid, op, bound in obj.requires:
        v = values[cid]
        broken = (
            v < bound - TOL * max(1.0, abs(bound))
            if op == ">="
            else v > bound + TOL * max(1.0, abs(bound))
        )
        if broken:
            raise VerificationError(
                f"{spec.name}: the package breaks {cid} {op} {bound:g} ({cid} = {v:.10g})"
            )
    for cid, held in model.meta.get("criteria_held", {}).items():
        if not _close(values[cid], held, 1e-5):
            raise VerificationError(
                f"{spec.name}: {cid} = {values[cid]:.10g} is not held at its optimum {held:.10g}"
            )
    value = measure_criteria(text, values, model.meta)
    if value is not None and not _close(value, solver_value, 1e-5):
        raise VerificationError(
            f"{spec.name}: recomputed {text} objective {value:.10g} differs from the solver's "
            f"{solver_value:.10g}"
        )
    return values, value


def solution_criteria(spec, model, chosen, expected: float, res):
    """``(values, objective value or None, info for the solution)`` of a solved package."""
    values, value = verify_criteria(spec, model, chosen, expected, res.objective)
    info: dict = {}
    if model.meta.get("criteria_objective") and value is not None:
        info["sense"] = "maximize" if model.maximize else "minimize"
        scaling = model.meta.get("criteria_scaling")
        if scaling:
            info["weights"] = dict(scaling["weights"])
            info["ranges"] = {
                k: {"worst": scaling["worst"][k], "best": scaling["best"][k]}
                for k in scaling["weights"]
            }
    return values, value, info
