"""The files of a benchmark run: the tables written atomically and the plots (performance
profile, time against size)."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .suite import Row
from .tables import to_csv, to_json, to_markdown


def performance_profile(rows: Sequence[Row]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Dolan-Moré profile: for each solver, the share of instances solved to optimality within
    a factor tau of the best solver's time on that instance. Returns ``(ratios, taus)``."""
    solvers = list(dict.fromkeys(r.solver for r in rows))
    insts = list(dict.fromkeys(r.instance for r in rows))
    t = {(r.instance, r.solver): (r.time_s if r.status == "optimal" else math.inf) for r in rows}
    ratios: dict[str, list[float]] = {s: [] for s in solvers}
    for i in insts:
        best = min(t.get((i, s), math.inf) for s in solvers)
        for s in solvers:
            ti = t.get((i, s), math.inf)
            ratios[s].append(
                ti / max(best, 1e-6) if math.isfinite(best) and math.isfinite(ti) else math.inf
            )
    arr = {s: np.sort(np.asarray(v)) for s, v in ratios.items()}
    finite = [x for v in arr.values() for x in v if math.isfinite(x)]
    top = max([*finite, 2.0]) * 1.5
    taus = np.logspace(0, math.log10(top), 200)
    return arr, taus


def plot(rows: Sequence[Row], directory: Path, title: str = "") -> list[Path]:
    """``performance_profile.png`` and ``time_vs_size.png`` in ``directory``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    arr, taus = performance_profile(rows)
    fig, ax = plt.subplots(figsize=(6, 4))
    for s, r in arr.items():
        share = [(r <= tau).mean() if r.size else 0 for tau in taus]
        ax.step(taus, share, where="post", label=s)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("τ (time / best time on the instance)")
    ax.set_ylabel("share of instances solved to optimality")
    out.append(
        _save(
            fig,
            ax,
            f"Performance profile{': ' + title if title else ''}",
            directory / "performance_profile.png",
        )
    )

    fig, ax = plt.subplots(figsize=(6, 4))
    for s in dict.fromkeys(r.solver for r in rows):
        rs = [r for r in rows if r.solver == s]
        ok = [r for r in rs if r.status == "optimal"]
        bad = [r for r in rs if r.status != "optimal"]
        line = ax.scatter([r.nnz for r in ok], [max(r.time_s, 1e-3) for r in ok], label=s, s=18)
        if bad:
            ax.scatter(
                [r.nnz for r in bad],
                [max(r.time_s, 1e-3) for r in bad],
                marker="x",
                color=line.get_facecolor()[0],
                label=f"{s} (not proven)",
                s=24,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("nonzeros in the constraint matrix")
    ax.set_ylabel("solver time (s)")
    out.append(
        _save(
            fig, ax, f"Time vs size{': ' + title if title else ''}", directory / "time_vs_size.png"
        )
    )
    return out


def _save(fig, ax, title: str, path: Path) -> Path:
    """Title, grid and legend on ``ax``; ``fig`` written to ``path``."""
    from ..report.output import save_figure

    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path, dpi=120)
    return path


def write_outputs(
    rows: Sequence[Row], directory: Path, settings: dict[str, Any], *, plots: bool = True
) -> list[Path]:
    """``results.csv``, ``results.json``, ``results.md`` (and the plots) in ``directory``."""
    from ..report.output import atomic_write

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("results.csv", to_csv(rows)),
        ("results.json", to_json(rows, settings)),
        ("results.md", to_markdown(rows, settings)),
    ):
        atomic_write(directory / name, text)
        written.append(directory / name)
    if plots and rows:
        if not plotting_available():
            raise PlotsUnavailable(
                "matplotlib is not installed: results written without plots "
                "(pip install 'commitment-optimizer[plot]')"
            )
        written += plot(rows, directory, settings.get("title", ""))
    return written


class PlotsUnavailable(RuntimeError):
    """Raised after the tables are written, when the plots cannot be drawn."""


def plotting_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def command_line() -> str:
    """The command as typed (for the record in the outputs)."""
    import shlex

    argv = list(sys.argv)
    if argv and argv[0].endswith(("optimizer", "__main__.py")):
        argv[0] = "optimizer"
    return " ".join(shlex.quote(a) for a in argv)
