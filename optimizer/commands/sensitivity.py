"""``optimizer sensitivity``: tipping points, what would it take, tornado, LP shadow prices."""

from __future__ import annotations

import click

from ..errors import InputError
from ..report.sensitivity_tables import sensitivity_tables
from ._options import (
    FiniteFloatRange,
    emit_result,
    handle_errors,
    load_problem,
    output_options,
    problem_options,
    solver_args,
    solver_options,
)
from ._workers import check_workers, executor, worker_options

KIND_CHOICES = ("probability", "value", "capacity", "scale", "baseline", "shift")
SECTIONS = ("tipping", "thresholds", "tornado", "shadow")


def parse_fraction(text: str, where: str) -> float:
    """``20%`` or ``0.2`` -> 0.2."""
    t = text.strip()
    try:
        x = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise InputError(
            f"expected a fraction such as 20% or 0.2, got '{text}'", where=where
        ) from None
    if not 0 < x < 1:
        raise InputError(
            f"expected a fraction between 0 and 1 (exclusive), got '{text}'", where=where
        )
    return x


@click.command(name="sensitivity")
@problem_options
@solver_options
@click.option(
    "--tolerance",
    type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
    default=1e-4,
    show_default=True,
    help="Relative tolerance to which capacity breakpoints are located.",
)
@click.option(
    "--range",
    "range_",
    default="20%",
    show_default=True,
    help="Tornado: move each input to base x (1 -/+ RANGE).",
)
@click.option(
    "--only",
    default=",".join(KIND_CHOICES),
    show_default=True,
    help="Tipping points for these inputs only (comma-separated).",
)
@click.option(
    "--sections",
    default=",".join(SECTIONS),
    show_default=True,
    help="What to compute (comma-separated).",
)
@worker_options(
    default=None,
    workers_help="Run the re-solves in N local processes, cut into at most 16 fixed chunks "
    "(each chunk a fresh session: the output is the same for any N, N=1 in this process). "
    "Default: one session in this process (fewest solves).",
)
@output_options("table", "json")
@handle_errors
def command(
    tolerance,
    range_,
    only,
    sections,
    workers,
    scheduler,
    fmt,
    output,
):
    """Tipping points of PROBLEM's optimal package, found by re-solving (valid for the
    integer problem).

    For each scenario probability (the others rescaled in proportion), each option's value in
    each scenario, and each resource's capacity (each year, and all years scaled): the
    interval over which the optimal package stays the same and the package that takes over
    at each end. Also: the change in each option's value that would bring it in or drop it,
    a tornado table sorted by swing, and the LP relaxation's shadow prices of the resource
    rows (labelled as such: they are not prices for the integer problem).

    With [[shifts]] (the package moves the odds) also each shift's amount and each scenario's
    baseline: e.g. how large the shift of an option must be for it to enter. Probabilities
    are then the base ones, before the shifts; packages are valued at the odds they induce.

    \b
    Examples:
      optimizer sensitivity canada-us-2025
      optimizer sensitivity canada-us-2025 --only probability,capacity --range 10%
      optimizer sensitivity small_example.toml --format json -o sens.json
      optimizer sensitivity capital_budgeting.toml --workers 2
      optimizer sensitivity capital_budgeting.toml --scheduler tcp://10.0.0.5:8786
    """
    from ..analysis.sensitivity import sensitivity

    kinds = _choices(only, KIND_CHOICES, "--only")
    secs = _choices(sections, SECTIONS, "--sections")
    rel = parse_fraction(range_, "--range")
    check_workers(workers, scheduler)
    spec = load_problem()
    kw = dict(tolerance=tolerance, tornado_range=rel, kinds=kinds, sections=secs)
    if workers is None and scheduler is None:
        rep = sensitivity(spec, **solver_args(), **kw)
    else:
        with executor(workers, scheduler) as (ex, _n):
            rep = sensitivity(spec, **solver_args(), **kw, sweep=True, executor=ex)
    emit_result(rep, sensitivity_tables, fmt, output, width=140)


def _choices(text: str, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    from ..errors import did_you_mean

    out = tuple(x.strip() for x in text.split(",") if x.strip())
    for x in out:
        if x not in allowed:
            raise InputError(f"unknown choice '{x}'{did_you_mean(x, allowed)}", where=where)
    return out
