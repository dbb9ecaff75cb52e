"""``--workers N`` and ``--scheduler ADDRESS``: the options of the commands whose solves run
on an executor (``optimizer.executors``): montecarlo, sensitivity and frontier."""

from __future__ import annotations

import click


def worker_options(default: int | None = 1, workers_help: str = "", scheduler_help: str = ""):
    """Add ``--workers`` and ``--scheduler`` (passed to the command as ``workers`` and
    ``scheduler``); ``default`` is the worker count when neither is given."""
    shown = default is not None

    def deco(fn):
        fn = click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            default=None,
            help=scheduler_help
            or "Run on an existing Dask cluster (needs the 'distributed' extra); a bad or "
            "unreachable address exits with code 2.",
        )(fn)
        return click.option(
            "--workers",
            type=click.IntRange(1, 512),
            default=default,
            show_default=shown,
            help=workers_help or "Local worker processes (1: in this process).",
        )(fn)

    return deco


def check_workers(workers: int | None, scheduler: str | None) -> None:
    """A usage error for ``--workers`` with ``--scheduler``, or an address of the wrong form
    (before the problem is read)."""
    from ..errors import InputError
    from ..executors import check_scheduler

    if scheduler is not None and workers not in (None, 1):
        raise InputError("give --workers or --scheduler, not both", where="--scheduler")
    if scheduler is not None:
        check_scheduler(scheduler)


def executor(workers: int | None, scheduler: str | None):
    """The executor context for the options given (``optimizer.executors.open_executor``)."""
    from ..executors import open_executor

    return open_executor(workers, scheduler)


def wants_sweep(workers: int | None, scheduler: str | None) -> bool:
    """Whether the command was asked to run its solves on an executor."""
    return workers is not None or scheduler is not None
