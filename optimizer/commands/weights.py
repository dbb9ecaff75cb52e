"""``optimizer weights``: the exact weight intervals over which the weighted optimum holds."""

from __future__ import annotations

import click

from ._options import analysis_command, emit_result, load_problem, solver_args


@analysis_command(
    "weights",
    click.option(
        "--criterion",
        "criteria",
        multiple=True,
        metavar="ID",
        help="The criterion whose weight runs from 0 to 1 (repeatable; default: every one).",
    ),
    click.option(
        "--require",
        "requires",
        multiple=True,
        metavar="CRITERION>=V",
        help="Bound a criterion meanwhile (repeatable).",
    ),
)
def command(criteria, requires, fmt, output):
    """Weight sensitivity of PROBLEM's weighted objective: for each criterion, the exact
    intervals of its weight (the others keeping their proportions) over which the weighted
    optimum is the same package, and the weights at which it changes.

    \b
    Examples:
      optimizer weights criteria-example
      optimizer weights criteria-example --criterion emissions --format json
    """
    from ..analysis.weights import weight_report
    from ..criteria_objective import parse_require
    from ..report.criteria_tables import weight_report_tables

    spec = load_problem()
    reqs = tuple(parse_require(r) for r in requires)
    ids = criteria or ("expected", *(c.id for c in spec.criteria if c.id != "expected"))
    rep = weight_report(spec, ids, requires=reqs, **solver_args())
    emit_result(rep, weight_report_tables, fmt, output)
