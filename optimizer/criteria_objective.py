"""Objectives over several criteria: weighted (swing-weighted), lexicographic, ε-constraints.

Text forms (``--objective``):

``weighted`` / ``weighted:expected=0.5,jobs=0.5``
    maximise ``100 * sum_k w_k (f_k(x) - worst_k) / (best_k - worst_k)``: each criterion is
    scaled to 0..100 over its range on the feasible packages (``best_k``/``worst_k``, two solves
    a criterion, as swing weighting does in Hiview3), the weights normalised to sum 1. Weights
    come from ``[[criteria]]`` ``weight`` unless given here; a criterion without one weighs 0
    (all equal when none has one).
``lexicographic:a,b,...``
    optimise ``a``; then ``b`` with ``a`` held at its optimum; and so on (one solve a criterion).
``...;c>=v`` (any objective)
    an ε-constraint: criterion ``c`` bounded (``>=`` or ``<=``); ``--require c>=v`` adds it.

Criterion values are ``K[:, k] @ x + offset[k]`` (:mod:`optimizer.criteria`); the reformulated
model keeps the decision columns, adds rows of kind ``require`` and one column fixed at 1 that
carries the constant, so the solver's objective is the objective's value.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import numpy as np

from .errors import InputError

CRITERIA_KINDS = ("weighted", "lexicographic")
WHERE = "--objective"
_REQ = re.compile(r"^\s*([^\s<>=]+)\s*(>=|<=)\s*(\S+)\s*$")
GAP = 0.0  # criteria solves are proven to optimality (a gap would shift the front)


def _num(x: float) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def parse_require(text: str, where: str = "--require") -> tuple[str, str, float]:
    """``"jobs>=10"`` -> ``("jobs", ">=", 10.0)``."""
    m = _REQ.match(text)
    try:
        bound = float(m.group(3)) if m else math.nan
    except ValueError:
        bound = math.nan
    if not m or not math.isfinite(bound):
        raise InputError(
            f"expected CRITERION>=NUMBER or CRITERION<=NUMBER, got '{text.strip()}'", where=where
        )
    return _bounded(m.group(1), m.group(2), bound, where)


def _bounded(cid: str, op: str, bound: float, where: str) -> tuple[str, str, float]:
    """``(cid, op, bound)``; ``InputError`` when the bound is not finite or not below 1e15 in
    magnitude (as a coefficient: a criterion's values stay below it, and HiGHS takes no
    bound of 1e20 or more)."""
    from .numerics import LARGEST

    if not (abs(bound) < LARGEST):  # NaN too
        raise InputError(
            f"'{cid}{op}{bound:.6g}': the bound is beyond what the solvers handle: "
            f"magnitudes must stay below {LARGEST:.0e}",
            where=where,
        )
    return (cid, op, float(bound))


def split_requires(text: str) -> tuple[str, tuple[tuple[str, str, float], ...]]:
    """The objective part of ``text`` and its ``;c>=v`` bounds."""
    head, *reqs = text.split(";")
    return head, tuple(parse_require(r, WHERE) for r in reqs if r.strip())


def parse_criteria_head(kind: str, arg: str, whole: str) -> dict:
    """The fields of a ``weighted``/``lexicographic`` objective (``kind`` already matched)."""
    if kind == "weighted":
        weights = []
        for part in (p for p in arg.split(",") if p.strip()):
            cid, eq, w = part.partition("=")
            try:
                x = float(w) if eq else math.nan
            except ValueError:
                x = math.nan
            if not cid.strip() or not math.isfinite(x) or x < 0:
                raise InputError(
                    f"weighted takes CRITERION=WEIGHT pairs (weights >= 0), e.g. "
                    f"weighted:expected=0.6,jobs=0.4; got '{whole}'",
                    where=WHERE,
                )
            if cid.strip() in dict(weights):
                raise InputError(
                    f"weighted gives '{cid.strip()}' more than one weight; got '{whole}'",
                    where=WHERE,
                )
            weights.append((cid.strip(), x))
        return {"weights": tuple(weights)}
    order = tuple(p.strip() for p in arg.split(",") if p.strip())
    if not order:
        raise InputError(
            f"lexicographic needs its criteria in order, e.g. lexicographic:expected,jobs; "
            f"got '{whole}'",
            where=WHERE,
        )
    if len(set(order)) != len(order):
        raise InputError(f"a criterion appears twice in '{whole}'", where=WHERE)
    return {"order": order}


def text_of(obj) -> str:
    """The canonical text of an objective with criteria parts."""
    if obj.kind == "weighted":
        head = "weighted" + (
            ":" + ",".join(f"{c}={_num(w)}" for c, w in obj.weights) if obj.weights else ""
        )
    elif obj.kind == "lexicographic":
        head = "lexicographic:" + ",".join(obj.order)
    else:
        head = obj.base_text()
    return head + "".join(f";{c}{op}{_num(v)}" for c, op, v in obj.requires)


def _known(data, cid: str, where: str = WHERE) -> int:
    if cid not in data.ids:
        from .errors import did_you_mean

        hint = did_you_mean(cid, data.ids) or f"; criteria: {', '.join(data.ids)}"
        raise InputError(f"unknown criterion '{cid}'{hint}", where=where)
    return data.index(cid)


def with_requires(model, requires, where: str = "--require"):
    """``model`` with one row of kind ``require`` per bound (criterion ``c`` >= or <= ``v``)."""
    if not requires:
        return model
    from .criteria import criteria_of
    from .objective_extend import _extend

    data = criteria_of(model, where)
    rows = []
    for cid, op, v in requires:
        k = _known(data, cid, where)
        _bounded(cid, op, v, where)
        rhs = v - data.offset[k]
        lo, up = (rhs, np.inf) if op == ">=" else (-np.inf, rhs)
        rows.append((data.column(cid, model.n)[None, :], [lo], [up], [f"{cid} {op} {_num(v)}"]))
    out = _extend(model, model.objective, model.c, [], [], [], [], rows, model.maximize)
    kind = out.row_kind.copy()
    kind[model.m :] = "require"
    return replace(out, row_kind=kind, objective=model.objective, meta=model.meta)


def _backend(solver):
    if isinstance(solver, str):
        import solvers

        return solvers.get(solver)
    return solver


def _exact(options):
    from solvers import SolveOptions

    if options is None:
        return SolveOptions(mip_gap=GAP)
    return options if options.mip_gap is not None else replace(options, mip_gap=GAP)


def optimum(model, c, maximize, backend, options) -> np.ndarray | None:
    """An optimal ``x`` of ``c @ x`` over the model's constraints (``None``: no package)."""
    from solvers import Status

    res = backend.solve(replace(model, c=np.asarray(c, float), maximize=maximize), options)
    if res.status != Status.OPTIMAL or res.x is None:
        return None
    return np.asarray(res.x, float)


def swing_ranges(model, data, backend, options):
    """Each criterion's (worst, best) over the feasible packages: two solves a criterion."""
    worst, best = np.zeros(len(data.ids)), np.zeros(len(data.ids))
    for k, cid in enumerate(data.ids):
        c = data.column(cid, model.n)
        hi = optimum(model, c, True, backend, options)
        lo = optimum(model, c, False, backend, options)
        if hi is None or lo is None:
            return None
        vals = (data.values(hi)[k], data.values(lo)[k])
        best[k], worst[k] = vals if data.maximize[k] else vals[::-1]
    return worst, best


def normalised_weights(data, given=()) -> np.ndarray:
    """The weights in ``data.ids`` order, summing to 1 (from ``given`` or the file).

    They are divided by the largest first, so the sum cannot overflow: weights of 1e308 and
    1e308 give exactly what 1 and 1 give. Weights that are not finite, negative, or all 0
    are refused (``InputError``, exit 2).
    """
    where = WHERE if given else "criteria"
    if given:
        w = np.zeros(len(data.ids))
        for cid, x in given:
            w[_known(data, cid)] = x
    elif any(x is not None for x in data.weights):
        w = np.array([0.0 if x is None else float(x) for x in data.weights])
    else:
        w = np.ones(len(data.ids))
    bad = [c for c, x in zip(data.ids, w, strict=True) if not (math.isfinite(x) and x >= 0)]
    if bad:
        k = data.index(bad[0])
        raise InputError(
            f"the weight of '{bad[0]}' is {float(w[k])!r}: expected a finite number >= 0",
            where=where,
        )
    top = float(w.max())
    if top <= 0:
        raise InputError(
            "the weights sum to 0: give at least one criterion a weight above 0"
            + ("" if given else " (every [[criteria]] weight is 0 or missing)"),
            where=where,
        )
    w = w / top  # the largest is 1, the sum at most len(w): no overflow
    return w / w.sum()


def weighted_coefficients(data, w, worst, best, n):
    """``(c, constant)`` of ``100 * sum_k w_k u_k(x)`` with ``u_k`` the 0..100 swing scale."""
    c, const = np.zeros(n), 0.0
    for k, cid in enumerate(data.ids):
        span = best[k] - worst[k]
        if span == 0 or w[k] == 0:
            const += 100.0 * w[k] if span == 0 else 0.0
            continue
        c += 100.0 * w[k] / span * data.column(cid, n)
        const += 100.0 * w[k] * (data.offset[k] - worst[k]) / span
    return c, const


def _with_constant(model, obj, c, const, maximize, meta):
    from .objective_extend import _extend

    out = _extend(
        model,
        obj,
        c,
        ["criteria_constant"],
        [1.0],
        [1.0],
        [const - float(model.objective_offset)],
        [],
        maximize,
    )
    return replace(out, meta={**out.meta, **meta})


def apply_criteria(model, obj, solver: Any = "highs", options: Any = None, risk=None):
    """The model that optimises ``obj`` (weighted, lexicographic, or any kind with bounds)."""
    from .criteria import criteria_of

    text = str(obj)
    base = with_requires(model, obj.requires)
    meta = {"criteria_objective": text}
    if obj.kind not in CRITERIA_KINDS:
        out = risk(base, replace(obj, requires=()), solver, options) if risk else base
        return replace(out, objective=text, meta={**out.meta, **meta, "objective": text})
    data = criteria_of(model)
    backend, opts = _backend(solver), _exact(options)
    if obj.kind == "weighted":
        w = normalised_weights(data, obj.weights)
        ranges = swing_ranges(base, data, backend, opts)
        worst, best = ranges if ranges else (np.zeros(len(w)), np.ones(len(w)))
        c, const = weighted_coefficients(data, w, worst, best, base.n)
        meta["criteria_scaling"] = {
            "weights": dict(zip(data.ids, (float(x) for x in w), strict=True)),
            "worst": dict(zip(data.ids, (float(x) for x in worst), strict=True)),
            "best": dict(zip(data.ids, (float(x) for x in best), strict=True)),
        }
        return _with_constant(base, obj, c, const, True, meta)
    held: list[tuple[str, str, float]] = []
    cur = base
    for cid in obj.order:
        k = _known(data, cid)
        if cid == obj.order[-1]:
            break
        x = optimum(cur, data.column(cid, cur.n), bool(data.maximize[k]), backend, opts)
        if x is None:
            break  # the final solve reports the infeasibility
        v = float(data.values(x)[k])
        tol = 1e-7 * max(1.0, abs(v))
        held.append((cid, ">=", v - tol) if data.maximize[k] else (cid, "<=", v + tol))
        cur = with_requires(base, tuple(held))
    last = obj.order[-1]
    k = _known(data, last)
    meta["criteria_held"] = {c: v for c, _, v in held}
    return _with_constant(
        cur, obj, data.column(last, cur.n), float(data.offset[k]), bool(data.maximize[k]), meta
    )
