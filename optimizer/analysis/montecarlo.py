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

import time
from collections.abc import Callable
from concurrent.futures import Executor

from ..errors import InputError, VerificationError
from ._montecarlo.check import verify_sample
from ._montecarlo.dispatch import run_draws, stage_bounds
from ._montecarlo.exact import baseline_offsets
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
from ._montecarlo.setup import prepare, sample
from ._montecarlo.tally import Tally
from ._montecarlo.worker import run_chunk

# ---- the analysis ------------------------------------------------------------------------------


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
    from ..spec.tranches import has_tranches

    if not spec.uncertain:
        raise InputError(
            "the problem has no uncertain inputs: give a distribution instead of a number, "
            'e.g. value = { dist = "triangular", low = 2, mode = 5, high = 9 }',
            where=spec.origin or spec.name,
        )
    if n < 1:
        raise InputError(f"expected at least 1 draw, got {n}", where="-n")
    t_setup = time.perf_counter()
    sampled = sample(spec, n, seed, executor, workers, verify)
    draws = sampled.draws
    staged = has_tranches(spec)  # the offer counts; its tranches are re-optimised per draw
    exact = bool(spec.shifts) or staged  # each draw rebuilt and solved (_montecarlo/exact.py)
    s = prepare(
        spec,
        draws,
        exact=exact,
        staged=staged,
        time_limit=time_limit,
        mip_gap=mip_gap,
        exact_enum=exact_enum,
    )
    setup_time = time.perf_counter() - t_setup

    t = Tally(s.base, s.base_x, n, progress)
    t0 = time.perf_counter()
    n_chunks, interrupted = run_draws(s, t, executor, workers, chunk_size, sampled.fresh)
    wall = time.perf_counter() - t0
    if not exact:  # the linear path leaves out sum_s p_s baseline_s, the draw's constant
        off = baseline_offsets(spec, draws, s.probs)
        t.values += off
        t.base_values += off

    if t.worst > 1e-5:
        raise VerificationError(
            f"{spec.name}: a draw's package fails the re-check against the drawn constraints "
            f"(violation {t.worst:.3g})"
        )

    # independent check on a sample of draws
    t_ver = time.perf_counter()
    check_package = not s.recourse
    checked: list[int] = []
    max_diff = 0.0
    if sampled.plan and not interrupted:
        checked, max_diff = verify_sample(
            spec, draws, sampled.plan, sampled.fresh, t, check_package
        )
    verify_time = time.perf_counter() - t_ver

    return build_result(
        spec,
        s,
        t,
        seed=seed,
        n=n,
        interrupted=interrupted,
        regret_threshold=regret_threshold,
        top=top,
        stats=dict(
            solver_time_s=t.solver_time,
            busy_time_s=t.busy_time,
            wall_time_s=wall,
            setup_time_s=setup_time,
            verify_time_s=verify_time,
            compiles=n + 1 if exact else s.lm.compiles,
            workers=workers,
            chunks=n_chunks,
            worst_violation=t.worst,
        ),
        verification=Verification(tuple(checked), check_package and bool(checked), max_diff),
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
