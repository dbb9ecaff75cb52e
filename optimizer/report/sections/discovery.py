"""The report's scenario-discovery section, built from the Monte Carlo run the report already
made: where in the inputs' space the recommended package fails."""

from __future__ import annotations

from ..discovery import box_rows, trajectory_chart
from ..document import Figure, Note, Paragraph, Section, Table
from .common import attempt


def discovery_section(spec, mc) -> Section:
    """The report's scenario-discovery section, from the report's own Monte Carlo run."""
    from ...analysis.discovery import FAILING, discover

    sec = Section("discovery", "Scenario discovery: where does the package fail?")
    d = attempt(  # the analysis is optional: any error is noted, and the report carries on
        sec,
        "Scenario discovery",
        lambda: discover(spec, mc=mc, threshold=mc.base.regret_threshold),
        Exception,
    )
    if d is None:
        return sec
    sec.blocks.append(Paragraph(f"{d.statement()} Here {FAILING}; PRIM (Friedman & Fisher 1999)."))
    for i, (cap, cols, rows) in enumerate(box_rows(d)):
        sec.blocks.append(Table(cols, rows, right=(2,), caption=cap, id=f"discovery-box-{i + 1}"))
    if d.prim.boxes:
        sec.blocks.append(
            Figure(
                "discovery-chart",
                "Peeling trajectory: coverage against density",
                lambda: trajectory_chart(d),
                "Each point is a box met while peeling; the star is the box picked; the dashed "
                "line is the share of failing draws over all draws.",
            )
        )
        sec.blocks.append(
            Note(
                "A quasi-p-value near 1 says the restriction adds little; inputs of one group "
                "move together, so a group is shown as its first input."
            )
        )
    return sec
