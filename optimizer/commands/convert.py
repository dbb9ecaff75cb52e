"""``optimizer convert``: write a problem as TOML, JSON or an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import MAX_BYTES, arg, dash_is_stdout, emit, load_problem, note, problem_command


@problem_command(
    "convert",
    click.option(
        "--to",
        "fmt",
        type=click.Choice(["toml", "json", "xlsx"]),
        default=None,
        help="The form to write (default: from the output's suffix, else toml).",
    ),
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        default=None,
        callback=dash_is_stdout,
        help="Write to FILE (atomically) instead of stdout (- for stdout; a file is needed for "
        "xlsx).",
    ),
    click.option(
        "--inline-tables",
        is_flag=True,
        help="Copy the rows of CSV option tables ([[tables]]) in as commitments (default: keep "
        "each table as a reference to its CSV file).",
    ),
)
def command(fmt, output, inline_tables):
    """Write PROBLEM (a bundled name or a TOML, JSON or .xlsx file) as TOML, JSON or xlsx.

    The problem is validated first (an invalid one is refused, nothing written); reading the
    written file gives the same problem. CSV option tables ([[tables]]) stay references to
    their files (re-pointed when the output is in another folder that holds them);
    --inline-tables copies their rows in.

    \b
    Examples:
      optimizer convert small-example -o plan.xlsx
      optimizer convert plan.xlsx -o plan.toml
      optimizer convert plan.toml --to json
      optimizer convert plan.toml --inline-tables -o standalone.toml
    """
    from ..errors import InputError
    from ..report.problem_files import json_text, toml_text, write_problem
    from ..spec.load import DEFAULT_MAX_BYTES, apply_overrides, parse_override, read_document
    from ..spec.load import resolve as resolve_problem
    from ..spec.tables_ref import tables_for_output

    if arg("force") or arg("forbid"):
        raise InputError("--force and --forbid do not apply to convert", where="convert")
    load_problem(activity=False)  # validates
    ctx = click.get_current_context()
    max_bytes = ctx.meta.get(MAX_BYTES) or DEFAULT_MAX_BYTES
    problem, sets = arg("problem"), arg("sets")
    path = resolve_problem(problem)
    doc, _, _ = read_document(path, problem, max_bytes)
    if sets:
        doc = apply_overrides(doc, [parse_override(s) for s in sets])
    doc = tables_for_output(doc, path.parent, output, inline=inline_tables, max_bytes=max_bytes)
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if fmt and suffix in ("toml", "json", "xlsx") and suffix != fmt:
        raise InputError(
            f"--to {fmt} into a .{suffix} file: reading it back would read it as {suffix}; "
            f"name the file .{fmt}",
            where=str(output),
        )
    fmt = fmt or (suffix if suffix in ("toml", "json", "xlsx") else "toml")
    if output is None:
        if fmt == "xlsx":
            raise InputError("an xlsx workbook needs -o FILE", where="--to")
        emit(json_text(doc) if fmt == "json" else toml_text(doc), None)
        return
    write_problem(doc, output, fmt)
    note(f"wrote {output}")
