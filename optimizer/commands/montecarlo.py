"""``optimizer montecarlo``: re-solve for draws of the uncertain inputs; core index, packages,
the risk of the point-value package."""

from __future__ import annotations

import sys

import click

from ..report.montecarlo_tables import montecarlo_tables
from ._options import (
    FiniteFloatRange,
    emit_result,
    exit_interrupted,
    handle_errors,
    load_problem,
    max_time_option,
    output_options,
    problem_options,
)
from ._workers import check_workers, worker_options
from ._workers import executor as executor_for
from .params import draws_option


def _progress(enabled: bool):
    """A rich progress bar on stderr, or nothing."""
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(file=sys.stderr),
    )
    task = bar.add_task("draws", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@click.command(name="montecarlo")
@problem_options
@max_time_option
@draws_option("Number of draws.")
@worker_options(default=1)
@click.option(
    "--chunk-size",
    type=click.IntRange(1),
    default=None,
    help="Draws per task (default: shrinking as each stage of draws runs out, from the "
    "number of workers). Never changes a result.",
)
@click.option(
    "--regret-threshold",
    type=FiniteFloatRange(0),
    default=0.0,
    show_default=True,
    help="Report how often the point-value package is worse than the draw's best by more "
    "than this (in the problem's value unit).",
)
@click.option(
    "--verify",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Draws rebuilt from the problem and solved from scratch as an independent check.",
)
@click.option(
    "--top", type=click.IntRange(1), default=10, show_default=True, help="Packages shown."
)
@click.option(
    "--time-limit",
    type=FiniteFloatRange(0, min_open=True),
    default=None,
    help="Seconds the solver may run on one draw.",
)
@click.option(
    "--mip-gap", type=FiniteFloatRange(0, 1), default=None, help="Relative MIP gap of each solve."
)
@output_options("table", "json")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
@handle_errors
def command(
    n,
    seed,
    workers,
    scheduler,
    chunk_size,
    regret_threshold,
    verify,
    top,
    time_limit,
    mip_gap,
    fmt,
    output,
    progress,
):
    """Re-solve PROBLEM for N draws of its uncertain inputs (numbers given as distributions)
    and report how robust the recommendation is: the distribution of the optimal expected
    value, each option's core index, the most frequent packages, and the risk of the package
    recommended at the point values. Results are the same for any --workers or --scheduler.
    Ctrl-C stops and reports the draws done (exit code 130).

    \b
    Examples:
      optimizer montecarlo my_problem.toml -n 10000 --seed 7
      optimizer montecarlo my_problem.toml -n 10000 --workers 2 --format json -o mc.json
      optimizer montecarlo my_problem.toml -n 100000 --scheduler tcp://10.0.0.5:8786
    """
    from solvers.deadline import expired

    from ..analysis.montecarlo import monte_carlo

    check_workers(workers, scheduler)
    spec = load_problem()
    if progress is None:
        progress = sys.stderr.isatty()
    bar, update = _progress(progress)
    with executor_for(workers, scheduler) as (executor, workers):
        try:
            if bar is not None:
                bar.start()
            result = monte_carlo(
                spec,
                n,
                seed,
                executor=executor,
                workers=workers,
                chunk_size=chunk_size,
                regret_threshold=regret_threshold,
                verify=verify,
                time_limit=time_limit,
                mip_gap=mip_gap,
                top=top,
                progress=update,
            )
        finally:
            if bar is not None:
                bar.stop()
    emit_result(result, montecarlo_tables, fmt, output, width=140)
    if result.interrupted and not expired():  # Ctrl-C; a spent --max-time exits with 5
        exit_interrupted(f"interrupted after {result.n_done} of {result.n_requested} draws")
