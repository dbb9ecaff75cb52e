"""Risk attitudes: parse an objective, reformulate a ``MatrixModel`` for it, measure it.

Every objective is an exact mixed-integer reformulation of the expected-value model: auxiliary
columns are appended after the decision columns and rows of kind ``"risk"`` tie them to the
per-scenario values ``v_s(x) = C[:, s] @ x + objective_offset``. Solvers see an ordinary MILP.

Objectives (``v_s`` is a value to maximise, or a cost to minimise when the problem's sense is
``minimize``; "worst" always means the bad end: the lowest value or the highest cost):

``expected``
    ``sum_s p_s v_s`` (the compiled model, unchanged).
``maximin``
    the worst scenario's result (for a minimisation: the highest cost, minimised).
``cvar:ALPHA``
    the expected result over the worst ``ALPHA`` share of probability, ``0 < ALPHA <= 1``
    (Rockafellar-Uryasev form: one free column ``eta`` and one shortfall column a scenario).
    ``cvar:1`` is the expected value; a small ALPHA approaches ``maximin``. Under
    ``[[shifts]]`` the probabilities are those the package induces (:mod:`optimizer.odds_risk`).
``mean-cvar:LAMBDA,ALPHA``
    ``(1 - LAMBDA) * expected + LAMBDA * cvar:ALPHA``, ``0 <= LAMBDA <= 1``.
``regret``
    the maximum over scenarios of the regret ``best_s - v_s`` (``v_s - best_s`` for costs),
    minimised; ``best_s`` is scenario ``s``'s wait-and-see optimum, found by one solve per
    scenario (:func:`scenario_bests`). The objective's value is a regret (>= 0), minimised
    whatever the problem's sense.

:func:`measure` recomputes an objective's value from per-scenario values alone (sorting the
scenarios for CVaR), so a solver's risk objective can be checked independently.

Here: the reformulation (``apply_objective``) and the wait-and-see bests; parsing is in
``objective_parse``, the measures in ``objective_measure``, the column appending in
``objective_extend`` (all re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .errors import LimitError, SolverError
from .objective_extend import (
    _extend,
    _levels,
)
from .objective_measure import (  # noqa: F401
    cvar_value,
    expected_value,
    measure,
    regrets,
    worst_value,
)
from .objective_parse import (  # noqa: F401
    ALIASES,
    CRITERIA_KINDS,
    KINDS,
    TEMPLATES,
    WHERE,
    Objective,
    _fraction,
    _num,
    parse_objective,
)


def _backend(solver: Any):
    if isinstance(solver, str):
        import solvers

        return solvers.get(solver)
    return solver


def scenario_models(model) -> list:
    """One model per scenario: the same constraints, that scenario's value as objective."""
    return [model.with_objective(model.C[:, s].copy()) for s in range(model.C.shape[1])]


def scenario_bests(model, solver: Any = "highs", options: Any = None) -> np.ndarray | None:
    """Each scenario's best value (wait-and-see optimum); ``None`` if the problem is infeasible.

    The best is taken over the model's own feasible set: in a two-stage model, over first
    stages that have a feasible recourse in every scenario (the same as solving the scenario
    alone when every first stage has one, as in models without responses).

    Raises ``LimitError``/``SolverError`` when a scenario's optimum is not proven: a regret
    measured against an unproven best would not be exact.
    """
    from solvers import SolveOptions, Status

    backend = _backend(solver)
    opts = options or SolveOptions()
    out = []
    for s, m in zip(model.scenario_ids, scenario_models(model), strict=True):
        res = backend.solve(m, opts)
        if res.status == Status.INFEASIBLE:
            return None
        if res.status != Status.OPTIMAL or res.objective is None:
            cls = LimitError if res.status == Status.TIME_LIMIT else SolverError
            raise cls(
                f"scenario '{s}': the wait-and-see optimum needed for regret was not proven "
                f"({res.status.value}, {res.raw_status or res.message})"
            )
        out.append(float(res.objective))
    # as levels: the solver added objective_offset, the scenario's level adds its own baseline
    return np.asarray(out) - float(model.objective_offset) + _levels(model)


def apply_objective(
    model,
    objective: str | Objective,
    solver: Any = "highs",
    options: Any = None,
    *,
    bests: Sequence[float] | None = None,
):
    """The ``MatrixModel`` that optimises ``objective`` exactly (a MILP reformulation).

    ``model`` is an expected-value model (as compiled). ``solver``/``options`` are used only
    for ``regret``, to find each scenario's best value unless ``bests`` gives them (in
    ``model.scenario_ids`` order). If the problem is infeasible the regret rows use 0 as
    each best; solving the returned model then reports the infeasibility.
    """
    obj = parse_objective(objective)
    if model.objective != "expected":
        raise ValueError(f"apply_objective needs an expected-value model, got '{model.objective}'")
    if obj.requires or obj.kind in CRITERIA_KINDS:
        from .criteria_objective import apply_criteria

        return apply_criteria(model, obj, solver, options, apply_objective)
    if obj.kind == "expected":
        return model
    C = model.C  # (n, S): values of every current column in each scenario
    n, S = C.shape
    off = float(model.objective_offset)
    sg = 1.0 if model.maximize else -1.0
    sids = model.scenario_ids
    d = _levels(model) - off  # each scenario's constant beyond the offset the solver adds
    zeros_n = np.zeros(n)
    eye = np.eye(S)

    if obj.kind == "maximin":
        # maximise t <= v_s (max), or minimise t >= v_s (min); t carries no offset: the
        # solver adds objective_offset, and v_s = C_s x + off.
        block = np.hstack([-C.T, np.ones((S, 1))])
        lo = np.full(S, -np.inf) if model.maximize else d
        up = d if model.maximize else np.full(S, np.inf)
        labels = [f"worst <= {s}" if model.maximize else f"worst >= {s}" for s in sids]
        return _extend(
            model,
            obj,
            zeros_n,
            ["worst"],
            [-np.inf],
            [np.inf],
            [1.0],
            [(block, lo, up, labels)],
            model.maximize,
        )

    if obj.kind in ("cvar", "mean-cvar"):
        lam = 1.0 if obj.kind == "cvar" else obj.lam
        alpha = obj.alpha
        if model.meta.get("shifts"):  # p(x): the products of the odds and the shortfalls
            from .odds_risk import cvar_with_shifts

            return cvar_with_shifts(model, obj, lam, alpha, d)
        pos = np.nonzero(model.p > 0)[0]
        k = pos.size
        # sg*eta - sg*v_s - u_s <= 0: u_s is the shortfall below eta (max) or excess above it
        block = np.hstack([-sg * C[:, pos].T, sg * np.ones((k, 1)), -eye[np.ix_(pos, pos)]])
        c_aux = np.concatenate([[lam], -sg * lam * model.p[pos] / alpha])
        tail = "shortfall" if model.maximize else "excess"
        return _extend(
            model,
            obj,
            (1.0 - lam) * (C @ model.p),
            ["eta", *[f"{tail}[{sids[s]}]" for s in pos]],
            np.concatenate([[-np.inf], np.zeros(k)]),
            np.full(k + 1, np.inf),
            c_aux,
            [(block, np.full(k, -np.inf), sg * d[pos], [f"cvar {sids[s]}" for s in pos])],
            model.maximize,
        )

    # regret: minimise r >= sg * (best_s - v_s)  <=>  r + sg*C_s x >= sg*(best_s - off)
    if bests is None:
        bests = scenario_bests(model, solver, options)
    feasible = bests is not None
    b = np.zeros(S) if bests is None else np.asarray(bests, float)
    if b.shape != (S,):
        raise ValueError(f"bests must have one value per scenario ({S}), got {b.shape}")
    names = ["max_regret"]
    lower, upper, cost = [-np.inf], [np.inf], [1.0]
    block = np.hstack([sg * C.T, np.ones((S, 1))])
    if off != 0.0:
        # the solver adds objective_offset (kept for scenario_values); a column fixed at 1
        # with cost -offset cancels it, so the objective is the regret alone.
        names.append("offset")
        lower.append(1.0)
        upper.append(1.0)
        cost.append(-off)
        block = np.hstack([block, np.zeros((S, 1))])
    out = _extend(
        model,
        obj,
        zeros_n,
        names,
        lower,
        upper,
        cost,
        [(block, sg * (b - off - d), np.full(S, np.inf), [f"regret {s}" for s in sids])],
        False,
    )
    best_map = dict(zip(sids, (float(x) for x in b), strict=True)) if feasible else None
    return replace(out, meta={**out.meta, "scenario_best": best_map})
