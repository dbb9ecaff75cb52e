"""The report's resource section: each limit's use against its capacity, binding ones set apart."""

from __future__ import annotations

import math

from .. import plots
from ..document import Figure, Paragraph, Section, Table


def _binding(u) -> bool:
    return math.isfinite(u.capacity) and u.capacity - u.used <= 1e-6 * max(1.0, abs(u.capacity))


def resources_section(spec, sol) -> Section | None:
    uses = [u for u in sol.resources if math.isfinite(u.capacity) or u.used != 0]
    if not uses:
        return None
    sec = Section("resources", "Resource use against capacity")
    rows, emph = [], []
    for u in uses:
        finite = math.isfinite(u.capacity)
        share = u.used / u.capacity if finite and u.capacity > 0 else None
        rows.append(
            [
                u.id,
                "total" if u.year is None else str(u.year),
                float(u.used),
                float(u.capacity),
                float(u.capacity - u.used) if finite else None,
                "-" if share is None else f"{share:.0%}",
                u.unit,
            ]
        )
        emph.append(_binding(u))
    binding = sorted(
        {f"{u.id} ({'total' if u.year is None else u.year})" for u in uses if _binding(u)}
    )
    if binding:
        sec.blocks.append(
            Paragraph(
                "Binding (no slack left): "
                + ", ".join(binding)
                + ". These limits shape the package; see the frontier and the tipping points."
            )
        )
    else:
        sec.blocks.append(Paragraph("No limit is binding: every resource has slack left."))
    series = []
    for rid in dict.fromkeys(u.id for u in uses):  # per scenario with tranches: 'r[s]'
        mine = [u for u in uses if u.id == rid]
        series.append(
            plots.ResourceSeries(
                rid,
                mine[0].unit,
                tuple("total" if u.year is None else str(u.year) for u in mine),
                tuple(float(u.used) for u in mine),
                tuple(float(u.capacity) for u in mine),
            )
        )
    sec.blocks.append(
        Figure(
            "resources-chart",
            "Resource use against capacity, per year",
            lambda: plots.resource_chart(series),
            "Bars: what the package uses each year (orange where the limit binds, red if "
            "exceeded); black line: the capacity." + _negative_use_text(series),
        )
    )
    sec.blocks.append(
        Table(
            ["resource", "year", "used", "capacity", "slack", "use", "unit"],
            rows,
            right=(2, 3, 4, 5),
            caption="Use, capacity and slack (binding rows set apart)",
            id="resource-use",
            emphasis=emph,
        )
    )
    return sec


def _negative_use_text(series) -> str:
    """The caption's words for resources whose use goes below zero: some options create room
    in them (negative use) that others spend, so a bar below zero is room left, not a use."""
    neg = [
        s
        for s in series
        if any(u < -1e-9 * max(1.0, abs(c)) for u, c in zip(s.used, s.capacity, strict=True))
    ]
    if not neg:
        return ""
    out = []
    for s in neg:
        room = (
            "with a capacity of 0, what the package spends there must fit inside the room "
            "its own choices create"
            if all(c == 0 for c in s.capacity)
            else "what the package spends there must fit inside the capacity plus the room "
            "its own choices create"
        )
        out.append(
            f" {s.id}: below zero: room left. Some chosen options create room in {s.id} "
            f"(shown as negative use) and others spend it; {room}."
        )
    return "".join(out)
