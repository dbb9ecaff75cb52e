"""What a benchmark set names, read into ``Instance`` objects: bundled problems, problem files,
MPS/LP files, OR-Library knapsack files, folders (with an ``optima.csv``)."""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

PROBLEM_SUFFIXES = (".toml", ".json")
ORLIB_SUFFIXES = (".txt", ".dat")
MATCH_TOL = 1e-6  # relative difference at which an objective matches a known value
# mknapcbK file -> prefix of its rows in mknapcb_best_feasible_slns.txt
MKNAPCB_PREFIX = {
    1: "5.100-",
    2: "5.250-",
    3: "5.500-",
    4: "10.100-",
    5: "10.250-",
    6: "10.500-",
    7: "30.100-",
    8: "30.250-",
    9: "30.500-",
}


@dataclass(frozen=True)
class Instance:
    """One benchmark instance: how to build its model, and the known answer if any."""

    name: str
    source: str
    kind: str  # "problem" | "orlib" | "mps"
    known: float | None = None
    known_kind: str = ""  # "optimum" | "best_known"
    build: Callable[[], tuple[Any, Any]] = field(default=None, repr=False, compare=False)

    def load(self) -> tuple[Any, Any, float]:
        """``(spec or None, model, seconds to build the model)``."""
        t0 = time.perf_counter()
        spec, model = self.build()
        return spec, model, time.perf_counter() - t0


def _spec_instance(spec, source: str, known=None, known_kind="", kind="problem") -> Instance:
    def build():
        from ..compile import compile_spec

        return spec, compile_spec(spec)

    return Instance(spec.name, source, kind, known, known_kind, build)


def _file_instance(path: Path, known=None) -> Instance:
    def build():
        from ..mpsio import read_model

        return None, read_model(path)

    name = path.name.split(".")[0]
    return Instance(name, str(path), "mps", known, "optimum" if known is not None else "", build)


def _orlib_kind(path: Path) -> str | None:
    """``"mknap2"``, ``"mknap1"`` (also mknapcb) or None when the file is neither."""
    try:
        head = path.read_text(errors="replace")[:20000]
    except OSError:
        return None
    if re.search(r"^\s*problem\s+\S+", head, flags=re.M | re.I):
        return "mknap2"
    tokens = head.split()[:4]
    if len(tokens) >= 4 and all(re.fullmatch(r"[0-9.]+", t) for t in tokens):
        return "mknap1"
    return None


def _orlib_instances(path: Path) -> list[Instance]:
    from problems.orlib import read_best_known, read_mknap1, read_mknap2

    kind = _orlib_kind(path)
    if kind is None:
        raise InputError(
            "not an OR-Library knapsack file (mknap1/mknapcb or mknap2 format)", where=str(path)
        )
    items = read_mknap2(path) if kind == "mknap2" else read_mknap1(path)
    best: dict[int, float] = {}
    m = re.fullmatch(r"mknapcb(\d+)", path.stem)
    if m and int(m.group(1)) in MKNAPCB_PREFIX:
        table = path.parent / "mknapcb_best_feasible_slns.txt"
        if table.is_file():
            best = read_best_known(table, MKNAPCB_PREFIX[int(m.group(1))])
    out = []
    for i, inst in enumerate(items):
        known, kk = inst.optimum, "optimum" if inst.optimum is not None else ""
        if known is None and i in best:
            known, kk = best[i], "best_known"
        out.append(_spec_instance(inst.to_spec(), str(path), known, kk, kind="orlib"))
    return out


def read_optima(path: Path) -> dict[str, float]:
    """``name -> optimal objective`` from an ``optima.csv`` (columns name, optimal_objective)."""
    out: dict[str, float] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                out[row["name"].strip()] = float(row["optimal_objective"])
            except (KeyError, TypeError, ValueError):
                continue
    return out


def discover(target: str | os.PathLike, *, select: Sequence[str] = (), first: int | None = None):
    """The instances named by ``target`` (see the module docstring), filtered by ``select``
    (names or ``fnmatch`` patterns) and cut to the ``first`` few."""
    import fnmatch

    from ..mpsio import is_model_file

    text = os.fspath(target)
    p = Path(text)
    instances: list[Instance] = []
    if p.is_dir():
        optima = read_optima(p / "optima.csv") if (p / "optima.csv").is_file() else {}
        for f in sorted(p.iterdir()):
            if f.name.startswith(".") or not f.is_file():
                continue
            if is_model_file(f):
                instances.append(_file_instance(f, optima.get(f.name.split(".")[0])))
            elif f.suffix.lower() in PROBLEM_SUFFIXES:
                instances.append(_problem_instance(str(f)))
            elif f.suffix.lower() in ORLIB_SUFFIXES and _orlib_kind(f):
                instances.extend(_orlib_instances(f))
        if not instances:
            raise InputError("no problem, MPS/LP or OR-Library files in this folder", where=text)
    elif p.is_file() and is_model_file(p):
        optima_csv = p.parent / "optima.csv"
        optima = read_optima(optima_csv) if optima_csv.is_file() else {}
        instances.append(_file_instance(p, optima.get(p.name.split(".")[0])))
    elif p.is_file() and p.suffix.lower() not in PROBLEM_SUFFIXES:
        instances.extend(_orlib_instances(p))
    else:
        instances.append(_problem_instance(text))
    if select:
        pats = [s.strip() for s in select if s.strip()]
        instances = [i for i in instances if any(fnmatch.fnmatch(i.name, s) for s in pats)]
        if not instances:
            raise InputError(f"no instance matches {', '.join(pats)}", where=text)
    if first is not None:
        instances = instances[:first]
    return instances


def _problem_instance(name_or_path: str) -> Instance:
    from ..spec import load

    return _spec_instance(load(name_or_path), name_or_path)
