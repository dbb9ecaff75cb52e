"""The report's last section: every input of the problem with its source."""

from __future__ import annotations

from ..document import Inputs, Note, Paragraph, Section
from ..inputs import InputGroup, tag_counts, uncertain_inputs


def inputs_section(spec, groups: list[InputGroup]) -> Section:
    sec = Section("inputs", "Inputs and their sources")
    counts = tag_counts(groups)
    total = sum(counts.values())
    parts = [f"{counts[t]} {t}" for t in counts if counts[t]]
    sec.blocks.append(
        Paragraph(
            f"Every number of the problem, with the source given for the object that carries it "
            f"({total} inputs: {', '.join(parts)}). 'judgment' means the source says the number "
            "is the modeller's judgment; 'source + judgment' that it also cites a reference; an "
            "object without a source of its own shows the nearest one above it (its "
            "commitment's, or the problem's), marked as such."
        )
    )
    missing = [g for g in groups if g.missing]
    if missing:
        sec.blocks.append(
            Note(
                "No source given for: " + ", ".join(f"{g.kind} {g.label}" for g in missing) + ".",
                "missing",
            )
        )
    sec.blocks.append(Inputs(groups, uncertain_inputs(spec)))
    return sec
