"""A solution as terminal tables (``solution_tables``, what ``solve`` prints) and as CSV
(``solution_csv``)."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from .number_format import fmt
from .texttable import table


def solution_tables(sol) -> list[Any]:
    spec = sol.problem
    unit = f" ({spec.value_unit})" if spec.value_unit else ""
    head = (
        f"[bold]{spec.title or spec.name}[/bold]\n"
        f"status: {sol.status}   objective: {sol.objective}   "
        f"expected value{unit}: {fmt(sol.expected, 6)}   verified: {'yes' if sol.verified else 'no'}"
    )
    if sol.objective != "expected":
        how = "minimised" if sol.objective_sense == "minimize" else "maximised"
        head += f"\n{sol.objective} value ({how}): {fmt(sol.objective_value, 6)}"
    out: list[Any] = [head]
    rows = []
    chosen = {c.commitment: c for c in sol.chosen}
    for c in spec.commitments:
        ch = chosen.get(c.id)
        if ch is None:
            continue
        opt = c.option(ch.option)
        rows.append(
            [c.id, ch.option, "" if ch.start is None else str(ch.start), opt.name or c.name]
        )
    out.append(
        table(
            f"Chosen package ({len(rows)} of {sum(c.stage == 1 for c in spec.commitments)} "
            "commitments)",
            ["commitment", "option", "start", "description"],
            rows,
        )
    )
    not_chosen = [c.id for c in spec.commitments if c.id not in chosen and c.stage == 1]
    if not_chosen and len(not_chosen) <= 30:
        out.append("Not chosen: " + ", ".join(not_chosen))
    out.extend(_scenario_table(spec, sol, unit))
    if getattr(sol, "criteria", None):
        from .criteria_tables import solution_criteria_table

        out.append(solution_criteria_table(sol))
    if getattr(sol, "tranches", None):
        from ..tranche_solution import tranche_lines

        out.append("\n".join(tranche_lines(sol.tranches)))
    if sol.resources:
        rrows = []
        for u in sol.resources:
            if not math.isfinite(u.capacity) and u.used == 0:
                continue
            rrows.append(
                [
                    u.id.replace("[", "\\["),  # "fiscal[rupture]": not console markup
                    "total" if u.year is None else str(u.year),
                    u.used,
                    u.capacity,
                    u.capacity - u.used if math.isfinite(u.capacity) else None,
                ]
            )
        if rrows:
            out.append(
                table(
                    "Resource use",
                    ["resource", "year", "used", "capacity", "slack"],
                    rrows,
                    right=(2, 3, 4),
                )
            )
    if sol.responses:
        sids = [sc.id for sc in spec.scenarios]
        units = {r.id: r.unit for r in spec.responses}
        resp_rows = []
        for rid, v in sol.responses.items():
            if isinstance(v, dict):
                resp_rows.append([rid, units.get(rid, ""), *[v.get(x, 0.0) for x in sids]])
            else:
                resp_rows.append([rid, units.get(rid, ""), *([v] * len(sids))])
        out.append(
            table(
                "Responses (stage-1 quantities are the same in every scenario)",
                ["response", "unit", *sids],
                resp_rows,
                right=tuple(range(2, 2 + len(sids))),
            )
        )
    s = sol.solver
    gap = "-" if s.get("gap") is None else f"{s['gap']:.2%}"
    out.append(f"solver: {s['name']}   time: {s['time_s']:.3f} s   gap: {gap}")
    for w in sol.warnings:
        out.append(f"warning: {w}")
    return out


def solution_csv(sol) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "id", "option", "year", "value", "capacity"])
    for c in sol.chosen:
        w.writerow(["chosen", c.commitment, c.option, "" if c.start is None else c.start, "", ""])
    for sid, cs in getattr(sol, "tranches", {}).items():  # conditional tranches, by scenario
        for c in cs:
            y = "" if c.start is None else c.start
            w.writerow(["tranche", f"{c.commitment}[{sid}]", c.option, y, "", ""])
    for sid, v in sol.by_scenario.items():
        w.writerow(["scenario", sid, "", "", repr(float(v)), ""])
    w.writerow(["expected", "", "", "", repr(float(sol.expected)), ""])
    for u in sol.resources:
        cap = "" if not math.isfinite(u.capacity) else repr(float(u.capacity))
        w.writerow(
            ["resource", u.id, "", "" if u.year is None else u.year, repr(float(u.used)), cap]
        )
    return buf.getvalue()


def _scenario_table(spec, sol, unit: str) -> list:
    """Value by scenario (levels, with baselines); under shifts the probabilities the package
    induces beside the base ones, and the expected value split by where it comes from."""
    odds = sol.odds()
    has_base = any(s.baseline for s in spec.scenarios)
    head = ["scenario", "probability"]
    if odds:
        head = ["scenario", "base prob.", "with package"]
    if has_base:
        head.append("baseline")
    head.append("value")
    rows = []
    for s in spec.scenarios:
        row = [s.id, s.probability]
        if odds:
            row.append(odds["induced"][s.id])
        if has_base:
            row.append(s.baseline)
        rows.append([*row, sol.by_scenario[s.id]])
    total = ["expected", 1.0] + ([1.0] if odds else []) + ([None] if has_base else [])
    rows.append([*total, sol.expected])
    out = [table(f"Value by scenario{unit}", head, rows, right=tuple(range(1, len(head))))]
    if odds:
        moves = [
            f"the package moves P({s}) from {odds['base'][s]:.4g} to {p:.4g}"
            for s, p in odds["induced"].items()
            if abs(p - odds["base"][s]) > 1e-12
        ]
        out.append("; ".join(moves) or "the package leaves the probabilities unchanged")
        out.append(
            f"expected value {fmt(sol.expected)} = {fmt(odds['value_at_base_odds'])} at the base "
            f"odds + {fmt(odds['value_of_moving_the_odds'])} from moving the odds"
        )
    return out
