"""Decode a solver's vector into a package of commitments, and check it independently.

``evaluate`` re-derives everything from the ``ProblemSpec`` alone -- resource use per year,
value per scenario, every relation -- with plain Python over the chosen options. It shares
no code with ``compile``, so a compile bug and a solver bug both show up as a failed check.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .checks import FEAS_TOL, INT_TOL
from .checks import check_responses as _check_responses
from .checks import relation_violation as _relation_violation
from .choice import Choice
from .errors import VerificationError
from .frames_api import Frames
from .spec.model import Amount, Member, ProblemSpec

OBJ_TOL = 1e-6


@dataclass(frozen=True)
class ResourceUse:
    """How much of a resource a package uses in a year (``None``: over the whole horizon)."""

    id: str
    year: int | None
    used: float
    capacity: float
    unit: str = ""

    @property
    def slack(self) -> float:
        return self.capacity - self.used

    def to_dict(self) -> dict[str, Any]:
        cap = self.capacity if math.isfinite(self.capacity) else None
        return {"id": self.id, "year": self.year, "used": _r(self.used), "capacity": cap}


@dataclass(frozen=True)
class Evaluation:
    """What a package does, computed from the spec: values, use, and any violations."""

    by_scenario: Mapping[str, float]
    expected: float
    resources: tuple[ResourceUse, ...]
    violations: tuple[str, ...]
    probabilities: Mapping[str, float] = field(default_factory=dict)  # p(x): induced

    @property
    def feasible(self) -> bool:
        return not self.violations


def _r(x: float) -> float:
    """Round away float noise for reporting (12 significant digits)."""
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.12g}")


def _profile(amount: Amount, start: int, n_periods: int, recurring: bool) -> list[float]:
    out = [0.0] * n_periods
    if isinstance(amount, tuple):
        for k, v in enumerate(amount):
            if start + k < n_periods:
                out[start + k] += v
    elif recurring:
        for t in range(start, n_periods):
            out[t] += amount
    else:
        out[start] += amount
    return out


def evaluate(
    spec: ProblemSpec,
    chosen: Iterable[Choice],
    responses: Mapping | None = None,
    tranches: Mapping[str, Iterable[Choice]] | None = None,
) -> Evaluation:
    """Evaluate a package (and response values and conditional tranches ``{scenario:
    choices}``, if any) against ``spec`` from first principles."""
    chosen = list(chosen)
    staged = any(c.stage == 2 for c in spec.commitments)
    T = spec.n_periods
    first = spec.first_year
    violations: list[str] = []
    picked: dict[str, Choice] = {}
    commitments = {c.id: c for c in spec.commitments}
    for ch in chosen:
        c = commitments.get(ch.commitment)
        if c is None:
            violations.append(f"unknown commitment '{ch.commitment}'")
            continue
        if c.stage == 2:
            violations.append(f"'{ch}' is a stage-2 commitment: it is chosen per scenario")
            continue
        if ch.commitment in picked:
            violations.append(f"more than one option of '{ch.commitment}'")
        picked[ch.commitment] = ch
        try:
            o = c.option(ch.option)
        except KeyError:
            violations.append(f"unknown option '{ch}'")
            continue
        if spec.years is not None:
            lo, hi = o.start if o.start else (first, first)
            if ch.start is None or not lo <= ch.start <= hi:
                violations.append(f"'{ch}' starts outside its window [{lo}, {hi}]")
    for c in spec.commitments:
        if c.required and c.id not in picked and c.stage == 1:
            violations.append(f"required commitment '{c.id}' has no option chosen")

    def period(ch: Choice) -> int:
        return 0 if ch.start is None or spec.years is None else ch.start - first

    # Values per scenario: levels, from each scenario's baseline
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]

    def value_of(ch: Choice, sid: str) -> float:
        o = commitments[ch.commitment].option(ch.option)
        prof = _profile(o.value.get(sid, 0.0), period(ch), T, o.value_per_year)
        return sum(v * d for v, d in zip(prof, disc, strict=True))

    by_scenario = {}
    for s in spec.scenarios:
        by_scenario[s.id] = float(s.baseline) + sum(value_of(ch, s.id) for ch in picked.values())
    per: dict[str, dict] = {}
    if staged:  # conditional tranches: each scenario's own choices
        from . import tranche_solution as ts

        per = ts.picks_by_scenario(spec, picked, tranches, violations)
        ts.add_tranche_values(spec, by_scenario, per, value_of)

    def has(m: Member) -> bool:
        ch = picked.get(m.commitment)
        return ch is not None and (m.option is None or ch.option == m.option)

    # the probabilities the package induces (the base ones unless it triggers [[shifts]])
    probabilities = {s.id: s.probability for s in spec.scenarios}
    if spec.shifts:
        from .spec.shifts import induced

        probabilities = induced(spec, has)
    expected = sum(probabilities[s] * v for s, v in by_scenario.items())

    # Resources (a resource a tranche uses: in every scenario, with its choices)
    uses: list[ResourceUse] = []
    rows = (
        ts.resource_rows(spec, picked, per) if staged else ((r, "", picked) for r in spec.resources)
    )
    for r, suffix, these in rows:
        used_by = [0.0] * T
        for ch in these.values():
            o = commitments[ch.commitment].option(ch.option)
            if r.id in o.use:
                prof = _profile(o.use[r.id], period(ch), T, r.kind == "per_year")
                used_by = [a + b for a, b in zip(used_by, prof, strict=True)]
        if r.kind == "total":
            pairs = [(None, sum(used_by), r.capacity[0])]
        else:
            pairs = list(zip(spec.period_labels, used_by, r.capacity, strict=True))
        rid = r.id + suffix
        for year, used, cap in pairs:
            uses.append(ResourceUse(rid, year, used, cap, r.unit))
            if used > cap + FEAS_TOL * max(1.0, abs(cap)):
                where = rid if year is None else f"{rid} {year}"
                violations.append(f"{where}: uses {used:.6g} of {cap:.6g}")

    # Relations (one naming a tranche: in every scenario, with its choices)
    for rel in spec.relations:
        if staged and ts.names_stage2(spec, rel):
            for sid, mine in per.items():
                bad = _relation_violation(rel, mine, period)
                if bad:
                    violations.append(f"{bad} [{sid}]")
            continue
        bad = _relation_violation(rel, picked, period)
        if bad:
            violations.append(bad)
    if spec.responses or spec.constraints:
        _check_responses(spec, picked, responses or {}, by_scenario, violations, per)
        expected = sum(probabilities[s] * v for s, v in by_scenario.items())
    return Evaluation(by_scenario, expected, tuple(uses), tuple(violations), probabilities)


def decode(model, x: np.ndarray) -> list[Choice]:
    """The package a solution vector stands for; checks integrality of the integer columns."""
    xd = np.asarray(x[: model.n_decision], dtype=float)
    frac = np.where(model.integrality[: model.n_decision], np.abs(xd - np.round(xd)), 0.0)
    if frac.max(initial=0.0) > INT_TOL:
        j = int(frac.argmax())
        raise VerificationError(
            f"solver returned a fractional value {xd[j]:.6g} for '{model.col_name(j)}'"
        )
    out = []
    is_commitment = model.col_commitment[: model.n_decision] >= 0
    if model.col_scenario is not None:  # a conditional tranche is not part of the package
        is_commitment &= model.col_scenario[: model.n_decision] < 0
    for j in np.nonzero((xd > 0.5) & is_commitment)[0]:
        ci = int(model.col_commitment[j])
        out.append(
            Choice(
                model.commitment_ids[ci],
                model.option_ids[ci][int(model.col_option[j])],
                model.period_labels[int(model.col_start[j])],
            )
        )
    return out


def decode_responses(model, x: np.ndarray) -> dict[str, float | dict[str, float]]:
    """Response values: a number for a stage-1 response, ``{scenario: value}`` for stage 2."""
    out: dict[str, float | dict[str, float]] = {}
    if model.col_response is None:
        return out
    for j in np.nonzero(model.col_response[: model.n_decision] >= 0)[0]:
        rid = model.response_ids[int(model.col_response[j])]
        si = int(model.col_scenario[j])
        v = float(x[j])
        if si < 0:
            out[rid] = v
        else:
            out.setdefault(rid, {})[model.scenario_ids[si]] = v  # type: ignore[index]
    return out


@dataclass(frozen=True)
class Solution(Frames):
    """A verified package and what it achieves."""

    problem: ProblemSpec = field(repr=False)
    status: str
    objective: str
    objective_value: float
    expected: float
    by_scenario: Mapping[str, float]
    chosen: tuple[Choice, ...]
    resources: tuple[ResourceUse, ...]
    solver: Mapping[str, Any]
    verified: bool = True
    warnings: tuple[str, ...] = ()
    responses: Mapping[str, Any] = field(default_factory=dict)
    # p(x): the probabilities the package induces, when the problem has [[shifts]]
    probabilities: Mapping[str, float] = field(default_factory=dict)
    # conditional tranches: the stage-2 commitments chosen in each scenario
    tranches: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    # [[criteria]]: each criterion's value, and how a criteria objective scaled and weighed them
    criteria: Mapping[str, float] = field(default_factory=dict)
    criteria_info: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        pkg = ", ".join(str(c) for c in self.chosen)
        return f"Solution({self.status}, expected={self.expected:.6g}, chosen=[{pkg}])"

    @property
    def objective_sense(self) -> str:
        """The sense in which ``objective_value`` was optimised: the problem's, except for
        ``regret``, which is minimised whatever the problem's sense (as an exported model says)."""
        if self.criteria_info.get("sense"):
            return self.criteria_info["sense"]
        return "minimize" if self.objective == "regret" else self.problem.sense

    def is_chosen(self, member: str) -> bool:
        m = Member.parse(member)
        return any(
            c.commitment == m.commitment and (m.option is None or c.option == m.option)
            for c in self.chosen
        )

    def odds(self) -> dict[str, Any] | None:
        """Under ``[[shifts]]``: base and induced probabilities, and the expected value split
        into its value at the base odds and the value of moving them; else ``None``."""
        if not self.probabilities:
            return None
        base = {s.id: s.probability for s in self.problem.scenarios}
        at_base = sum(base[s] * v for s, v in self.by_scenario.items())
        return {
            "base": {s: _r(p) for s, p in base.items()},
            "induced": {s: _r(p) for s, p in self.probabilities.items()},
            "value_at_base_odds": _r(at_base),
            "value_of_moving_the_odds": _r(self.expected - at_base),
        }

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        solver = dict(self.solver)
        if not timings:
            solver.pop("time_s", None)
        d = {
            "schema_version": 1,
            "problem": {
                "name": self.problem.name,
                "sha256": self.problem.sha256,
                "sense": self.problem.sense,
            },
            "status": self.status,
            "objective": {
                "kind": self.objective,
                "value": _r(self.objective_value),
                "expected": _r(self.expected),
                "by_scenario": {k: _r(v) for k, v in self.by_scenario.items()},
                "sense": self.objective_sense,
                "unit": self.problem.value_unit,
            },
            "chosen": [c.to_dict() for c in self.chosen],
            "resources": [u.to_dict() for u in self.resources],
            "solver": solver,
            "verified": self.verified,
        }
        baselines = {s.id: s.baseline for s in self.problem.scenarios}
        if any(baselines.values()):
            d["objective"]["baselines"] = baselines  # by_scenario are levels, baselines included
        odds = self.odds()
        if odds is not None:
            d["probabilities"] = {"base": odds["base"], "induced": odds["induced"]}
            d["objective"]["value_at_base_odds"] = odds["value_at_base_odds"]
            d["objective"]["value_of_moving_the_odds"] = odds["value_of_moving_the_odds"]
        if self.criteria:
            d["criteria"] = {k: _r(v) for k, v in self.criteria.items()}
            d["objective"].update({k: v for k, v in self.criteria_info.items() if k != "sense"})
        if self.tranches:
            d["tranches"] = {s: [c.to_dict() for c in cs] for s, cs in self.tranches.items()}
        if self.responses:
            d["responses"] = {
                k: ({s: _r(x) for s, x in v.items()} if isinstance(v, Mapping) else _r(v))
                for k, v in self.responses.items()
            }
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d

    def to_json(self, *, indent: int | None = 2, timings: bool = True) -> str:
        return json.dumps(self.to_dict(timings=timings), indent=indent, sort_keys=False)
