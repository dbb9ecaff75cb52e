"""Scenarios and the value of information: wait-and-see, RP, EV/EEV, EVPI, VSS, regret.

* **Wait-and-see**: for each scenario alone (``spec.only_scenario``), the best package and its
  value ``best_s``; ``WS = sum_s p_s best_s`` is what could be expected if the scenario were
  known before committing.
* **RP** (the recourse problem; the expected-value objective): the package that is best on
  average, and its expected value.
* **EV package**: the first-stage decision (commitments, and stage-1 responses of a two-stage
  model) that is best for the *mean scenario* (:func:`mean_scenario`: every scenario-indexed
  number replaced by its probability-weighted mean). **EEV** is its expected value over the
  real scenarios, with the recourse re-optimised in each (the first stage held fixed).
* **EVPI = WS - RP** (maximisation) or **RP - WS** (minimisation): what perfect foresight is
  worth. **VSS = RP - EEV** (maximisation) or **EEV - RP** (minimisation): what planning with
  the scenarios, rather than with their average, is worth. Both are >= 0.

When scenarios change only the values of options (no recourse, no scenario-dependent
constraints), a package's value in the mean scenario *is* its expected value, so the EV
package is also RP-optimal and VSS is 0 up to solver tolerance. It is computed all the same,
so the figure is a check rather than an assumption; two-stage models give nonzero VSS.

The regret table gives each package (RP, EV, and each scenario's wait-and-see package) in
each scenario: its value (recourse re-optimised, first stage fixed) and its regret against
that scenario's best. A first stage with no feasible recourse in a scenario has no value
there (``None``; EEV is then -inf for a maximisation, +inf for a minimisation).

Every package comes from a solve that has passed the independent check of
:func:`optimizer.solution.evaluate`; values are the verifier's, not the solver's.

**When the package moves the odds** (``[[shifts]]``; the engine's convention, since the textbook
definitions assume probabilities no decision moves): values are levels (baselines included)
and the scenario is revealed with the odds the chosen package induces. ``best_s`` is the best
level in ``s`` (shifts cannot matter once ``s`` is known); ``WS = sum_s p_s(x*) best_s`` with
``x*`` the RP package, so EVPI = WS - RP is foresight at the odds the recommended package
induces (WS depends on ``x*``; EVPI >= 0 still). The EV package is the mean scenario's at the
base probabilities (a single scenario has no odds to move); every row of the regret table,
EEV included, is a package's expected value at its own induced odds, so VSS counts both
planning with the scenarios and seeing that the package moves the odds.

**With conditional tranches** (``stage = 2``) a package is an *offer* and its tranches are
recourse: ``best_s`` is the best level in ``s`` with the offer and the tranches both chosen
knowing ``s``; every row of the regret table (EEV included) is an offer with its tranches
re-optimised in each scenario (``fix_first_stage`` leaves them free); the EV offer is the mean
scenario's, its tranches decided in the mean scenario only to choose it. WS, EVPI and VSS are
then as above (at the odds the RP offer induces under shifts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..frames_api import Frames
from ..solution import Choice, _r

ZERO_TOL = 1e-6  # relative: EVPI/VSS closer to 0 than the MIP gap are reported as 0


OFFERS_TEXT = (
    "Packages are offers: each scenario's best ('WS') chooses the offer and its conditional "
    "tranches knowing the scenario; every row below is an offer with its tranches "
    "re-optimised in each scenario (EEV: the mean scenario's offer, so evaluated)."
)


def _num(x: float | None) -> float | None:
    """JSON-safe: ``None`` for a missing or infinite value."""
    return None if x is None or not math.isfinite(x) else _r(x)


@dataclass(frozen=True)
class PackageResult:
    """One package of the regret table (a first-stage decision)."""

    label: str  # "RP", "EV", "WS good", ...
    chosen: tuple[Choice, ...]
    responses: Mapping[str, float]  # stage-1 responses (two-stage models)
    expected: float  # -inf/+inf when some scenario has no feasible recourse
    by_scenario: Mapping[str, float | None]
    regret: Mapping[str, float | None]
    probabilities: Mapping[str, float] | None = None  # p(x) under shifts

    @property
    def max_regret(self) -> float:
        vals = [r for r in self.regret.values()]
        return math.inf if any(r is None for r in vals) else max(vals)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "label": self.label,
            "chosen": [c.to_dict() for c in self.chosen],
            "expected": _num(self.expected),
            "by_scenario": {
                s: {"value": _num(v), "regret": _num(self.regret[s])}
                for s, v in self.by_scenario.items()
            },
            "max_regret": _num(self.max_regret),
        }
        if self.responses:
            d["responses"] = {k: _r(v) for k, v in self.responses.items()}
        if self.probabilities is not None:
            d["probabilities"] = {k: _r(v) for k, v in self.probabilities.items()}
        return d


@dataclass(frozen=True)
class ValueOfInformation(Frames):
    problem: str
    sense: str
    unit: str
    scenarios: tuple[str, ...]
    probabilities: tuple[float, ...]
    best: Mapping[str, float]  # wait-and-see value of each scenario
    ws: float
    rp: float
    eev: float
    evpi: float
    vss: float
    rp_package: PackageResult
    ev_package: PackageResult
    wait_and_see: tuple[PackageResult, ...]  # one per scenario, in scenario order
    solver: str
    induced: tuple[float, ...] | None = None  # p(x*) of the RP package, under shifts
    offers: bool = False  # conditional tranches: packages are offers (tranches re-optimised)

    @property
    def packages(self) -> tuple[PackageResult, ...]:
        """The rows of the regret table: RP, EV, then each wait-and-see package."""
        return (self.rp_package, self.ev_package, *self.wait_and_see)

    def __repr__(self) -> str:
        return (
            f"ValueOfInformation({self.problem}: WS={self.ws:.6g}, RP={self.rp:.6g}, "
            f"EEV={self.eev:.6g}, EVPI={self.evpi:.6g}, VSS={self.vss:.6g})"
        )

    def to_dict(self) -> dict[str, Any]:
        d = {
            "problem": self.problem,
            "sense": self.sense,
            "unit": self.unit,
            "solver": self.solver,
            "scenarios": [
                {
                    "id": s,
                    "probability": p,
                    "best": _r(self.best[s]),
                    "wait_and_see_package": [c.to_dict() for c in ws.chosen],
                }
                for s, p, ws in zip(
                    self.scenarios, self.probabilities, self.wait_and_see, strict=True
                )
            ],
            "ws": _num(self.ws),
            "rp": _num(self.rp),
            "eev": _num(self.eev),
            "evpi": _num(self.evpi),
            "vss": _num(self.vss),
            "rp_package": [c.to_dict() for c in self.rp_package.chosen],
            "ev_package": [c.to_dict() for c in self.ev_package.chosen],
            "regret_table": [p.to_dict() for p in self.packages],
        }
        if self.offers:
            d["tranches"] = OFFERS_TEXT
        if self.induced is not None:
            d["probabilities"] = "induced by each package; WS at the RP package's"
            for row, q in zip(d["scenarios"], self.induced, strict=True):
                row["induced"] = _r(q)
        return d


def _clean_zero(x: float, scale: float) -> float:
    if not math.isfinite(x):
        return x
    return 0.0 if abs(x) <= ZERO_TOL * max(1.0, abs(scale)) else x


def stage_one(sol) -> dict[str, float]:
    """A solution's stage-1 response values (numbers; stage-2 ones are by scenario)."""
    return {k: float(v) for k, v in sol.responses.items() if not isinstance(v, Mapping)}


def fix_first_stage(model, chosen, responses: Mapping[str, float]):
    """``model`` with every first-stage column fixed: the package's commitment columns at 1,
    the others at 0, and stage-1 responses at the given values (conditional tranches are
    recourse: left free)."""
    from ..offer import offer_mask

    lo, up = model.col_lower.copy(), model.col_upper.copy()
    nd = model.n_decision
    want = {(c.commitment, c.option, c.start) for c in chosen}
    com = model.col_commitment[:nd]
    for j in np.nonzero(offer_mask(model)[:nd])[0]:
        ci = int(com[j])
        key = (
            model.commitment_ids[ci],
            model.option_ids[ci][int(model.col_option[j])],
            model.period_labels[int(model.col_start[j])],
        )
        lo[j] = up[j] = 1.0 if key in want else 0.0
    if model.col_response is not None:
        stage1 = (model.col_response[:nd] >= 0) & (model.col_scenario[:nd] < 0)
        for j in np.nonzero(stage1)[0]:
            rid = model.response_ids[int(model.col_response[j])]
            lo[j] = up[j] = float(responses.get(rid, 0.0))
    return model.with_bounds(col_lower=lo, col_upper=up)


def mean_scenario(spec):
    """The mean-scenario (EV) problem (see ``ProblemSpec.mean_scenario``)."""
    return spec.mean_scenario()


def value_of_information(
    spec,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    verbose: bool = False,
) -> ValueOfInformation:
    """Wait-and-see, RP, EV/EEV, EVPI, VSS and the regret table of ``spec``.

    Raises ``InfeasibleError`` (with a diagnosis) when the problem is infeasible.
    """
    import dataclasses

    import solvers

    from .. import engine
    from ..compile import compile_spec
    from ..errors import LimitError

    backend = solvers.get(solver)
    opts = solvers.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, verbose=verbose)
    ids = tuple(s.id for s in spec.scenarios)
    p = tuple(s.probability for s in spec.scenarios)
    maximize = spec.sense == "maximize"
    sg = 1.0 if maximize else -1.0
    worst = -math.inf if maximize else math.inf

    def solve(sp, model=None, what: str = ""):
        model = compile_spec(sp) if model is None else model
        sol = engine.finish(sp, model, backend.solve(model, opts), backend, opts)
        if sol.status != "optimal":
            raise LimitError(f"{spec.name}: {what} not proven optimal within the limits")
        return sol

    full = compile_spec(spec)
    rp_sol = solve(spec, full, "the expected-value package")
    # one scenario, or their mean, has no odds to move: solved without the shifts
    fixed = dataclasses.replace(spec, shifts=()) if spec.shifts else spec
    ws_sols = [solve(fixed.only_scenario(s), what=f"scenario '{s}' alone") for s in ids]
    best = {s: float(sol.expected) for s, sol in zip(ids, ws_sols, strict=True)}
    ev_sol = solve(mean_scenario(fixed), what="the mean-scenario package")

    def odds(chosen) -> tuple[float, ...]:
        """p(x): the package's induced probabilities (the base ones without shifts)."""
        if not spec.shifts:
            return p
        from ..solution import evaluate

        q = evaluate(spec, chosen).probabilities
        return tuple(float(q[s]) for s in ids)

    def evaluate_fixed(chosen, responses) -> dict[str, float | None]:
        """Value in each scenario with the first stage fixed and the recourse re-optimised."""
        model = fix_first_stage(full, chosen, responses)
        res = backend.solve(model, opts)
        if res.status != solvers.Status.INFEASIBLE:
            sol = engine.finish(spec, model, res, backend, opts)
            return {s: float(sol.by_scenario[s]) for s in ids}
        out: dict[str, float | None] = {}
        for s in ids:  # which scenarios have no feasible recourse?
            one = fixed.only_scenario(s)
            m = fix_first_stage(compile_spec(one), chosen, responses)
            r = backend.solve(m, opts)
            if r.status == solvers.Status.INFEASIBLE:
                out[s] = None
            else:
                out[s] = float(engine.finish(one, m, r, backend, opts).expected)
        return out

    def row(label: str, sol, values=None) -> PackageResult:
        chosen, responses = tuple(sol.chosen), stage_one(sol)
        vals = dict(values) if values is not None else evaluate_fixed(chosen, responses)
        q = odds(chosen)
        if any(v is None for v in vals.values()):
            expected = worst
        else:
            expected = float(sum(pi * vals[s] for s, pi in zip(ids, q, strict=True)))
        reg = {
            s: None if vals[s] is None else _clean_zero(sg * (best[s] - vals[s]), best[s])
            for s in ids
        }
        induced = dict(zip(ids, q, strict=True)) if spec.shifts else None
        return PackageResult(label, chosen, responses, expected, vals, reg, induced)

    rp_row = row("RP", rp_sol, {s: float(rp_sol.by_scenario[s]) for s in ids})
    ev_row = row("EV", ev_sol)
    ws_rows = tuple(row(f"WS {s}", sol) for s, sol in zip(ids, ws_sols, strict=True))
    p_star = odds(rp_row.chosen)  # the scenario is revealed with the odds x* induces
    ws = float(sum(pi * best[s] for s, pi in zip(ids, p_star, strict=True)))
    rp = rp_row.expected
    eev = ev_row.expected
    return ValueOfInformation(
        problem=spec.name,
        sense=spec.sense,
        unit=spec.value_unit,
        scenarios=ids,
        probabilities=p,
        best=best,
        ws=ws,
        rp=rp,
        eev=eev,
        evpi=_clean_zero(sg * (ws - rp), ws),
        vss=_clean_zero(sg * (rp - eev), rp),
        rp_package=rp_row,
        ev_package=ev_row,
        wait_and_see=ws_rows,
        solver=backend.name,
        induced=p_star if spec.shifts else None,
        offers=any(c.stage == 2 for c in spec.commitments),
    )
