"""The report's criteria section: the package's criteria, the Pareto front, weight intervals."""

from __future__ import annotations

from ..criteria_tables import criteria_rows
from ..document import Note, Paragraph, Section, Table


def _package(chosen) -> str:
    return ", ".join(str(c) for c in chosen) or "(nothing)"


def criteria_section(spec, sol, solver, options) -> Section:
    """Criteria values of ``sol``; the exact front of ``expected`` against the first declared
    criterion; each criterion's weight intervals."""
    from ...analysis.pareto import pareto_front
    from ...analysis.weights import weight_sensitivity
    from ...errors import OptimizerError

    sec = Section("criteria", "Several criteria")
    rows = criteria_rows(spec, sol.criteria)
    sec.blocks.append(
        Table(
            ["criterion", "name", "unit", "sense", "value"],
            rows,
            right=(4,),
            caption=f"The recommended package on every criterion (objective: {sol.objective}).",
        )
    )
    others = [c.id for c in spec.criteria if c.id != "expected"]
    try:
        if others:
            front = pareto_front(spec, ("expected", others[0]), solver=solver, options=options)
            kind = "exact non-dominated set" if front.exact else "non-dominated points found"
            sec.blocks.append(
                Paragraph(
                    f"Pareto front of expected and {others[0]} ({kind}; {len(front.points)} points, "
                    f"{front.solves} solves; {front.method})."
                )
            )
            sec.blocks.append(
                Table(
                    ["expected", others[0], "package"],
                    [
                        [p.criteria["expected"], p.criteria[others[0]], _package(p.chosen)]
                        for p in front.points
                    ],
                    right=(0, 1),
                )
            )
        for cid in ("expected", *others):
            r = weight_sensitivity(spec, cid, solver=solver, options=options)
            changes = ", ".join(f"{b:.4g}" for b in r.breakpoints) or "nowhere in [0, 1]"
            sec.blocks.append(
                Paragraph(
                    f"Weight of {cid} (now {r.current:.4g}, the others in proportion): the weighted "
                    f"optimum changes at {changes}."
                )
            )
            sec.blocks.append(
                Table(
                    ["weight from", "to", *r.criteria, "package"],
                    [
                        [
                            iv.low,
                            iv.high,
                            *(iv.criteria[c] for c in r.criteria),
                            _package(iv.chosen),
                        ]
                        for iv in r.intervals
                    ],
                    right=tuple(range(2 + len(r.criteria))),
                )
            )
    except OptimizerError as e:
        sec.blocks.append(
            Note(f"the criteria analyses could not be computed: {e.one_line()}", "warning")
        )
    return sec
