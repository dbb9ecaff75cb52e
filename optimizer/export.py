"""Write a ``MatrixModel`` as MPS or LP through HiGHS' own writers.

HiGHS writes the objective sense into the file (``OBJSENSE MAX`` in MPS, ``max`` in LP), so a
maximisation read back by HiGHS, Gurobi, CPLEX, SCIP or Xpress stays a maximisation. CBC
(2.10, the version PuLP bundles) reads the LP file with its sense but ignores the OBJSENSE
section of an MPS file: run it as ``cbc model.mps -max -solve``, or give it the LP file.

Names are made portable and unique: MPS names cannot contain spaces, and in LP files a name
may not contain ``-`` (read as minus) nor start with a digit, a period or ``e`` + digit. The LP
file's integrality sections are written with their long keywords (``binaries``,
``generals``), which every LP reader knows (CBC does not know HiGHS' short ``bin``/``gen``).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import InputError

_BAD = re.compile(r"[^A-Za-z0-9_.@]")
_BAD_START = re.compile(r"^(?:[0-9.]|[eE][0-9eE])")
_LP_SECTIONS = {"bin": "binaries", "gen": "generals", "semi": "semi-continuous"}


def _clean(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        base = _BAD.sub("_", n)[:200] or "x"
        if _BAD_START.match(base):
            base = "_" + base
        name, k = base, 1
        while name in seen:
            name = f"{base}_{k}"
            k += 1
        seen.add(name)
        out.append(name)
    return out


def _portable_lp(text: str) -> str:
    """HiGHS' LP text with long section keywords and without empty sections."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        key = line.strip()
        if key in _LP_SECTIONS and line == key:
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if not following.startswith(" "):
                continue  # an empty section
            line = _LP_SECTIONS[key]
        out.append(line)
    return "\n".join(out)


def write_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path``; the format follows the suffix (.mps or .lp)."""
    from solvers import SolveOptions
    from solvers.highs import load_highs
    from solvers.stdio import solver_output

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
        with solver_output():
            h.writeModel(tmp)
        if suffix == ".lp":
            with open(tmp, encoding="utf-8") as f:
                text = _portable_lp(f.read())
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
