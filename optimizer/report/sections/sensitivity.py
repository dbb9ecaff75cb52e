"""The report's sensitivity section: the tornado, the tipping points and what it would take to
change the package."""

from __future__ import annotations

import math
from typing import Any

from .. import plots
from ..document import Figure, Note, Paragraph, Section, Table
from ..number_format import fmt
from .common import (
    _agrees,
    _disagrees,
    _end,
    _num_text,
    _unit,
    _unit_text,
    attempt,
    change_text,
)
from .tranches import sensitivity_blocks

TORNADO_ROWS = 15
VALUE_TIPPING_ROWS = 10
THRESHOLD_ROWS = 8


def sensitivity_section(spec, fn, solver: str, options, reference: float) -> Section:
    sec = Section("sensitivity", "Sensitivity: tornado and tipping points")
    parts = ("tipping", "thresholds", "tornado")
    rep = attempt(  # the analysis is optional: any error is noted, and the report carries on
        sec,
        "The sensitivity analysis",
        lambda: fn(spec, solver=solver, options=options, sections=parts),
        Exception,
    )
    if rep is None:
        return sec
    # a figure that does not reproduce the verified optimum is not shown
    if not _agrees(rep.expected, reference):
        _disagrees(sec, "The sensitivity analysis", rep.expected, reference)
        return sec
    unit = rep.value_unit
    sec.blocks.append(
        Paragraph(
            "Every figure here comes from re-solving the integer problem: the recommended "
            f"package is worth {_num_text(rep.expected)}{_unit_text(unit)} at the base inputs. "
            f"The tornado moves one input at a time by -/+{rep.tornado_range:.0%} "
            "(probabilities: the others rescaled in proportion; values and capacities: times a "
            "factor) and re-optimises; the tipping points give the range of each input over "
            "which the recommended package stays optimal, and what replaces it beyond."
        )
    )
    sec.blocks += sensitivity_blocks(rep)  # with conditional tranches: offers
    tor = sorted(rep.tornado, key=lambda r: -r.swing)
    tor = [r for r in tor if r.swing > 1e-9 and math.isfinite(r.swing)][:TORNADO_ROWS]
    if tor:
        names = [r.input for r in tor][:12]
        lows = [float(r.value_low) for r in tor][:12]
        highs = [float(r.value_high) for r in tor][:12]
        base = float(rep.expected)
        rng = f"-/+{rep.tornado_range:.0%}"
        sec.blocks.append(
            Figure(
                "tornado-chart",
                "Tornado: the inputs that move the optimal expected value most",
                lambda: plots.tornado_chart(names, lows, highs, base, unit, rng),
                "Horizontal bars from the base value to the optimal value with each input at "
                "its low (blue) and high (orange) setting, widest swing on top.",
            )
        )
        rows = []
        for r in tor:
            changed = ", ".join(
                s for s, ch in (("low", r.changes_low), ("high", r.changes_high)) if ch is not None
            )
            rows.append(
                [
                    r.input,
                    *(_setting(x, r) for x in (r.low, r.high)),
                    float(r.value_low),
                    float(r.value_high),
                    float(r.swing),
                    changed or "-",
                ]
            )
        sec.blocks.append(
            Table(
                [
                    "input",
                    "low",
                    "high",
                    "value at low",
                    "value at high",
                    "swing",
                    "package changes at",
                ],
                rows,
                right=(1, 2, 3, 4, 5),
                caption=(
                    f"Tornado{_unit(unit)}: the {len(rows)} widest swings; low and high are "
                    "the input's settings (option values and capacities: a factor on the base, "
                    "'0.80 × base'; probabilities and amounts: the number itself)"
                ),
                id="tornado",
            )
        )
    else:
        sec.blocks.append(Paragraph("No input moves the optimal value within the tornado range."))
    tips = [t for t in rep.tipping if t.kind != "value"]
    values = [t for t in rep.tipping if t.kind == "value"]

    def margin(t) -> float:
        d = [abs(t.base - e) for e, c in ((t.lower, t.below), (t.upper, t.above)) if c is not None]
        return min(d) / max(abs(t.base), 1e-12) if d else math.inf

    values = sorted(values, key=margin)
    close = [t for t in values if math.isfinite(margin(t))][:VALUE_TIPPING_ROWS]
    rows = []
    for t in [*tips, *close]:
        name = t.parameter + (f" ({t.unit})" if t.unit and t.unit != "x" else "")
        rows.append(
            [
                name,
                *(
                    x if isinstance(x, str) else _setting(x, t)
                    for x in (float(t.base), _end(t.lower), _end(t.upper))
                ),
                "infeasible" if t.below_infeasible else change_text(t.below),
                change_text(t.above),
            ]
        )
    if rows:
        note = (
            f"; option values: the {len(close)} closest to a tipping point of {len(values)}"
            if values
            else ""
        )
        sec.blocks.append(
            Table(
                ["input", "base", "from", "to", "below 'from' the package becomes", "above 'to'"],
                rows,
                right=(1, 2, 3),
                caption=(
                    "Tipping points: the recommended package stays optimal while the input stays "
                    f"within [from, to]{note}"
                ),
                id="tipping",
            )
        )
    if rep.thresholds:

        def need(t) -> float:
            return math.inf if t.change is None else abs(t.change)

        ins = sorted((t for t in rep.thresholds if not t.chosen), key=need)[:THRESHOLD_ROWS]
        outs = sorted((t for t in rep.thresholds if t.chosen), key=need)[:THRESHOLD_ROWS]
        rows = []
        for t in [*outs, *ins]:
            rows.append(
                [
                    t.option,
                    "yes" if t.chosen else "no",
                    "never (the constraints decide)" if t.change is None else float(t.change),
                    t.basis or "",
                    change_text(t.package),
                ]
            )
        sec.blocks.append(
            Table(
                ["option", "chosen", f"change in value{_unit(unit)}", "basis", "package then"],
                rows,
                right=(2,),
                caption=(
                    "What would it take: the smallest change of an option's value (the same in "
                    "every scenario) that drops it from the package (chosen) or brings it in"
                ),
                id="thresholds",
            )
        )
    for w in getattr(rep, "warnings", ()):
        sec.blocks.append(Note(w, "warning"))
    return sec


def _setting(x: float, row) -> Any:
    """A tornado row's low or high setting (or a tipping point's base and ends): a factor on
    the base as "0.80 × base" (option values, capacities), any other input as its number."""
    if getattr(row, "unit", "") == "x":
        return f"{fmt(float(x))} × base"
    return float(x)
