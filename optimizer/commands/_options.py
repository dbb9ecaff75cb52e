"""The options the commands share, and the helpers that read them.

The shared options (PROBLEM and what changes it, the solver's settings) are not passed to a
command's function: each is kept in the Click context, and ``load_problem()``,
``solve_kwargs()`` and ``solver_args()`` read them there, so a command names only its own
options. ``problem_command`` and ``analysis_command`` stack them around a command's own. Engine errors become one line on stderr and the exception's exit code in
``handle_errors``, and only there.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import NoReturn

import click

from solvers.deadline import budget, expired

from ..errors import EXIT_PARTIAL, InputError, LimitError, OptimizerError
from ._output import (
    PARTIAL,
    QUIET,
    SPEC,
    VERBOSE,
    emit,
    emit_result,
    is_quiet,
    is_verbose,
    note,
    partial_line,
    start_activity,
    stop_activity,
)
from .params import FiniteFloatRange, objective_option

ARGS = "optimizer.args"
MAX_BYTES = "optimizer.max_bytes"

__all__ = [  # the commands import these from here
    "PARTIAL",
    "FiniteFloatRange",
    "analysis_command",
    "arg",
    "emit",
    "emit_result",
    "exit_interrupted",
    "handle_errors",
    "is_quiet",
    "is_verbose",
    "load_problem",
    "max_time_option",
    "note",
    "objective_option",
    "output_options",
    "problem_command",
    "problem_options",
    "solve_kwargs",
    "solver_args",
    "solver_options",
]


def handle_errors(fn):
    """Turn engine errors into one line and an exit code; Ctrl-C into exit 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with budget(_max_time()):
                try:
                    out = fn(*args, **kwargs)
                except LimitError as e:  # nothing to show: say that the budget ran out
                    if not expired():
                        raise
                    raise LimitError(f"{e} (the --max-time budget ran out)") from None
            ctx = click.get_current_context()
            if PARTIAL in ctx.meta:  # stopped at --max-time: what was done is out
                stop_activity()
                note(partial_line(ctx.meta[PARTIAL]))
                sys.exit(EXIT_PARTIAL)
            return out
        except OptimizerError as e:
            stop_activity()
            click.echo(f"error: {e.one_line()}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt as e:
            if type(e).__name__ == "BudgetStop":  # a draw loop with nothing to show
                stop_activity()
                click.echo("error: stopped at the --max-time budget before a result", err=True)
                sys.exit(LimitError.exit_code)
            exit_interrupted("interrupted")
        finally:
            stop_activity()

    return wrapper


def exit_interrupted(message: str) -> NoReturn:
    """After Ctrl-C: ``message`` on stderr and exit code 130, a further Ctrl-C ignored from
    now on, so that the exit (an executor's threads and processes joined) runs to its end
    instead of dying half way with the workers left behind."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_activity()
    click.echo(message, err=True)
    sys.exit(130)


def _max_time() -> float | None:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(ARGS, {}).get("max_time") if ctx else None


def max_time_option(fn):
    """``--max-time SECONDS``: a budget for the whole command (``solvers.deadline``), applied
    by ``handle_errors``."""
    return _shared(
        "--max-time",
        type=FiniteFloatRange(0, min_open=True),
        default=None,
        metavar="SECONDS",
        help="A time budget for the whole command: stop by then and report what was "
        f"completed, the rest marked unfinished (exit code {EXIT_PARTIAL}).",
    )(fn)


def _keep(ctx, param, value):
    """Keep a shared option's value in the context (the command's function does not take it)."""
    ctx.meta.setdefault(ARGS, {})[param.name] = value
    if param.name == "quiet" and value:
        ctx.meta[QUIET] = True
    elif param.name == "verbose" and value:
        ctx.meta[VERBOSE] = True
    elif param.name == "max_bytes" and value is not None:
        ctx.meta[MAX_BYTES] = value
    return value


def arg(name: str, default=None):
    """The value of the shared option ``name`` given to the running command."""
    ctx = click.get_current_context()
    return ctx.meta.get(ARGS, {}).get(name, default)


def load_problem(*, activity: bool = True):
    """The problem the command was given, with --set/--force/--forbid applied. For commands
    that solve, a spinner runs on stderr from here until the output (see ``start_activity``)."""
    from ..spec import load
    from ..spec.load import DEFAULT_MAX_BYTES
    from ..spec.validate import DEFAULT_MAX_COLUMNS

    ctx = click.get_current_context()
    a = ctx.meta.get(ARGS, {})
    spec = load(
        a["problem"],
        overrides=a.get("sets", ()),
        max_columns=a.get("max_columns") or DEFAULT_MAX_COLUMNS,
        max_bytes=ctx.meta.get(MAX_BYTES) or DEFAULT_MAX_BYTES,
    )
    try:
        if a.get("force"):
            spec = spec.force(*a["force"])
        if a.get("forbid"):
            spec = spec.forbid(*a["forbid"])
    except InputError as e:
        raise InputError(e.message, where="--force/--forbid") from None
    ctx.meta[SPEC] = spec  # for the inputs audit of -o result.xlsx
    if activity and "solver" in a:
        start_activity(f"{ctx.info_name} {spec.name}")
    return spec


def solve_kwargs() -> dict:
    """``solver``, ``time_limit``, ``mip_gap`` and ``verbose`` as the command was given them."""
    return {k: arg(k) for k in ("solver", "time_limit", "mip_gap", "verbose")}


def solver_args() -> dict:
    """``solver`` and ``options`` (a ``SolveOptions``) as the command was given them."""
    from solvers import SolveOptions

    kw = solve_kwargs()
    return {"solver": kw.pop("solver"), "options": SolveOptions(**kw)}


def _complete_problem(ctx, param, incomplete: str):
    """Shell completion for PROBLEM: the bundled problems' names, then files."""
    from click.shell_completion import CompletionItem

    from ..spec import bundled_names

    names = [CompletionItem(n) for n in bundled_names() if n.startswith(incomplete)]
    return [*names, CompletionItem(incomplete, type="file")]


def _shared(*decls, **attrs):
    return click.option(*decls, expose_value=False, callback=_keep, **attrs)


def problem_options(fn):
    """PROBLEM and the options that change it: --set, --force, --forbid, --max-columns,
    --max-bytes (read by ``load_problem``), and -q/--quiet (read by ``emit``)."""
    for opt in reversed(
        [
            _shared(
                "--set",
                "sets",
                multiple=True,
                metavar="PATH=VALUE",
                help="Override a number in the problem, e.g. resources.fiscal.capacity=40 "
                "(repeatable).",
            ),
            _shared(
                "--force",
                multiple=True,
                metavar="ID[.OPTION]",
                help="Always choose this commitment or option (repeatable).",
            ),
            _shared(
                "--forbid",
                multiple=True,
                metavar="ID[.OPTION]",
                help="Never choose this commitment or option (repeatable).",
            ),
            _shared(
                "--max-columns",
                type=click.IntRange(1),
                default=None,
                help="Refuse problems with more decision columns than this (default 2,000,000).",
            ),
            _shared(
                "--max-bytes",
                type=click.IntRange(1),
                default=None,
                help="Refuse problem and table files larger than this many bytes (default 50 MB).",
            ),
            _shared(
                "-q",
                "--quiet",
                is_flag=True,
                help="Print nothing but errors (the exit code tells the outcome; --output is "
                "written).",
            ),
        ]
    ):
        fn = opt(fn)
    return click.argument(
        "problem", shell_complete=_complete_problem, expose_value=False, callback=_keep
    )(fn)


def solver_options(fn=None, *, auto: bool = False):
    """--solver, --time-limit, --mip-gap, -v (read by ``solve_kwargs``/``solver_args``).
    ``auto=True`` also offers ``--solver auto``."""
    if fn is None:
        return lambda f: solver_options(f, auto=auto)
    from solvers import AUTO, DEFAULT, REGISTRY

    fn = max_time_option(
        _shared("-v", "--verbose", is_flag=True, help="Show the solver's log.")(fn)
    )
    fn = _shared(
        "--mip-gap",
        type=FiniteFloatRange(0, 1),
        default=None,
        help="Relative MIP gap at which to stop.",
    )(fn)
    fn = _shared(
        "--time-limit",
        type=FiniteFloatRange(0, min_open=True),
        default=None,
        help="Seconds the solver may run.",
    )(fn)
    return _shared(
        "--solver",
        type=click.Choice([*REGISTRY, AUTO] if auto else list(REGISTRY)),
        default=DEFAULT,
        show_default=True,
        help="Solver back end"
        + (" ('auto' picks by the model's size and structure)." if auto else "."),
    )(fn)


def dash_is_stdout(ctx, param, value):
    """``-o -``: stdout, as if no ``-o`` were given (not a file named ``-``)."""
    return None if value is not None and str(value) == "-" else value


def output_options(*formats: str):
    """``--format`` (these choices; the first is the default) and ``-o/--output FILE``."""

    def deco(fn):
        fn = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            default=None,
            callback=dash_is_stdout,
            help="Write to FILE (atomically) instead of stdout (- for stdout).",
        )(fn)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=formats[0],
            show_default=True,
        )(fn)

    return deco


def problem_command(name: str, *options, solver: str | None = None, formats: tuple = ()):
    """A Click command over PROBLEM. Its --help lists, in this order: PROBLEM and
    ``problem_options``; the solver's options (``solver="options"``: ``solver_options``;
    ``"auto"``: the same with ``--solver auto``; ``"max-time"``: only ``--max-time``; ``None``:
    none); the command's own ``options`` (decorators, in the order given); and
    ``output_options(*formats)`` when ``formats`` are given. ``handle_errors`` wraps the
    function."""
    if solver not in (None, "options", "auto", "max-time"):
        raise ValueError(f"unknown solver options {solver!r}")

    def deco(fn):
        fn = handle_errors(fn)
        if formats:
            fn = output_options(*formats)(fn)
        for opt in reversed(options):
            fn = opt(fn)
        if solver == "max-time":
            fn = max_time_option(fn)
        elif solver is not None:
            fn = solver_options(fn, auto=solver == "auto")
        return click.command(name=name)(problem_options(fn))

    return deco


def analysis_command(
    name: str, *options, solver: str = "options", formats: tuple = ("table", "json")
):
    """``problem_command`` for a command that solves: the solver's options and ``--format
    table|json`` with ``-o/--output`` by default."""
    return problem_command(name, *options, solver=solver, formats=formats)
