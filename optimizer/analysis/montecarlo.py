"""Monte Carlo over a problem's uncertain inputs: how robust is the recommended package?

For each draw of the uncertain inputs (``optimizer.spec.uncertain``; all draws are made up
front from the seed) the problem is re-solved and the optimal package and value recorded.
The report gives the distribution of the optimal expected value, the *core index* of every
option (the share of draws in which it is in the optimal package, labelled core >= 0.9,
exterior <= 0.1, borderline otherwise, after Robust Portfolio Modeling: Liesiö, Mild & Salo
2007, where the share is taken over the non-dominated portfolios), the most frequent packages,
and the risk profile of the package recommended at the point values.

How a draw is solved
--------------------
Every uncertain number enters the model linearly: values and response values are objective
coefficients per scenario (``C``), uses and parameters are matrix entries, capacities and
constraint constants row bounds, response bounds column bounds, and probabilities ``p`` in
``c = C @ p``. So the model of a draw is the base model plus exact linear deltas.
``linearize`` compiles the problem at the point values and once more per *round* of inputs
moved by a step (inputs whose effects cannot overlap share a round: a value or use moves only
its option's columns, a capacity only row bounds), and keeps the differences per unit as
sparse matrices. A worker keeps ONE HiGHS MIP and ONE HiGHS LP loaded and, for each draw,
changes only costs, coefficients and bounds.

Most draws need no solver at all. For a pure-binary model whose columns fall into choice
groups (every bundled portfolio problem), *split enumeration* (``_montecarlo/splitenum.py``)
lists the packages of two halves of the groups once; for a draw, a Lagrangian bound on the
rows linking the halves leaves the few pairs of half packages that could reach a known
package's value, and checking those exactly gives the draw's optimum. It is exact for any
multipliers and its answer does not depend on the incumbent (the best of the worker's own
last optima that is feasible in the draw sets the level); when too many pairs are left it
hands the draw to the path below.

Otherwise a solve is skipped when the answer is already known: packages found in earlier *stages*
(plus the point-value package) form a pool; the best pool package that is feasible in the
draw is the incumbent, and it is optimal without branch-and-bound when it reaches the draw's
LP-relaxation bound (to the relative tolerance ``TOL``). That LP also carries *anchor* cuts:
for an earlier draw ``a`` with proven bound ``b_a``, ``c_a x <= b_a`` holds in every draw whose
feasible set lies inside draw ``a``'s (checked from the constraint data that varies), which
tightens the bound where the objective moves among earlier ones. An LP solution that is
integral is optimal too. Otherwise the MIP is solved with the incumbent as a start (options
for small models: one thread, no heuristics, restarts or symmetry detection). The LP step
runs on every draw while it pays (it proved at least 2% of the previous stage's draws that
tried it), else on every 32nd draw to notice when it starts to.

Reproducibility: draws are cut into stages of doubling size (32, 64, 128, ...). The pool used
in a stage is made only from earlier stages, in draw order, and every draw is solved from a
cleared solver state, so each draw's answer depends only on the draw and the earlier stages
-- not on the number of workers, the chunks, or the scheduler. When several packages tie
(within ``TOL``), the one earliest in the pool is reported. Split enumeration's answer depends
on the draw alone (of the packages within ``TOL`` of the optimum, the point-value package if it
is one, else the smallest sorted tuple of columns; a draw it hands to the solver is brought to the same pick afterwards), so a model it
serves runs as one stage: no worker waits for another between stages, and a worker's own
earlier optima serve as its incumbents.

The package moves the odds: under ``[[shifts]]`` a draw's objective
``sum_s p_s(x) (baseline_s + V_s(x))`` is not ``C @ p`` (its product columns and their costs
depend on the drawn values, amounts and probabilities), so each draw is rebuilt from the spec,
compiled and solved exactly (``_montecarlo/exact.py``), in one stage. So is a draw of a problem
with conditional tranches (``stage = 2``): the core index and the packages count *offers* (the
first-stage columns), and the point-value offer's value in a draw is that offer with its
tranches re-optimised in the draw (``optimizer.offer``). Baselines without shifts
add the draw's constant ``sum_s p_s baseline_s`` to every package's value, after the run.

Verification: every draw's package is re-checked in NumPy against the drawn constraint
coefficients and bounds (and its value recomputed from the drawn objective). On a sample of
draws (``verify``, evenly spaced over the run) the drawn problem is rebuilt from the spec
(``spec.with_values``), solved from scratch by ``optimizer.solve`` (compile, fresh HiGHS,
independent check by ``evaluate``), and its optimal value must equal the Monte Carlo value;
for problems without responses the Monte Carlo package is also evaluated on the drawn spec.
The fresh solves need nothing from the run: with an executor they are submitted as soon as
the draws are sampled, so they run on workers that would otherwise wait for the set-up.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait

import numpy as np

from solvers.deadline import expired, remaining

from ..errors import InputError, VerificationError
from ._montecarlo.check import compare_draw, fresh_solve
from ._montecarlo.drawn import Drawn
from ._montecarlo.exact import ExactContext, baseline_offsets, run_exact_chunk
from ._montecarlo.linear import LinearModel, linearize
from ._montecarlo.result import (
    InputInfo,
    MonteCarloResult,
    OptionCore,
    PackageCount,
    SolveStats,
    Summary,
    Verification,
    build_result,
)
from ._montecarlo.risk import CONVENTION, BaseRisk
from ._montecarlo.splitenum import SplitEnumerator
from ._montecarlo.worker import (
    ANCHOR_LIMIT,
    BY_MIP,
    FIRST_STAGE,
    INFEASIBLE,
    OK,
    POOL_LIMIT,
    Anchors,
    ChunkResult,
    Context,
    package_key,
    run_chunk,
    warm_up,
)
from .partial import BudgetStop

MIN_CHUNK, MAX_CHUNK = 4, 256

# ---- the analysis ------------------------------------------------------------------------------


def stage_bounds(n: int, first: int = FIRST_STAGE) -> list[tuple[int, int]]:
    """Stages of doubling size: [0, 32), [32, 96), [96, 224), ..."""
    out, lo, size = [], 0, first
    while lo < n:
        out.append((lo, min(n, lo + size)))
        lo += size
        size *= 2
    return out


def _pool_matrix(keys: list[tuple[int, ...]], xs: dict, n: int):
    from scipy import sparse

    if not keys:
        return sparse.csr_matrix((0, n))
    return sparse.csr_matrix(np.vstack([xs[k] for k in keys]))


def _anchors(lo, status, bounds, drawn: Drawn, deltas, probs, cache, stage_no) -> Anchors:
    """Up to ANCHOR_LIMIT proven draws of the stages before ``lo``, evenly spread."""
    done = np.nonzero((status[:lo] == OK) & np.isfinite(bounds[:lo]))[0]
    if done.size > ANCHOR_LIMIT:
        done = done[np.linspace(0, done.size - 1, ANCHOR_LIMIT).round().astype(int)]
    C, nest = [], []
    for d in done:
        if d not in cache:
            dd = drawn.at(deltas[d], probs[d])
            cache[int(d)] = (dd.c, drawn.nest(dd))
        C.append(cache[int(d)][0])
        nest.append(cache[int(d)][1])
    n, k = drawn.n, drawn.nest_dir.size
    return Anchors(
        token=f"{id(cache)}:{stage_no}",
        C=np.array(C, dtype=float).reshape(done.size, n),
        b=bounds[done].astype(float),
        nest=np.array(nest, dtype=float).reshape(done.size, k),
    )


def monte_carlo(
    spec,
    n: int = 1000,
    seed: int = 0,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    chunk_size: int | None = None,
    regret_threshold: float = 0.0,
    verify: int = 20,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    top: int = 10,
    progress: Callable[[int, int], None] | None = None,
    exact_enum: bool = True,
) -> MonteCarloResult:
    """Re-solve ``spec`` for ``n`` draws of its uncertain inputs (see the module docstring).

    ``executor``: any ``concurrent.futures.Executor`` (a ``ProcessPoolExecutor``, or a Dask
    ``client.get_executor()``); ``None`` runs in this process. ``workers`` only sizes the
    chunks. The results do not depend on either. ``verify``: how many draws to rebuild from
    the spec and solve from scratch as an independent check (0: none). Ctrl-C stops the run:
    the result then covers the draws done (``interrupted``).
    """
    from solvers import SolveOptions, get
    from solvers.base import DEFAULT_MIP_GAP

    from .. import engine
    from ..compile import compile_spec
    from ..spec.tranches import has_tranches
    from ..spec.uncertain import sample_inputs

    if not spec.uncertain:
        raise InputError(
            "the problem has no uncertain inputs: give a distribution instead of a number, "
            'e.g. value = { dist = "triangular", low = 2, mode = 5, high = 9 }',
            where=spec.origin or spec.name,
        )
    if n < 1:
        raise InputError(f"expected at least 1 draw, got {n}", where="-n")
    t_setup = time.perf_counter()
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
    staged = has_tranches(spec)  # the offer counts; its tranches are re-optimised per draw
    exact = bool(spec.shifts) or staged  # each draw rebuilt and solved (_montecarlo/exact.py)
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
    if exact:
        nc = base.n_commitment_cols
        gap = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
        ectx = ExactContext(spec, base_x, tuple(base_sol.chosen), nc, recourse, time_limit, gap)
        drawn = by_enum = None
    else:
        ctx = Context(
            token=uuid.uuid4().hex,
            lm=lm,
            v0=lm.v0,
            base_x=base_x,
            first_stage=base.first_stage_mask,
            recourse=recourse,
            time_limit=time_limit,
            mip_gap=DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap),
            exact_enum=bool(exact_enum),
        )
        drawn = Drawn(lm)
        # Split enumeration's answers depend on the draw alone, so a model it serves needs no
        # stages: one pass over the draws, cut only into chunks (see the module docstring).
        by_enum = bool(exact_enum) and SplitEnumerator.plan(base, drawn, base_x) is not None

    def job(idx, pool, lp_mode, anchors) -> tuple:
        if exact:
            return run_exact_chunk, (ectx, idx, [draws.locations(spec, d) for d in idx])
        return run_chunk, (ctx, idx, deltas[idx], probs[idx], pool, lp_mode, anchors)

    setup_time = time.perf_counter() - t_setup

    status = np.full(n, -1, dtype=np.int8)
    how = np.full(n, -1, dtype=np.int8)
    values = np.full(n, np.nan)
    base_values = np.full(n, np.nan)
    pkg = np.full(n, -1, dtype=np.int64)
    breaks: dict[int, tuple] = {}  # draw -> the limits the point-value package breaks there
    lp_used = np.zeros(n, dtype=bool)
    bounds = np.full(n, np.nan)
    anchor_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    keys: list[tuple[int, ...]] = []
    key_index: dict[tuple[int, ...], int] = {}
    xs: dict[tuple[int, ...], np.ndarray] = {}
    counts: list[int] = []
    first_seen: list[int] = []
    base_key = package_key(base, base_x)
    key_index[base_key] = 0
    keys.append(base_key)
    xs[base_key] = base_x
    counts.append(0)
    first_seen.append(-1)
    solver_time = busy_time = 0.0
    worst = 0.0
    n_chunks = 0
    interrupted = False
    done = 0
    t0 = time.perf_counter()

    def take(r: ChunkResult) -> None:
        nonlocal solver_time, busy_time, worst, done
        for i, d in enumerate(r.draws):
            status[d], how[d], values[d] = r.status[i], r.how[i], r.value[i]
            bounds[d], lp_used[d] = r.bound[i], r.used_lp[i]
            base_values[d] = r.base_value[i]
            if i in r.base_breaks:
                breaks[int(d)] = r.base_breaks[i]
            if r.status[i] != INFEASIBLE and r.keys[i] is not None and np.isfinite(r.value[i]):
                k = r.keys[i]
                if k not in key_index:
                    key_index[k] = len(keys)
                    keys.append(k)
                    counts.append(0)
                    first_seen.append(int(d))
                    xs[k] = r.new[k]
                elif first_seen[key_index[k]] > d:
                    first_seen[key_index[k]] = int(d)
                    if k in r.new:
                        xs[k] = r.new[k]
                pkg[d] = key_index[k]
                counts[key_index[k]] += 1
        solver_time += r.solver_time
        busy_time += r.busy_time
        worst = max(worst, r.worst_violation)
        done += len(r.draws)
        if progress is not None:
            progress(done, n)

    check_package = not recourse

    def choices_of(d: int) -> list:
        return [
            (
                base.commitment_ids[int(base.col_commitment[j])],
                base.option_ids[int(base.col_commitment[j])][int(base.col_option[j])],
                base.period_labels[int(base.col_start[j])],
            )
            for j in keys[pkg[d]]
        ]

    pending: set[Future] = set()
    try:
        stages = [(0, n)] if by_enum or exact else stage_bounds(n)
        stage_no = 0
        for lo, hi in stages:
            order = sorted(range(1, len(keys)), key=lambda i: (-counts[i], first_seen[i]))
            pool_keys = [keys[0]] + [keys[i] for i in order[: POOL_LIMIT - 1]]
            pool = _pool_matrix(pool_keys, xs, base.n)
            # The LP-bound step runs on every draw while it pays (it proved at least 2% of
            # the draws of the previous stage that tried it), else on every LP_PROBE-th draw.
            # Decided from earlier stages only: the same whatever the workers.
            prev = (status >= 0) & lp_used & (np.arange(n) < lo)
            if lo > 0:
                prev &= np.arange(n) >= stages[max(0, stage_no - 1)][0]
            tried = int(prev.sum())
            won = int(np.sum(prev & (status == OK) & (how != BY_MIP)))
            lp_mode = "all" if tried < 16 or won >= 0.02 * tried else "probe"
            anchors = None
            if not exact:
                anchors = _anchors(lo, status, bounds, drawn, deltas, probs, anchor_cache, stage_no)
            stage_no += 1
            if executor is None:
                size = chunk_size or max(4, min(256, math.ceil((hi - lo) / (4 * max(1, workers)))))
                size = size if remaining() is None else min(size, 8)  # --max-time: lose little
                for a in range(lo, hi, size):
                    idx = np.arange(a, min(hi, a + size))
                    n_chunks += 1
                    fn, args = job(idx, pool, lp_mode, anchors)
                    out = fn(*args)
                    if expired():  # --max-time: solves in this chunk may have been cut short
                        raise BudgetStop
                    take(out)
                continue
            # Guided chunks: 1/(2 workers) of what is left in the stage, down to MIN_CHUNK
            # draws, with two chunks per worker in flight, so no worker waits for long at
            # the end of a stage. (How draws are cut into chunks never changes a result.)
            nxt = lo
            while nxt < hi or pending:
                while nxt < hi and len(pending) < 2 * max(1, workers):
                    size = chunk_size or min(
                        MAX_CHUNK, max(MIN_CHUNK, math.ceil((hi - nxt) / (2 * max(1, workers))))
                    )
                    idx = np.arange(nxt, min(hi, nxt + size))
                    nxt = int(idx[-1]) + 1
                    n_chunks += 1
                    fn, args = job(idx, pool, lp_mode, anchors)
                    pending.add(executor.submit(fn, *args))
                if expired():  # --max-time: the draws done stand (partial.py)
                    raise BudgetStop
                finished, pending = wait(pending, remaining(), return_when=FIRST_COMPLETED)
                for f in finished:
                    take(f.result())
            # first_seen is per stage complete: the pool order is now deterministic
    except KeyboardInterrupt:
        interrupted = True
        for f in [*pending, *fresh.values()]:
            f.cancel()
        for f in list(pending):
            if f.done() and not f.cancelled() and f.exception() is None:
                take(f.result())
    wall = time.perf_counter() - t0
    if not exact:  # the linear path leaves out sum_s p_s baseline_s, the draw's constant
        off = baseline_offsets(spec, draws, probs)
        values += off
        base_values += off

    if worst > 1e-5:
        raise VerificationError(
            f"{spec.name}: a draw's package fails the re-check against the drawn constraints "
            f"(violation {worst:.3g})"
        )

    # independent check on a sample of draws
    t_ver = time.perf_counter()
    sample: list[int] = []
    max_diff = 0.0
    if plan and not interrupted:
        sample = [d for d in plan if status[d] == OK]  # those that solve
        problems = []
        for d in sample:
            f = fresh.pop(d, None)
            loc = draws.locations(spec, d)
            _, v_fresh = fresh_solve(spec, d, loc) if f is None else f.result()
            problems += compare_draw(
                spec,
                d,
                loc,
                v_fresh,
                float(values[d]),
                choices_of(d),
                check_package,
            )
            if v_fresh is not None:
                max_diff = max(max_diff, abs(v_fresh - values[d]))
        if problems:
            raise VerificationError(f"{spec.name}: Monte Carlo check failed: {problems[0]}")
    verify_time = time.perf_counter() - t_ver

    return build_result(
        spec,
        base,
        base_sol,
        base_key,
        draws,
        lm,
        seed=seed,
        n=n,
        interrupted=interrupted,
        status=status,
        how=how,
        values=values,
        base_values=base_values,
        pkg=pkg,
        keys=keys,
        first_seen=first_seen,
        regret_threshold=regret_threshold,
        top=top,
        breaks=breaks,
        recourse=recourse and not exact,  # exact draws name an offer's breaks (completion.py)
        stats=dict(
            solver_time_s=solver_time,
            busy_time_s=busy_time,
            wall_time_s=wall,
            setup_time_s=setup_time,
            verify_time_s=verify_time,
            compiles=n + 1 if exact else lm.compiles,
            workers=workers,
            chunks=n_chunks,
            worst_violation=worst,
        ),
        verification=Verification(tuple(sample), check_package and bool(sample), max_diff),
    )


__all__ = [
    "CONVENTION",
    "BaseRisk",
    "InputInfo",
    "LinearModel",
    "MonteCarloResult",
    "OptionCore",
    "PackageCount",
    "SolveStats",
    "Summary",
    "Verification",
    "linearize",
    "monte_carlo",
    "run_chunk",
    "stage_bounds",
]
