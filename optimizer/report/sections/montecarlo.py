"""The report's Monte Carlo section: how robust is the recommended package over the draws.

The recommended package's value, the draws' optimum and its regret are compared on the same
draws (those where the package is feasible); how often it is infeasible, and which limits it
breaks by how much, are shown beside them (see ``optimizer.analysis.montecarlo.CONVENTION``).
"""

from __future__ import annotations

import math
from typing import Any

from .. import plots
from ..document import Figure, Note, Paragraph, Section, Table
from .common import _num_text, _unit, attempt, change_text

_STATS = ("mean", "p5", "p50", "p95", "min", "max")
MAX_BREAKS = 10


def _pct(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.0%}"


def infeasibility_text(base) -> str:
    """One sentence: how often the recommended package is infeasible and what it breaks."""
    if not base.draws:
        return ""
    text = (
        f"The recommended package breaks a limit in {base.infeasible_draws} of {base.draws} "
        f"draws ({_pct(base.infeasible_share)})"
    )
    if base.breaks:
        b = base.breaks[0]
        text += (
            f"; most often the limit '{b.limit}' (in {b.draws} draws), by "
            f"{_num_text(b.excess.p50)} at the median and {_num_text(b.excess.max)} at most"
        )
    return text + "."


def montecarlo_section(
    spec, fn, n: int, seed: int | None, opts: dict, progress
) -> tuple[Section, Any]:
    """The section and the Monte Carlo result, or the section with a note saying why the
    analysis could not run and None."""
    from ...analysis.montecarlo import CONVENTION

    sec = Section("montecarlo", "Monte Carlo: how robust is the package?")
    kwargs: dict[str, Any] = {"time_limit": opts.get("time_limit"), "mip_gap": opts.get("mip_gap")}
    if progress is not None:
        kwargs["progress"] = progress
    mc = attempt(  # the analysis is optional: any error is noted, and the report carries on
        sec,
        "The Monte Carlo analysis",
        lambda: fn(spec, n, 0 if seed is None else seed, **kwargs),
        Exception,
    )
    if mc is None:
        return sec, None
    unit = mc.value_unit
    base = mc.base
    sec.blocks.append(
        Paragraph(
            f"{mc.n_done} draws of the {len(mc.inputs)} uncertain input(s) (seed {mc.seed}), "
            "each re-solved for its optimal package. The recommended package (optimal at the "
            f"point values) is optimal in {_pct(base.optimal_share)} of the solved draws and "
            f"infeasible in {_pct(base.infeasible_share)} ({base.infeasible_draws} of "
            f"{base.draws}); {mc.stats.distinct_packages} distinct packages are optimal in "
            "some draw."
            + (
                " The run was interrupted: the figures cover the draws done."
                if mc.interrupted
                else ""
            )
        )
    )
    if getattr(mc, "tranches", ""):  # conditional tranches: the packages are offers
        sec.blocks.append(Note(mc.tranches[0].upper() + mc.tranches[1:] + "."))
    if base.infeasible_draws:
        sec.blocks.append(Note(infeasibility_text(base), "warning"))
    o, v, r = mc.optimal, base.value, base.regret
    rows = [["optimal value in the draw", o.n, *[float(getattr(o, k)) for k in _STATS]]]
    if base.optimal_same is not None:
        s = base.optimal_same
        rows.append(
            [
                "optimal value, same draws as below",
                s.n,
                *[float(getattr(s, k)) for k in _STATS],
            ]
        )
    rows += [
        ["value of the recommended package", v.n, *[float(getattr(v, k)) for k in _STATS]],
        ["its regret (best minus its value)", r.n, *[float(getattr(r, k)) for k in _STATS]],
    ]
    sec.blocks.append(
        Table(
            ["quantity", "draws", "mean", "P5", "median", "P95", "min", "max"],
            rows,
            right=tuple(range(1, 8)),
            caption=f"Distribution over the draws{_unit(unit)}; {CONVENTION}",
            id="montecarlo-summary",
        )
    )
    if base.breaks:
        sec.blocks.append(
            Table(
                ["limit", "kind", "draws", "share of draws", "median excess", "max excess"],
                [
                    [b.limit, b.kind, b.draws, float(b.share), b.excess.p50, b.excess.max]
                    for b in base.breaks[:MAX_BREAKS]
                ],
                right=(2, 3, 4, 5),
                caption="Limits the recommended package breaks (excess: how far past the "
                "limit it is, in the limit's unit, over the draws where it breaks it)",
                id="montecarlo-breaks",
            )
        )
    series = [
        ("optimal value in each draw", [float(x) for x in mc.values]),
        ("value of the recommended package (where feasible)", [float(x) for x in mc.base_values]),
    ]
    point = float(base.point_value)
    sec.blocks.append(
        Figure(
            "montecarlo-chart",
            "Distribution of the optimal value and of the recommended package's value",
            lambda: plots.histogram_chart(series, unit, [("value at the point inputs", point)]),
            "Histograms over the draws: the optimal value (re-optimised in each draw) and the "
            "value of the recommended package held fixed, in the draws where it is feasible; "
            "dashed line: the value at the point inputs.",
        )
    )
    _core(sec, mc)
    if mc.packages:
        sec.blocks.append(
            Table(
                ["share of draws", f"mean value{_unit(unit)}", "package"],
                [
                    [
                        float(p.share),
                        float(p.mean_value),
                        "the recommended package" if p.is_base else change_text(p),
                    ]
                    for p in mc.packages
                ],
                right=(0, 1),
                caption="The packages most often optimal",
                id="montecarlo-packages",
            )
        )
    if mc.inputs:
        sec.blocks.append(
            Table(
                ["input", "distribution", "point value"],
                [
                    [
                        i.path,
                        i.distribution,
                        float(i.point) if math.isfinite(i.point) else "the stated probabilities",
                    ]
                    for i in mc.inputs
                ],
                right=(2,),
                caption="Uncertain inputs",
                id="montecarlo-inputs",
            )
        )
    ver = mc.verification
    if ver.draws:
        sec.blocks.append(
            Note(
                f"Check: {len(ver.draws)} draws were rebuilt from the problem and solved from "
                f"scratch; largest difference from the Monte Carlo optimum: "
                f"{ver.max_difference:.3g}."
            )
        )
    return sec, mc


def _core(sec: Section, mc) -> None:
    core = sorted(mc.core, key=lambda c: (-c.core_index, c.commitment, c.option))
    core = [c for c in core if c.core_index > 0 or c.in_base]
    if not core:
        return
    names = [f"{c.commitment}.{c.option}" for c in core]
    shares = [float(c.core_index) for c in core]
    sec.blocks.append(
        Figure(
            "core-index-chart",
            "Core index: how often each option is in the optimal package",
            lambda: plots.share_chart(names, shares),
            "Bars: the share of draws whose optimal package contains the option; green: "
            "core (at least 0.9), grey: exterior (at most 0.1), orange: borderline.",
        )
    )
    sec.blocks.append(
        Table(
            ["option", "core index", "label", "in the recommended package"],
            [
                [
                    f"{c.commitment}.{c.option}",
                    float(c.core_index),
                    c.label,
                    "yes" if c.in_base else "no",
                ]
                for c in core
            ],
            right=(1,),
            caption="Core index (after Robust Portfolio Modeling: core >= 0.9, exterior <= 0.1)",
            id="core-index",
        )
    )
