"""``optimizer solve``: the verified optimal package of a problem file or an MPS/LP model."""

from __future__ import annotations

import click

from ..errors import InputError
from ._options import analysis_command, arg, load_problem, objective_option, solve_kwargs
from ._output import PARTIAL, emit, emit_result, note


def _is_model_file(problem: str) -> bool:
    """Whether PROBLEM names an MPS/LP model file (``optimizer.mpsio.is_model_file``); the
    MPS/LP module is imported only for a name that can be one (every suffix it reads ends in
    ``mps``, ``lp`` or ``.gz``), not for the problem files and bundled names solved most."""
    if not problem.lower().endswith(("mps", "lp", ".gz")):
        return False
    from ..mpsio import is_model_file

    return is_model_file(problem)


def _solve_model_file(problem: str, objective: str, fmt: str, output) -> None:
    from .. import api
    from ..mpsio import solve_file

    if arg("sets") or arg("force") or arg("forbid") or objective != "expected":
        raise InputError(
            "--set, --force, --forbid and --objective apply to problem files, not to MPS/LP models",
            where=problem,
        )
    kw = solve_kwargs()
    kw["solver"] = api.choose_solver(kw["solver"], None, path=problem)
    fsol = solve_file(problem, **kw)
    text = {"json": lambda: fsol.to_json() + "\n", "csv": fsol.to_csv}.get(fmt, fsol.text)()
    emit(text, output)


@analysis_command(
    "solve",
    objective_option,
    solver="auto",
    formats=("table", "json", "csv"),
)
def command(objective, fmt, output):
    """Solve PROBLEM (a bundled name, a problem file, or an MPS/LP model file) and print the
    verified optimal package.

    \b
    Examples:
      optimizer solve canada-us-2025
      optimizer solve canada-us-2025 --force golden_dome.limited --format json
      optimizer solve problem.toml --solver cbc --time-limit 60 -o result.json --format json
      optimizer solve model.mps --solver auto
    """
    from solvers.deadline import expired

    from .. import api

    if _is_model_file(arg("problem")):
        return _solve_model_file(arg("problem"), objective, fmt, output)
    spec = load_problem()
    sol = api.solve(spec, objective=objective, **solve_kwargs())
    if output is not None and output.suffix.lower() == ".xlsx":
        return emit_result(sol, None, fmt, output)
    if fmt != "table":  # the table shows them; stdout stays parseable
        for w in sol.warnings:
            note(f"warning: {w}")
    if fmt == "json":
        text = sol.to_json() + "\n"
    elif fmt == "csv":
        from ..report.tables import solution_csv

        text = solution_csv(sol)
    else:
        from ..report.tables import render, solution_tables

        text = render(solution_tables(sol))
    emit(text, output)
    if sol.status != "optimal" and expired():  # the budget cut the solve: exit 5
        click.get_current_context().meta[PARTIAL] = [f"the proof of optimality ({sol.status})"]
