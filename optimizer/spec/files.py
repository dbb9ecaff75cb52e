"""What kind of file a path names, and opening input files that are regular files only.

A problem file or CSV table is read whole; a named pipe without a writer would make ``open``
wait forever and a device may never end, so anything but a regular file is refused, first by
``os.stat`` before opening, then by ``fstat`` on the opened file (the path may change between).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from ..errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    """``"a regular file"``, ``"a directory"``, ``"a named pipe (FIFO)"``... for ``st_mode``."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def _refuse(mode: int, where: str, what: str) -> InputError:
    if stat.S_ISDIR(mode):
        return InputError(f"is a directory, not a {what}", where=where)
    return InputError(f"is {kind(mode)}, not a regular file", where=where)


def open_regular(path: str | os.PathLike, *, where: str, what: str = "problem file") -> BinaryIO:
    """Open ``path`` for reading in binary mode if it is a regular file (links followed).

    Raises ``InputError`` naming ``where`` for anything else; ``OSError`` (missing file,
    permission) is left to the caller.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _refuse(mode, where, what)
    # O_NONBLOCK: should the path have become a named pipe since the stat, open returns at once
    f = open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK))  # noqa: SIM115
    try:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(mode, where, what)
        os.set_blocking(f.fileno(), True)
        return f
    except BaseException:
        f.close()
        raise
