"""A time budget for a whole command: one deadline that every solve inside it honours.

``with budget(seconds):`` sets a deadline (a context variable, so threads and nested calls
started inside see it); ``cap(time_limit)`` is the time limit a solve may use under it (the
smaller of its own and what is left), ``expired()`` tells an analysis loop to stop between
solves. Without a budget nothing changes: ``cap`` returns the time limit it is given.

The HiGHS back end applies ``cap`` in ``run_loaded``, so every solve and re-solve made
under a budget stops by the deadline (its watchdog included).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "optimizer_deadline", default=None
)


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Everything inside must finish within ``seconds`` (``None``: no budget); a budget
    inside another never extends the outer one."""
    if seconds is None:
        yield
        return
    end = time.perf_counter() + float(seconds)
    outer = _DEADLINE.get()
    token = _DEADLINE.set(end if outer is None else min(end, outer))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left under the budget (0 when spent), ``None`` without one."""
    end = _DEADLINE.get()
    return None if end is None else max(0.0, end - time.perf_counter())


def expired() -> bool:
    """Whether a budget is set and spent."""
    left = remaining()
    return left is not None and left <= 0.0


def cap(time_limit: float | None) -> float | None:
    """``time_limit`` capped by what is left of the budget."""
    left = remaining()
    if left is None:
        return time_limit
    return left if time_limit is None else min(float(time_limit), left)


__all__ = ["budget", "cap", "expired", "remaining"]
