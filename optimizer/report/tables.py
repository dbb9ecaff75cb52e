"""Terminal tables (rich) for solutions, and CSV."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Sequence
from typing import Any


def console(file=None, *, width: int | None = None):
    """A rich console: colour only on a terminal and never with NO_COLOR."""
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(file=file, width=width, no_color=no_color, highlight=False, soft_wrap=False)


def fmt(x: Any, digits: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isinf(x):
            return "no limit"
        if x == 0:
            return "0"
        if abs(x) >= 1000:
            return f"{x:,.1f}"
        if abs(x) >= 1:
            return f"{x:,.{max(digits - 2, 1)}f}"
        return f"{x:.{digits}g}"
    return str(x)


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: Sequence[int] = (),
):
    from rich.table import Table

    t = Table(
        title=title,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        box=None,
        header_style="bold",
    )
    for i, c in enumerate(columns):
        t.add_column(c, justify="right" if i in right else "left", no_wrap=False)
    for r in rows:
        t.add_row(*[fmt(v) if not isinstance(v, str) else v for v in r])
    return t


def render(renderables: Iterable[Any], *, width: int | None = None, file=None) -> str:
    """Render rich objects to a string (or straight to ``file``)."""
    buf = io.StringIO() if file is None else file
    con = console(buf, width=width or 100)
    first = True
    for r in renderables:
        if not first:
            con.print()
        con.print(r)
        first = False
    return buf.getvalue() if file is None else ""


def solution_tables(sol) -> list[Any]:
    spec = sol.problem
    unit = f" ({spec.value_unit})" if spec.value_unit else ""
    {c.id: c for c in spec.commitments}
    head = (
        f"[bold]{spec.title or spec.name}[/bold]\n"
        f"status: {sol.status}   objective: {sol.objective}   "
        f"expected value{unit}: {fmt(sol.expected, 6)}   verified: {'yes' if sol.verified else 'no'}"
    )
    if sol.objective != "expected":
        head += f"\n{sol.objective} value: {fmt(sol.objective_value, 6)}"
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
            f"Chosen package ({len(rows)} of {len(spec.commitments)} commitments)",
            ["commitment", "option", "start", "description"],
            rows,
        )
    )
    not_chosen = [c.id for c in spec.commitments if c.id not in chosen]
    if not_chosen and len(not_chosen) <= 30:
        out.append("Not chosen: " + ", ".join(not_chosen))
    srows = [[s.id, s.probability, sol.by_scenario[s.id]] for s in spec.scenarios]
    srows.append(["expected", 1.0, sol.expected])
    out.append(
        table(f"Value by scenario{unit}", ["scenario", "probability", "value"], srows, right=(1, 2))
    )
    if sol.resources:
        rrows = []
        for u in sol.resources:
            if not math.isfinite(u.capacity) and u.used == 0:
                continue
            rrows.append(
                [
                    u.id,
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
    for sid, v in sol.by_scenario.items():
        w.writerow(["scenario", sid, "", "", repr(float(v)), ""])
    w.writerow(["expected", "", "", "", repr(float(sol.expected)), ""])
    for u in sol.resources:
        cap = "" if not math.isfinite(u.capacity) else repr(float(u.capacity))
        w.writerow(
            ["resource", u.id, "", "" if u.year is None else u.year, repr(float(u.used)), cap]
        )
    return buf.getvalue()
