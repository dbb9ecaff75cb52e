"""Running a loaded ``highspy.Highs`` so that the watchdog and Ctrl-C can stop it, cheaply.

Every HiGHS run happens in a worker thread while the caller's thread waits: the caller can
then interrupt it at the time limit (the watchdog) or on Ctrl-C. HiGHS keeps its task
scheduler per thread (a thread-local handle): the first run in a thread starts one, with its
worker threads, and the thread's end tears it down. A new thread per run therefore costs
several milliseconds -- more than a re-solve of a small MIP takes -- so the threads here are
kept: a thread that finishes a run waits for the next one. A thread's scheduler is fixed by
its first run (HiGHS refuses a later run that asks for another thread count), so idle
threads are kept per value of HiGHS' ``threads`` option.

HiGHS stops when an interrupt callback says so; highspy's ``cancelSolve`` does nothing unless
such callbacks are subscribed. The callback is subscribed once per ``Highs`` instance (not
per run) and reads that instance's stop flag, which each run clears first.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable

from .stdio import solver_output

ABANDON_AFTER_S = 2.0  # after the watchdog's interrupt, how long HiGHS may take to stop
MAX_IDLE = 4  # idle threads kept per thread count; more finish

_INTERRUPT_EVENTS = ("cbSimplexInterrupt", "cbIpmInterrupt", "cbMipInterrupt")


# ---- the threads ----------------------------------------------------------------------------


class _Job:
    __slots__ = ("done", "failure", "fn")

    def __init__(self, fn: Callable[[], object]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.failure: list[BaseException] = []


class _Runner:
    """A thread that runs one job at a time, handed to it through its queue."""

    def __init__(self, key) -> None:
        self.key = key
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="highs-run", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            _running.add(job)
            try:
                job.fn()
            except BaseException as e:  # handed to the waiting thread
                job.failure.append(e)
            _running.discard(job)
            # back among the idle threads before the waiting thread hears of it, so that
            # its next run finds this thread (and HiGHS' scheduler in it) free
            kept = _release(self)
            job.done.set()
            if not kept:
                return


_lock = threading.Lock()
_idle: dict[object, list[_Runner]] = {}
_running: set[_Job] = set()  # runs in progress, an abandoned one included


def busy() -> bool:
    """Whether a HiGHS run is still in progress (one abandoned at a limit, say)."""
    return bool(_running)


def _acquire(key) -> _Runner:
    with _lock:
        idle = _idle.get(key)
        if idle:
            return idle.pop()
    return _Runner(key)


def _release(r: _Runner) -> bool:
    with _lock:
        idle = _idle.setdefault(r.key, [])
        if len(idle) >= MAX_IDLE:
            return False
        idle.append(r)
        return True


def _after_fork() -> None:
    """A forked child has none of the parent's threads: start from an empty pool."""
    global _lock
    _lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_after_fork)


def idle_threads() -> int:
    """How many run threads are waiting for work (for tests and benchmarks)."""
    with _lock:
        return sum(len(v) for v in _idle.values())


def submit(fn: Callable[[], object], key=None) -> _Job:
    """Run ``fn()`` in a kept thread for ``key`` (HiGHS' thread count); wait on ``.done``."""
    job = _Job(fn)
    _acquire(key).jobs.put(job)
    return job


# ---- interrupts -----------------------------------------------------------------------------


def threads_key(h) -> object:
    """HiGHS' ``threads`` option of ``h`` (the scheduler a run needs), None if unreadable."""
    get = getattr(h, "getOptionValue", None)
    if get is None:
        return None
    try:
        value = get("threads")
    except Exception:  # not a Highs we can ask: any thread will do
        return None
    if isinstance(value, tuple):  # (status, value) from highspy 1.12 on
        value = value[-1]
    return int(value)


def stop_flag(h) -> threading.Event:
    """The stop flag of ``h``, cleared; the interrupt callback reading it is subscribed to
    ``h`` on the first call (highspy >= 1.8; an older one has no interrupt callbacks)."""
    flag = getattr(h, "_optimizer_stop", None)
    if flag is None:
        flag = threading.Event()

        def on_interrupt(event) -> None:
            if flag.is_set() and event.data_in is not None:
                event.data_in.user_interrupt = True  # event.interrupt() from highspy 1.11 on

        for name in _INTERRUPT_EVENTS:
            hook = getattr(h, name, None)
            if hasattr(hook, "subscribe"):
                hook.subscribe(on_interrupt)
        h._optimizer_stop = flag  # highspy's Highs is a Python class: it takes attributes
    flag.clear()
    return flag


def run_interruptible(h, deadline: float | None, verbose: bool = False) -> bool:
    """``h.run()`` in a kept worker thread while this thread waits, so that the watchdog
    (``deadline``, a ``time.perf_counter()`` value) and Ctrl-C can stop it.

    On Ctrl-C (``KeyboardInterrupt`` in this thread) the solve is stopped, waited for, and the
    ``KeyboardInterrupt`` raised again for the caller.

    HiGHS polls no interrupt callback in some phases (presolve of a large model): if it has
    not stopped ``ABANDON_AFTER_S`` after the watchdog's interrupt, the run is abandoned (its
    thread finishes on its own; ``h`` must not be used again) and ``False`` returned, so the
    time limit holds all the same.
    """
    stop = stop_flag(h)

    def work() -> None:
        with solver_output(verbose):  # the solver's log, with -v
            h.run()

    job = submit(work, threads_key(h))
    stopped_at = None
    try:
        while not job.done.wait(0.05):
            now = time.perf_counter()
            if deadline is not None and now > deadline:
                stop.set()  # the watchdog: HiGHS overran its own time limit
                deadline = None
                stopped_at = now
            if stopped_at is not None and now > stopped_at + ABANDON_AFTER_S:
                from .stdio import abandon

                abandon()  # the run's thread keeps descriptor 1 redirected: not the result
                return False
    except KeyboardInterrupt:
        stop.set()
        job.done.wait()
        raise
    if job.failure:
        raise job.failure[0]
    return True


__all__ = ["ABANDON_AFTER_S", "busy", "idle_threads", "run_interruptible", "stop_flag", "submit"]
