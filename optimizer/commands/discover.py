"""``optimizer discover``: scenario discovery -- the input ranges where the recommended
package fails, found by PRIM over a Monte Carlo run."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..report.discover_tables import discover_tables
from ._options import FiniteFloatRange, analysis_command, emit_result, is_quiet, load_problem
from .params import draws_option


@analysis_command(
    "discover",
    draws_option("Number of Monte Carlo draws."),
    click.option(
        "--threshold",
        type=FiniteFloatRange(0),
        default=0.0,
        show_default=True,
        help="A draw fails when the package is infeasible or worse than the draw's optimum by "
        "more than this (in the problem's value unit; 0: not optimal).",
    ),
    click.option(
        "--boxes", type=click.IntRange(1, 20), default=3, show_default=True, help="Boxes at most."
    ),
    click.option(
        "--alpha",
        type=FiniteFloatRange(0, 0.5, min_open=True, max_open=True),
        default=0.05,
        show_default=True,
        help="Share of the box's draws peeled (and pasted) per step.",
    ),
    click.option(
        "--min-support",
        type=FiniteFloatRange(0, 1, min_open=True),
        default=0.05,
        show_default=True,
        help="Peeling stops before a box holds less than this share of the draws.",
    ),
    click.option("--no-paste", is_flag=True, help="Do not widen the picked box by pasting."),
    click.option(
        "--step",
        type=int,
        default=None,
        help="Step of box 1's peeling trajectory to take (default: the largest support x "
        "(density - failing share)).",
    ),
    click.option(
        "--max-p",
        type=FiniteFloatRange(0, 1),
        default=0.05,
        show_default=True,
        help="Drop restrictions whose quasi-p-value is above this (1: keep every restriction).",
    ),
    click.option(
        "--verify",
        type=click.IntRange(0),
        default=5,
        show_default=True,
        help="Draws rebuilt from the problem and solved from scratch as a check of the run.",
    ),
    click.option(
        "--plot",
        "plot_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Draw the peeling trajectory (coverage vs density) to FILE.png or FILE.svg.",
    ),
    solver="max-time",
)
def command(
    n,
    seed,
    threshold,
    boxes,
    alpha,
    min_support,
    no_paste,
    step,
    max_p,
    verify,
    plot_file,
    fmt,
    output,
):
    """Where does the recommended package fail? Run Monte Carlo over PROBLEM's uncertain
    inputs, mark the draws where the package optimal at the point values is infeasible or
    worse than the draw's optimum by more than --threshold, and find with PRIM (patient rule
    induction) the few boxes of input ranges where those draws concentrate, with each box's
    coverage, density and support and the peeling trajectory.

    \b
    Examples:
      optimizer discover canada-us-2025 -n 500 --threshold 20
      optimizer discover my_problem.toml -n 2000 --boxes 2 --format json -o boxes.json
      optimizer discover my_problem.toml -n 2000 --plot trajectory.png
    """
    from ..analysis.discovery import discover

    if plot_file is not None:
        from ..report import plots

        if plot_file.suffix.lower() not in (".png", ".svg"):
            raise InputError(
                f"the plot must be .png or .svg, got '{plot_file.name}'", where="--plot"
            )
        if not plots.available():
            raise InputError(plots.MISSING_MESSAGE, where="--plot")
    spec = load_problem()
    d = discover(
        spec,
        n,
        seed,
        threshold=threshold,
        boxes=boxes,
        alpha=alpha,
        min_support=min_support,
        pasting=not no_paste,
        step=step,
        max_p=max_p,
        verify=verify,
    )
    if plot_file is not None and d.prim.boxes:
        from ..report.discovery import save_plot

        save_plot(d, plot_file)
        if not is_quiet():
            click.echo(f"wrote {plot_file}", err=True)
    elif plot_file is not None and not is_quiet():
        click.echo(f"no plot drawn: {d.statement()}", err=True)
    emit_result(d, discover_tables, fmt, output, width=140)
