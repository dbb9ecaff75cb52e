"""Terminal tables (rich) for solutions, and CSV."""

from __future__ import annotations

import csv
import io
import math
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any


def use_color(stream=None) -> bool:
    """Colour (ANSI styles) only when ``stream`` (stdout by default) is a terminal, and never
    with ``NO_COLOR`` set (https://no-color.org) or ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def console(file=None, *, width: int | None = None, color: bool | None = None):
    """A rich console: colour only on a terminal and never with NO_COLOR.

    ``color=None`` decides from stdout (rendered text is printed there, or written to a file
    by ``emit``, which strips any styles).
    """
    from rich.console import Console

    color = use_color() if color is None else color
    return Console(
        file=file,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )


def decimals(x: float, digits: int = 4) -> int:
    """Decimals that show ``x`` in fixed point: ``digits - 2`` of them for ``|x| >= 0.1``
    (``75.99``, ``6,000.00``, ``0.80``), more below 0.1 to keep ``digits - 2`` significant
    digits (``0.080``, ``0.0012``)."""
    d = max(digits - 2, 0)
    a = abs(x)
    if 0 < a < 0.1 and math.isfinite(a):
        d += math.ceil(-math.log10(a)) - 1
    return min(d, 12)


def _fixed(x: float, d: int) -> str:
    s = f"{x:,.{d}f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # no "-0.00"
    return s


def fmt(x: Any, digits: int = 4) -> str:
    """One number for a table or a sentence, in fixed point (see ``decimals``): the same
    number of decimals for every magnitude from 0.1 up, so numbers line up in a column.
    ``None`` is ``-``, an exact 0 is ``0``, infinity ``no limit``; other values as text."""
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        if math.isinf(x):
            return "no limit" if x > 0 else "-inf"
        if x == 0:
            return "0"
        return _fixed(x, decimals(x, digits))
    return str(x)


def format_column(values: Sequence[Any], digits: int = 4) -> list[str]:
    """Format a column: every float with the same number of decimals, chosen so the column's
    numbers keep ``digits - 2`` significant digits (numbers below 1e-4 of the column's largest
    are shown with the column's decimals, e.g. ``0.00``). Other cells as ``fmt`` shows them."""
    nums = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v) and v != 0]
    if not nums:
        return [v if isinstance(v, str) else fmt(v, digits) for v in values]
    top = max(nums)
    d = max(decimals(v, digits) for v in nums if v >= top * 1e-4)
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, float) and math.isfinite(v) and v != 0:
            out.append(_fixed(v, d))
        else:
            out.append(fmt(v, digits))
    return out


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
        title_style="bold",
        show_edge=False,
        pad_edge=False,
        box=None,
        header_style="bold cyan",
        # a narrow table is widened to its title rather than the title wrapped
        min_width=min(len(title), 100) if title else None,
    )
    for i, c in enumerate(columns):
        t.add_column(c, justify="right" if i in right else "left", no_wrap=False)
    rows = [list(r) for r in rows]
    # numbers are formatted column by column, so a column's numbers share their decimals
    cols = [format_column([r[j] for r in rows]) for j in range(len(columns))] if rows else []
    for i in range(len(rows)):
        t.add_row(*[col[i] for col in cols])
    return t


def render(
    renderables: Iterable[Any],
    *,
    width: int | None = None,
    file=None,
    color: bool | None = None,
) -> str:
    """Render rich objects to a string (or straight to ``file``); styled only when ``color``
    (default: stdout is a terminal and NO_COLOR is not set)."""
    buf = io.StringIO() if file is None else file
    con = console(buf, width=width or 100, color=color)
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
