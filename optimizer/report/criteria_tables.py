"""Terminal tables for several criteria: a Pareto front and weight intervals."""

from __future__ import annotations

from typing import Any

from .number_format import fmt
from .texttable import table


def _package(chosen) -> str:
    return ", ".join(str(c) for c in chosen) or "(nothing)"


def pareto_tables(front) -> list[Any]:
    """The front's points, one row each, with the method and the number of solves."""
    kind = "exact non-dominated set" if front.exact else "non-dominated points found"
    if len(front.criteria) > 2:
        kind = "supported (weighted-sum) points" + (", every extreme one" if front.exact else "")
    head = (
        f"[bold]Pareto front of {front.problem}[/bold]: {', '.join(front.criteria)} "
        f"({kind}; {len(front.points)} points, {front.solves} solves)\n"
        f"method: {front.method}"
    )
    senses = dict(zip(front.criteria, front.senses, strict=True))
    cols = [f"{c} ({'max' if senses[c] == 'maximize' else 'min'})" for c in front.criteria]
    rows = [
        [*(fmt(p.criteria[c], 6) for c in front.criteria), _package(p.chosen)] for p in front.points
    ]
    return [head, table(None, [*cols, "package"], rows, right=range(len(cols)))]


def weight_tables(result) -> list[Any]:
    """Each interval of a criterion's weight over which the weighted optimum is one package."""
    head = (
        f"[bold]Weight sensitivity of {result.problem}[/bold]: the weight of "
        f"'{result.criterion}' from 0 to 1, the others in their proportions "
        f"(now {fmt(result.current, 4)}; {result.solves} solves)\n"
        f"the optimum changes at: {', '.join(fmt(b, 6) for b in result.breakpoints) or 'never'}"
    )
    rows = [
        [
            fmt(iv.low, 6),
            fmt(iv.high, 6),
            "yes" if iv.low <= result.current <= iv.high else "",
            *(fmt(iv.criteria[c], 6) for c in result.criteria),
            _package(iv.chosen),
        ]
        for iv in result.intervals
    ]
    cols = ["weight from", "to", "now", *result.criteria, "package"]
    return [head, table(None, cols, rows, right=range(3 + len(result.criteria)))]


def weight_report_tables(report) -> list[Any]:
    out: list[Any] = []
    for r in report.results:
        out.extend(weight_tables(r))
    return out


def criteria_rows(spec, criteria) -> list[list[Any]]:
    """``[id, name, unit, sense, value]`` of each criterion of a package, in the spec's words."""
    declared = {c.id: c for c in spec.criteria}
    rows = []
    for cid, v in criteria.items():
        c, ev = declared.get(cid), cid == "expected"
        sense = spec.sense if ev or c is None else c.sense
        unit = spec.value_unit if ev or c is None else c.unit
        name = (c.name if c else "") or ("Expected value" if ev else cid)
        rows.append([cid, name, unit or "", sense, float(v)])
    return rows


def solution_criteria_table(sol) -> Any:
    """The solved package's value on every criterion, with the weights when they were used."""
    weights = sol.criteria_info.get("weights") or {}
    rows = criteria_rows(sol.problem, sol.criteria)
    cols = ["criterion", "name", "unit", "sense", "value"]
    if weights:
        cols.append("weight")
        rows = [[*r, weights.get(r[0])] for r in rows]
    return table("Criteria of the package", cols, rows, right=range(4, len(cols)))
