"""``optimizer bench``: solve a set of instances with several solvers and compare them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError, did_you_mean
from ._options import handle_errors
from .params import FiniteFloatRange


def _solver_list(text: str) -> list[str]:
    import solvers as registry

    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise InputError("expected at least one solver name", where="--solvers")
    for n in names:
        if n not in registry.REGISTRY:  # a wrong name is bad usage (2), not a solver failure
            raise InputError(
                f"unknown solver '{n}'{did_you_mean(n, registry.REGISTRY)}", where="--solvers"
            )
        registry.get(n)  # not installed: a one-line error listing the usable ones (exit 4)
    return names


@click.command("bench")
@click.argument("set_", metavar="SET")
@click.option(
    "--solvers",
    "solver_names",
    default="highs,cbc",
    show_default=True,
    help="Comma-separated solver back ends (see `optimizer solvers`).",
)
@click.option(
    "--time-limit",
    type=FiniteFloatRange(0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds each solver may run on each instance.",
)
@click.option(
    "--repeat",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Runs per instance and solver; the median time is reported.",
)
@click.option("--mip-gap", type=FiniteFloatRange(0, 1), default=None, help="Relative MIP gap.")
@click.option("--threads", type=click.IntRange(1), default=None, help="Solver threads.")
@click.option(
    "--select",
    multiple=True,
    metavar="NAME",
    help="Only instances with this name or glob pattern (repeatable, or comma-separated).",
)
@click.option("--first", type=click.IntRange(1), default=None, help="Only the first N instances.")
@click.option(
    "--memory",
    type=click.Choice(["rss", "tracemalloc", "none"]),
    default="rss",
    show_default=True,
    help="rss: each run in a worker process, peak resident memory; tracemalloc: in-process, "
    "peak Python allocations.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for results.csv, results.json, results.md and the plots.",
)
@click.option("--no-plots", is_flag=True, help="Do not draw the PNG plots.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "csv", "json"]),
    default="table",
    show_default=True,
    help="What to print on stdout.",
)
@handle_errors
def command(
    set_,
    solver_names,
    time_limit,
    repeat,
    mip_gap,
    threads,
    select,
    first,
    memory,
    output,
    no_plots,
    fmt,
):
    """Benchmark solvers on SET and report status, objective, bound, gap to the known optimum,
    time (median of --repeat), nodes and peak memory per instance and solver.

    SET is a bundled problem, a problem file, an MPS/LP file, an OR-Library knapsack file
    (mknap1, mknap2, mknapcbK), or a folder of these (an optima.csv in the folder gives
    known optima). A run stopped by its time limit is reported as time_limit, never optimal.

    \b
    Examples:
      optimizer bench ../shared/data/orlib/mknap1.txt --solvers highs,cbc -o bench-out
      optimizer bench ../shared/data/miplib --time-limit 60 --repeat 3 -o miplib-out
      optimizer bench ../shared/data/orlib/mknapcb1.txt --first 5 --format markdown
    """
    from .. import bench

    names = _solver_list(solver_names)
    sel = [s for item in select for s in item.split(",")]
    instances = bench.discover(set_, select=sel, first=first)
    run = {
        "time_limit": time_limit,
        "repeat": repeat,
        "mip_gap": mip_gap,
        "threads": threads,
        "memory": memory,
    }
    settings = {
        "command": bench.command_line(),
        "set": set_,
        "solvers": names,
        **run,
        "memory_note": bench.MEMORY_NOTES[memory],
        "title": Path(set_).name,
    }
    rows = _run_with_progress(bench, instances, names, **run)
    if output is not None:
        plots = not no_plots and bench.plotting_available()
        try:
            written = bench.write_outputs(rows, output, settings, plots=plots)
        except OSError as e:
            raise InputError(
                f"cannot write the output: {e.strerror or e}", where=str(output)
            ) from None
        for p in written:
            click.echo(f"wrote {p}", err=True)
        if not no_plots and not plots:
            click.echo(
                "warning: matplotlib is not installed, so no plots were drawn "
                "(pip install 'commitment-optimizer[plot]')",
                err=True,
            )
    if fmt == "csv":
        click.echo(bench.to_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(bench.to_json(rows, settings), nl=False)
    elif fmt == "markdown":
        click.echo(bench.to_markdown(rows, settings), nl=False)
    else:
        from ..report.tables import render, table

        summ = bench.summary(rows)
        keys = [
            "solver",
            "instances",
            "optimal",
            "time_limit",
            "matches_known",
            "with_known",
            "sgm_time_s",
        ]
        click.echo(
            render(
                [
                    table(None, list(bench.TABLE_COLUMNS), bench.table_rows(rows)),
                    table("Summary", keys, [[s[k] for k in keys] for s in summ]),
                ],
                width=140,
            ),
            nl=False,
        )


def _run_with_progress(bench, instances, names, **settings):
    """``bench.run`` with ``settings``, under a progress bar when stderr is a terminal."""
    total = len(instances) * len(names)
    if not sys.stderr.isatty():
        return bench.run(instances, names, **settings)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("bench", total=total)
        started = [0]

        def step(label: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] += 1
            bar.update(task, description=label)

        rows = bench.run(instances, names, progress=step, **settings)
        bar.advance(task)
    return rows
