"""A chart of a two-criteria Pareto front with the chosen package marked (matplotlib, lazy)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .plots import BLUE, RED, MissingPlotting, _figure, _style


def front_figure(front, chosen=None):
    """The front's points joined as a staircase; ``chosen`` (criterion id -> value) marked."""
    a, b = front.criteria[:2]
    fig = _figure(6.0, 4.0)
    ax = fig.add_subplot()
    xs = [p.criteria[a] for p in front.points]
    ys = [p.criteria[b] for p in front.points]
    ax.plot(xs, ys, "o-", color=BLUE, drawstyle="steps-post", markersize=5, label="non-dominated")
    if chosen is not None:
        ax.plot([chosen[a]], [chosen[b]], "*", color=RED, markersize=14, label="chosen package")
    ax.set_xlabel(f"{a} ({front.senses[0][:3]})")
    ax.set_ylabel(f"{b} ({front.senses[1][:3]})")
    ax.set_title(f"Pareto front of {front.problem}", fontsize=10)
    ax.legend(fontsize=8)
    _style(ax, grid_axis="both")
    return fig


def plot_front(front, path: Path, chosen=None) -> None:
    """Write the chart to ``path`` (its suffix picks the format)."""
    try:
        fig = front_figure(front, chosen)
    except MissingPlotting as e:
        raise InputError(str(e), where="--plot") from None
    from .output import save_figure

    save_figure(fig, path)
