"""Preparing a Monte Carlo run: the draws, the independent check's plan, the point-value solve
and the context each chunk of draws is sent with (linear path or exact path)."""

from __future__ import annotations

import uuid
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import numpy as np

from .check import fresh_solve
from .drawn import Drawn
from .exact import ExactContext, run_exact_chunk
from .linear import LinearModel, linearize
from .splitenum import SplitEnumerator
from .worker import Context, run_chunk, warm_up


@dataclass(eq=False)
class Sampled:
    """The draws, the draws the independent check re-solves (``plan``) and their fresh
    solves already submitted to the executor (``fresh``)."""

    draws: object
    plan: list[int]
    fresh: dict[int, Future]


def sample(spec, n: int, seed: int, executor: Executor | None, workers: int, verify: int):
    """Draw every input up front; with an executor, start the workers' imports and the fresh
    solves of the independent check now, on workers that would otherwise wait for the set-up."""
    from ...spec.uncertain import sample_inputs

    if executor is not None:  # start the workers' imports now, alongside the set-up here
        for _ in range(max(1, workers)):
            executor.submit(warm_up)
    draws = sample_inputs(spec, n, seed)
    # The independent check: draws evenly spaced over the run. With an executor their fresh
    # solves start now, on workers that would otherwise wait for the set-up here.
    plan: list[int] = []
    if verify > 0:
        plan = np.unique(np.linspace(0, n - 1, min(verify, n)).round().astype(int)).tolist()
    fresh: dict[int, Future] = {}
    if executor is not None:
        for d in plan:
            fresh[d] = executor.submit(fresh_solve, spec, d, draws.locations(spec, d))
    return Sampled(draws, plan, fresh)


@dataclass(eq=False)
class Setup:
    """What the run needs: the point-value model and package, the per-draw deltas and odds,
    and the context of a chunk (``ectx`` on the exact path, ``ctx`` on the linear one)."""

    spec: object
    draws: object
    exact: bool
    lm: LinearModel | None
    base: object
    base_sol: object
    base_x: np.ndarray
    deltas: np.ndarray
    probs: np.ndarray
    recourse: bool
    ectx: ExactContext | None = None
    ctx: Context | None = None
    drawn: Drawn | None = None
    by_enum: bool = False

    def job(self, idx, pool, lp_mode, anchors) -> tuple:
        """The function and arguments that solve the draws ``idx``."""
        if self.exact:
            locations = [self.draws.locations(self.spec, d) for d in idx]
            return run_exact_chunk, (self.ectx, idx, locations)
        args = (self.deltas[idx], self.probs[idx], pool, lp_mode, anchors)
        return run_chunk, (self.ctx, idx, *args)


def prepare(
    spec,
    draws,
    *,
    exact: bool,
    staged: bool,
    time_limit: float | None,
    mip_gap: float | None,
    exact_enum: bool,
) -> Setup:
    """Solve at the point values and build the context of a chunk: on the exact path
    (``exact``: shifts or tranches) each draw is rebuilt from the spec; otherwise the problem
    is linearised once and a draw is the base model plus linear deltas."""
    from solvers import SolveOptions, get
    from solvers.base import DEFAULT_MIP_GAP

    from ... import engine
    from ...compile import compile_spec

    n = draws.values.shape[0]
    lm = None if exact else linearize(spec)
    base = compile_spec(spec) if lm is None else lm.base
    opts = SolveOptions(time_limit=time_limit, mip_gap=mip_gap)
    res = get("highs").solve(base, opts)
    base_sol = engine.finish(spec, base, res)
    base_x = np.asarray(res.x, dtype=float)
    base_x[base.integrality] = np.round(base_x[base.integrality])
    K = 0 if lm is None else lm.K
    deltas = draws.values[:, list(lm.inputs)] - lm.v0 if K else np.zeros((n, 0))
    p0 = np.asarray(base.p, dtype=float)
    probs = draws.probabilities if draws.probabilities is not None else np.tile(p0, (n, 1))
    recourse = staged or bool(base.col_response is not None and np.any(base.col_response >= 0))
    gap = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
    s = Setup(spec, draws, exact, lm, base, base_sol, base_x, deltas, probs, recourse)
    if exact:
        nc = base.n_commitment_cols
        s.ectx = ExactContext(spec, base_x, tuple(base_sol.chosen), nc, recourse, time_limit, gap)
        return s
    s.ctx = Context(
        token=uuid.uuid4().hex,
        lm=lm,
        v0=lm.v0,
        base_x=base_x,
        first_stage=base.first_stage_mask,
        recourse=recourse,
        time_limit=time_limit,
        mip_gap=gap,
        exact_enum=bool(exact_enum),
    )
    s.drawn = Drawn(lm)
    # Split enumeration's answers depend on the draw alone, so a model it serves needs no
    # stages: one pass over the draws, cut only into chunks (``optimizer.analysis.montecarlo``).
    s.by_enum = bool(exact_enum) and SplitEnumerator.plan(base, s.drawn, base_x) is not None
    return s
