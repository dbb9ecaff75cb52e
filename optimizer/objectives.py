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
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .errors import InputError, LimitError, SolverError

CRITERIA_KINDS = ("weighted", "lexicographic")
KINDS = ("expected", "maximin", "cvar", "mean-cvar", "regret", *CRITERIA_KINDS)
TEMPLATES = {
    "expected": "expected",
    "maximin": "maximin",
    "cvar": "cvar:ALPHA",
    "mean-cvar": "mean-cvar:LAMBDA,ALPHA",
    "regret": "regret",
    "weighted": "weighted",
    "lexicographic": "lexicographic:A,B",
}
ALIASES = {
    "ev": "expected",
    "expectation": "expected",
    "mean": "expected",
    "minimax": "maximin",
    "worst": "maximin",
    "worst-case": "maximin",
    "minimax-regret": "regret",
    "max-regret": "regret",
}
WHERE = "--objective"


def _num(x: float) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


@dataclass(frozen=True)
class Objective:
    """A parsed objective; ``str(obj)`` is its canonical text (``cvar:0.1``)."""

    kind: str
    alpha: float | None = None
    lam: float | None = None
    weights: tuple = ()  # weighted: (criterion, weight) pairs (optimizer.criteria_objective)
    order: tuple = ()  # lexicographic: criterion ids in order
    requires: tuple = ()  # ε-constraints: (criterion, ">=" | "<=", bound)

    def __str__(self) -> str:
        if self.requires or self.kind in CRITERIA_KINDS:
            from .criteria_objective import text_of

            return text_of(self)
        return self.base_text()

    def base_text(self) -> str:
        if self.kind == "cvar":
            return f"cvar:{_num(self.alpha)}"
        if self.kind == "mean-cvar":
            return f"mean-cvar:{_num(self.lam)},{_num(self.alpha)}"
        return self.kind

    @property
    def text(self) -> str:
        return str(self)

    def describe(self, maximize: bool = True) -> str:
        """A phrase saying what is optimised, in the problem's sense."""
        best, worst = ("maximise", "lowest") if maximize else ("minimise", "highest")
        bounds = "".join(f"; {c} {op} {_num(v)}" for c, op, v in self.requires)
        if self.kind == "weighted":
            return "maximise the weighted sum of the criteria (each scaled 0..100)" + bounds
        if self.kind == "lexicographic":
            return f"optimise {', then '.join(self.order)} in that order" + bounds
        if bounds:
            return replace(self, requires=()).describe(maximize) + bounds
        if self.kind == "expected":
            return f"{best} the expected value"
        if self.kind == "maximin":
            return f"{best} the worst scenario's result (the {worst})"
        if self.kind == "cvar":
            return f"{best} the mean of the worst {self.alpha:.4g} of probability ({worst} end)"
        if self.kind == "mean-cvar":
            return (
                f"{best} {1 - self.lam:.4g} x expected + {self.lam:.4g} x CVaR of the "
                f"worst {self.alpha:.4g}"
            )
        return "minimise the largest regret against each scenario's best"


def _fraction(text: str, what: str, whole: str, *, zero_ok: bool) -> float:
    t = text.strip()
    try:
        x = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise InputError(
            f"{what} must be a number in {'[0, 1]' if zero_ok else '(0, 1]'}, got '{text}' "
            f"in '{whole}'",
            where=WHERE,
        ) from None
    ok = (0.0 <= x <= 1.0) if zero_ok else (0.0 < x <= 1.0)
    if not ok or not math.isfinite(x):
        raise InputError(
            f"{what} must be in {'[0, 1]' if zero_ok else '(0, 1]'}, got '{text}' in '{whole}'",
            where=WHERE,
        )
    return x


def parse_objective(text: str | Objective) -> Objective:
    """Parse ``expected``, ``maximin``, ``cvar:ALPHA``, ``mean-cvar:LAMBDA,ALPHA``, ``regret``.

    ALPHA and LAMBDA are fractions, written ``0.1`` or ``10%``. Raises ``InputError``
    (``where="--objective"``) naming what is wrong and what is allowed.
    """
    if isinstance(text, Objective):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            f"expected one of {', '.join(TEMPLATES.values())}, got {text!r}", where=WHERE
        )
    whole = text.strip()
    if ";" in whole:  # ε-constraints: "expected;jobs>=10"
        from .criteria_objective import split_requires

        head_text, requires = split_requires(whole)
        return replace(parse_objective(head_text), requires=requires)
    head, sep, arg = whole.partition(":")
    kind = head.strip().lower().replace("_", "-").replace(" ", "")
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.5)
        hint = (
            f"; did you mean '{TEMPLATES[close[0]]}'?"
            if close
            else f"; allowed: {', '.join(TEMPLATES.values())}"
        )
        raise InputError(f"unknown objective '{whole}'{hint}", where=WHERE)
    if kind in CRITERIA_KINDS:
        from .criteria_objective import parse_criteria_head

        return Objective(kind, **parse_criteria_head(kind, arg, whole))
    if kind in ("expected", "maximin", "regret"):
        if sep and arg.strip():
            raise InputError(f"'{kind}' takes no parameter, got '{whole}'", where=WHERE)
        return Objective(kind)
    if not arg.strip():
        raise InputError(
            f"'{kind}' needs its parameter: write {TEMPLATES[kind]}, e.g. "
            f"{'cvar:0.1' if kind == 'cvar' else 'mean-cvar:0.5,0.1'}; got '{whole}'",
            where=WHERE,
        )
    if kind == "cvar":
        if "," in arg:
            raise InputError(f"cvar takes one parameter (ALPHA), got '{whole}'", where=WHERE)
        return Objective("cvar", alpha=_fraction(arg, "ALPHA", whole, zero_ok=False))
    parts = arg.split(",")
    if len(parts) != 2:
        raise InputError(
            f"mean-cvar takes two parameters, LAMBDA,ALPHA (e.g. mean-cvar:0.5,0.1), got '{whole}'",
            where=WHERE,
        )
    lam = _fraction(parts[0], "LAMBDA", whole, zero_ok=True)
    alpha = _fraction(parts[1], "ALPHA", whole, zero_ok=False)
    return Objective("mean-cvar", alpha=alpha, lam=lam)


# ---- measures from per-scenario values ------------------------------------------------------


def expected_value(values: Sequence[float], p: Sequence[float]) -> float:
    return float(np.dot(np.asarray(values, float), np.asarray(p, float)))


def worst_value(values: Sequence[float], maximize: bool) -> float:
    v = np.asarray(values, float)
    return float(v.min() if maximize else v.max())


def cvar_value(values: Sequence[float], p: Sequence[float], alpha: float, maximize: bool) -> float:
    """Mean of the worst ``alpha`` share of probability (lowest values, or highest costs)."""
    v = np.asarray(values, float)
    pr = np.asarray(p, float)
    order = np.argsort(v, kind="stable") if maximize else np.argsort(-v, kind="stable")
    left = alpha
    total = 0.0
    for s in order:
        if left <= 0.0:
            break
        take = min(pr[s], left)
        total += take * v[s]
        left -= take
    if left > 1e-12:  # probabilities summing to a little under 1
        total += left * v[order[-1]]
    return float(total / alpha)


def regrets(values: Sequence[float], best: Sequence[float], maximize: bool) -> np.ndarray:
    """Regret per scenario against that scenario's best (>= 0 for a feasible package)."""
    v = np.asarray(values, float)
    b = np.asarray(best, float)
    return b - v if maximize else v - b


def measure(
    objective: str | Objective,
    spec: Any,
    by_scenario: Mapping[str, float],
    model: Any = None,
    probabilities: Mapping[str, float] | None = None,
) -> float:
    """The objective's value of a package, recomputed from its value in each scenario.

    ``spec`` gives the probabilities (unless ``probabilities``, the package's ``p(x)`` under
    ``[[shifts]]``, does) and the sense; ``regret`` also needs each scenario's best value,
    read from ``model.meta["scenario_best"]`` (set by :func:`apply_objective`).
    """
    obj = parse_objective(objective)
    ids = [s.id for s in spec.scenarios]
    v = [float(by_scenario[s]) for s in ids]
    p = [s.probability for s in spec.scenarios]
    if probabilities:
        p = [float(probabilities[s]) for s in ids]
    maximize = spec.sense == "maximize"
    if obj.kind == "expected":
        return expected_value(v, p)
    if obj.kind == "maximin":
        return worst_value(v, maximize)
    if obj.kind == "cvar":
        return cvar_value(v, p, obj.alpha, maximize)
    if obj.kind == "mean-cvar":
        return (1.0 - obj.lam) * expected_value(v, p) + obj.lam * cvar_value(
            v, p, obj.alpha, maximize
        )
    best = None if model is None else model.meta.get("scenario_best")
    if best is None:
        raise ValueError("measuring 'regret' needs model.meta['scenario_best'] (apply_objective)")
    return float(regrets(v, [best[s] for s in ids], maximize).max())


# ---- wait-and-see -----------------------------------------------------------------------------


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


def _levels(model) -> np.ndarray:
    """Each scenario's constant (baseline) in the model's values: ``v_s = C_s x + this``."""
    if model.scenario_offset is None:
        return np.full(model.C.shape[1], float(model.objective_offset))
    return np.asarray(model.scenario_offset, dtype=float)


# ---- reformulations ---------------------------------------------------------------------------


def _extend(model, objective: Objective, c_old, names, lower, upper, c_aux, rows, maximize):
    """Append aux columns (bounds, costs, names) and risk rows ``(A_block, lo, up, labels)``."""
    from scipy import sparse

    k = len(names)
    n = model.n
    A_old = sparse.hstack([model.A, sparse.csr_matrix((model.m, k))], format="csr")
    blocks, lo, up, labels = [A_old], [model.row_lower], [model.row_upper], []
    for block, b_lo, b_up, lab in rows:
        blocks.append(sparse.csr_matrix(block))
        lo.append(np.asarray(b_lo, float))
        up.append(np.asarray(b_up, float))
        labels.extend(lab)
    A = sparse.vstack(blocks, format="csr")
    A.eliminate_zeros()
    n_new = len(labels)
    kind = np.concatenate([model.row_kind, np.full(n_new, "risk", dtype=object)])
    label = np.concatenate([model.row_label, np.array(labels, dtype=object)])
    neg = np.full(k, -1, dtype=model.col_commitment.dtype)
    extra = {}
    for name in ("col_response", "col_scenario"):  # two-stage models: aux columns are neither
        arr = getattr(model, name, None)
        if arr is not None:
            extra[name] = np.concatenate([arr, np.full(k, -1, dtype=arr.dtype)])
    return replace(
        model,
        c=np.concatenate([np.asarray(c_old, float), np.asarray(c_aux, float)]),
        A=A,
        row_lower=np.concatenate(lo),
        row_upper=np.concatenate(up),
        col_lower=np.concatenate([model.col_lower, np.asarray(lower, float)]),
        col_upper=np.concatenate([model.col_upper, np.asarray(upper, float)]),
        integrality=np.concatenate([model.integrality, np.zeros(k, dtype=bool)]),
        maximize=maximize,
        C=np.vstack([model.C, np.zeros((k, model.C.shape[1]))]),
        row_kind=kind,
        row_label=label,
        col_commitment=np.concatenate([model.col_commitment, neg]),
        col_option=np.concatenate([model.col_option, neg]),
        col_start=np.concatenate([model.col_start, neg]),
        aux_names=tuple(model.aux_names) + tuple(names),
        objective=str(objective),
        meta={**model.meta, "objective": str(objective), "base_columns": n},
        **extra,
    )


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
