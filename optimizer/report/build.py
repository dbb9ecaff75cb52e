"""Collect the sections of an analysis report, independent of how it is rendered.

``build_report(spec, ...)`` solves the problem, runs the analyses that are installed, and
returns a ``Report``: sections of plain blocks (``Paragraph``, ``Table``, ``Figure``,
``Note``, ``Inputs``) that ``optimizer.report.html`` and ``optimizer.report.markdown`` render.
Figures are kept as callables that draw them, so nothing imports matplotlib until a renderer
asks for a chart (and a renderer without matplotlib says so in place of the chart).

Sections, in order: the recommended package; value by scenario; resource use against
capacity; scenarios and the value of information (regret table); risk attitudes compared;
sensitivity (tornado, tipping points, what would it take); the efficient frontier of the
binding resources; Monte Carlo (with ``montecarlo=N``); alternatives; every input with its
source. The sensitivity, frontier and Monte Carlo sections appear when their analysis modules
are installed; an analysis that stops with an engine error (a time limit, say) leaves a note
in its section instead of the numbers.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import logging
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, OptimizerError
from . import plots
from .inputs import InputGroup, UncertainInput, input_groups, tag_counts, uncertain_inputs
from .tables import fmt, prob
from .unfinished import BudgetMarks

log = logging.getLogger(__name__)

SECTIONS = (
    "scenarios",
    "risk",
    "sensitivity",
    "frontier",
    "montecarlo",
    "alternatives",
    "inputs",
)
TORNADO_ROWS = 15
VALUE_TIPPING_ROWS = 10
THRESHOLD_ROWS = 8
MAX_FRONTIERS = 2


# ---- the document model -------------------------------------------------------------------


@dataclass
class Paragraph:
    text: str


@dataclass
class Note:
    """A remark set apart from the text: ``kind`` is ``note``, ``warning`` or ``missing``."""

    text: str
    kind: str = "note"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]  # str, int, float or None cells; floats are formatted per column
    right: tuple[int, ...] = ()  # right-aligned (numeric) columns
    caption: str = ""
    id: str = ""
    emphasis: list[bool] | None = None  # rows to set apart (binding resources, the optimum)


@dataclass
class Figure:
    id: str
    title: str
    draw: Callable[[], Any]  # returns a matplotlib figure (see ``optimizer.report.plots``)
    alt: str  # what the chart shows, for readers without it


@dataclass
class Inputs:
    groups: list[InputGroup]
    uncertain: list[UncertainInput]


Block = Paragraph | Note | Table | Figure | Inputs


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    problem: str
    subtitle: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    skipped: list[str] = field(default_factory=list)  # sections left out, and why
    warnings: list[str] = field(default_factory=list)  # what the reader must not miss

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


# ---- helpers ------------------------------------------------------------------------------


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def choice_label(commitment: str, option: str, start: int | None) -> str:
    s = commitment if option == "yes" else f"{commitment}.{option}"
    return s if start is None else f"{s}@{start}"


def change_text(change) -> str:
    """A package change (``enter``/``leave`` column names ``c.o@year``) in plain words, one
    commitment at a time: ``defence_2pct: by_2032 instead of by_2025``, ``golden_dome: starts
    2028 instead of 2026``, ``adds humint.establish (from 2027)``, ``drops c202.amend``."""
    if change is None:
        return "-"

    def split(name: str) -> tuple[str, str, str]:
        c, _, rest = name.partition(".")
        o, _, y = rest.partition("@")
        return c, o, y

    enter = {c: (o, y) for c, o, y in map(split, change.enter)}
    leave = {c: (o, y) for c, o, y in map(split, change.leave)}
    order = list(dict.fromkeys([*(split(n)[0] for n in change.leave), *enter]))
    parts = []
    for c in order:
        if c in enter and c in leave:
            (o1, y1), (o2, y2) = leave[c], enter[c]
            if o1 == o2:
                parts.append(f"{c}: starts {y2} instead of {y1}")
            elif y1 == y2:
                parts.append(f"{c}: {o2} instead of {o1}")
            else:
                parts.append(f"{c}: {o2} from {y2} instead of {o1} from {y1}")
        elif c in enter:
            o, y = enter[c]
            name = c if o in ("", "yes") else f"{c}.{o}"
            parts.append(f"adds {name}" + (f" (from {y})" if y else ""))
        else:
            o, _ = leave[c]
            parts.append(f"drops {c if o in ('', 'yes') else f'{c}.{o}'}")
    return "; ".join(parts) if parts else "(same package)"


def _end(x: float) -> str | float:
    return "no limit" if math.isinf(x) else float(x)


def _module(name: str, function: str):
    """``optimizer.analysis.<name>.<function>`` if that module and function exist, else None."""
    full = f"optimizer.analysis.{name}"
    try:
        if importlib.util.find_spec(full) is None:
            return None
        return getattr(importlib.import_module(full), function, None)
    except ImportError:
        return None


def _failed(section: Section, what: str, err: Exception) -> None:
    from .odds import refusal

    reason = refusal(err)
    if reason is not None:  # not defined yet for this kind of problem: say so, carry on
        section.blocks.append(Note(f"{what} is not available: {reason}.", "note"))
        return
    if isinstance(err, OptimizerError):
        text = err.one_line()
    else:
        log.warning("%s failed", what, exc_info=err)
        text = f"{type(err).__name__}: {err}"
    section.blocks.append(Note(f"{what} could not be computed: {text}", "warning"))


# ---- sections from the solution ----------------------------------------------------------


def _recommendation(spec, sol, groups: list[InputGroup]) -> Section:
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
    from .tranches import recommendation_blocks

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


def _scenario_values(spec, sol) -> Section:
    if sol.probabilities:  # the package moves the odds
        from .odds import scenario_values

        return scenario_values(spec, sol)
    sec = Section("scenarios-value", "Value by scenario")
    unit = spec.value_unit
    ids = [s.id for s in spec.scenarios]
    probs = [s.probability for s in spec.scenarios]
    vals = [float(sol.by_scenario[s]) for s in ids]
    rows = [
        [s.id, prob(s.probability), float(sol.by_scenario[s.id]), s.description]
        for s in spec.scenarios
    ]
    rows.append(["expected", prob(1.0), float(sol.expected), "probability-weighted"])
    sec.blocks.append(
        Table(
            ["scenario", "probability", f"value{_unit(unit)}", "description"],
            rows,
            right=(1, 2),
            caption="What the recommended package is worth in each scenario",
            id="scenario-values",
            emphasis=[False] * len(spec.scenarios) + [True],
        )
    )
    if len(ids) > 1:
        expected = float(sol.expected)
        sec.blocks.append(
            Figure(
                "scenario-values-chart",
                "Value of the recommended package by scenario",
                lambda: plots.scenario_chart(ids, probs, vals, expected, unit),
                "Bars: the package's value in each scenario; dashed line: the expected value.",
            )
        )
    return sec


def _binding(u) -> bool:
    return math.isfinite(u.capacity) and u.capacity - u.used <= 1e-6 * max(1.0, abs(u.capacity))


def _resources(spec, sol) -> Section | None:
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


# ---- sections from the analyses -----------------------------------------------------------


def _voi(spec, opts: dict) -> Section:
    from ..analysis.alternatives import differences, package_text
    from ..analysis.scenarios import value_of_information

    sec = Section("voi", "Scenarios and the value of information")
    try:
        v = value_of_information(spec, **opts)
    except OptimizerError as e:
        _failed(sec, "The value of information", e)
        return sec
    unit = _unit(v.unit)
    better = "WS - RP" if v.sense == "maximize" else "RP - WS"
    vbetter = "RP - EEV" if v.sense == "maximize" else "EEV - RP"
    sec.blocks.append(
        Paragraph(
            f"Knowing which scenario comes true before committing would be worth "
            f"{_num_text(v.evpi)}{_unit_text(v.unit)} (EVPI); planning with the scenarios rather "
            f"than with their average is worth {_num_text(v.vss)}{_unit_text(v.unit)} (VSS)."
        )
    )
    sec.blocks.append(
        Table(
            ["measure", f"value{unit}", "meaning"],
            [
                ["WS", _finite(v.ws), "expected result if the scenario were known before choosing"],
                ["RP", _finite(v.rp), "expected result of the recommended package"],
                [
                    "EEV",
                    _finite(v.eev),
                    "expected result of the package best for the mean scenario",
                ],
                ["EVPI", _finite(v.evpi), f"{better}: what perfect foresight is worth"],
                ["VSS", _finite(v.vss), f"{vbetter}: what planning with the scenarios is worth"],
            ],
            right=(1,),
            caption="Value of information",
            id="voi-summary",
        )
    )
    if v.induced is not None:
        from .odds import voi_blocks

        sec.blocks.extend(voi_blocks(v))
    order = [c.commitment for c in v.rp_package.chosen]
    order += [c.commitment for w in v.packages for c in w.chosen if c.commitment not in order]
    ws_rows = []
    for s, p, w in zip(v.scenarios, v.probabilities, v.wait_and_see, strict=True):
        d = differences(v.rp_package.chosen, w.chosen, order)
        base = v.rp_package.responses
        for rid in sorted(set(base) | set(w.responses)):
            a, b = base.get(rid, 0.0), w.responses.get(rid, 0.0)
            if abs(a - b) > 1e-9 * max(1.0, abs(a)):
                d.append(f"{rid}: {fmt(a)} -> {fmt(b)}")
        ws_rows.append([s, prob(p), float(v.best[s]), "; ".join(d) or "same as the recommended"])
    sec.blocks.append(
        Table(
            ["scenario", "probability", f"best{unit}", "its best package differs by"],
            ws_rows,
            right=(1, 2),
            caption="Wait-and-see: the best package for each scenario alone",
            id="wait-and-see",
        )
    )
    reg_rows = []
    for pk in v.packages:
        cells: list[Any] = [pk.label, _finite(pk.expected)]
        for s in v.scenarios:
            val, reg = pk.by_scenario[s], pk.regret[s]
            cells.append("infeasible" if val is None else float(val))
            cells.append("-" if reg is None else float(reg))
        cells.append(_finite(pk.max_regret))
        reg_rows.append(cells)
    cols = ["package", "expected"]
    for s in v.scenarios:
        cols += [s, "regret"]
    cols.append("max regret")
    sec.blocks.append(
        Table(
            cols,
            reg_rows,
            right=tuple(range(1, len(cols))),
            caption=(
                f"Regret table{unit}: each package's value in each scenario and its regret "
                "against that scenario's best (RP = recommended, EV = best for the mean "
                "scenario, WS s = best if s were certain)"
            ),
            id="regret",
            emphasis=[True] + [False] * (len(reg_rows) - 1),
        )
    )
    if v.rp_package.chosen or v.ev_package.chosen:
        same = list(v.ev_package.chosen) == list(v.rp_package.chosen)
        ev = "" if same else " EV = " + package_text(v.ev_package.chosen) + "."
        sec.blocks.append(Paragraph(f"Packages: RP = {package_text(v.rp_package.chosen)}.{ev}"))
    if len(v.scenarios) > 1:
        labels = [pk.label for pk in v.packages]
        matrix = [[pk.by_scenario[s] for s in v.scenarios] for pk in v.packages]
        sids = list(v.scenarios)
        vunit = v.unit
        sec.blocks.append(
            Figure(
                "regret-chart",
                "Each package's value in each scenario",
                lambda: plots.package_scenario_chart(labels, sids, matrix, vunit),
                "Grouped bars: for each scenario, the value of the recommended package (RP), "
                "the mean-scenario package (EV) and each scenario's own best package (WS).",
            )
        )
    return sec


def _num_text(x: float) -> str:
    """A number in a sentence, rounded as the report's tables round it (``tables.fmt``: two
    decimals from 0.1 up, ``75.99``, ``-108,390.00``; two significant digits below), so a
    number shown in a sentence and in a table is the same string."""
    x = float(x)
    if not math.isfinite(x):
        return "-inf" if x < 0 else "inf"
    return fmt(x)


def _exact_text(x: float) -> str:
    """A number where two close values must stay apart (a disagreement between analyses, in
    no table): up to twelve significant digits (``1``, ``-575.446``)."""
    x = float(x)
    if not math.isfinite(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:,.12g}"


def _unit_text(unit: str) -> str:
    return f" {unit}" if unit else ""


def _finite(x: float | None) -> Any:
    if x is None:
        return "-"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return float(x)


def _risk(spec, opts: dict) -> Section:
    from ..analysis.compare import compare

    sec = Section("risk", "Risk attitudes compared")
    try:
        c = compare(spec, **opts)
    except OptimizerError as e:
        _failed(sec, "The comparison of risk attitudes", e)
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
        from .odds import risk_blocks

        sec.blocks.extend(risk_blocks(c))
    return sec


def _agrees(value: float | None, reference: float) -> bool:
    return value is not None and abs(value - reference) <= 1e-6 * max(1.0, abs(reference))


def _disagrees(sec: Section, what: str, value: float | None, reference: float) -> None:
    sec.blocks.append(
        Note(
            f"{what} is left out: it puts the value of the recommended package at "
            f"{_exact_text(value) if value is not None else 'infeasible'}, but the verified "
            f"solution's is {_exact_text(reference)}.",
            "warning",
        )
    )


def _sensitivity(spec, fn, solver: str, options, reference: float) -> Section:
    sec = Section("sensitivity", "Sensitivity: tornado and tipping points")
    try:
        rep = fn(
            spec, solver=solver, options=options, sections=("tipping", "thresholds", "tornado")
        )
    except Exception as e:  # the analysis is optional: note it and carry on
        _failed(sec, "The sensitivity analysis", e)
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
    from .tranches import sensitivity_blocks

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


def _frontier_resources(spec, sol, wanted: Sequence[str] | None) -> list[str]:
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


def _frontier(
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
        try:
            fr = fn(spec, rid, solver=solver, options=options, pareto=False)
        except Exception as e:  # the analysis is optional: note it and carry on
            _failed(sec, f"The frontier of '{rid}'", e)
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


def _alternatives(spec, opts: dict, k: int, objective: str) -> Section:
    from ..analysis.alternatives import alternatives, package_text

    sec = Section("alternatives", "Alternatives: the next-best packages")
    try:
        a = alternatives(spec, k, objective=objective, **opts)
    except OptimizerError as e:
        _failed(sec, "The alternatives", e)
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
    from .tranches import alternatives_blocks

    sec.blocks += alternatives_blocks(a)  # conditional tranches: each offer's best ones
    return sec


def _inputs(spec, groups: list[InputGroup]) -> Section:
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


# ---- the report ---------------------------------------------------------------------------


def build_report(
    spec,
    *,
    solver: str = "highs",
    objective: str = "expected",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    verbose: bool = False,
    montecarlo: int | None = None,
    seed: int | None = None,
    alternatives: int = 5,
    frontier: Sequence[str] | None = None,
    sections: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    command: str = "",
) -> Report:
    """Solve ``spec`` and collect the report's sections (see the module doc).

    ``verbose`` shows the solver's log. ``sections`` limits the analyses to those named (from ``SECTIONS``; the recommendation,
    value by scenario and resource use are always there); ``montecarlo=N`` adds the Monte
    Carlo section with N draws; ``frontier`` names the resources whose frontier is drawn
    (default: the binding ones). ``progress(step)`` is called before each step.

    Raises ``InfeasibleError`` (with a diagnosis) when no package is feasible.
    """
    import solvers

    from .. import __version__, api

    wanted = tuple(SECTIONS if sections is None else sections)
    for s in wanted:
        if s not in SECTIONS:
            from ..errors import did_you_mean

            raise InputError(
                f"unknown section '{s}'{did_you_mean(s, SECTIONS)}", where="--sections"
            )
    if montecarlo is not None and montecarlo < 1:
        raise InputError(f"expected at least 1 draw, got {montecarlo}", where="--montecarlo")
    if montecarlo is not None and "montecarlo" not in wanted:
        raise InputError("the montecarlo section is left out by --sections", where="--montecarlo")
    if montecarlo is not None and not spec.uncertain:
        raise InputError(
            "the problem has no uncertain inputs to draw: give a distribution instead of a "
            'number, e.g. value = { dist = "triangular", low = 2, mode = 5, high = 9 }',
            where="--montecarlo",
        )
    if alternatives < 1:
        raise InputError(f"expected at least 1, got {alternatives}", where="--alternatives")
    rids = [r.id for r in spec.resources]
    for rid in frontier or ():
        if rid not in rids:
            from ..errors import did_you_mean

            hint = did_you_mean(rid, rids)
            if rids and "allowed" not in hint:
                hint += f" (allowed: {', '.join(sorted(rids))})"
            raise InputError(
                f"unknown resource '{rid}'{hint or '; the problem has none'}", where="--frontier"
            )
    say = progress or (lambda step: None)
    opts = {"solver": solver, "time_limit": time_limit, "mip_gap": mip_gap, "verbose": verbose}
    options = solvers.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, verbose=verbose)

    say("solve")
    sol = api.solve(
        spec,
        solver=solver,
        objective=objective,
        time_limit=time_limit,
        mip_gap=mip_gap,
        verbose=verbose,
    )
    groups = input_groups(spec)
    out = [_recommendation(spec, sol, groups), _scenario_values(spec, sol)]
    marks = BudgetMarks(out, lambda text: Note(text, "warning"))  # --max-time (unfinished.py)
    say = marks.wrap(say)

    def expected_optimum() -> float:
        """The verified expected-value optimum (what sensitivity and frontier start from)."""
        if objective == "expected":
            return float(sol.expected)
        return float(
            api.solve(spec, solver=solver, time_limit=time_limit, mip_gap=mip_gap).expected
        )

    res = _resources(spec, sol)
    if res is not None:
        out.append(res)
    if spec.criteria:  # values on every criterion, Pareto front, weight intervals
        from .criteria_section import criteria_section

        out.append(criteria_section(spec, sol, solver, options))
    skipped: list[str] = []
    warnings = list(sol.warnings)  # also printed on stderr by the report command
    if "scenarios" in wanted:
        say("scenarios")
        out.append(_voi(spec, opts))
    if "risk" in wanted:
        say("risk attitudes")
        out.append(_risk(spec, opts))
    if "sensitivity" in wanted:
        fn = _module("sensitivity", "sensitivity")
        if fn is None:
            skipped.append("sensitivity (the sensitivity analysis is not installed)")
        else:
            say("sensitivity")
            sec = _sensitivity(spec, fn, solver, options, expected_optimum())
            if objective != "expected":
                sec.blocks.insert(0, Note("Computed for the expected-value objective."))
            out.append(sec)
    if "frontier" in wanted:
        fn = _module("frontier", "capacity_frontier")
        scalable = _frontier_resources(spec, sol, frontier)
        if fn is None:
            skipped.append("frontier (the frontier analysis is not installed)")
        elif not scalable:
            skipped.append("frontier (no resource with a positive capacity to scale)")
        else:
            say("frontier")
            sec = _frontier(spec, sol, fn, scalable, solver, options, expected_optimum())
            if objective != "expected":
                sec.blocks.insert(0, Note("Computed for the expected-value objective."))
            out.append(sec)
    if montecarlo is not None and "montecarlo" in wanted:
        fn = _module("montecarlo", "monte_carlo")
        if fn is None:
            skipped.append("Monte Carlo (the Monte Carlo analysis is not installed)")
            warnings.append("Monte Carlo left out: the Monte Carlo analysis is not installed")
        else:
            from .discovery import discovery_section
            from .montecarlo import infeasibility_text, montecarlo_section

            say("montecarlo")

            def mc_progress(done: int, total: int) -> None:
                say(f"montecarlo {done}/{total}")

            sec, mc = montecarlo_section(spec, fn, montecarlo, seed, opts, mc_progress)
            out.append(sec)
            if mc is not None:  # scenario discovery over the same draws
                out.append(discovery_section(spec, mc))
            if mc is None:  # failed: say so at the top of the report too (and on stderr)
                warnings.append(sec.blocks[-1].text)
                out[0].blocks.append(Note(sec.blocks[-1].text, "warning"))
            elif mc.base.infeasible_draws:
                text = infeasibility_text(mc.base) + " (Monte Carlo section)"
                out[0].blocks.append(Note(text, "warning"))
    elif montecarlo is None:
        skipped.append("Monte Carlo (not asked for: --montecarlo N)")
    if "alternatives" in wanted:
        say("alternatives")
        out.append(_alternatives(spec, opts, alternatives, objective))
    if "inputs" in wanted:
        say("inputs")
        out.append(_inputs(spec, groups))
    marks.check()
    for s in SECTIONS:
        if s not in wanted and s != "montecarlo":
            skipped.append(f"{s} (left out with --sections)")

    horizon = "single period" if spec.years is None else f"{spec.years[0]}-{spec.years[1]}"
    meta = [
        ("problem", spec.name),
        ("file", spec.origin or "(built in code)"),
        ("sha256", spec.sha256 or "-"),
        ("horizon", horizon),
        ("discount rate", f"{spec.discount_rate:g} per year"),
        ("scenarios", str(len(spec.scenarios))),
        (
            "commitments",
            f"{len(spec.commitments)} ({sum(len(c.options) for c in spec.commitments)} options)",
        ),
        ("objective", objective),
        ("solver", str(sol.solver.get("name", solver))),
        ("engine", f"commitment-optimizer {__version__}"),
        ("generated", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if command:
        meta.append(("command", command))
    return Report(
        title=spec.title or spec.name,
        problem=spec.name,
        subtitle=spec.description,
        meta=meta,
        sections=out,
        skipped=skipped,
        warnings=warnings,
    )


def write_report(report: Report, path: str | os.PathLike) -> list[Path]:
    """Write ``report`` to ``path``: HTML (``.html``/``.htm``, one self-contained file) or
    Markdown (``.md``, with its charts as PNG files in ``<name>_files/`` beside it). Every
    file is written atomically and readable as the umask allows (a report is for sharing).
    Returns the paths written, the report first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from .html import render_html
        from .output import atomic_write

        atomic_write(path, render_html(report))
        written = [path]
    elif suffix in (".md", ".markdown"):
        from .markdown import write_markdown

        written = write_markdown(report, path)
    else:
        raise InputError(f"the report must be .html or .md, got '{path.name}'", where="--output")
    return written


def report(problem: Any, path: str | os.PathLike, **options: Any) -> list[Path]:
    """Build the report of ``problem`` (a ``ProblemSpec``, or a bundled name or file path)
    and write it to ``path`` (``.html`` or ``.md``); ``options`` as for ``build_report``.

    >>> import optimizer
    >>> optimizer.report("small-example", "small.html", sections=["scenarios"])  # doctest: +SKIP
    [PosixPath('small.html')]
    """
    if not hasattr(problem, "commitments"):
        from ..spec import load

        problem = load(problem)
    return write_report(build_report(problem, **options), path)
