"""The report's frontier section: the optimal value as the capacity of a binding resource is
scaled, with the breakpoints where the package changes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import plots
from ..document import Figure, Note, Paragraph, Section, Table
from ..number_format import fmt
from .common import _agrees, _disagrees, _finite, _unit, attempt, change_text

MAX_FRONTIERS = 2


def frontier_resources(spec, sol, wanted: Sequence[str] | None) -> list[str]:
    if wanted:
        return list(wanted)
    tight: dict[str, float] = {}
    for u in sol.resources:
        if not math.isfinite(u.capacity) or u.capacity <= 0:
            continue
        rel = (u.capacity - u.used) / max(abs(u.capacity), 1e-12)
        rid = u.id.split("[")[0]  # a resource a tranche uses: one row per scenario, 'r[s]'
        tight[rid] = min(tight.get(rid, math.inf), rel)
    binding = [r for r, s in tight.items() if s <= 1e-6]
    if binding:
        return binding[:MAX_FRONTIERS]
    return sorted(tight, key=tight.get)[:1]


def frontier_section(
    spec, sol, fn, resources: list[str], solver: str, options, reference: float
) -> Section:
    sec = Section("frontier", "Efficient frontier: value against resources")
    sec.blocks.append(
        Paragraph(
            "The optimal expected value as one resource's capacity is scaled from half to one "
            "and a half times the problem's (dashed line: the problem as given). Each "
            "breakpoint is a capacity at which the optimal package changes; the table says "
            "what enters and leaves there."
        )
    )
    if not resources:
        sec.blocks.append(Note("No resource with a positive capacity to scale.", "note"))
    for rid in resources:
        fr = attempt(  # the analysis is optional: any error is noted, and the report carries on
            sec,
            f"The frontier of '{rid}'",
            lambda rid=rid: fn(spec, rid, solver=solver, options=options, pareto=False),
            Exception,
        )
        if fr is None:
            continue
        at_one = [s.expected for s in fr.segments if s.lower <= 1.0 < s.upper]
        at_one = at_one or [s.expected for s in fr.segments if s.lower <= 1.0 <= s.upper]
        if not at_one or not _agrees(at_one[0], reference):
            _disagrees(sec, f"The frontier of '{rid}'", at_one[0] if at_one else None, reference)
            continue
        unit = fr.value_unit
        steps = [(s.lower, s.upper, s.expected) for s in fr.segments]
        bps = [(b.scale, b.expected_above, str(i)) for i, b in enumerate(fr.breakpoints, 1)]
        sec.blocks.append(
            Figure(
                f"frontier-{rid}-chart",
                f"Optimal expected value against the capacity of {rid}",
                lambda steps=steps, bps=bps, rid=rid, unit=unit: plots.frontier_chart(
                    steps, bps, rid, unit
                ),
                f"Step line: the optimal expected value as the capacity of {rid} is scaled; "
                "dotted lines: the breakpoints, numbered as in the table; dashed line: the problem as "
                "given.",
            )
        )
        rows = []
        for b in fr.breakpoints:
            caps = [c for _, c in b.capacity]
            cap: Any = (
                float(caps[0])
                if len(set(caps)) == 1
                else ", ".join(f"{y}: {fmt(float(c))}" for y, c in b.capacity[:3])
                + (" ..." if len(caps) > 3 else "")
            )
            rows.append(
                [
                    str(len(rows) + 1),
                    float(b.scale),
                    cap,
                    _finite(b.expected_below) if b.expected_below is not None else "infeasible",
                    _finite(b.expected_above) if b.expected_above is not None else "infeasible",
                    change_text(b.change),
                ]
            )
        if rows:
            sec.blocks.append(
                Table(
                    [
                        "#",
                        "scale (× base)",
                        f"capacity{_unit(fr.unit)}",
                        "value below",
                        "value above",
                        "what changes",
                    ],
                    rows,
                    right=(0, 1, 3, 4),
                    caption=f"Breakpoints of {rid}{_unit(unit)}",
                    id=f"frontier-{rid}",
                )
            )
        else:
            sec.blocks.append(
                Paragraph(f"The package does not change while {rid} is scaled over the range.")
            )
        for n in getattr(fr, "notes", ()):
            sec.blocks.append(Note(n))
    return sec
