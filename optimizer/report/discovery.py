"""Scenario discovery in reports and files: the peeling-trajectory chart and the boxes as tables
(the report's section is ``optimizer.report.sections.discovery``)."""

from __future__ import annotations

import math
from typing import Any

from . import plots


def trajectory_chart(d):
    """Coverage against density along each box's peeling trajectory; the picked (and pasted)
    box marked. ``d``: an ``optimizer.analysis.discovery.Discovery``."""
    fig = plots._figure(6.0, 4.0)
    ax = fig.add_subplot()
    colors = (plots.BLUE, plots.ORANGE, plots.GREEN, plots.GREY)
    for i, b in enumerate(d.prim.boxes):
        c = colors[i % len(colors)]
        cov = [s.coverage for s in b.trajectory]
        den = [s.density for s in b.trajectory]
        ax.plot(cov, den, "-o", color=c, markersize=3, linewidth=1, label=f"box {i + 1} peeling")
        ax.plot([b.coverage], [b.density], "*", color=c, markersize=12, markeredgecolor="black")
    ax.axhline(d.failing_share, color=plots.GREY, linestyle="--", linewidth=0.8)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("coverage (share of all failing draws inside the box)")
    ax.set_ylabel("density (share failing inside the box)")
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    plots._style(ax, grid_axis="both")
    return fig


def save_plot(d, path) -> None:
    """Draw the trajectory chart to ``path`` (.png or .svg), atomically."""
    from pathlib import Path

    from .output import atomic_write

    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt == "svg":
        data = plots.to_svg(trajectory_chart(d), "discovery").encode()
    else:
        data = plots.to_png(trajectory_chart(d))
    atomic_write(path, data)


def _range(r) -> str:
    def f(x: float) -> str:
        return f"{x:.4g}"

    return f"{f(r.low)} to {f(r.high)} (of {f(r.range[0])} to {f(r.range[1])})"


def box_rows(d) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Per box: a caption, the columns and the rows of its restrictions."""
    groups = {c.name: c for c in d.columns}
    out = []
    for i, b in enumerate(d.prim.boxes):
        rows = []
        for r in b.restrictions:
            c = groups[r.input]
            name = r.input
            if c.members > 1:
                name += f" (group {c.group}, {c.members} inputs)"
            p = f"{r.p_value:.2g}" if math.isfinite(r.p_value) else "-"
            rows.append([name, _range(r), p])
        cap = (
            f"Box {i + 1}: coverage {b.coverage:.0%}, density {b.density:.0%}, support "
            f"{b.support:.0%} ({b.cases} failing of {b.points} draws; peeling step {b.step}"
            + (", pasted" if b.pasted else "")
            + ")"
        )
        out.append((cap, ["input", "range in the box", "quasi-p-value"], rows))
    return out
