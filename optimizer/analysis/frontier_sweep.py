"""The frontier's independent solves on an executor: the two Pareto fronts (expected value
against total use, and against CVaR) each run as one task while this process walks the
capacity range.

Each front loads its own augmented model (``frontier_fronts``) and reads nothing of the
capacity walk's solves, so a front computed on a worker is the one computed here: the result
is the same for any number of workers. The capacity walk stays in this process: each of its
solves starts where the previous package's threshold ends, so it is sequential by nature.
With a ``--max-time`` budget each task gets the wall-clock deadline and stops by it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from solvers.deadline import budget, expired, remaining

from ..errors import SolverError

GRACE = 2.0  # seconds past the deadline to wait for a front


@dataclass
class _FrontSession:
    """What a front reads of a session: the problem, its model, the solver and its settings
    (no base solve is needed)."""

    spec: Any
    model: Any
    lm: Any
    options: Any
    sigma: float
    tol_v: float


def front_task(spec, solver, options, which, arg, tolerance, max_points, deadline=None):
    """One front (``which``: ``"use"`` with ``arg`` the resource, or ``"cvar"`` with ``arg``
    ALPHA) in a worker: ``(front, note)``."""
    from ..compile import compile_spec
    from .frontier_fronts import cvar_front, use_front
    from .sensitivity_params import _spread

    left = None if deadline is None else max(0.0, deadline - time.time())
    with budget(left):
        model = compile_spec(spec)
        sigma = 1.0 if model.maximize else -1.0
        ses = _FrontSession(
            spec, model, SimpleNamespace(solver_name=solver), options, sigma, 1e-9 * _spread(model)
        )
        kw = dict(tolerance=tolerance, max_points=max_points)
        try:
            if which == "use":
                return use_front(ses, arg, **kw), ""
            return cvar_front(ses, arg, **kw)
        except SolverError:  # a solve cut short by the budget: the front is unfinished
            if not expired():
                raise
            return None, ""


def start_fronts(
    ses, resource: str, *, tolerance, max_points: int, cvar_alpha, executor
) -> Callable[[], tuple[Any, Any, str]]:
    """Submit the fronts to ``executor`` now; the function returned waits for them and gives
    ``(use_front, cvar_front, note)`` (``None`` for a front not back by the deadline)."""
    left = remaining()
    deadline = None if left is None else time.time() + left
    solver = ses.lm.solver_name or "highs"
    common = (ses.spec, solver, ses.options)
    futures = [
        executor.submit(front_task, *common, "use", resource, tolerance, max_points, deadline)
    ]
    if cvar_alpha is not None:
        futures.append(
            executor.submit(
                front_task, *common, "cvar", cvar_alpha, tolerance, max_points, deadline
            )
        )

    def collect() -> tuple[Any, Any, str]:
        left = remaining()
        finished, _ = wait(futures, None if left is None else left + GRACE)
        out = []
        for f in futures:
            if f in finished:
                out.append(f.result())  # an error in a front is the frontier's error
            else:
                f.cancel()
                out.append((None, ""))
        use = out[0][0]
        cvar, note = out[1] if len(out) > 1 else (None, "")
        return use, cvar, note

    return collect
