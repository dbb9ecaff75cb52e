"""``optimizer frontier``: expected value against one resource, with exact breakpoints."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import InputError
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


def _caps(caps, limit: int = 3) -> str:
    from ..report.tables import fmt

    parts = [f"{fmt(c, 4)}" if y is None else f"{y}: {fmt(c, 4)}" for y, c in caps]
    if len(parts) > limit:
        parts = [*parts[:limit], "..."]
    return ", ".join(parts)


def frontier_tables(fr) -> list:
    from ..report.tables import table

    vu = f" ({fr.value_unit})" if fr.value_unit else ""
    unit = f" {fr.unit}" if fr.unit else ""
    out: list = [
        f"[bold]Frontier of {fr.problem}: expected value against {fr.resource}[/bold]\n"
        f"base capacity{unit}: {_caps(fr.base_capacity, 12)}\n"
        f"scaled by {fr.range[0]:g} .. {fr.range[1]:g}; each breakpoint is the exact factor at "
        f"which the entering package fits (nothing missed wider than {fr.tolerance:.2g})\n"
        f"solver: {fr.solver}   re-solves: {fr.solves}   time: {fr.time_s:.2f} s"
    ]
    rows = []
    prev = None
    for p in fr.points:
        if p.package is None:
            change = "infeasible"
        elif prev is None or prev == p.package:
            change = "-" if prev is not None else f"{len(p.package)} chosen"
        else:
            enter = [f"+{x}" for x in p.package if x not in prev]
            leave = [f"-{x}" for x in prev if x not in p.package]
            change = " ".join(enter + leave)
        rows.append([float(p.scale), p.expected, change])
        prev = p.package
    out.append(
        table(
            f"Expected value{vu} by capacity of {fr.resource} (x base)",
            ["scale", "expected value", "package change since the previous row"],
            rows,
            right=(0, 1),
        )
    )
    if fr.breakpoints:
        rows = [
            [
                float(b.scale),
                _caps(b.capacity),
                b.expected_below,
                b.expected_above,
                " ".join(f"+{x}" for x in b.change.enter) or "-",
                " ".join(f"-{x}" for x in b.change.leave) or "-",
            ]
            for b in fr.breakpoints
        ]
        out.append(
            table(
                "Breakpoints: where the optimal package changes",
                ["scale", f"capacity{unit}", "value below", "value above", "enter", "leave"],
                rows,
                right=(0, 2, 3),
            )
        )
    for front in (fr.use_front, fr.cvar_front):
        if front is None:
            continue
        u = f" ({front.unit})" if front.unit else ""
        rows = [[p.measure, p.expected, str(p.change)] for p in front.points]
        better = "lower" if front.measure.startswith("total") else "higher"
        out.append(
            table(
                f"Pareto front: expected value{vu} vs {front.measure}{u} ({better} is better); "
                f"{'complete' if front.complete else 'stopped at --max-points'}, "
                f"{front.solves} solves",
                [front.measure, "expected value", "package vs the best expected value"],
                rows,
                right=(0, 1),
            )
        )
    for n in fr.notes:
        out.append(f"note: {n}")
    return out


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
    """
    from ..analysis.frontier import capacity_frontier

    lo, hi = parse_range(range_)
    if plot_file is not None and plot_file.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"the plot must be .png or .svg, got '{plot_file.name}'", where="--plot")
    spec = load_problem()
    fr = capacity_frontier(
        spec,
        resource,
        lo=lo,
        hi=hi,
        steps=steps,
        tolerance=tolerance,
        **solver_args(),
        pareto=pareto,
        cvar_alpha=cvar_alpha,
        max_points=max_points,
    )
    if plot_file is not None:
        from ..analysis.frontier import plot

        plot(fr, plot_file)
        if not is_quiet():
            click.echo(f"wrote {plot_file}", err=True)
    emit_result(fr, frontier_tables, fmt, output, width=140)
