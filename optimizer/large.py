"""Large models: a package and a proven bound before (or instead of) the MIP solve.

From ``LARGE_COLUMNS`` binary columns on, HiGHS' root LP alone may outlast the time limit,
and it then returns no package at all. For such models (expected value, every column a
binary decision, a back end that takes a start) the solve here is:

1. the LP relaxation by column generation (``solvers.colgen``) within ``LP_SHARE`` of the
   time limit; its row duals give a bound proven for the whole model (``dual_bound``);
2. the LP point rounded down, repaired and filled greedily (``solvers.start``);
3. with a time limit: that package is the answer, status ``time_limit`` (an incumbent, never
   called optimal unless its proven gap is within the MIP gap), its gap the one proven by
   the bound of step 1; without one: the package is handed to the back end as a MIP start
   and the back end proves the optimum -- unless ``--max-time``'s budget stops it first with
   no package of its own, when the package of step 2 stands as with a time limit.

The package goes through the same verifier as every answer (``optimizer.engine.finish``).
"""

from __future__ import annotations

import time
from dataclasses import replace

LARGE_COLUMNS = 100_000
LP_SHARE = 0.85  # of the time limit, for the LP relaxation (the rounding takes seconds)


def wants(model, backend) -> bool:
    """Whether the large-model path applies (see the module docstring)."""
    from solvers import Feature
    from solvers.start import supports

    return (
        model.n >= LARGE_COLUMNS
        and model.objective == "expected"
        and not model.meta.get("shifts")
        and Feature.START in getattr(backend, "features", ())
        and supports(model)
    )


def heuristic(model, options):
    """``SolveResult`` of steps 1-2 (status ``time_limit``, or ``optimal`` when the proven
    gap is within the MIP gap), or ``None`` when they give no package."""
    from solvers import SolveResult, Status
    from solvers.base import relative_gap
    from solvers.colgen import solve_lp
    from solvers.start import round_and_repair, value

    t0 = time.perf_counter()
    share = None if options.time_limit is None else LP_SHARE * options.time_limit
    lp = solve_lp(model, options, share)
    if lp is None:
        return None
    x = round_and_repair(model, lp.x, lp.y)
    if x is None:
        return None
    obj = value(model, x)
    gap = relative_gap(obj, lp.bound)
    proven = gap is not None and gap <= options.effective_mip_gap
    return SolveResult(
        status=Status.OPTIMAL if proven else Status.TIME_LIMIT,
        x=x,
        objective=obj,
        bound=lp.bound,
        gap=gap,
        time_s=time.perf_counter() - t0,
        solver="highs",
        raw_status=(
            f"LP rounding: gap {gap:.3%} proven by the LP dual bound "
            f"({_lp_state(lp)}, "
            f"{lp.rounds} column-generation rounds, {lp.columns.size} of {model.n} columns)"
            if gap is not None
            else "LP rounding: no finite bound"
        ),
        extra={"bound_source": "lp_dual", "lp_converged": lp.converged},
    )


def _lp_state(lp) -> str:
    if lp.converged:
        return "LP solved"
    if lp.rounds == 0:
        return "no LP round ended: bound and greedy fill from a sample's resource prices"
    return "LP stopped at its share of the time"


def solve(backend, model, options, fallback):
    """``fallback(backend, model, options)`` unless ``wants``; else the path of the module
    docstring (``fallback`` too when the heuristic gives no package)."""
    if not wants(model, backend):
        return fallback(backend, model, options)
    from solvers.deadline import cap

    t0 = time.perf_counter()
    # the LP's share of the time: of the limit, or of what is left of --max-time's budget
    res = heuristic(model, replace(options, verbose=False, time_limit=cap(options.time_limit)))
    if res is None:
        rest = (
            None if options.time_limit is None else options.time_limit - (time.perf_counter() - t0)
        )
        if rest is not None and rest <= 0:
            from solvers import SolveResult, Status

            return SolveResult(
                Status.TIME_LIMIT,
                None,
                None,
                solver=backend.name,
                raw_status="LP rounding found no package within the limit",
            )
        return fallback(backend, model, replace(options, time_limit=rest))
    if options.time_limit is not None or res.status.value == "optimal":
        return res
    started = replace(model, meta={**model.meta, "start": res.x})
    exact = backend.solve(started, options)
    if exact.x is None and exact.status.value != "infeasible":  # --max-time stopped the proof
        return replace(  # before the back end had a package: the start, verified, stands
            res,
            time_s=time.perf_counter() - t0,
            raw_status=f"{exact.raw_status}; the LP-rounded package stands (its gap proven by "
            "the LP bound)",
        )
    spent = time.perf_counter() - t0
    return replace(exact, time_s=exact.time_s + spent, extra={**exact.extra, "started": True})
