"""Sensitivity when the package moves the odds (``[[shifts]]``), and the baseline rows of a
problem with scenario baselines alone.

Tipping points of a base probability, a baseline, a shift's amount or an option's value in one
scenario: with the package fixed the objective is a line in the input (``odds_inputs``), so
the optimal value is the upper envelope of one line per package and the edge of the base
package's interval is found exactly by line intersection, each candidate checked by a re-solve
of the model recompiled at that input and restated in the loaded solver
(``solvers.resolve.restate``: in place when only costs changed, reloaded when products appear
or vanish). Capacities are right-hand sides: the existing searches apply unchanged.

What would it take (a change of an option's value, the same in every scenario) keeps its exact
class shortcut: the induced probabilities sum to 1 for every package, so the change moves every
package choosing a given column of the option by the same amount whatever the odds.

LP shadow prices are those of the LP relaxation of the compiled MILP (its products relaxed by
their McCormick rows): a bound, as without shifts, not a price for the integer problem.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace

from solvers.resolve import Key, objective_edge, restate

from ..errors import SolverError
from .odds_inputs import (
    Odds,
    OddsPackages,
    OddsParam,
    State,
    amount_params,
    baseline_params,
    factor_params,
    probability_params,
    value_params,
)
from .proven import limited, watch
from .sensitivity_params import RhsParam, capacity_params, option_columns, scale_param
from .sensitivity_results import SensitivityReport, TippingPoint, TornadoRow, by_swing
from .sensitivity_session import Session

NOTES_SHIFTS = (
    "probabilities are those induced by each package: p(x) = base probabilities moved by the "
    "chosen shifts; a package's expected value is p(x) . levels (baselines included)",
    "P(s) before shifts: a base probability, the others rescaled in proportion; a probability "
    "or an amount is searched where no package can move a probability out of [0, 1]",
    "base probabilities, baselines, shift amounts and values: breakpoints exact (line "
    "intersection, each checked by a re-solve of the recompiled model); an end equal to the "
    "searched end means no change within the searched range",
    "what would it take: a change the same in every scenario moves each package by that "
    "change whatever the odds (induced probabilities sum to 1), so the threshold stays exact",
    "LP shadow prices: of the LP relaxation of the compiled MILP (products of the odds and the "
    "values relaxed by their McCormick rows)",
)
NOTE_BASELINES = (
    "baselines: with no [[shifts]], a scenario's baseline adds probability x baseline to every "
    "package's expected value, so it cannot change the optimal package (no tipping point); "
    "the tornado shows its effect on the expected value"
)


def baseline_rows(spec, v0: float, rel: float) -> list[TornadoRow]:
    """Tornado rows of the baselines of a problem without shifts: the package stays, and the
    expected value moves by ``probability * change``."""
    out = []
    for s in spec.scenarios:
        if s.baseline == 0 or s.probability == 0:
            continue
        lo, hi = s.baseline * (1 - rel), s.baseline * (1 + rel)
        out.append(
            TornadoRow(
                f"baseline of {s.id}",
                "baseline",
                lo,
                hi,
                v0 + s.probability * (lo - s.baseline),
                v0 + s.probability * (hi - s.baseline),
                None,
                None,
                spec.value_unit,
            )
        )
    return out


class OddsSession(Session):
    """A ``Session`` on the exact MILP of a problem with shifts, valuing packages by
    ``p(x) . levels`` and re-solving at changed inputs by recompiling."""

    def __init__(self, spec, solver="highs", options=None) -> None:
        self.odds = odds = Odds(spec)
        model = odds.model_at(odds.base)
        super().__init__(spec, solver, options, model=model, packages=OddsPackages(model, odds))

    def solve_at(self, st: State) -> Key | None:
        self.lm = self.run.lm = restate(self.lm, self.odds.model_at(st))
        return self.run()

    def back(self) -> None:
        self.lm = self.run.lm = restate(self.lm, self.model)

    def value(self, key: Key, st: State) -> float:
        return self.odds.expected(self.pk.vec(key), st)

    def tipping(self, param, tolerance: float = 1e-4) -> TippingPoint:
        if not isinstance(param, OddsParam):
            return super().tipping(param, tolerance)
        before, start, proven = self.run.solves, self.doubts, watch(self)
        base, s = self.odds.base, self.sigma

        def at(t: float) -> Key | None:
            return self.solve_at(param.move(base, t))

        def line(k: Key) -> tuple[float, float]:
            e0 = self.value(k, param.move(base, 0.0))
            e1 = self.value(k, param.move(base, 1.0))
            return s * e0, s * (e1 - e0)

        try:
            lo, below = objective_edge(at, line, param.base, self.key0, param.lo, self.tol_v)
            hi, above = objective_edge(at, line, param.base, self.key0, param.hi, self.tol_v)
        except SolverError as e:
            raise limited(self, start, f"the tipping point of {param.name}", e) from e
        finally:
            self.back()
        tp = self._tipping_point(param, lo, hi, below, above)
        return replace(tp, solves=self.run.solves - before, proven=proven())

    def tornado_inputs(self, rel: float) -> list[tuple]:
        """The tornado's inputs in order: ``(name, kind, param, low, high)``, each at
        base * (1 -/+ rel) within its range."""

        def clamp(p, x: float) -> float:
            return min(max(x, p.lo), p.hi)

        out: list[tuple] = []
        for p in probability_params(self.odds):
            lo, hi = clamp(p, p.base * (1 - rel)), clamp(p, p.base * (1 + rel))
            out.append((p.name, "probability", p, lo, hi))
        for p in baseline_params(self.odds):
            if p.base != 0:
                out.append((p.name, "baseline", p, p.base * (1 - rel), p.base * (1 + rel)))
        for p in amount_params(self.odds):
            lo, hi = clamp(p, p.base * (1 - rel)), clamp(p, p.base * (1 + rel))
            out.append((p.name, "shift", p, lo, hi))
        for p in factor_params(self.odds):
            out.append((p.name, "value", p, 1 - rel, 1 + rel))
        for r in self.spec.resources:
            sp = scale_param(self.spec, self.model, r.id)
            if sp is not None:
                out.append((f"{r.id} capacity", "capacity", sp, 1 - rel, 1 + rel))
        return out

    def tornado_row(self, item: tuple, known: dict) -> TornadoRow:
        """The tornado row of one of ``tornado_inputs``; ``known``: the tipping points by
        ``(kind, target)`` (inside the base package's interval: no solve)."""
        name, kind, p, lo, hi = item
        base = self.odds.base
        proven = watch(self)

        def value_at(theta: float) -> tuple[float, Key | None]:
            t = known.get((p.kind, p.target))
            if t is not None and not t.proven:  # its interval rests on an unproven re-solve
                self.run.doubts += 1
            if isinstance(p, RhsParam):
                # inside the base package's interval, clear of the tolerance window (as
                # Session.tornado): no solve
                if t is not None and t.lower <= theta <= t.upper - t.tolerance:
                    return self.pk.expected(self.key0), self.key0
                p.apply(self.lm, theta)
                k = self.run()
                p.restore(self.lm)
                return (math.nan, k) if k is None else (self.pk.expected(k), k)
            st = p.move(base, theta)
            if t is not None and t.lower <= theta <= t.upper:
                k = self.key0
            else:
                k = self.solve_at(st)
                self.back()
                v0 = self.sigma * self.value(self.key0, st)
                if k != self.key0 and v0 >= self.sigma * self.value(k, st) - self.tol_v:
                    k = self.key0  # a tie keeps the base package (whichever the solver found)
            return self.value(k, st), k

        vl, kl = value_at(lo)
        vh, kh = value_at(hi)
        ch = [None if k == self.key0 else self.pk.change(self.key0, k) for k in (kl, kh)]
        unit = getattr(p, "unit", "")
        return TornadoRow(name, kind, lo, hi, vl, vh, *ch, unit, proven=proven())

    def tornado_odds(self, rel: float, tipping: Sequence[TippingPoint] = ()) -> list[TornadoRow]:
        """Optimal expected value with each input at base * (1 -/+ rel), within its range."""
        known = {(t.kind, t.target): t for t in tipping}
        return by_swing([self.tornado_row(it, known) for it in self.tornado_inputs(rel)])


def odds_parameters(ses: OddsSession, kinds: Sequence[str]) -> list:
    odds, out = ses.odds, []
    if "probability" in kinds:
        out += probability_params(odds)
    if "baseline" in kinds:
        out += baseline_params(odds)
    if "shift" in kinds:
        out += amount_params(odds)
    if "value" in kinds:
        out += value_params(odds)
    out += [p for p in capacity_params(ses.spec, ses.model) if p.kind in kinds]
    return out


def threshold_ids(ses: OddsSession) -> list[tuple[int, int]]:
    """The options with a what-would-it-take threshold: ``(commitment, option)`` positions."""
    spec = ses.spec
    ids = [(ci, oi) for ci, cm in enumerate(spec.commitments) for oi in range(len(cm.options))]
    return [i for i in ids if option_columns(ses.model, *i).size]


def item_name(spec, sec: str, item) -> str:
    """The name of a ``sec`` item: a tipping input's, a tornado input's, or an option's
    ``commitment.option`` (a threshold)."""
    if sec == "tipping":
        return item.name
    if sec == "tornado":
        return item[0]
    if sec != "thresholds":
        return str(item)
    cm = spec.commitments[item[0]]
    return f"{cm.id}.{cm.options[item[1]].id}"


def odds_sensitivity(
    spec,
    *,
    solver: str = "highs",
    options=None,
    tolerance: float,
    tornado_range: float,
    kinds: Sequence[str],
    sections: Sequence[str],
) -> SensitivityReport:
    """``sensitivity`` of a problem with ``[[shifts]]`` (called by it, inputs checked there).

    Each tipping point, threshold and tornado row is an item of ``partial.each``: under a
    ``--max-time`` budget the ones not finished in time are named, the rest reported."""
    from .partial import each

    t0 = time.perf_counter()
    ses = OddsSession(spec, solver, options)
    unfinished: list[str] = []

    def run(sec: str, items: list, compute) -> list:
        done, left = each(items, compute, lambda it: item_name(spec, sec, it))
        unfinished.extend(f"{sec}: {n}" for n in left)
        return done

    tipping = []
    if "tipping" in sections:
        tipping = run("tipping", odds_parameters(ses, kinds), lambda p: ses.tipping(p, tolerance))
    thresholds = []
    if "thresholds" in sections:
        thresholds = run("thresholds", threshold_ids(ses), lambda i: ses.threshold(*i))
    tornado = []
    if "tornado" in sections:
        known = {(t.kind, t.target): t for t in tipping}
        rows = run(
            "tornado", ses.tornado_inputs(tornado_range), lambda it: ses.tornado_row(it, known)
        )
        tornado = by_swing(rows)
    prices, lp_obj = [], None
    if "shadow" in sections:
        got, left = each(["shadow prices"], lambda _: ses.shadow_prices())  # as the sweep's
        (prices, lp_obj), unfinished = got[0] if got else ([], None), unfinished + left
    parts = (tipping, thresholds, tornado, prices, lp_obj)
    return odds_report(ses, tolerance, tornado_range, parts, ses.run.solves, t0, unfinished)


def odds_report(ses, tolerance, rel, parts, solves, t0, unfinished=None) -> SensitivityReport:
    """The report of ``ses``'s problem: ``parts`` are the tipping points, thresholds, tornado
    rows, LP shadow prices and LP objective; ``unfinished``: the items not computed
    (``--max-time``; ``None``: not tracked)."""
    spec = ses.spec
    tipping, thresholds, tornado, prices, lp_obj = parts
    x0 = ses.pk.vec(ses.key0)
    p0 = ses.odds.induced(x0, ses.odds.base)
    moved = ", ".join(
        f"P({s.id}) from {s.probability:.6g} to {float(q):.6g}"
        for s, q in zip(spec.scenarios, p0, strict=True)
        if abs(float(q) - s.probability) > 1e-12
    )
    notes = (
        *NOTES_SHIFTS,
        f"the optimal package moves {moved}" if moved else "the optimal package moves no odds",
    )
    return SensitivityReport(
        problem=spec.name,
        sense=spec.sense,
        value_unit=spec.value_unit,
        package=ses.pk.names(ses.key0),
        expected=ses.v0,
        tolerance=tolerance,
        tipping=tuple(tipping),
        thresholds=tuple(thresholds),
        tornado=tuple(tornado),
        tornado_range=rel,
        shadow_prices=tuple(prices),
        lp_objective=lp_obj,
        solves=solves,
        solver=ses.lm.solver_name,
        time_s=time.perf_counter() - t0,
        warnings=tuple(ses.run.warnings),
        notes=notes,
        unfinished=None if unfinished is None else tuple(unfinished),
        status=ses.status0,
    )
