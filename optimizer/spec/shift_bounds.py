"""How far the packages a problem's relations allow can move each scenario's probability.

The load-time rule (``optimizer.spec.shifts``) refuses a problem in which some package could
move a probability below 0 or above 1. Its first, fast bound takes for each commitment the
worst of its options and ignores relations; when that bound fails, this module decides exactly
over the packages the relations allow: with one binary ``z[c, o]`` per option,

    min (or max) sum_k w_k * y_k(z)    subject to the choice rows and every relation,

where ``y_k`` is 1 when shift ``k``'s member is chosen (``sum`` of its options' ``z``: a
commitment chooses at most one option). Relations are read as the compile reads them
(``requires`` ⇒ ``y_a <= y_b``, ``excludes`` ⇒ at most one, ``both_or_neither``, counts,
``force``, ``forbid``; a ``requires`` with a lag counts as one without: every timed package
also satisfies it). Budgets, constraints and start-year windows are not counted: they depend on
numbers a Monte Carlo draw or ``--set`` changes, and leaving them out keeps the rule a safe
bound (a package the rule admits may still be ruled out by a budget; none it refuses is
allowed by the relations). A conditional tranche (``stage = 2``) counts once, as a choice made
now: relations are the same in every scenario, so this is the same set.

The MILP is small (one column per option) and solved by SciPy's HiGHS (``scipy.optimize.milp``)
with no gap; the worst package found is re-valued here, so a refusal always names a package
that the relations allow and that really moves the probability out of range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .items import Member

if TYPE_CHECKING:
    from .model import ProblemSpec


@dataclass(frozen=True)
class Relaxation:
    """The packages a problem's relations allow, as ``lo <= A z <= hi`` over binary ``z``
    (one per option, in the spec's order); ``cols(m)`` are the options of member ``m``."""

    first: dict[str, int]
    options: dict[str, list[str]]
    A: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n: int

    def cols(self, m: Member) -> list[int]:
        f = self.first[m.commitment]
        opts = self.options[m.commitment]
        if m.option is None:
            return list(range(f, f + len(opts)))
        return [f + opts.index(m.option)]


def relaxation(spec: ProblemSpec) -> Relaxation:
    """The choice rows and every relation of ``spec`` over one binary per option."""
    first: dict[str, int] = {}
    options: dict[str, list[str]] = {}
    n = 0
    for c in spec.commitments:
        first[c.id] = n
        options[c.id] = [o.id for o in c.options]
        n += len(c.options)
    rows: list[dict[int, float]] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(terms: list[tuple[Member, float]], low: float, up: float) -> None:
        r: dict[int, float] = {}
        for m, sign in terms:
            f, opts = first.get(m.commitment), options.get(m.commitment)
            if f is None or (m.option is not None and m.option not in opts):
                return  # unknown member: the validator has already refused it
            cols = range(f, f + len(opts)) if m.option is None else [f + opts.index(m.option)]
            for j in cols:
                r[j] = r.get(j, 0.0) + sign
        rows.append(r)
        lo.append(low)
        hi.append(up)

    for c in spec.commitments:
        if len(c.options) > 1 or c.required:
            row([(Member(c.id), 1.0)], 1.0 if c.required else -np.inf, 1.0)
    for rel in spec.relations:
        t = rel.type
        if t == "requires":
            row([(rel.a, 1.0), (rel.b, -1.0)], -np.inf, 0.0)
        elif t == "excludes":
            row([(m, 1.0) for m in rel.members], -np.inf, 1.0)
        elif t == "both_or_neither":
            for m in rel.members[1:]:
                row([(rel.members[0], 1.0), (m, -1.0)], 0.0, 0.0)
        elif t in ("at_most", "at_least", "exactly"):
            k = float(rel.count)
            row(
                [(m, 1.0) for m in rel.members],
                -np.inf if t == "at_most" else k,
                np.inf if t == "at_least" else k,
            )
        elif t == "force":
            for m in rel.members:
                row([(m, 1.0)], 1.0, 1.0)
        elif t == "forbid":
            for m in rel.members:
                row([(m, 1.0)], -np.inf, 0.0)
    A = np.zeros((len(rows), n))
    for i, r in enumerate(rows):
        for j, v in r.items():
            A[i, j] = v
    return Relaxation(first, options, A, np.array(lo), np.array(hi), n)


def extreme(
    rel: Relaxation, members: list[Member], weights: np.ndarray, sense: int
) -> tuple[float, list[int]] | None:
    """The smallest (``sense`` -1) or largest (+1) ``sum_k weights[k] * y_k`` over the packages
    ``rel`` allows, with the indices ``k`` of the members the extreme package chooses; None
    when no package satisfies the relations (nothing to bound). Raises ``TimeoutError`` when
    HiGHS proves nothing within its limit (the caller keeps the fast bound's verdict)."""
    c = np.zeros(rel.n)
    for m, w in zip(members, weights, strict=True):
        c[rel.cols(m)] += w
    z = _solve(rel, -sense * c)
    if z is None:
        return None
    chosen = [k for k, m in enumerate(members) if z[rel.cols(m)].sum() > 0.5]
    return float(sum(weights[k] for k in chosen)), chosen


_SOLVED: dict[tuple, np.ndarray | None] = {}  # the MILP's answer by its exact data
_SOLVED_MAX = 4096


def _solve(rel: Relaxation, c: np.ndarray) -> np.ndarray | None:
    """The package (``z``) minimising ``c @ z`` over ``rel``; None when there is none. The same
    data gives the same answer, so answers are kept by the problem's exact bytes: a sensitivity
    sweep rebuilds the problem hundreds of times with the relations and often the shifts
    unchanged (a value or a capacity moved), and each rebuild re-proves the bound."""
    key = (rel.A.shape, rel.A.tobytes(), rel.lo.tobytes(), rel.hi.tobytes(), c.tobytes())
    if key not in _SOLVED:
        from scipy.optimize import Bounds, LinearConstraint, milp

        cons = [LinearConstraint(rel.A, rel.lo, rel.hi)] if rel.A.shape[0] else []
        res = milp(
            c,
            integrality=np.ones(rel.n),
            bounds=Bounds(0.0, 1.0),
            constraints=cons,
            options={"mip_rel_gap": 0.0, "time_limit": 30.0},
        )
        if res.status not in (0, 2) or (res.status == 0 and res.x is None):
            raise TimeoutError(res.message)  # not kept: a time limit may not be hit again
        if len(_SOLVED) >= _SOLVED_MAX:
            _SOLVED.clear()
        z = None if res.status == 2 else np.round(res.x)
        if z is not None:
            z.setflags(write=False)
        _SOLVED[key] = z
    return _SOLVED[key]


def within(
    rel: Relaxation, members: list[Member], p: np.ndarray, delta: np.ndarray, tol: float
) -> bool:
    """Whether every package ``rel`` allows keeps ``p + sum_m delta[m] y_m`` in [0, 1] (``delta``:
    members x scenarios, the probability each member moves into each scenario)."""
    for s in range(p.size):
        for side in (-1, 1):
            try:
                found = extreme(rel, members, delta[:, s], side)
            except TimeoutError:
                return False
            if found is None:
                return True
            level = p[s] + found[0]
            if level < -tol or level > 1.0 + tol:
                return False
    return True
