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
from pathlib import Path

from .errors import InputError, OutputError

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


def write_model(model, path: str | os.PathLike, fmt: str | None = None) -> None:
    """Write ``model`` to ``path`` as ``fmt`` ("mps" or "lp"), by default as its suffix says
    (.mps or .lp): ``export --mps /dev/stdout`` names the format by its option.

    HiGHS writes the file in a temporary folder; it must end as its format does before
    ``atomic_write`` puts it in place. Raises
    ``OutputError`` (exit 2) otherwise: nothing is left at ``path`` nor in the folder."""
    import highspy

    from solvers import SolveOptions
    from solvers.highs import load_highs
    from solvers.stdio import solver_output

    from .report.output import atomic_write, capture

    target = Path(path)
    suffix = f".{fmt}" if fmt else target.suffix.lower()
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

    def write(tmp: str) -> bool:
        with solver_output():
            return h.writeModel(tmp) != highspy.HighsStatus.kError

    # HiGHS does not check its writes (a full disk leaves a cut file and a kOk status): the
    # file must end as its format does (ENDATA, end), which a cut file cannot
    data, ok = capture(write, f"model{suffix}")
    text = data.decode("utf-8", errors="replace")
    last = text.rstrip().rsplit("\n", 1)[-1].strip().lower()
    if not ok or last != ("endata" if suffix == ".mps" else "end"):
        raise OutputError(
            "cannot write the output: HiGHS' model file in the temporary folder came out "
            "incomplete (disk full?)",
            where=str(path),
        )
    atomic_write(path, _portable_lp(text) if suffix == ".lp" else data)
