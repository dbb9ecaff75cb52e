"""The Pareto fronts of the efficient frontier (epsilon-constraint): expected value against a
resource's total use over the horizon (``use_front``), and against CVaR (``cvar_front``)."""

from __future__ import annotations

import importlib
from dataclasses import replace

import numpy as np

from solvers.resolve import Change, Key, Packages, Runner

from ..errors import OptimizerError
from .frontier_types import ParetoFront, ParetoPoint
from .odds_packages import OddsPackages, packages_for
from .sensitivity_params import FEASIBILITY_STEP, resource_rows
from .sensitivity_session import Session

# ---- Pareto fronts (epsilon-constraint) ---------------------------------------------------


def total_use_vector(spec, model, resource: str) -> np.ndarray:
    """Per decision column: its total use of ``resource`` over the horizon (every year, also
    those without a limit)."""
    from ..compile import compile_spec

    # a finite capacity in every year gives every year a row (capacity does not change the
    # coefficients)
    limited = spec.with_capacity(resource, 1.0)
    m = compile_spec(limited)
    rows = [i for i, _ in resource_rows(limited, m)[resource]]
    return np.asarray(m.A.tocsr()[rows].sum(axis=0)).ravel()[: model.n_decision]


def _with_row(model, coefs: np.ndarray, kind: str, label: str, objective: np.ndarray | None = None):
    """``model`` with one more row (coefficients on its columns, bounds free)."""
    from scipy import sparse

    row = sparse.csr_matrix(np.asarray(coefs, dtype=float).reshape(1, -1))
    A = sparse.vstack([model.A.tocsr(), row], format="csr")
    return replace(
        model,
        c=model.c if objective is None else objective,
        A=A,
        row_lower=np.append(model.row_lower, -np.inf),
        row_upper=np.append(model.row_upper, np.inf),
        row_kind=np.append(model.row_kind, np.array([kind], dtype=object)),
        row_label=np.append(model.row_label, np.array([label], dtype=object)),
    )


def _front(run, pk: Packages, measure, step, better_ev, max_points: int):
    """Epsilon-constraint loop: solve, record, move epsilon past the package; filter."""
    found: list[tuple[float, float, Key]] = []
    k = run()
    complete = True
    while k is not None:
        if len(found) >= max_points:
            complete = False
            break
        m = measure(k)
        found.append((m, pk.expected(k), k))
        step(m)
        k = run()
    keep = []
    for i, (m, e, k) in enumerate(found):
        # weakly dominated: the next package is as good in expected value and better in measure
        if i + 1 < len(found) and not better_ev(e, found[i + 1][1]):
            continue
        keep.append((m, e, k))
    return keep, complete


def use_front(
    ses: Session, resource: str, *, tolerance: float | None = None, max_points: int = 200
) -> ParetoFront:
    """Pareto front of expected value against total use of ``resource`` (less is better)."""
    from solvers.resolve import load

    from ..spec.tranches import refuse_tranches

    refuse_tranches(ses.spec, "frontier")

    model = ses.model
    u = total_use_vector(ses.spec, model, resource)
    aug = _with_row(
        model,
        np.concatenate([u, np.zeros(model.n - model.n_decision)]),
        "user",
        f"total use of {resource}",
    )
    lm = load(aug, ses.lm.solver_name or "highs", ses.options)
    pk = packages_for(aug)
    run = Runner(lm, pk)
    row = aug.m - 1
    scale = float(np.abs(u).sum()) or 1.0
    tol = FEASIBILITY_STEP if tolerance is None else max(tolerance * scale, FEASIBILITY_STEP)
    sigma = ses.sigma
    tol_v = ses.tol_v

    def measure(k: Key) -> float:
        return float(u @ pk.vec(k))

    def step(m: float) -> None:
        lm.set_row_bounds([row], [-np.inf], [m - tol])

    keep, complete = _front(
        run, pk, measure, step, lambda e, nxt: sigma * e > sigma * nxt + tol_v, max_points
    )
    best = keep[0][2] if keep else ()
    unit = ses.spec.resource(resource).unit
    return ParetoFront(
        measure=f"total use of {resource}",
        unit=unit,
        points=tuple(
            ParetoPoint(m, e, pk.names(k), pk.change(best, k) or Change((), ())) for m, e, k in keep
        ),
        solves=lm.solves,
        tolerance=tol,
        complete=complete,
    )


def _objectives_module():
    try:
        mod = importlib.import_module("optimizer.objectives")
    except ImportError:
        return None
    if not (hasattr(mod, "apply_objective") and hasattr(mod, "measure")):
        return None
    return mod


def cvar_front(
    ses: Session, alpha: float, *, tolerance: float | None = None, max_points: int = 200
) -> tuple[ParetoFront | None, str]:
    """Pareto front of expected value against CVaR at ``alpha``; ``(None, why)`` when risk
    objectives are not available."""
    obj = _objectives_module()
    if obj is None:
        return (
            None,
            "CVaR front skipped: risk objectives (optimizer/objectives.py) are not available",
        )
    from solvers.resolve import load

    name = f"cvar:{alpha:g}"
    try:
        mc = obj.apply_objective(ses.model, name)
    except OptimizerError as e:
        return None, f"CVaR front skipped: {e.one_line()}"
    model = ses.model
    ev = np.zeros(mc.n)
    ev[: model.n] = np.asarray(model.c, dtype=float)  # with the odds' products, under shifts
    # maximise expected value subject to "the CVaR reformulation's objective >= epsilon": for
    # fixed decisions its best auxiliary values give exactly the package's CVaR
    aug = _with_row(mc, np.asarray(mc.c, dtype=float), "risk", f"{name} floor", objective=ev)
    aug = replace(
        aug, maximize=model.maximize, objective="expected", objective_offset=model.objective_offset
    )
    lm = load(aug, ses.lm.solver_name or "highs", ses.options)
    pk = packages_for(aug)
    run = Runner(lm, pk)
    row = aug.m - 1
    off = float(mc.objective_offset)
    scenario_ids = model.scenario_ids
    levels = model.objective_offset if model.scenario_offset is None else model.scenario_offset

    def measure(k: Key) -> float:
        # levels (baselines included), at the odds the package induces under shifts
        v = pk.vec(k) @ model.C[: model.n_decision] + levels
        by = dict(zip(scenario_ids, v.tolist(), strict=True))
        q = None
        if isinstance(pk, OddsPackages):
            q = dict(zip(scenario_ids, pk.probabilities(k).tolist(), strict=True))
        return float(obj.measure(name, ses.spec, by, mc, q))

    values: list[float] = []
    rel = FEASIBILITY_STEP if tolerance is None else max(tolerance, FEASIBILITY_STEP)

    def step(m: float) -> None:
        values.append(m)
        tol = rel * max(abs(m), 1.0)
        if mc.maximize:
            lm.set_row_bounds([row], [m + tol - off], [np.inf])
        else:
            lm.set_row_bounds([row], [-np.inf], [m - tol - off])

    sigma = ses.sigma
    keep, complete = _front(
        run, pk, measure, step, lambda e, nxt: sigma * e > sigma * nxt + ses.tol_v, max_points
    )
    best = keep[0][2] if keep else ()
    scale = max((abs(v) for v in values), default=1.0)
    return (
        ParetoFront(
            measure=f"CVaR {alpha:g}",
            unit=ses.spec.value_unit,
            points=tuple(
                ParetoPoint(m, e, pk.names(k), pk.change(best, k) or Change((), ()))
                for m, e, k in keep
            ),
            solves=lm.solves,
            tolerance=rel * max(scale, 1.0),
            complete=complete,
        ),
        "",
    )
