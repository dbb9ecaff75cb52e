"""``optimizer convert``: write a problem as TOML, JSON or an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import MAX_BYTES, arg, emit, handle_errors, load_problem, note, problem_options


@click.command(name="convert")
@problem_options
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["toml", "json", "xlsx"]),
    default=None,
    help="The form to write (default: from the output's suffix, else toml).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (atomically) instead of stdout (needed for xlsx).",
)
@handle_errors
def command(fmt, output):
    """Write PROBLEM (a bundled name or a TOML, JSON or .xlsx file) as TOML, JSON or xlsx.

    The problem is validated first (an invalid one is refused, nothing written); reading the
    written file gives the same problem.

    \b
    Examples:
      optimizer convert small-example -o plan.xlsx
      optimizer convert plan.xlsx -o plan.toml
      optimizer convert plan.toml --to json
    """
    from ..errors import InputError
    from ..report.problem_files import json_text, toml_text, write_problem
    from ..spec.load import DEFAULT_MAX_BYTES, apply_overrides, parse_override, read_document
    from ..spec.load import resolve as resolve_problem

    if arg("force") or arg("forbid"):
        raise InputError("--force and --forbid do not apply to convert", where="convert")
    load_problem(activity=False)  # validates
    ctx = click.get_current_context()
    max_bytes = ctx.meta.get(MAX_BYTES) or DEFAULT_MAX_BYTES
    problem, sets = arg("problem"), arg("sets")
    doc, _, _ = read_document(resolve_problem(problem), problem, max_bytes)
    if sets:
        doc = apply_overrides(doc, [parse_override(s) for s in sets])
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    fmt = fmt or (suffix if suffix in ("toml", "json", "xlsx") else "toml")
    if output is None:
        if fmt == "xlsx":
            raise InputError("an xlsx workbook needs -o FILE", where="--to")
        emit(json_text(doc) if fmt == "json" else toml_text(doc), None)
        return
    write_problem(doc, output, fmt)
    note(f"wrote {output}")
