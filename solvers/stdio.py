"""Keep what solver libraries print off standard output, at the file-descriptor level.

Solver libraries write from C/C++ straight to file descriptor 1, past Python's ``sys.stdout``:
highspy >= 1.12 prints a banner when ``Highs()`` is constructed, before any option can be
set, and a solver's log (``-v``) goes there too, as does the output of a solver program that
PuLP starts as a child process. Standard output belongs to the command's own result (JSON,
CSV, tables), so every call into a solver library runs inside ``solver_output(verbose)``:
descriptor 1 points at descriptor 2 (``verbose``: the solver's log is wanted) or at the null
device for the duration, and C's stdio buffers are flushed before it is put back, so nothing
the library buffered reaches standard output later. Without ``verbose`` standard error stays
the command's own too (one line for an error), so the banner is dropped.

The redirection is process-wide, so it is counted: nested and concurrent uses (threads) share
one redirection, made by the first to enter and undone by the last to leave.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_saved_fd: int | None = None


@functools.cache
def _libc():
    import ctypes

    try:
        return ctypes.CDLL(None)
    except OSError:  # no C library to call (not expected on POSIX)
        return None


def _flush_c_stdio() -> None:
    """``fflush(NULL)``: push out whatever C's stdio holds for any stream."""
    libc = _libc()
    if libc is not None:
        libc.fflush(None)


def _flush_python_stdout() -> None:
    for stream in (sys.stdout, sys.__stdout__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()


def _enter(verbose: bool) -> None:
    global _depth, _saved_fd
    with _lock:
        _depth += 1
        if _depth > 1:
            return
        _flush_python_stdout()
        try:
            saved = os.dup(1)
        except OSError:  # descriptor 1 is closed: nothing to protect
            return
        try:
            if not verbose:
                raise OSError
            os.dup2(2, 1)
        except OSError:  # not wanted, or descriptor 2 is closed: solver output goes nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)
        _saved_fd = saved


def _leave() -> None:
    global _depth, _saved_fd
    with _lock:
        _depth -= 1
        if _depth > 0 or _saved_fd is None:
            return
        _flush_c_stdio()
        os.dup2(_saved_fd, 1)
        os.close(_saved_fd)
        _saved_fd = None


def abandon() -> None:
    """A solver run was abandoned inside a redirection (``highs_run.run_interruptible``): its
    thread may never leave the block, so descriptor 1 may stay redirected to the end. Python's
    own standard output (``sys.stdout``: the command's result) is pointed at the original
    descriptor meanwhile, so the result still reaches it, while the solver's C writes keep
    going where the redirection sends them."""
    with _lock:
        if _saved_fd is None:
            return
        _flush_python_stdout()
        old = sys.stdout
        try:
            sys.stdout = open(  # noqa: SIM115 -- lives to the end of the process
                os.dup(_saved_fd),
                "w",
                encoding=getattr(old, "encoding", None) or "utf-8",
                errors=getattr(old, "errors", None) or "strict",
                closefd=True,
            )
        except OSError:
            return


@contextlib.contextmanager
def solver_output(verbose: bool = False) -> Iterator[None]:
    """Within the block, whatever is written to file descriptor 1 goes to descriptor 2 when
    ``verbose``, and nowhere otherwise. Nested blocks keep the outermost block's choice."""
    _enter(verbose)
    try:
        yield
    finally:
        _leave()
