"""The report's first section: the recommended package, its status and what it leaves out."""

from __future__ import annotations

from ..document import Note, Paragraph, Section, Table
from ..inputs import InputGroup
from .common import _num_text
from .tranches import recommendation_blocks


def recommendation_section(spec, sol, groups: list[InputGroup]) -> Section:
    sec = Section("recommendation", "Recommended package")
    unit = f" {spec.value_unit}" if spec.value_unit else ""
    how = "the expected value" if sol.objective == "expected" else f"the {sol.objective} objective"
    text = (
        f"The recommended package has an expected value of {_num_text(sol.expected)}{unit}. "
        f"It is the best package under {how}"
    )
    if sol.objective != "expected":
        text += f" (objective value {_num_text(sol.objective_value)})"
    status = "proven optimal" if sol.status == "optimal" else "the best found within the limits"
    text += (
        f"; status: {status}; checked independently of the solver against every limit and "
        f"relation: {'yes' if sol.verified else 'no'}."
    )
    sec.blocks.append(Paragraph(text))
    commitments = {c.id: c for c in spec.commitments}
    rows = []
    for ch in sol.chosen:
        c = commitments[ch.commitment]
        o = c.option(ch.option)
        rows.append(
            [
                c.id,
                ch.option,
                "" if ch.start is None else str(ch.start),
                o.name or o.description or c.name,
                c.group,
            ]
        )
    if spec.commitments:
        sec.blocks.append(
            Table(
                ["commitment", "option", "start", "what it is", "group"],
                rows,
                caption=f"Chosen package: {len(rows)} of {len(spec.commitments)} commitments",
                id="package",
            )
        )
    else:
        sec.blocks.append(
            Paragraph("The problem has no commitments: its decisions are the responses below.")
        )
    sec.blocks += recommendation_blocks(spec, sol)  # conditional tranches, by scenario
    chosen = {ch.commitment for ch in sol.chosen} | {
        c.commitment for v in sol.tranches.values() for c in v
    }
    left = [c.id for c in spec.commitments if c.id not in chosen]
    if left:
        sec.blocks.append(Paragraph("Not chosen: " + ", ".join(left) + "."))
    if sol.responses:
        sids = [s.id for s in spec.scenarios]
        units = {r.id: r.unit for r in spec.responses}
        rrows = []
        for rid, v in sol.responses.items():
            vals = [v.get(s, 0.0) for s in sids] if isinstance(v, dict) else [v] * len(sids)
            rrows.append([rid, units.get(rid, ""), *[float(x) for x in vals]])
        sec.blocks.append(
            Table(
                ["response", "unit", *sids],
                rrows,
                right=tuple(range(2, 2 + len(sids))),
                caption="Responses (a stage-1 quantity is the same in every scenario)",
                id="responses",
            )
        )
    missing = [g for g in groups if g.missing]
    if missing:
        n = sum(len(g.items) for g in missing)
        sec.blocks.append(
            Note(
                f"{n} input(s) in {len(missing)} object(s) have no source: see 'Inputs and "
                "their sources'.",
                "missing",
            )
        )
    for w in sol.warnings:
        sec.blocks.append(Note(w, "warning"))
    return sec
