"""``optimizer pareto``: the exact non-dominated set of two criteria (supported points of more)."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import analysis_command, arg, emit_result, load_problem, solver_args


@analysis_command(
    "pareto",
    click.option(
        "--criteria",
        default="expected",
        show_default=True,
        metavar="A,B[,C...]",
        help="The criteria to trade off (ids from [[criteria]], or 'expected').",
    ),
    click.option(
        "--require",
        "requires",
        multiple=True,
        metavar="CRITERION>=V",
        help="Bound a criterion while tracing the front (repeatable).",
    ),
    click.option(
        "--plot",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Also draw the front (PNG/SVG/PDF; needs the 'plot' extra).",
    ),
)
def command(criteria, requires, plot, fmt, output):
    """The Pareto front of PROBLEM over two criteria: every non-dominated pair of values,
    one package each, found exactly (ε-constraint with the next-value step). With three or
    more criteria: the supported (weighted-sum) points, labelled as such.

    \b
    Examples:
      optimizer pareto criteria-example --criteria expected,emissions
      optimizer pareto criteria-example --criteria jobs,emissions --format json
      optimizer pareto criteria-example --criteria expected,emissions --plot front.png
    """
    from ..analysis.pareto import pareto_front
    from ..criteria_objective import parse_require
    from ..report.criteria_tables import pareto_tables

    spec = load_problem()
    ids = tuple(c.strip() for c in criteria.split(",") if c.strip())
    reqs = tuple(parse_require(r) for r in requires)
    front = pareto_front(spec, ids, requires=reqs, **solver_args())
    if plot is not None:
        from ..api import solve
        from ..report.criteria_plot import plot_front

        sol = solve(spec, solver=arg("solver"), objective="weighted")  # the package marked
        plot_front(front, plot, chosen=sol.criteria)
    emit_result(front, pareto_tables, fmt, output)
