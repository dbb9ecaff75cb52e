"""``optimizer report``: one file an analyst can hand on -- HTML (self-contained) or Markdown."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from ..errors import InputError
from ._options import (
    PARTIAL,
    analysis_command,
    is_quiet,
    is_verbose,
    load_problem,
    objective_option,
    solve_kwargs,
)


def _sections(text: str) -> tuple[str, ...]:
    from ..errors import did_you_mean
    from ..report.build import SECTIONS

    out = tuple(x.strip() for x in text.split(",") if x.strip())
    for x in out:
        if x not in SECTIONS:
            raise InputError(
                f"unknown section '{x}'{did_you_mean(x, SECTIONS)}", where="--sections"
            )
    return out


class _Bar:
    """A progress bar on stderr over the report's steps (only on a terminal; not with
    --quiet or -v)."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if is_quiet() or is_verbose() or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("report: {task.description:<24}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("", total=total)
        self.steps = 0
        self.bar.start()

    def __call__(self, step: str) -> None:
        if self.bar is None:
            return
        if step.startswith("montecarlo "):  # draws within the Monte Carlo step
            self.bar.update(self.task, description=step)
            return
        if self.steps:
            self.bar.advance(self.task)
        self.steps += 1
        self.bar.update(self.task, description=step)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@analysis_command(
    "report",
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help="The report file: .html (one self-contained file) or .md (charts as PNG files in "
        "NAME_files/ beside it).",
    ),
    click.option(
        "--to",
        "fmt",
        type=click.Choice(["html", "md"]),
        default=None,
        help="The report's format, whatever the file's name (e.g. -o /dev/stdout --to html); "
        "default: from the suffix.",
    ),
    objective_option,
    click.option(
        "--montecarlo",
        "draws",
        type=click.IntRange(1),
        default=None,
        metavar="N",
        help="Add the Monte Carlo section with N draws of the uncertain inputs.",
    ),
    click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed."),
    click.option(
        "--alternatives",
        "k",
        type=click.IntRange(1),
        default=5,
        show_default=True,
        help="How many packages the alternatives section lists (the recommended one first).",
    ),
    click.option(
        "--frontier",
        "frontier",
        multiple=True,
        metavar="RESOURCE",
        help="Draw the frontier of this resource (repeatable; default: the binding resources).",
    ),
    click.option(
        "--sections",
        default="scenarios,risk,sensitivity,frontier,montecarlo,alternatives,inputs",
        show_default=True,
        help="The analyses to include (comma-separated); the package, its value by scenario and "
        "its resource use are always there.",
    ),
    formats=(),
)
def command(output, fmt, objective, draws, seed, k, frontier, sections):
    """Write an analysis report of PROBLEM to an HTML or Markdown file.

    The report holds the recommended package and its expected value, its value by scenario,
    resource use against capacity per year (chart), the regret table and the value of
    information, risk attitudes compared, the tornado and tipping points, the efficient
    frontier of the binding resources, the Monte Carlo distribution and core index (with
    --montecarlo N), the next-best packages, and every input with its source or "judgment"
    tag (missing sources flagged). The HTML file needs no network to open: styles and charts
    (SVG) are inline. Charts need matplotlib (pip install 'commitment-optimizer[plot]');
    without it the report says so in their place.

    \b
    Examples:
      optimizer report canada-us-2025 -o canada.html
      optimizer report canada-us-2025 -o canada.md --sections scenarios,alternatives,inputs
      optimizer report my_problem.toml -o report.html --montecarlo 1000 --seed 7
    """
    from ..report.build import SECTIONS, build_report, is_stream, write_report

    if fmt is None and output.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise InputError(
            f"the report must be .html or .md, got '{output.name}' (or name the format: --to)",
            where="--output",
        )
    md = (fmt or output.suffix.lower().lstrip(".")) in ("md", "markdown")
    if md and is_stream(output):  # refused before the work, as write_report would after it
        raise InputError(
            "a Markdown report writes its charts as files beside it, so it cannot go to a "
            "stream; write it to a file, or use --to html (one self-contained file)",
            where=str(output),
        )
    wanted = _sections(sections)
    spec = load_problem(activity=False)
    steps = 2 + sum(1 for s in SECTIONS if s in wanted and (s != "montecarlo" or draws))
    bar = _Bar(steps)
    command_line = ""  # recorded in the report when run as the optimizer command
    if os.path.basename(sys.argv[0]) in ("optimizer", "__main__.py"):
        command_line = shlex.join(["optimizer", *sys.argv[1:]])
    try:
        rep = build_report(
            spec,
            objective=objective,
            **solve_kwargs(),
            montecarlo=draws,
            seed=seed,
            alternatives=k,
            frontier=frontier or None,
            sections=wanted,
            progress=bar,
            command=command_line,
        )
        bar("charts and file")
        try:
            written = write_report(rep, output, fmt)
        except OSError as e:
            raise InputError(
                f"cannot write the report: {e.strerror or e}", where=str(output)
            ) from None
    finally:
        bar.close()
    from ..report.unfinished import unfinished_sections

    late = unfinished_sections(rep)  # --max-time: the exit code says so (handle_errors)
    if late:
        click.get_current_context().meta[PARTIAL] = [f"report section '{t}'" for t in late]
    if not is_quiet():
        for w in rep.warnings:
            click.echo(f"warning: {w}", err=True)
        charts = len(written) - 1
        extra = f" and {charts} chart(s) in {written[1].parent}" if charts > 0 else ""
        click.echo(f"wrote {output}{extra}", err=True)
