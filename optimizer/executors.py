"""The executors sweeps run on: a local process pool (``--workers N``), a Dask cluster
(``--scheduler ADDRESS``), or this process (one worker).

``open_executor`` yields ``(executor, workers)``: a ``concurrent.futures``-compatible executor
(``None`` in this process) and the number of workers it offers. Monte Carlo, sensitivity and
frontier take that executor; how their work is cut never depends on it, so their results are
the same for any worker count. Dask is imported only when a scheduler is given.

Ctrl-C: the workers ignore SIGINT (a terminal sends it to the whole process group) and leave it
to the main process, which stops the executor at once (``stop``) rather than waiting for the
work running: the work not started is cancelled, a process pool's workers get SIGTERM -- the
task running in each raises ``KeyboardInterrupt`` there, so its solve stops and removes its
child process and files -- and are killed if they have not exited within ``STOP_GRACE_S``.
A further Ctrl-C during that clean-up is ignored, so it always runs to the end.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from .errors import InputError

# A Dask scheduler address: [PROTOCOL://]HOST:PORT, HOST a name, an IPv4 or a [bracketed] IPv6
_SCHEDULER = re.compile(
    r"^(?:(?P<proto>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d+)$"
)
SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss")
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler
STOP_GRACE_S = 1.5  # seconds a stopped worker has to end its task and exit before it is killed
CLOSE_TIMEOUT = 5  # seconds to close a Dask client once its work is stopped
WORKER_WAIT = 30  # seconds for a worker to join a scheduler that has none


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


# ---- in a pool's worker process --------------------------------------------------------------
_running = False  # a task is running in this worker
_stopping = False  # the pool is being stopped (SIGTERM): no task runs any more


def _worker_init() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (SIGTERM, ``stop``)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_stop)


def _on_stop(signum, frame) -> None:
    """SIGTERM (from ``stop``): the running task ends as on Ctrl-C (its solve stops and
    removes its child process and files) and no other starts; the worker then exits when the
    pool sends it its end, or ``STOP_GRACE_S`` later at the latest (its main process gone)."""
    global _stopping
    if not _stopping:
        import os
        import threading

        _stopping = True
        timer = threading.Timer(STOP_GRACE_S, os._exit, (1,))
        timer.daemon = True
        timer.start()
    if _running:
        raise KeyboardInterrupt


def _run_task(fn, /, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker, ended by the pool's stop (``_on_stop``)."""
    global _running
    _running = True
    try:
        if _stopping:  # a task already queued when the stop came
            raise KeyboardInterrupt
        return fn(*args, **kwargs)
    finally:
        _running = False


def _process_pool(n: int):
    """A spawned pool of ``n`` worker processes, whose tasks a stop ends (``_run_task``)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    class Pool(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            return super().submit(_run_task, fn, *args, **kwargs)

    return Pool(n, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)


# ---- in the main process ------------------------------------------------------------------------
@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored during the block (only the main thread can set it; elsewhere nothing)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


@contextmanager
def _sigint_seen() -> Iterator[list[bool]]:
    """A list that is not empty once SIGINT has reached this process during the block; the
    handler in place still runs (by default: ``KeyboardInterrupt``), so a block that catches
    the interrupt (Monte Carlo keeps the draws done) is still known to have had one. Watched
    only from the main thread, under a Python handler."""
    import signal
    import threading

    seen: list[bool] = []
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None
    if not callable(previous):
        yield seen
        return

    def note(signum, frame):
        seen.append(True)
        previous(signum, frame)

    signal.signal(signal.SIGINT, note)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, previous)


def _shutdown(executor, wait: bool) -> None:
    """``executor.shutdown``, its queued work cancelled (a Dask executor has no
    ``cancel_futures``: without waiting, it cancels all)."""
    try:
        executor.shutdown(wait=wait, cancel_futures=True)
    except TypeError:
        executor.shutdown(wait=wait)


def _end_processes(processes: list, grace: float = STOP_GRACE_S) -> None:
    """SIGTERM to ``processes`` (``multiprocessing`` processes), SIGKILL to those still
    running ``grace`` seconds later; returns once all have exited (or another grace passed)."""
    from multiprocessing.connection import wait

    left = {}
    for p in processes:
        try:
            left[p.sentinel] = p
        except ValueError:  # already closed
            continue
    for end in ("terminate", "kill"):
        for p in left.values():
            getattr(p, end)()
        until = time.monotonic() + grace
        while left and (t := until - time.monotonic()) > 0:
            for sentinel in wait(list(left), t):
                left.pop(sentinel)
        if not left:
            return


def stop(executor) -> None:
    """Stop ``executor`` now, further Ctrl-C ignored meanwhile: the work not started is
    cancelled and the running work is not waited for -- a process pool's workers end it and
    exit (SIGTERM; killed after ``STOP_GRACE_S``), a Dask executor cancels it."""
    with _sigint_ignored():
        processes = list((getattr(executor, "_processes", None) or {}).values())
        try:
            _shutdown(executor, wait=False)
        finally:
            _end_processes(processes)


@contextmanager
def _shut_down_on_leaving(executor) -> Iterator[None]:
    """Shut ``executor`` down when the block ends: once the work sent is done after a normal
    end; at once (``stop``) after an exception, or after a Ctrl-C even if the block caught
    it."""
    with _sigint_seen() as interrupted:
        try:
            yield
        except BaseException:
            stop(executor)
            raise
    if interrupted:
        stop(executor)
        return
    try:
        _shutdown(executor, wait=True)
    except BaseException:  # Ctrl-C while the last work ends
        stop(executor)
        raise


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


def _wait_for_a_worker(client, address: str) -> None:
    """A scheduler with no worker would hold the work forever: wait up to ``WORKER_WAIT`` (or
    what is left of --max-time) for one to join, else a one-line error (exit 2)."""
    from solvers.deadline import cap

    if client.nthreads():
        return
    wait = max(0.5, cap(WORKER_WAIT))
    try:
        client.wait_for_workers(1, timeout=wait)
    except (TimeoutError, OSError):
        raise InputError(
            f"the scheduler at {address} has no workers (none joined within {wait:.3g} s): "
            "start one with 'dask worker ADDRESS'",
            where="--scheduler",
        ) from None


@contextmanager
def open_executor(
    workers: int | None = 1, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[tuple[object | None, int]]:
    """``(executor, workers)`` for the block: a Dask ``client.get_executor()`` when
    ``scheduler`` is given (workers: the cluster's threads), a spawned process pool for
    ``workers`` > 1, ``None`` (this process) for one worker. Shut down on leaving: once the
    work sent is done, or at once after an exception or a Ctrl-C (``stop``)."""
    if scheduler is not None and workers not in (None, 1):
        raise InputError("give --workers or --scheduler, not both", where="--scheduler")
    if scheduler is not None:
        from solvers.deadline import cap

        check_scheduler(scheduler)
        client = _dask_client(scheduler, max(0.5, cap(timeout)))  # within --max-time too
        try:
            _wait_for_a_worker(client, scheduler)
            executor = client.get_executor()
            with _shut_down_on_leaving(executor):
                yield executor, max(1, sum(client.nthreads().values()))
        finally:
            # the scheduler gone: nothing more to close
            with _sigint_ignored(), suppress(OSError, TimeoutError):
                client.close(timeout=CLOSE_TIMEOUT)
        return
    n = workers or 1
    if n <= 1:
        yield None, 1
        return
    executor = _process_pool(n)
    with _shut_down_on_leaving(executor):
        yield executor, n


__all__ = ["SCHEDULER_PROTOCOLS", "STOP_GRACE_S", "check_scheduler", "open_executor", "stop"]
