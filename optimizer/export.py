"""Write a ``MatrixModel`` as MPS or LP through HiGHS' own writers.

HiGHS writes the objective sense into the file (``OBJSENSE MAX`` in MPS, ``maximize`` in LP),
so a maximisation read back by HiGHS, CBC or a commercial solver stays a maximisation.
Column and row names are made readable and unique (MPS names cannot contain spaces).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import InputError

_BAD = re.compile(r"[^A-Za-z0-9_.@\-]")


def _clean(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        base = _BAD.sub("_", n)[:200] or "x"
        k = seen.get(base, 0)
        seen[base] = k + 1
        out.append(base if k == 0 else f"{base}#{k}")
    return out


def write_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path``; the format follows the suffix (.mps or .lp)."""
    from solvers import SolveOptions
    from solvers.highs import load_highs

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".mps", ".lp"):
        raise InputError(
            f"unknown model file type '{suffix}'; allowed: .mps, .lp", where=str(target)
        )
    h = load_highs(model, SolveOptions())
    for j, name in enumerate(_clean(model.col_names())):
        h.passColName(j, name)
    for i, name in enumerate(
        _clean([f"{k}_{lab}" for k, lab in zip(model.row_kind, model.row_label, strict=True)])
    ):
        h.passRowName(i, name)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        h.writeModel(tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
