"""The Pareto front of expected value against the offer's use of a resource, for problems with
conditional tranches (``stage = 2``).

Each point is an offer (the first-stage commitments) with its value when its tranches are
re-optimised in every scenario (at the odds the offer induces, under ``[[shifts]]``). The
measure is the offer's own total use of the resource over the horizon: a tranche's use differs
by scenario, and stays bounded, as in the problem, by the resource's capacity in each scenario.
The front is traced by the epsilon-constraint: maximise the expected value over the offers and
their tranches together (its optimum is the best offer's value with its tranches
re-optimised) with the offer's use at most epsilon, then lower epsilon to just below the use
of the offer found. An offer that the next one matches in value at a lower use is weakly
dominated and dropped. Each solve is verified (``OfferSolver``); the offer's use is recomputed
from the spec.
"""

from __future__ import annotations

import math

import numpy as np

from solvers.resolve import Change

from .frontier_types import ParetoFront, ParetoPoint
from .offer_envelope import OfferSolver, tie
from .sensitivity_params import FEASIBILITY_STEP


def _use(spec, option, resource: str, start: int) -> float:
    """An option's total use of ``resource`` over the horizon when started in period ``start``."""
    from ..solution import _profile

    r = spec.resource(resource)
    if resource not in option.use:
        return 0.0
    return float(sum(_profile(option.use[resource], start, spec.n_periods, r.kind == "per_year")))


def column_use(spec, model, resource: str) -> np.ndarray:
    """Per column: its total use of ``resource`` if it is an offer column, else 0."""
    from ..offer import offer_mask

    u = np.zeros(model.n)
    for j in np.flatnonzero(offer_mask(model)[: model.n_decision]):
        ci = int(model.col_commitment[j])
        opt = spec.commitment(model.commitment_ids[ci]).option(
            model.option_ids[ci][int(model.col_option[j])]
        )
        u[j] = _use(spec, opt, resource, int(model.col_start[j]))
    return u


def offer_use(spec, chosen, resource: str) -> float:
    """The offer's total use of ``resource``, from the spec and the verified choices."""
    labels = list(spec.period_labels)
    return sum(
        _use(
            spec,
            spec.commitment(ch.commitment).option(ch.option),
            resource,
            0 if ch.start is None else labels.index(ch.start),
        )
        for ch in chosen
    )


def tranche_use_front(
    spec,
    resource: str,
    *,
    ses: OfferSolver | None = None,
    solver: str = "highs",
    options=None,
    tolerance: float | None = None,
    max_points: int = 200,
) -> ParetoFront:
    """Offers non-dominated in (expected value, the offer's total use of ``resource``)."""
    from ..compile import compile_spec
    from ..offer import add_rows
    from .capacity_walk import _labels

    ses = ses or OfferSolver(spec, solver, options, probing=False)
    before = ses.solves
    model = compile_spec(spec)
    u = column_use(spec, model, resource)
    scale = float(np.abs(u).sum()) or 1.0
    tol = FEASIBILITY_STEP if tolerance is None else max(tolerance * scale, FEASIBILITY_STEP)
    sigma = 1.0 if spec.sense == "maximize" else -1.0
    found: list[tuple[float, float, tuple[str, ...]]] = []
    eps, complete = math.inf, True
    label = f"offer's total use of {resource}"
    while True:
        m = model if eps == math.inf else add_rows(model, [-u], [-eps], [label])
        fd = ses.solve_model(spec, m)
        if fd is None:
            break
        if len(found) >= max_points:
            complete = False
            break
        use = offer_use(spec, fd.sol.chosen, resource)
        found.append((use, float(fd.sol.expected), _labels(fd.sol)))
        eps = use - tol
    keep = [
        f
        for f, nxt in zip(found, [*found[1:], None], strict=True)
        if nxt is None or sigma * f[1] > sigma * nxt[1] + tie(f[1], nxt[1])
    ]
    best = set(keep[0][2]) if keep else set()
    points = tuple(
        ParetoPoint(
            m,
            e,
            labels,
            Change(tuple(x for x in labels if x not in best), tuple(sorted(best - set(labels)))),
        )
        for m, e, labels in keep
    )
    return ParetoFront(
        measure=label,
        unit=spec.resource(resource).unit,
        points=points,
        solves=ses.solves - before,
        tolerance=tol,
        complete=complete,
    )


def front(spec, resource: str, ses: OfferSolver, *, tolerance, max_points):
    """The Pareto front against use (``tranche_use_front``), or ``None`` when the budget
    cut it short (a solve stopped by it is not an optimum, partial.py)."""
    from solvers.deadline import expired

    from ..errors import SolverError

    try:
        use = tranche_use_front(spec, resource, ses=ses, tolerance=tolerance, max_points=max_points)
    except SolverError:
        if not expired():
            raise
        return None
    return None if expired() else use
