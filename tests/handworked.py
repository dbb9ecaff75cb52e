"""Hand-worked small problems shared by the relation and time tests: write, load, solve."""

from __future__ import annotations

import textwrap
from pathlib import Path

import optimizer


def solve(tmp_path: Path, text: str, solver: str, sets=(), name: str = "problem.toml"):
    """Write ``text`` (dedented) as a problem file, load it with ``--set`` overrides, solve."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    spec = optimizer.load(path, overrides=list(sets))
    return optimizer.solve(spec, solver=solver)


def package(sol) -> set[str]:
    """The chosen columns as ``commitment.option`` strings."""
    return {str(c) for c in sol.chosen}
