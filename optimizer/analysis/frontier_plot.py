"""A chart of the efficient frontier and its Pareto fronts (matplotlib, lazy)."""

from __future__ import annotations

import numpy as np

from solvers.resolve import Change

from ..errors import InputError
from .frontier_types import Frontier

MAX_LABELS = 8  # breakpoints labelled on a plot (the largest jumps)

# ---- plot --------------------------------------------------------------------------------


def _short(ch: Change, limit: int = 3) -> str:
    parts = [f"+{e}" for e in ch.enter] + [f"-{x}" for x in ch.leave]
    if len(parts) > limit:
        parts = [*parts[:limit], f"(+{len(parts) - limit} more)"]
    return "\n".join(parts)


def plot(front: Frontier, path) -> None:
    """Draw the frontier (and the Pareto fronts) to ``path`` (.png or .svg), atomically."""
    from pathlib import Path

    try:
        import matplotlib
    except ImportError:
        from ..errors import UsageError

        raise UsageError(
            "plotting needs matplotlib: pip install 'commitment-optimizer[plot]'", where="--plot"
        ) from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..report.output import save_figure

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"the plot must be .png or .svg, got '{path.name}'", where="--plot")
    fronts = [f for f in (front.use_front, front.cvar_front) if f is not None and f.points]
    fig, axes = plt.subplots(1, 1 + len(fronts), figsize=(7 + 5 * len(fronts), 5), squeeze=False)
    ax = axes[0][0]
    vu = f" ({front.value_unit})" if front.value_unit else ""
    xs, ys = [], []
    for s in front.segments:
        if s.expected is None:
            continue
        xs += [s.lower, s.upper]
        ys += [s.expected, s.expected]
    ax.plot(xs, ys, color="tab:blue", lw=2, drawstyle="steps-post")
    pts = [p for p in front.points if p.expected is not None]
    ax.plot([p.scale for p in pts], [p.expected for p in pts], "o", ms=3, color="tab:blue")
    shown = [b for b in front.breakpoints if b.expected_above is not None]
    for b in shown:
        ax.axvline(b.scale, color="grey", lw=0.6, ls=":")
    # label the largest jumps only, so that the labels stay readable
    shown.sort(key=lambda b: -(b.expected_above - (b.expected_below or 0.0)))
    shown = sorted(shown[:MAX_LABELS], key=lambda b: b.scale)
    for i, b in enumerate(shown):
        ax.annotate(
            _short(b.change),
            (b.scale, b.expected_above),
            xytext=(4, -10 - 12 * (i % 3)),
            textcoords="offset points",
            fontsize=7,
            va="top",
        )
    ax.axvline(1.0, color="black", lw=0.8, ls="--")
    ax.set_xlabel(f"capacity of {front.resource} (x base)")
    ax.set_ylabel(f"expected value{vu}")
    ax.set_title(f"{front.problem}: value of {front.resource}")
    for j, f in enumerate(fronts, start=1):
        a = axes[0][j]
        pts_f = sorted(f.points, key=lambda p: p.measure)
        a.plot(
            [p.measure for p in pts_f],
            [p.expected for p in pts_f],
            "o-",
            drawstyle="steps-post" if f.measure.startswith("total") else "default",
            color="tab:orange",
        )
        idx = np.unique(np.linspace(1, len(f.points) - 1, MAX_LABELS // 2).round().astype(int))
        for p in [f.points[int(i)] for i in idx if 0 < i < len(f.points)]:
            a.annotate(
                _short(p.change, 2),
                (p.measure, p.expected),
                fontsize=6,
                xytext=(3, 3),
                textcoords="offset points",
            )
        unit = f" ({f.unit})" if f.unit else ""
        a.set_xlabel(f"{f.measure}{unit}")
        a.set_ylabel(f"expected value{vu}")
        a.set_title(f"Pareto front: expected value vs {f.measure}")
    fig.tight_layout()
    save_figure(fig, path)
