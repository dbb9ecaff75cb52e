"""The report's alternatives section: the next-best distinct packages."""

from __future__ import annotations

from ..document import Paragraph, Section, Table
from .common import _unit, attempt
from .tranches import alternatives_blocks


def alternatives_section(spec, opts: dict, k: int, objective: str) -> Section:
    from ...analysis.alternatives import alternatives
    from ...analysis.package_diff import package_text

    sec = Section("alternatives", "Alternatives: the next-best packages")
    a = attempt(sec, "The alternatives", lambda: alternatives(spec, k, objective=objective, **opts))
    if a is None:
        return sec
    extra = a.objective != "expected"
    rows = []
    for alt in a.alternatives:
        changes = (
            "the recommended package"
            if alt.rank == 1
            else ("; ".join(alt.changes) or "re-timed only")
        )
        vals = [float(alt.value), float(alt.expected)] if extra else [float(alt.value)]
        rows.append([str(alt.rank), *vals, f"{alt.gap:.2%}", changes])
    cols = ["#", f"{a.objective}{_unit(a.unit)}", *(["expected"] if extra else []), "gap"]
    cols.append("what differs from the recommended package")
    sec.blocks.append(
        Paragraph(
            f"The {len(rows)} best distinct packages (packages that differ only in start years "
            "count as one), found one after another by excluding those already listed; each is "
            f"checked independently. The list ended: {a.stopped}."
        )
    )
    sec.blocks.append(
        Table(
            cols,
            rows,
            right=tuple(range(len(cols) - 1)),
            caption="Fall-back packages",
            id="alternatives-table",
            emphasis=[True] + [False] * (len(rows) - 1),
        )
    )
    if a.alternatives and a.alternatives[0].chosen:
        sec.blocks.append(Paragraph("Recommended: " + package_text(a.alternatives[0].chosen) + "."))
    sec.blocks += alternatives_blocks(a)  # conditional tranches: each offer's best ones
    return sec
