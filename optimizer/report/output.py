"""Writing the user's output files whole, or not at all; every file the engine writes goes here.

``atomic_write(path, data)`` writes a temporary file beside the target, checks that every byte
reached the disk (each ``write`` counted, ``fsync``, the size read back), then renames it over
the target: a run that fails or is killed half-way leaves the old file intact (or none), never
a partial one, and no temporary file. What the path names decides the rest:

* a symbolic link: the file it points to is replaced; the link stays a link;
* a character device or a named pipe (``/dev/stdout``, ``/dev/null``, a FIFO a reader is
  waiting on): written directly, like a stream, and a failed write is an error;
* a directory or another special file: refused.

Any failure raises ``OutputError`` (exit 2) naming the file, in one line. New files get the
usual permissions (``0666`` less the umask), like any file a user writes.

``capture(write, name)`` runs a library's writer that only takes a path (highspy's
``writeModel``) in a private temporary folder and returns the bytes, for the caller to check
and hand to ``atomic_write``; ``save_figure`` saves a Matplotlib figure through memory.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError

__all__ = ["OutputError", "atomic_write", "capture", "save_figure"]


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path`` whole, or raise ``OutputError``."""
    where = os.fspath(path)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        try:
            mode = os.stat(where).st_mode  # links followed
        except FileNotFoundError:
            mode = None  # a new file (or a link to one)
        if mode is not None and not stat.S_ISREG(mode):
            if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
                if _write_stream(where, raw):
                    return
            else:
                from ..spec.files import kind

                raise OutputError(f"cannot write the output: it is {kind(mode)}", where=where)
        _replace(Path(os.path.realpath(where)), raw)
    except OSError as e:
        raise OutputError(f"cannot write the output: {e.strerror or e}", where=where) from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(f"the write stopped with {len(view)} bytes left")
        view = view[n:]


def _write_stream(path: str, data: bytes) -> bool:
    """Write ``data`` to a device or named pipe; False when ``path`` turned out to be a
    regular file by the time it was opened (the caller then replaces it as usual)."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            return False
        _write_all(fd, data)
        return True
    finally:
        os.close(fd)


def _replace(target: Path, data: bytes) -> None:
    """A temporary file beside ``target``, checked, then renamed over it."""
    directory = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".tmp", dir=directory)
    try:
        mask = os.umask(0)  # mkstemp makes 0600 files; give the usual permissions instead
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        _write_all(fd, data)
        os.fsync(fd)
        size = os.fstat(fd).st_size
        if size != len(data):
            raise OSError(f"only {size} of {len(data)} bytes reached the disk")
        closing, fd = fd, -1
        os.close(closing)  # a network file system may report a failed write only here
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable, where supported
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def capture(write: Callable[[str], object], name: str) -> tuple[bytes, object]:
    """Call ``write(path)`` for a library that writes only to a path; return the bytes it
    wrote and what ``write`` returned. ``name`` is the file name the library sees (its suffix
    may choose the format). The path is in a private temporary folder, removed afterwards.

    A library may ignore its own write errors (HiGHS does): the caller checks that the bytes
    are complete before handing them to ``atomic_write``."""
    with tempfile.TemporaryDirectory(prefix="optimizer-") as folder:
        path = os.path.join(folder, name)
        result = write(path)
        with open(path, "rb") as f:
            return f.read(), result


def save_figure(fig, path: str | os.PathLike, **options) -> None:
    """Save a Matplotlib figure through ``atomic_write`` (the format follows the suffix) and
    close it: whole, or an ``OutputError``."""
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fmt = Path(path).suffix.lower().lstrip(".") or "png"
    try:
        fig.savefig(buf, format=fmt, **options)
    finally:
        plt.close(fig)
    atomic_write(path, buf.getvalue())
