"""Charts for reports, drawn with matplotlib (the optional ``[plot]`` extra).

matplotlib is imported only inside these functions, and figures are built from
``matplotlib.figure.Figure`` with the Agg canvas -- never through ``pyplot`` -- so drawing a
report neither needs a display nor changes the backend of a program that imports the engine.
Each ``*_chart`` function takes plain numbers and returns a figure; ``to_svg`` (inline SVG for
HTML: text kept as text, ids made unique per chart) and ``to_png`` (for Markdown) turn it
into bytes. Without matplotlib, ``available()`` is False and ``MissingPlotting`` is raised.
"""

from __future__ import annotations

import importlib.util
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

MISSING_MESSAGE = (
    "chart not drawn: matplotlib is not installed (install the plot extra: "
    "pip install 'commitment-optimizer[plot]', or pip install matplotlib)"
)

BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
GREEN = "#2ca02c"
RED = "#d62728"
GREY = "#7f7f7f"


class MissingPlotting(RuntimeError):
    """matplotlib is not installed."""


def available() -> bool:
    """Whether matplotlib can be imported here."""
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        return False


def _figure(width: float, height: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise MissingPlotting(MISSING_MESSAGE) from e
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style(ax, *, grid_axis: str = "x") -> None:
    ax.grid(axis=grid_axis, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


# ---- output -------------------------------------------------------------------------------

_RC = {"svg.fonttype": "none", "svg.hashsalt": "commitment-optimizer", "font.size": 9}


def to_svg(fig, prefix: str) -> str:
    """The figure as an ``<svg>`` element for inline HTML: no XML prolog or DOCTYPE, text as
    ``<text>`` (the page's fonts), and every ``id`` prefixed so several charts can share a
    page without clashing."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg.strip()


def to_png(fig, dpi: int = 110) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


# ---- charts -------------------------------------------------------------------------------


def scenario_chart(
    scenarios: Sequence[str],
    probabilities: Sequence[float],
    values: Sequence[float],
    expected: float,
    unit: str = "",
):
    """Value of the package in each scenario (horizontal bars), the expected value dashed."""
    n = len(scenarios)
    fig = _figure(7.0, 1.2 + 0.45 * n)
    ax = fig.add_subplot()
    y = list(range(n))[::-1]
    ax.barh(y, values, color=BLUE, height=0.6)
    ax.set_yticks(y, [f"{s}  (p = {p:.3g})" for s, p in zip(scenarios, probabilities, strict=True)])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.axvline(expected, color=ORANGE, linestyle="--", linewidth=1.5, label="expected value")
    ax.set_xlabel(f"value{_unit(unit)}")
    ax.legend(loc="best", fontsize=8, frameon=False)
    _style(ax)
    return fig


@dataclass(frozen=True)
class ResourceSeries:
    """Use and capacity of one resource: one point per year (``years`` labels), or a single
    point labelled ``total``. ``capacity`` may hold ``inf`` (no limit)."""

    id: str
    unit: str
    years: tuple[str, ...]
    used: tuple[float, ...]
    capacity: tuple[float, ...]


def resource_chart(series: Sequence[ResourceSeries]):
    """Use (bars) against capacity (line) per year, one panel per resource."""
    n = len(series)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig = _figure(7.0 if cols == 1 else 9.0, 0.4 + 2.6 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, s in enumerate(series):
        ax = axes[k // cols][k % cols]
        x = list(range(len(s.years)))
        cap = [c if math.isfinite(c) else math.nan for c in s.capacity]
        over = [u > c + 1e-6 * max(1.0, abs(c)) for u, c in zip(s.used, s.capacity, strict=True)]
        tight = [
            abs(c - u) <= 1e-6 * max(1.0, abs(c)) for u, c in zip(s.used, s.capacity, strict=True)
        ]
        colors = [RED if o else (ORANGE if t else BLUE) for o, t in zip(over, tight, strict=True)]
        ax.bar(x, s.used, color=colors, width=0.6, label="used")
        # the capacity line spans the whole x range: from the left edge of the first year's
        # slot to the right edge of the last (each year's level over its own slot)
        edges = [i - 0.5 for i in range(len(x) + 1)]
        ax.step(
            edges,
            [*cap, cap[-1]] if cap else [],
            where="post",
            color="black",
            linewidth=1.5 if len(x) > 1 else 2,
            label="capacity",
        )
        ax.set_xlim(edges[0], edges[-1])
        ax.axhline(0, color=GREY, linewidth=0.6)
        step = max(1, len(x) // 10)
        ax.set_xticks(x[::step], list(s.years)[::step])
        ax.set_title(f"{s.id}{_unit(s.unit)}", fontsize=9)
        _style(ax, grid_axis="y")
        if k == 0:
            ax.legend(loc="best", fontsize=7, frameon=False)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    return fig


def package_scenario_chart(
    labels: Sequence[str],
    scenarios: Sequence[str],
    values: Sequence[Sequence[float | None]],
    unit: str = "",
):
    """Value of each package (rows of ``values``) in each scenario, grouped by scenario."""
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    n = max(len(labels), 1)
    width = 0.8 / n
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        xs = [j - 0.4 + width * (i + 0.5) for j in range(len(scenarios))]
        ys = [math.nan if v is None else v for v in row]
        ax.bar(xs, ys, width=width * 0.95, label=label)
    ax.set_xticks(range(len(scenarios)), list(scenarios))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(f"value{_unit(unit)}")
    ax.legend(fontsize=7, frameon=False, ncols=min(n, 4))
    _style(ax, grid_axis="y")
    return fig


def tornado_chart(
    names: Sequence[str],
    low: Sequence[float],
    high: Sequence[float],
    base: float,
    unit: str = "",
    range_text: str = "",
):
    """Tornado: the optimal value with each input at its low (left colour) and high setting,
    widest swing on top."""
    n = len(names)
    fig = _figure(7.5, 1.0 + 0.32 * n)
    ax = fig.add_subplot()
    y = list(range(n))[::-1]
    from matplotlib.patches import Patch

    for yi, lo, hi in zip(y, low, high, strict=True):
        ax.barh(yi, lo - base, left=base, color=BLUE, height=0.6)
        ax.barh(yi, hi - base, left=base, color=ORANGE, height=0.6)
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(y, list(names), fontsize=7)
    xlabel = f"optimal expected value{_unit(unit)}"
    ax.set_xlabel(xlabel + (f"; each input moved {range_text}" if range_text else ""))
    handles = [
        Patch(color=BLUE, label="input at its low setting"),
        Patch(color=ORANGE, label="input at its high setting"),
    ]
    ax.legend(
        handles=handles,
        fontsize=7,
        frameon=False,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
    )
    _style(ax)
    return fig


def frontier_chart(
    steps: Sequence[tuple[float, float, float | None]],
    breakpoints: Sequence[tuple[float, float | None, str]],
    resource: str,
    unit: str = "",
    base: float = 1.0,
):
    """The optimal expected value as a resource's capacity is scaled: ``steps`` are
    (from, to, value) segments (value None: infeasible), ``breakpoints`` (factor, value
    above, a short label such as its number in a table)."""
    fig = _figure(7.5, 3.8)
    ax = fig.add_subplot()
    for lo, hi, v in steps:
        if v is not None:
            ax.plot([lo, hi], [v, v], color=BLUE, linewidth=2)
    for x, v, label in breakpoints:
        ax.axvline(x, color=GREY, linewidth=0.6, linestyle=":")
        if v is not None and label:
            ax.annotate(
                label, (x, v), xytext=(2, 3), textcoords="offset points", fontsize=6, color=GREY
            )
    ax.axvline(base, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel(f"capacity of {resource} (x the problem's capacity)")
    ax.set_ylabel(f"optimal expected value{_unit(unit)}")
    _style(ax, grid_axis="y")
    return fig


def histogram_chart(
    series: Sequence[tuple[str, Sequence[float]]],
    unit: str = "",
    markers: Sequence[tuple[str, float]] = (),
    xlabel: str = "value",
):
    """Distributions of sampled quantities (one histogram per labelled series, on shared
    bins; NaN and infinite values left out) with labelled vertical markers."""
    fig = _figure(7.0, 3.4)
    ax = fig.add_subplot()
    data = [
        (label, [v for v in vals if v is not None and math.isfinite(v)]) for label, vals in series
    ]
    every = [v for _, vals in data for v in vals]
    if every:
        n = max(len(vals) for _, vals in data)
        k = max(5, min(40, int(math.sqrt(max(n, 1))) * 2))
        lo, hi = min(every), max(every)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        bins = [lo + (hi - lo) * i / k for i in range(k + 1)]
        colors = [BLUE, GREEN, GREY]
        for i, (label, vals) in enumerate(data):
            if not vals:
                continue
            if i == 0:  # the first series filled, the others as outlines on top
                ax.hist(vals, bins=bins, color=colors[0], alpha=0.6, label=label)
            else:
                ax.hist(
                    vals,
                    bins=bins,
                    histtype="step",
                    linewidth=1.6,
                    color=colors[i % len(colors)],
                    label=label,
                )
    for i, (label, x) in enumerate(markers):
        color = (ORANGE, RED, GREY)[i % 3]
        ax.axvline(x, color=color, linestyle="--", linewidth=1.2, label=label)
    ax.set_xlabel(f"{xlabel}{_unit(unit)}")
    ax.set_ylabel("draws")
    ax.legend(fontsize=7, frameon=False)
    _style(ax, grid_axis="y")
    return fig


def share_chart(names: Sequence[str], shares: Sequence[float], low: float = 0.1, high: float = 0.9):
    """Core index: the share of draws in which each option is chosen, with the core and
    exterior thresholds."""
    n = len(names)
    fig = _figure(7.0, 1.0 + 0.28 * n)
    ax = fig.add_subplot()
    y = list(range(n))[::-1]
    colors = [GREEN if s >= high else (GREY if s <= low else ORANGE) for s in shares]
    ax.barh(y, shares, color=colors, height=0.6)
    ax.axvline(high, color=GREEN, linestyle="--", linewidth=0.8)
    ax.axvline(low, color=GREY, linestyle="--", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_yticks(y, list(names), fontsize=7)
    ax.set_xlabel("share of draws in which the option is in the optimal package")
    _style(ax)
    return fig


__all__ = [
    "MISSING_MESSAGE",
    "MissingPlotting",
    "ResourceSeries",
    "available",
    "frontier_chart",
    "histogram_chart",
    "package_scenario_chart",
    "resource_chart",
    "scenario_chart",
    "share_chart",
    "to_png",
    "to_svg",
    "tornado_chart",
]
