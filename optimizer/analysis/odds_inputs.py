"""The inputs of sensitivity when the package moves the odds: base probabilities, baselines,
shift amounts and values, each a line in the objective of a fixed package.

The objective of a package ``x`` is ``E(x) = p(x) . (b + C^T x)`` with
``p(x) = p + sum_m delta_m y_m(x)`` (``optimizer.odds``). With the package fixed, ``E`` is a
line in each input here:

* a scenario's base probability (the others rescaled in proportion): ``p`` is affine in it;
* a scenario's baseline ``b_s``: slope ``p_s(x)``, the probability the package induces;
* a shift's amount: slope ``y_m(x) * (level_to(x) - level_from(x))``;
* an option's value in one scenario: slope ``p_s(x)`` times the option's unit direction.

``Odds.model_at(state)`` recompiles the exact MILP at changed inputs (``apply_shifts`` on the
problem's plain compile): the products' costs move with every one of these inputs.

An input's range is where it is defined: a probability in [0, 1] and an amount in [0, 1],
each narrowed to where no package can move a probability out of [0, 1] (the load-time rule);
a baseline or a value has no limit, and is searched over a wide range, reported as searched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from solvers.resolve import Key, Packages

from .sensitivity_params import option_columns, unit_value_direction

PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class State:
    """The inputs the objective depends on: base probabilities, values by scenario of the
    decision columns, baselines and shift amounts."""

    p: np.ndarray
    C: np.ndarray
    b: np.ndarray
    a: np.ndarray


class Odds:
    """The problem's plain compile and what turns a ``State`` into a model or a value."""

    def __init__(self, spec) -> None:
        from ..compile import compile_spec
        from ..odds import baselines, member_columns

        self.spec = spec
        self._relaxed = None  # the relations' packages, for ``valid`` (built when needed)
        self.ranges: dict[tuple[str, int], tuple[float, float]] = {}  # ``_domain``'s, by input
        plain = replace(
            spec, shifts=(), scenarios=tuple(replace(s, baseline=0.0) for s in spec.scenarios)
        )
        self.model0 = m0 = compile_spec(plain)
        nd = self.nd = m0.n_decision
        self.members = list(dict.fromkeys(str(sh.when) for sh in spec.shifts))
        sid = {s.id: i for i, s in enumerate(spec.scenarios)}
        self.shift_member = np.array([self.members.index(str(sh.when)) for sh in spec.shifts])
        self.frm = np.array([sid[sh.from_] for sh in spec.shifts], dtype=np.int64)
        self.to = np.array([sid[sh.to] for sh in spec.shifts], dtype=np.int64)
        self.credibility = np.array([float(sh.credibility) for sh in spec.shifts])
        self.is_share = np.array([sh.share is not None for sh in spec.shifts], dtype=bool)
        self.Y = np.zeros((nd, len(self.members)))
        if self.members:
            _, lo, hi = member_columns(m0, self.members)
            for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
                self.Y[a:b, k] = 1.0
        # members acting on each option (validity: a commitment chooses at most one option)
        rows, owner = [], []
        for ci, cm in enumerate(spec.commitments):
            for o in cm.options:
                rows.append(
                    [
                        m.split(".")[0] == cm.id and m.partition(".")[2] in ("", o.id)
                        for m in self.members
                    ]
                )
                owner.append(ci)
        self.Q = np.array(rows, dtype=float).reshape(len(rows), len(self.members))
        self.owner = np.array(owner, dtype=np.int64)
        self.base = State(
            p=np.asarray(m0.p, dtype=float).copy(),
            C=np.asarray(m0.C[:nd], dtype=float).copy(),
            b=baselines(spec),
            a=np.array([float(sh.amount if sh.share is None else sh.share) for sh in spec.shifts]),
        )

    def moved(self, st: State) -> np.ndarray:
        """The probability each shift moves: its amount (or its share of the base probability
        of ``from``) times its credibility."""
        a = np.where(self.is_share, st.a * st.p[self.frm], st.a)
        return a * self.credibility

    def delta(self, st: State) -> np.ndarray:
        """Members x scenarios: the probability each member moves (``moved``)."""
        moved = self.moved(st)
        d = np.zeros((len(self.members), self.base.p.size))
        np.add.at(d, (self.shift_member, self.to), moved)
        np.add.at(d, (self.shift_member, self.frm), -moved)
        return d

    def induced(self, x: np.ndarray, st: State) -> np.ndarray:
        return st.p + (x @ self.Y) @ self.delta(st)

    def expected(self, x: np.ndarray, st: State) -> float:
        return float(self.induced(x, st) @ (st.b + x @ st.C))

    def valid(self, st: State) -> bool:
        """No package can move a probability out of [0, 1] (the load-time rule,
        ``optimizer.spec.shifts``: for each commitment the worst of its options, relations
        ignored; where that bound fails, exactly over the packages the relations allow)."""
        tol = PROBABILITY_TOLERANCE
        if np.any(st.p < -tol) or np.any(st.p > 1 + tol) or np.any(st.a < -tol):
            return False
        if not self.members:
            return True
        d = self.Q @ self.delta(st)  # options x scenarios
        n_c = len(self.spec.commitments)
        lo = np.zeros((n_c, d.shape[1]))
        hi = np.zeros((n_c, d.shape[1]))
        np.minimum.at(lo, self.owner, d)
        np.maximum.at(hi, self.owner, d)
        if np.all(st.p + lo.sum(0) >= -tol) and np.all(st.p + hi.sum(0) <= 1 + tol):
            return True
        from ..spec.model import Member
        from ..spec.shift_bounds import relaxation, within

        if self._relaxed is None:
            self._relaxed = relaxation(self.spec)
        members = [Member.parse(m) for m in self.members]
        return within(self._relaxed, members, st.p, self.delta(st), tol)

    def model_at(self, st: State):
        """The exact MILP (``optimizer.odds``) with the inputs of ``st``."""
        from ..odds import apply_shifts

        m0 = self.model0
        C = np.array(m0.C, dtype=float)
        C[: self.nd] = st.C
        spec = replace(
            self.spec,
            scenarios=tuple(
                replace(s, probability=float(st.p[i]), baseline=float(st.b[i]))
                for i, s in enumerate(self.spec.scenarios)
            ),
            shifts=tuple(
                replace(sh, amount=float(a), share=None if sh.share is None else float(st.a[k]))
                for k, (sh, a) in enumerate(
                    zip(self.spec.shifts, self.moved(st) / self.credibility, strict=True)
                )
            ),
        )
        return apply_shifts(replace(m0, p=st.p.copy(), C=C, c=C @ st.p), spec)


class OddsPackages(Packages):
    """Packages valued by ``p(x) . (b + C^T x)`` at the base inputs (the model's decision
    costs alone leave out the products of the odds and the values)."""

    def __init__(self, model, odds: Odds) -> None:
        super().__init__(model)
        self.odds = odds

    def expected(self, key: Key, c: np.ndarray | None = None) -> float:
        return self.odds.expected(self.vec(key), self.odds.base)


@dataclass(frozen=True, eq=False)
class OddsParam:
    """One input of ``State``, set to ``theta`` by ``move``; searched over ``[lo, hi]``."""

    name: str
    kind: str
    target: str
    unit: str
    base: float
    lo: float
    hi: float
    move: Callable[[State, float], State]


def _domain(odds: Odds, key, move, base: float, lo: float, hi: float) -> tuple[float, float]:
    """The valid interval around ``base`` inside ``[lo, hi]`` (validity is an interval: each
    bound is concave or convex in one input). Ends located by bisection to 1e-12, once per
    input ``key``: kept in ``odds.ranges`` (a sweep's chunk is handed its parent's)."""
    if key in odds.ranges:
        return odds.ranges[key]

    def end(far: float) -> float:
        if odds.valid(move(odds.base, far)):
            return far
        ok, bad = base, far
        while abs(bad - ok) > 1e-12 * max(1.0, abs(base)):
            mid = 0.5 * (ok + bad)
            if odds.valid(move(odds.base, mid)):
                ok = mid
            else:
                bad = mid
        return ok

    odds.ranges[key] = (end(lo), end(hi))
    return odds.ranges[key]


def _set(arr: str, v_of: Callable[[np.ndarray, float], np.ndarray]):
    def move(st: State, theta: float) -> State:
        return replace(st, **{arr: v_of(getattr(st, arr).copy(), theta)})

    return move


def probability_params(odds: Odds) -> list[OddsParam]:
    """Each scenario's base probability (before the shifts), the others rescaled."""
    p = odds.base.p
    out = []
    if p.size < 2:
        return out
    for s, sc in enumerate(odds.spec.scenarios):
        rest = 1.0 - p[s]
        if rest <= 1e-12:
            continue

        def f(q: np.ndarray, t: float, s=s, rest=rest) -> np.ndarray:
            q = q * ((1.0 - t) / rest)
            q[s] = t
            return q

        move = _set("p", f)
        lo, hi = _domain(odds, ("probability", s), move, float(p[s]), 0.0, 1.0)
        out.append(
            OddsParam(
                f"P({sc.id}) before shifts", "probability", sc.id, "", float(p[s]), lo, hi, move
            )
        )
    return out


def _wide(odds: Odds, slope_unit: float) -> float:
    """Half-width of the range searched for an input without limits."""
    spread = float(np.abs(odds.base.C).sum() + np.abs(odds.base.b).sum()) + 1.0
    return spread / max(slope_unit, 1e-9)


def _smallest_probability(odds: Odds, s: int) -> float:
    vals = [odds.base.p[s], *np.abs(odds.delta(odds.base)[:, s])]
    pos = [v for v in vals if v > 1e-12]
    return min(pos, default=1.0)


def baseline_params(odds: Odds) -> list[OddsParam]:
    """Each scenario's baseline (its level whatever the package)."""
    out = []
    for s, sc in enumerate(odds.spec.scenarios):
        b = float(odds.base.b[s])
        M = _wide(odds, _smallest_probability(odds, s))

        def f(v: np.ndarray, t: float, s=s) -> np.ndarray:
            v[s] = t
            return v

        out.append(
            OddsParam(
                f"baseline of {sc.id}",
                "baseline",
                sc.id,
                odds.spec.value_unit,
                b,
                b - M,
                b + M,
                _set("b", f),
            )
        )
    return out


def amount_params(odds: Odds) -> list[OddsParam]:
    """Each shift's amount (or share), over [0, 1] narrowed to where every package stays
    valid."""
    out = []
    for k, sh in enumerate(odds.spec.shifts):

        def f(v: np.ndarray, t: float, k=k) -> np.ndarray:
            v[k] = t
            return v

        move = _set("a", f)
        a = float(odds.base.a[k])
        lo, hi = _domain(odds, ("shift", k), move, a, 0.0, 1.0)
        out.append(
            OddsParam(
                f"shift {sh.when}: {sh.from_} -> {sh.to}"
                + ("" if sh.share is None else f" (share of P({sh.from_}))"),
                "shift",
                f"shifts[{k}]",
                "",
                a,
                lo,
                hi,
                move,
            )
        )
    return out


def value_params(odds: Odds) -> list[OddsParam]:
    """Each option's value in each scenario (a number as written; a profile: a multiplier)."""
    spec, m0 = odds.spec, odds.model0
    out = []
    for ci, cm in enumerate(spec.commitments):
        for oi, o in enumerate(cm.options):
            cols, w, _ = unit_value_direction(spec, m0, ci, oi)
            if cols.size == 0:
                continue
            for s, sc in enumerate(spec.scenarios):
                amount = o.value.get(sc.id, 0.0)
                if isinstance(amount, tuple):
                    d, base, unit = odds.base.C[cols, s].copy(), 1.0, "x"
                else:
                    d, base, unit = w, float(amount), spec.value_unit
                if not np.any(d):
                    continue
                sm = _smallest_probability(odds, s) * float(np.min(np.abs(d[d != 0])))

                def f(C, t, cols=cols, s=s, d=d, base=base):
                    C[cols, s] += (t - base) * d
                    return C

                M = _wide(odds, sm)
                out.append(
                    OddsParam(
                        f"{cm.id}.{o.id} value in {sc.id}",
                        "value",
                        f"{cm.id}.{o.id}:{sc.id}",
                        unit,
                        base,
                        base - M,
                        base + M,
                        _set("C", f),
                    )
                )
    return out


def factor_params(odds: Odds) -> list[OddsParam]:
    """Each option's value in every scenario times a factor (base 1), for the tornado."""
    spec = odds.spec
    out = []
    for ci, cm in enumerate(spec.commitments):
        for oi, o in enumerate(cm.options):
            cols = option_columns(odds.model0, ci, oi)
            if cols.size == 0 or not np.any(odds.base.C[cols]):
                continue
            C0 = odds.base.C[cols]

            def f(C, t, cols=cols, C0=C0):
                C[cols] = t * C0
                return C

            out.append(
                OddsParam(
                    f"{cm.id}.{o.id} value",
                    "value",
                    f"{cm.id}.{o.id}",
                    "x",
                    1.0,
                    0.0,
                    2.0,
                    _set("C", f),
                )
            )
    return out
