"""The executors sweeps run on: a local process pool (``--workers N``), a Dask cluster
(``--scheduler ADDRESS``), or this process (one worker).

``open_executor`` yields ``(executor, workers)``: a ``concurrent.futures``-compatible executor
(``None`` in this process) and the number of workers it offers. Monte Carlo, sensitivity and
frontier take that executor; how their work is cut never depends on it, so their results are
the same for any worker count. Dask is imported only when a scheduler is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import InputError

# A Dask scheduler address: [PROTOCOL://]HOST:PORT, HOST a name, an IPv4 or a [bracketed] IPv6
_SCHEDULER = re.compile(
    r"^(?:(?P<proto>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d+)$"
)
SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss")
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler


def check_scheduler(address: str) -> None:
    """An ``InputError`` unless ``address`` has the form of a Dask scheduler's address."""
    from .spec.parse import describe

    m = _SCHEDULER.match(address.strip())
    example = "expected an address such as tcp://10.0.0.5:8786"
    if m is None:
        raise InputError(f"{example}, got {describe(address)}", where="--scheduler")
    proto = m.group("proto")
    if proto is not None and proto not in SCHEDULER_PROTOCOLS:
        raise InputError(
            f"unknown protocol '{proto}'; allowed: {', '.join(SCHEDULER_PROTOCOLS)}",
            where="--scheduler",
        )
    if not 0 < int(m.group("port")) < 65536:
        raise InputError(f"{example}: port {m.group('port')} is out of range", where="--scheduler")


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops them cleanly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _dask_client(address: str, timeout: float):
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "--scheduler needs the 'distributed' package: pip install "
            "'commitment-optimizer[distributed]'",
            where="--scheduler",
        ) from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, ValueError, TypeError) as e:
        raise InputError(f"cannot reach the scheduler: {e}", where="--scheduler") from None


@contextmanager
def open_executor(
    workers: int | None = 1, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[tuple[object | None, int]]:
    """``(executor, workers)`` for the block: a Dask ``client.get_executor()`` when
    ``scheduler`` is given (workers: the cluster's threads), a spawned process pool for
    ``workers`` > 1, ``None`` (this process) for one worker. Shut down on leaving."""
    if scheduler is not None and workers not in (None, 1):
        raise InputError("give --workers or --scheduler, not both", where="--scheduler")
    if scheduler is not None:
        check_scheduler(scheduler)
        client = _dask_client(scheduler, timeout)
        try:
            executor = client.get_executor()
            try:
                yield executor, max(1, sum(client.nthreads().values()))
            finally:
                executor.shutdown(wait=True)  # a Dask executor has no cancel_futures
        finally:
            client.close()
        return
    n = workers or 1
    if n <= 1:
        yield None, 1
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(
        n, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
    )
    try:
        yield executor, n
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


__all__ = ["SCHEDULER_PROTOCOLS", "check_scheduler", "open_executor"]
