"""``optimizer frontier``: expected value against one resource, with exact breakpoints."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import InputError
from ..report.frontier_tables import frontier_tables
from ._options import (
    FiniteFloatRange,
    emit_result,
    handle_errors,
    is_quiet,
    load_problem,
    output_options,
    problem_options,
    solver_args,
    solver_options,
)
from ._workers import check_workers, executor, worker_options


def parse_range(text: str) -> tuple[float, float]:
    from ..spec.parse import describe

    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise InputError(
            f"expected LOW,HIGH such as 0.5,1.5, got {describe(text)}", where="--range"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InputError(f"expected finite factors, got {describe(text)}", where="--range")
    return lo, hi


@click.command(name="frontier")
@problem_options
@solver_options
@click.option("--resource", required=True, help="The resource whose capacity is scaled.")
@click.option(
    "--steps",
    type=click.IntRange(1, 10_000),
    default=20,
    show_default=True,
    help="Evenly spaced points shown in the table and plot (breakpoints are exact anyway).",
)
@click.option(
    "--range",
    "range_",
    default="0.5,1.5",
    show_default=True,
    help="LOW,HIGH factors applied to the resource's capacities.",
)
@click.option(
    "--tolerance",
    type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Skip packages within this (factor) of a breakpoint: fewer solves, breakpoints to "
    "this tolerance. Default: exact.",
)
@click.option(
    "--pareto/--no-pareto",
    default=True,
    show_default=True,
    help="Also the Pareto fronts: expected value vs total use, and vs CVaR.",
)
@click.option(
    "--cvar",
    "cvar_alpha",
    type=FiniteFloatRange(0, 1, min_open=True),
    default=0.1,
    show_default=True,
    help="ALPHA of the CVaR front (needs the risk objectives).",
)
@click.option(
    "--max-points",
    type=click.IntRange(2),
    default=200,
    show_default=True,
    help="At most this many packages on each Pareto front.",
)
@click.option(
    "--plot",
    "plot_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Draw the frontier to FILE.png or FILE.svg.",
)
@worker_options(
    default=None,
    workers_help="Compute the Pareto fronts in local worker processes while this one walks "
    "the capacities (the output is the same for any N; 1: all in this process). With "
    "conditional tranches: the one front, against the offer's use; the walk stays here.",
)
@output_options("table", "json")
@handle_errors
def command(
    resource,
    steps,
    range_,
    tolerance,
    pareto,
    cvar_alpha,
    max_points,
    plot_file,
    workers,
    scheduler,
    fmt,
    output,
):
    """Expected value of PROBLEM's optimal package as RESOURCE's capacity is scaled, with the
    exact points where the package changes and what enters and leaves there; and the Pareto
    fronts of expected value against total use of the resource and against CVaR.

    \b
    Examples:
      optimizer frontier canada-us-2025 --resource fiscal
      optimizer frontier canada-us-2025 --resource fiscal --steps 40 --range 0.2,2 --plot fiscal.png
      optimizer frontier small_example.toml --resource budget --format json -o frontier.json
      optimizer frontier capital_budgeting.toml --resource budget --workers 3
    """
    from ..analysis.frontier import capacity_frontier

    lo, hi = parse_range(range_)
    if plot_file is not None and plot_file.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"the plot must be .png or .svg, got '{plot_file.name}'", where="--plot")
    check_workers(workers, scheduler)
    spec = load_problem()
    kw = dict(lo=lo, hi=hi, steps=steps, tolerance=tolerance, **solver_args())
    kw.update(pareto=pareto, cvar_alpha=cvar_alpha, max_points=max_points)
    with executor(workers, scheduler) as (ex, _n):
        fr = capacity_frontier(spec, resource, **kw, executor=ex)
    if plot_file is not None:
        from ..analysis.frontier import plot

        plot(fr, plot_file)
        if not is_quiet():
            click.echo(f"wrote {plot_file}", err=True)
    emit_result(fr, frontier_tables, fmt, output, width=140)
