"""``optimizer compare``: the packages different risk attitudes choose, side by side."""

from __future__ import annotations

import click

from ._options import FiniteFloatRange, analysis_command, emit_result, load_problem, solve_kwargs


@analysis_command(
    "compare",
    click.option(
        "--objectives",
        default="expected,maximin,cvar:0.2,regret",
        show_default=True,
        help="Comma-separated objectives: expected, maximin, cvar:ALPHA, mean-cvar:LAMBDA,ALPHA, "
        "regret.",
    ),
    click.option(
        "--alpha",
        type=FiniteFloatRange(0, 1, min_open=True),
        default=None,
        help="ALPHA of the CVaR column (default: the first CVaR objective's, else 0.1).",
    ),
)
def command(objectives, alpha, fmt, output):
    """Compare the packages PROBLEM's risk attitudes choose, side by side.

    Each objective is solved exactly; every package is then measured the same way: expected
    value, worst case, CVaR and maximum regret against each scenario's best.

    \b
    Examples:
      optimizer compare canada-us-2025
      optimizer compare canada-us-2025 --objectives expected,cvar:0.1,mean-cvar:0.5,0.1
    """
    from ..analysis.compare import compare, compare_tables

    spec = load_problem()
    c = compare(
        spec,
        objectives,
        alpha=alpha,
        **solve_kwargs(),
    )
    emit_result(c, compare_tables, fmt, output, width=120)
