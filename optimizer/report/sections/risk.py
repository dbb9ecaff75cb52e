"""The report's risk section: the packages each risk attitude picks, measured the same way."""

from __future__ import annotations

from ..document import Paragraph, Section, Table
from .common import _unit, attempt, choice_label
from .odds import risk_blocks


def risk_section(spec, opts: dict) -> Section:
    from ...analysis.compare import compare

    sec = Section("risk", "Risk attitudes compared")
    c = attempt(sec, "The comparison of risk attitudes", lambda: compare(spec, **opts))
    if c is None:
        return sec
    names = [a.objective for a in c.attitudes]
    sec.blocks.append(
        Paragraph(
            "Each objective is solved exactly, then every package is measured the same way: "
            f"expected value, worst case, CVaR at {c.alpha:g} (the mean of the worst "
            f"{c.alpha:.0%} of outcomes) and the largest regret against each scenario's best."
        )
    )
    picks = [{x.commitment: x for x in a.chosen} for a in c.attitudes]
    rows, same = [], []
    for cid in c.commitments:
        cells = []
        for pk in picks:
            ch = pk.get(cid)
            cells.append("-" if ch is None else choice_label("", ch.option, ch.start).lstrip("."))
        if len(set(cells)) == 1:
            if cells[0] != "-":
                same.append(f"{cid}.{cells[0]}")
            continue
        rows.append([cid, *cells])
    if rows:
        sec.blocks.append(
            Table(
                ["commitment", *names], rows, caption="Where the packages differ", id="risk-differ"
            )
        )
    else:
        sec.blocks.append(Paragraph("Every objective chooses the same package."))
    if same and rows:
        sec.blocks.append(Paragraph("In every package: " + ", ".join(same) + "."))
    worst = "worst case (lowest)" if c.sense == "maximize" else "worst case (highest)"
    metrics = [
        ["objective value", *[float(a.objective_value) for a in c.attitudes]],
        ["expected", *[float(a.expected) for a in c.attitudes]],
        [worst, *[float(a.worst) for a in c.attitudes]],
        [f"CVaR {c.alpha:g}", *[float(a.cvar) for a in c.attitudes]],
        ["max regret", *[float(a.max_regret) for a in c.attitudes]],
        *[[f"in {s}", *[float(a.by_scenario[s]) for a in c.attitudes]] for s in c.scenarios],
    ]
    sec.blocks.append(
        Table(
            ["measure", *names],
            metrics,
            right=tuple(range(1, len(names) + 1)),
            caption=f"What each attitude's package achieves{_unit(c.unit)}",
            id="risk-measures",
        )
    )
    if c.shifts:
        sec.blocks.extend(risk_blocks(c))
    return sec
