"""The ``optimizer`` command: a thin Click layer over the Python API.

Engine errors become one line on stderr and a documented exit code here, and only here:
0 solved, 2 bad input or usage, 3 infeasible, 4 no solution within limits or solver failure.
Heavy libraries (scipy, highspy, pulp) are imported inside the commands that need them.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from pathlib import Path

import click

from . import __version__
from .commands.params import FiniteFloatRange
from .commands.params import objective_option as params_objective_option
from .errors import InputError, OptimizerError, shorten

EXAMPLE = "\b\nExample:\n  optimizer solve canada-us-2025 --format json"


def _fail(err: OptimizerError) -> None:
    click.echo(f"error: {err.one_line()}", err=True)
    sys.exit(err.exit_code)


def handle_errors(fn):
    """Turn engine errors into one line and an exit code; Ctrl-C into exit 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OptimizerError as e:
            stop_activity()
            _fail(e)
        except KeyboardInterrupt:
            stop_activity()
            click.echo("interrupted", err=True)
            sys.exit(130)
        finally:
            stop_activity()

    return wrapper


def is_quiet() -> bool:
    """Whether ``-q/--quiet`` was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("optimizer.quiet"))


def is_verbose() -> bool:
    """Whether ``-v/--verbose`` (the solver's log) was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.params.get("verbose"))


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


def emit(text: str, output: Path | None, quiet: bool = False) -> None:
    """Print ``text`` on stdout, or write it to ``output`` atomically (styles removed).

    With ``--quiet`` nothing is printed (the result still goes to ``output``)."""
    stop_activity()
    quiet = quiet or is_quiet()
    if output is not None:
        from .report.output import atomic_write

        atomic_write(output, click.unstyle(text))  # OutputError (exit 2) when it cannot
        if not quiet:
            click.echo(f"wrote {output}", err=True)
    elif not quiet:
        click.echo(text, nl=not text.endswith("\n"))


def emit_result(result, tables, fmt: str, output: Path | None, *, width: int = 120) -> None:
    """Emit an analysis result: ``result.to_dict()`` as JSON, or ``tables(result)`` rendered;
    to an ``.xlsx`` output, a workbook of its tables and the inputs audit."""
    if output is not None and output.suffix.lower() == ".xlsx":
        from .report.problem_files import write_result_workbook

        ctx = click.get_current_context(silent=True)
        stop_activity()
        write_result_workbook(output, result, ctx.meta.get("optimizer.spec") if ctx else None)
        if not is_quiet():
            click.echo(f"wrote {output}", err=True)
        return
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2) + "\n"
    else:
        from .report.tables import render

        text = render(tables(result), width=width)
    emit(text, output)


def load_problem(
    problem: str,
    sets: tuple[str, ...],
    force: tuple[str, ...] = (),
    forbid: tuple[str, ...] = (),
    max_columns: int | None = None,
    *,
    activity: bool = True,
):
    """The problem a command was given, with --set/--force/--forbid applied. For commands that
    solve, a spinner runs on stderr from here until the output (see ``start_activity``)."""
    from .spec import load
    from .spec.load import DEFAULT_MAX_BYTES
    from .spec.validate import DEFAULT_MAX_COLUMNS

    ctx = click.get_current_context(silent=True)
    max_bytes = (ctx.meta.get("optimizer.max_bytes") if ctx else None) or DEFAULT_MAX_BYTES
    spec = load(
        problem,
        overrides=sets,
        max_columns=max_columns or DEFAULT_MAX_COLUMNS,
        max_bytes=max_bytes,
    )
    try:
        if force:
            spec = spec.force(*force)
        if forbid:
            spec = spec.forbid(*forbid)
    except InputError as e:
        raise InputError(e.message, where="--force/--forbid") from None
    if ctx is not None:
        ctx.meta["optimizer.spec"] = spec  # for the inputs audit of -o result.xlsx
    if activity and ctx is not None and "solver" in ctx.params:
        start_activity(f"{ctx.info_name} {spec.name}")
    return spec


def _remember_max_bytes(ctx, param, value):
    if value is not None:
        ctx.meta["optimizer.max_bytes"] = value
    return value


def _remember_quiet(ctx, param, value):
    if value:
        ctx.meta["optimizer.quiet"] = True
    return value


def _complete_problem(ctx, param, incomplete: str):
    """Shell completion for PROBLEM: the bundled problems' names, then files."""
    from click.shell_completion import CompletionItem

    from .spec import bundled_names

    names = [CompletionItem(n) for n in bundled_names() if n.startswith(incomplete)]
    return [*names, CompletionItem(incomplete, type="file")]


def problem_options(fn):
    """PROBLEM and the options that change it: --set, --force, --forbid, --max-columns,
    --max-bytes (kept in the context for ``load_problem``, so commands need no parameter), and
    -q/--quiet (kept in the context for ``emit``)."""
    fn = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_remember_quiet,
        help="Print nothing but errors (the exit code tells the outcome; --output is written).",
    )(fn)
    fn = click.option(
        "--max-bytes",
        type=click.IntRange(1),
        default=None,
        expose_value=False,
        callback=_remember_max_bytes,
        help="Refuse problem and table files larger than this many bytes (default 50 MB).",
    )(fn)
    fn = click.option(
        "--max-columns",
        type=click.IntRange(1),
        default=None,
        help="Refuse problems with more decision columns than this (default 2,000,000).",
    )(fn)
    fn = click.option(
        "--forbid",
        multiple=True,
        metavar="ID[.OPTION]",
        help="Never choose this commitment or option (repeatable).",
    )(fn)
    fn = click.option(
        "--force",
        multiple=True,
        metavar="ID[.OPTION]",
        help="Always choose this commitment or option (repeatable).",
    )(fn)
    fn = click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override a number in the problem, e.g. resources.fiscal.capacity=40 (repeatable).",
    )(fn)
    fn = click.argument("problem", shell_complete=_complete_problem)(fn)
    return fn


def solver_options(fn=None, *, auto: bool = False):
    """--solver, --time-limit, --mip-gap, -v. ``auto=True`` also offers ``--solver auto``."""
    if fn is None:
        return lambda f: solver_options(f, auto=auto)
    from solvers import AUTO, DEFAULT, REGISTRY

    fn = click.option("-v", "--verbose", is_flag=True, help="Show the solver's log.")(fn)
    fn = click.option(
        "--mip-gap",
        type=FiniteFloatRange(0, 1),
        default=None,
        help="Relative MIP gap at which to stop.",
    )(fn)
    fn = click.option(
        "--time-limit",
        type=FiniteFloatRange(0, min_open=True),
        default=None,
        help="Seconds the solver may run.",
    )(fn)
    fn = click.option(
        "--solver",
        type=click.Choice([*REGISTRY, AUTO] if auto else list(REGISTRY)),
        default=DEFAULT,
        show_default=True,
        help="Solver back end"
        + (" ('auto' picks by the model's size and structure)." if auto else "."),
    )(fn)
    return fn


def output_options(*formats: str):
    """``--format`` (these choices; the first is the default) and ``-o/--output FILE``."""

    def deco(fn):
        fn = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write to FILE (atomically) instead of stdout.",
        )(fn)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=formats[0],
            show_default=True,
        )(fn)

    return deco


objective_option = params_objective_option


# Commands that live in their own module, ``optimizer/commands/<module>.py``, each defining a
# Click command named ``command``. They are imported only when listed in --help or invoked.
LAZY_COMMANDS = {
    "scenarios": "scenarios",
    "alternatives": "alternatives",
    "compare": "compare",
    "sensitivity": "sensitivity",
    "frontier": "frontier",
    "montecarlo": "montecarlo",
    "discover": "discover",
    "bench": "bench",
    "report": "report",
    "convert": "convert",
    "pareto": "pareto",
    "weights": "weights",
}


def _usage_line(e: click.UsageError):
    """A Click usage error as one line on stderr (exit 2), like every other input error."""
    where = e.ctx.command_path if e.ctx is not None else "optimizer"
    message = " ".join(shorten(e.format_message()).split())
    click.echo(f"error: {message} (see '{where} --help')", err=True)
    return click.exceptions.Exit(e.exit_code)


class LazyGroup(click.Group):
    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as e:
            click.echo(e.ctx.get_help())
            raise click.exceptions.Exit(0) from None
        except click.UsageError as e:
            raise _usage_line(e) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            raise _usage_line(e) from None

    def list_commands(self, ctx):
        import importlib.util

        lazy = [
            n
            for n, mod in LAZY_COMMANDS.items()
            if importlib.util.find_spec(f"optimizer.commands.{mod}")
        ]
        return sorted([*super().list_commands(ctx), *lazy])

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS:
            import importlib
            import importlib.util

            mod = f"optimizer.commands.{LAZY_COMMANDS[name]}"
            if importlib.util.find_spec(mod) is not None:
                return importlib.import_module(mod).command
        return super().get_command(ctx, name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="optimizer")
def cli() -> None:
    """Choose the best package of commitments under budgets, dependencies and scenarios.

    \b
    Examples:
      optimizer solve canada-us-2025
      optimizer solve my_problem.toml --set resources.fiscal.capacity=40 --format json
      optimizer problems

    Every command takes -h/--help (with examples); commands that take a PROBLEM take
    -q/--quiet (only errors), and those that solve -v/--verbose (the solver's log). Exit
    codes: 0 solved, 2 bad input or usage, 3 infeasible, 4 no solution within the limits or
    solver failure.

    \b
    Shell completion (commands, options, bundled problem names):
      bash: eval "$(_OPTIMIZER_COMPLETE=bash_source optimizer)"   # in ~/.bashrc
      zsh:  eval "$(_OPTIMIZER_COMPLETE=zsh_source optimizer)"    # in ~/.zshrc
      fish: _OPTIMIZER_COMPLETE=fish_source optimizer | source    # in config.fish
    """


def _is_model_file(problem: str) -> bool:
    """Whether PROBLEM names an MPS/LP model file (``optimizer.mpsio.is_model_file``); the
    MPS/LP module is imported only for a name that can be one (every suffix it reads ends in
    ``mps``, ``lp`` or ``.gz``), not for the problem files and bundled names solved most."""
    if not problem.lower().endswith(("mps", "lp", ".gz")):
        return False
    from .mpsio import is_model_file

    return is_model_file(problem)


@cli.command()
@problem_options
@solver_options(auto=True)
@objective_option
@output_options("table", "json", "csv")
@handle_errors
def solve(
    problem,
    sets,
    force,
    forbid,
    max_columns,
    solver,
    time_limit,
    mip_gap,
    verbose,
    objective,
    fmt,
    output,
):
    """Solve PROBLEM (a bundled name, a problem file, or an MPS/LP model file) and print the
    verified optimal package.

    \b
    Examples:
      optimizer solve canada-us-2025
      optimizer solve canada-us-2025 --force golden_dome.limited --format json
      optimizer solve problem.toml --solver cbc --time-limit 60 -o result.json --format json
      optimizer solve model.mps --solver auto
    """
    from . import api

    if _is_model_file(problem):
        if sets or force or forbid or objective != "expected":
            raise InputError(
                "--set, --force, --forbid and --objective apply to problem files, not to "
                "MPS/LP models",
                where=problem,
            )
        from .mpsio import solve_file

        fsol = solve_file(
            problem,
            solver=api.choose_solver(solver, None, path=problem),
            time_limit=time_limit,
            mip_gap=mip_gap,
            verbose=verbose,
        )
        text = {"json": lambda: fsol.to_json() + "\n", "csv": fsol.to_csv}.get(fmt, fsol.text)()
        emit(text, output)
        return

    spec = load_problem(problem, sets, force, forbid, max_columns)
    sol = api.solve(
        spec,
        solver=solver,
        objective=objective,
        time_limit=time_limit,
        mip_gap=mip_gap,
        verbose=verbose,
    )
    if output is not None and output.suffix.lower() == ".xlsx":
        return emit_result(sol, None, fmt, output)
    if fmt != "table" and not is_quiet():  # the table shows them; stdout stays parseable
        for w in sol.warnings:
            click.echo(f"warning: {w}", err=True)
    if fmt == "json":
        text = sol.to_json() + "\n"
    elif fmt == "csv":
        from .report.tables import solution_csv

        text = solution_csv(sol)
    else:
        from .report.tables import render, solution_tables

        text = render(solution_tables(sol))
    emit(text, output)


@cli.command()
@problem_options
@handle_errors
def validate(problem, sets, force, forbid, max_columns):
    """Check PROBLEM without solving it; print a one-line summary.

    \b
    Example:
      optimizer validate my_problem.toml
    """
    spec = load_problem(problem, sets, force, forbid, max_columns)
    from .spec.horizon import possible_cuts, validate_summary

    cuts = possible_cuts(spec)
    if cuts and not is_quiet():
        click.echo(f"warning: {validate_summary(cuts)}", err=True)
    n_opt = sum(len(c.options) for c in spec.commitments)
    years = "single period" if spec.years is None else f"{spec.years[0]}-{spec.years[1]}"
    emit(
        f"{spec.name}: ok ({len(spec.commitments)} commitments, {n_opt} options, "
        f"{len(spec.scenarios)} scenarios, {len(spec.resources)} resources, "
        f"{len(spec.relations)} relations, "
        + (f"{len(spec.shifts)} shifts, " if spec.shifts else "")
        + f"{years})",
        None,
    )


@cli.command()
@handle_errors
def problems():
    """List the bundled problems.

    \b
    Example:
      optimizer problems
    """
    from .spec import bundled_names, load

    for name in bundled_names():
        spec = load(name)
        click.echo(f"{name:28s} {spec.title}")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def solvers(fmt):
    """List the solver back ends and whether each is available here.

    \b
    Example:
      optimizer solvers
    """
    import solvers as reg

    infos = [reg.info(n) for n in reg.REGISTRY]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "available": i.available,
                        "via": i.via,
                        "features": sorted(f.value for f in i.features),
                        "reason": i.reason,
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return
    from .report.tables import render, table

    rows = [
        [
            i.name,
            "yes" if i.available else "no",
            i.via,
            ", ".join(sorted(f.value for f in i.features)),
            i.reason,
        ]
        for i in infos
    ]
    click.echo(
        render([table(None, ["solver", "available", "via", "features", "note"], rows)], width=120),
        nl=False,
    )


@cli.command()
def schema():
    """Print the JSON Schema of the problem format.

    \b
    Example:
      optimizer schema > problem.schema.json
    """
    from .spec.schema import SCHEMA

    click.echo(json.dumps(SCHEMA, indent=2))


@cli.command()
@problem_options
@click.option(
    "--objective", default="expected", show_default=True, help="Objective to export (see solve)."
)
@click.option(
    "--lp",
    "lp_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write CPLEX LP format.",
)
@click.option(
    "--mps",
    "mps_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write (free) MPS format.",
)
@handle_errors
def export(problem, sets, force, forbid, max_columns, objective, lp_file, mps_file):
    """Write PROBLEM's model as MPS and/or LP files that other solvers read.

    The objective sense is kept (an OBJSENSE section in MPS, 'max' in LP). CBC 2.10 ignores
    OBJSENSE in MPS files: give it the LP file, or run 'cbc FILE.mps -max -solve'.

    \b
    Example:
      optimizer export canada-us-2025 --mps canada.mps --lp canada.lp
    """
    if lp_file is None and mps_file is None:
        raise InputError("give --lp FILE and/or --mps FILE", where="export")
    from . import api
    from .export import write_model

    spec = load_problem(problem, sets, force, forbid, max_columns)
    model = api.compile(spec, objective)
    for path in (mps_file, lp_file):
        if path is not None:
            write_model(model, path)
            if not is_quiet():
                click.echo(f"wrote {path}", err=True)


NUMERIC_COMMANDS = frozenset({"solve", "export", *LAZY_COMMANDS})


def _solves(args: list[str]) -> bool:
    """Whether the command line runs a command that needs NumPy, SciPy and HiGHS (and is not
    asking for help). ``main`` then imports them first, from the top of the stack: imported
    from deep inside a command, SciPy's import ran hot loops whose frames straddled CPython
    3.11's 16 KB frame-stack chunks, each call mapping and unmapping one (~5,900 ``munmap``
    calls, ~50-80 ms, in the console script; ~220 this way). Only an optimisation: a wrong
    guess costs an import or saves none, never a result."""
    words = [a for a in args if not a.startswith("-")]
    return bool(words) and words[0] in NUMERIC_COMMANDS and not {"--help", "-h"} & set(args)


def main() -> None:
    # The commands do small dense algebra at most: NumPy's BLAS gets one thread unless the
    # user chose otherwise, so its import starts no thread pool that a command never uses
    # (it costs ~25 ms of start-up, and Monte Carlo worker processes would each start one).
    import os

    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if _solves(sys.argv[1:]):
        import highspy  # noqa: F401
        import scipy.sparse  # noqa: F401
    cli(prog_name="optimizer")


if __name__ == "__main__":
    main()
