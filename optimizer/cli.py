"""The ``optimizer`` command: the root group and where each command lives.

Each command is a module of ``optimizer/commands/`` (imported only when listed in --help or
invoked); the options they share and the error handling are in ``optimizer/commands/_options``.
Exit codes: 0 solved, 2 bad input or usage, 3 infeasible, 4 no solution within limits or
solver failure, 5 stopped at --max-time with partial results (see README, "Exit codes").
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import shorten

# Commands that live in their own module, ``optimizer/commands/<module>.py``, each defining a
# Click command named ``command``. They are imported only when listed in --help or invoked.
LAZY_COMMANDS = {
    "solve": "solve",
    "validate": "validate",
    "problems": "problems",
    "solvers": "solver_list",
    "schema": "schema",
    "export": "export",
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
    -q/--quiet (only errors), and those that solve -v/--verbose (the solver's log) and
    --max-time SECONDS (a budget for the whole command). Exit codes: 0 solved, 2 bad input or
    usage, 3 infeasible, 4 no solution within the limits or solver failure, 5 stopped at
    --max-time (what was completed is printed, the rest marked unfinished).

    \b
    Shell completion (commands, options, bundled problem names):
      bash: eval "$(_OPTIMIZER_COMPLETE=bash_source optimizer)"   # in ~/.bashrc
      zsh:  eval "$(_OPTIMIZER_COMPLETE=zsh_source optimizer)"    # in ~/.zshrc
      fish: _OPTIMIZER_COMPLETE=fish_source optimizer | source    # in config.fish
    """


NUMERIC_COMMANDS = frozenset(LAZY_COMMANDS) - {"validate", "problems", "solvers", "schema"}


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
    # NumPy's RuntimeWarnings (an overflow on an extreme input, 0/0) name source lines, not
    # the user's items; every number they touch is checked after (a coefficient of 1e15 or
    # more is refused naming its item, every package is verified), so the console keeps to
    # one line per error. ``python -W`` still shows them.
    if not sys.warnoptions:
        import warnings

        warnings.filterwarnings("ignore", category=RuntimeWarning)
    if _solves(sys.argv[1:]):
        import highspy  # noqa: F401
        import scipy.sparse  # noqa: F401
    try:
        cli(prog_name="optimizer")
    except SystemExit as e:
        _leave_abandoned_runs(e.code)
        raise


def _leave_abandoned_runs(code) -> None:
    """Exit at once past a HiGHS run abandoned at a limit (HiGHS polls no interrupt in some
    phases, see ``solvers.highs_run``): tearing its threads down at exit would abort."""
    run = sys.modules.get("solvers.highs_run")
    if run is not None and run.busy():
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
