"""``optimizer alternatives``: the k best distinct packages (fall-back offers)."""

from __future__ import annotations

import click

from ._options import analysis_command, emit_result, load_problem, objective_option, solve_kwargs


@analysis_command(
    "alternatives",
    click.option(
        "-k",
        "k",
        type=click.IntRange(1),
        default=5,
        show_default=True,
        help="How many packages to list (the best, proven optimal or not, is the first).",
    ),
    click.option(
        "--within",
        default=None,
        metavar="GAP",
        help="Only packages within this relative gap of the optimum, e.g. 2% or 0.02.",
    ),
    click.option(
        "--min-diff",
        type=click.IntRange(1),
        default=1,
        show_default=True,
        help="Each package differs from every one listed before it in at least N commitments.",
    ),
    click.option(
        "--by",
        type=click.Choice(["option", "start", "commitment"]),
        default="option",
        show_default=True,
        help="What makes packages distinct: the options chosen (start years ignored), the "
        "options and their start years, or only which commitments are in.",
    ),
    objective_option,
)
def command(k, within, min_diff, by, objective, fmt, output):
    """The K best distinct packages of PROBLEM, each with what differs from the optimum.

    Packages are found in order by no-good cuts and each is verified. By default packages
    that differ only in start years count as one (the best timing is shown); use
    --by start to list re-timings too. With --min-diff N each package differs from every
    package above it in at least N commitments (a greedy list of diverse fall-backs).

    \b
    Examples:
      optimizer alternatives canada-us-2025 -k 5
      optimizer alternatives canada-us-2025 -k 10 --within 2% --min-diff 2 --format json
    """
    from ..analysis.alternatives import alternatives, alternatives_tables

    spec = load_problem()
    a = alternatives(
        spec,
        k,
        within=within,
        min_diff=min_diff,
        by=by,
        objective=objective,
        **solve_kwargs(),
    )
    emit_result(a, alternatives_tables, fmt, output, width=120)
