"""``optimizer export``: write a problem's model as MPS and/or LP files."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ._options import load_problem, problem_command
from ._output import note


def _file_option(flag: str, dest: str, help: str):
    return click.option(
        flag, dest, type=click.Path(dir_okay=False, path_type=Path), default=None, help=help
    )


@problem_command(
    "export",
    click.option(
        "--objective",
        default="expected",
        show_default=True,
        help="Objective to export (see solve).",
    ),
    _file_option("--lp", "lp_file", "Write CPLEX LP format."),
    _file_option("--mps", "mps_file", "Write (free) MPS format."),
)
def command(objective, lp_file, mps_file):
    """Write PROBLEM's model as MPS and/or LP files that other solvers read.

    The objective sense is kept (an OBJSENSE section in MPS, 'max' in LP). CBC 2.10 ignores
    OBJSENSE in MPS files: give it the LP file, or run 'cbc FILE.mps -max -solve'.

    \b
    Example:
      optimizer export canada-us-2025 --mps canada.mps --lp canada.lp
    """
    if lp_file is None and mps_file is None:
        raise InputError("give --lp FILE and/or --mps FILE", where="export")
    from .. import api
    from ..export import write_model

    spec = load_problem()
    model = api.compile(spec, objective)
    for path, fmt in ((mps_file, "mps"), (lp_file, "lp")):
        if path is not None:
            write_model(model, path, fmt)  # the option names the format: any file name
            note(f"wrote {path}")
