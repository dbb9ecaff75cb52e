"""The Python API: load a problem, solve it, get a verified ``Solution``.

A facade over the engine: the solve path itself lives in ``optimizer.engine`` (which the
analyses use); nothing inside the package imports this module.

>>> import optimizer
>>> problem = optimizer.load("capital-budgeting")
>>> sol = optimizer.solve(problem)
>>> sol.status
'optimal'
"""

from __future__ import annotations

import os
from typing import Any

from .engine import choose_solver, compile, finish, solve, unbounded_text
from .spec import ProblemSpec
from .spec import load as _load

__all__ = ["choose_solver", "compile", "finish", "load", "solve", "unbounded_text"]


def load(name_or_path: str | os.PathLike, **kwargs: Any) -> ProblemSpec:
    """A bundled problem by name, or a problem file by path (see ``optimizer.spec.load``)."""
    return _load(name_or_path, **kwargs)
