"""What every command prints: the --quiet/--verbose state, the spinner on stderr while a
command solves, and the result on stdout or to ``-o FILE`` in the chosen ``--format``."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import click

QUIET = "optimizer.quiet"
VERBOSE = "optimizer.verbose"
SPEC = "optimizer.spec"


def is_quiet() -> bool:
    """Whether ``-q/--quiet`` was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(QUIET))


def is_verbose() -> bool:
    """Whether ``-v/--verbose`` (the solver's log) was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and (ctx.meta.get(VERBOSE) or ctx.params.get("verbose")))


# A transient spinner with the elapsed time on stderr while a command solves: only on a
# terminal, never with --quiet or -v (the solver's log goes to the terminal then), and only
# once the command has run for ``ACTIVITY_DELAY_S``: a quick solve neither flashes a spinner
# nor imports rich's progress display.
ACTIVITY_DELAY_S = 0.5
_activity: list = []  # the running spinner, or the timer that will start it
_activity_lock = threading.Lock()


def start_activity(text: str) -> None:
    if _activity or is_quiet() or is_verbose() or not sys.stderr.isatty():
        return
    since = time.monotonic()

    def show() -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with _activity_lock:
            if timer not in _activity:
                return  # stopped meanwhile
            bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                get_time=time.monotonic,
            )
            bar.add_task(text, total=None)
            bar.tasks[0].start_time = since  # the elapsed time counts from the start
            bar.start()
            _activity[:] = [bar]

    timer = threading.Timer(ACTIVITY_DELAY_S, show)
    timer.daemon = True
    _activity.append(timer)
    timer.start()


def stop_activity() -> None:
    with _activity_lock:
        while _activity:
            item = _activity.pop()
            if isinstance(item, threading.Timer):
                item.cancel()
            else:
                item.stop()


def note(text: str) -> None:
    """One line on stderr, unless ``--quiet``."""
    if not is_quiet():
        click.echo(text, err=True)


PARTIAL = "optimizer.partial"


def completed(result) -> tuple[bool, list[str]] | None:
    """``(complete, unfinished items)`` of an analysis result (``None`` for a result that is
    not an analysis'); an incomplete one is kept for the exit code (see ``finish``)."""
    if not hasattr(result, "to_dict"):
        return None
    from ..analysis.partial import completion

    done = completion(result)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and not done[0]:
        ctx.meta[PARTIAL] = done[1]
    return done


def partial_line(items: list[str], limit: int = 3) -> str:
    """The one line on stderr of a command stopped at its time budget."""
    from ..analysis.partial import NOTE

    shown = "; ".join(items[:limit]) + (
        f"; ... ({len(items)} in all)" if len(items) > limit else ""
    )
    return f"{NOTE} (--max-time): not computed: {shown}"


def emit(text: str, output: Path | None, quiet: bool = False) -> None:
    """Print ``text`` on stdout, or write it to ``output`` atomically (styles removed).

    With ``--quiet`` nothing is printed (the result still goes to ``output``)."""
    stop_activity()
    quiet = quiet or is_quiet()
    if output is not None:
        from ..report.output import atomic_write

        atomic_write(output, click.unstyle(text))  # OutputError (exit 2) when it cannot
        if not quiet:
            click.echo(f"wrote {output}", err=True)
    elif not quiet:
        click.echo(text, nl=not text.endswith("\n"))


def emit_result(result, tables, fmt: str, output: Path | None, *, width: int = 120) -> None:
    """Emit an analysis result: ``result.to_dict()`` as JSON, or ``tables(result)`` rendered;
    to an ``.xlsx`` output, a workbook of its tables and the inputs audit. JSON says whether
    the analysis is complete (``--max-time``) and lists what was left unfinished."""
    done = completed(result)
    if output is not None and output.suffix.lower() == ".xlsx":
        from ..report.problem_files import write_result_workbook

        ctx = click.get_current_context(silent=True)
        stop_activity()
        write_result_workbook(output, result, ctx.meta.get(SPEC) if ctx else None)
        note(f"wrote {output}")
        return
    if fmt == "json":
        d = result.to_dict()
        if done is not None:
            d["complete"] = done[0]
            if not done[0]:
                d["unfinished"] = done[1]
        text = json.dumps(d, indent=2) + "\n"
    else:
        from ..report.tables import render

        text = render(tables(result), width=width)
        if done is not None and not done[0]:  # the table itself says it is partial, and what
            text = text.rstrip("\n") + "\n\n" + unfinished_block(done[1]) + "\n"
    emit(text, output)


def unfinished_block(items: list[str]) -> str:
    """The lines a table result ends with when ``--max-time`` left items unfinished: every
    one named (stderr names the first few only)."""
    from ..analysis.partial import NOTE

    return "\n".join(
        [f"UNFINISHED: {NOTE} (--max-time); {len(items)} item(s) not computed:"]
        + [f"  - {item}" for item in items]
    )
