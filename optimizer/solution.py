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

from .errors import VerificationError
from .spec.model import Amount, Member, ProblemSpec

FEAS_TOL = 1e-6
INT_TOL = 1e-6
OBJ_TOL = 1e-6


@dataclass(frozen=True)
class Choice:
    """The option chosen for a commitment, and its start year (``None`` if single-period)."""

    commitment: str
    option: str
    start: int | None = None

    def __str__(self) -> str:
        s = f"{self.commitment}.{self.option}"
        return s if self.start is None else f"{s}@{self.start}"

    def to_dict(self) -> dict[str, Any]:
        return {"commitment": self.commitment, "option": self.option, "start": self.start}


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
    spec: ProblemSpec, chosen: Iterable[Choice], responses: Mapping | None = None
) -> Evaluation:
    """Evaluate a package (and response values, if any) against ``spec`` from first principles."""
    chosen = list(chosen)
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
        if c.required and c.id not in picked:
            violations.append(f"required commitment '{c.id}' has no option chosen")

    def period(ch: Choice) -> int:
        return 0 if ch.start is None or spec.years is None else ch.start - first

    # Values per scenario: levels, from each scenario's baseline
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    by_scenario = {}
    for s in spec.scenarios:
        total = float(s.baseline)
        for ch in picked.values():
            o = commitments[ch.commitment].option(ch.option)
            amt = o.value.get(s.id, 0.0)
            prof = _profile(amt, period(ch), T, o.value_per_year)
            total += sum(v * d for v, d in zip(prof, disc, strict=True))
        by_scenario[s.id] = total

    def has(m: Member) -> bool:
        ch = picked.get(m.commitment)
        return ch is not None and (m.option is None or ch.option == m.option)

    # the probabilities the package induces (the base ones unless it triggers [[shifts]])
    probabilities = {s.id: s.probability for s in spec.scenarios}
    if spec.shifts:
        from .spec.shifts import induced

        probabilities = induced(spec, has)
    expected = sum(probabilities[s] * v for s, v in by_scenario.items())

    # Resources
    uses: list[ResourceUse] = []
    for r in spec.resources:
        per = [0.0] * T
        for ch in picked.values():
            o = commitments[ch.commitment].option(ch.option)
            if r.id in o.use:
                prof = _profile(o.use[r.id], period(ch), T, r.kind == "per_year")
                per = [a + b for a, b in zip(per, prof, strict=True)]
        if r.kind == "total":
            pairs = [(None, sum(per), r.capacity[0])]
        else:
            pairs = list(zip(spec.period_labels, per, r.capacity, strict=True))
        for year, used, cap in pairs:
            uses.append(ResourceUse(r.id, year, used, cap, r.unit))
            if used > cap + FEAS_TOL * max(1.0, abs(cap)):
                where = r.id if year is None else f"{r.id} {year}"
                violations.append(f"{where}: uses {used:.6g} of {cap:.6g}")

    # Relations
    def start_of(m: Member) -> int:
        return period(picked[m.commitment])

    for rel in spec.relations:
        label = rel.label()
        if rel.type == "requires":
            if has(rel.a):
                if not has(rel.b):
                    violations.append(f"{label}: '{rel.b}' is not chosen")
                elif rel.lag is not None and start_of(rel.b) > start_of(rel.a) - rel.lag:
                    violations.append(
                        f"{label}: '{rel.b}' does not start {rel.lag} year(s) before '{rel.a}'"
                    )
            continue
        k = sum(has(m) for m in rel.members)
        bad = (
            (rel.type == "excludes" and k > 1)
            or (rel.type == "both_or_neither" and k not in (0, len(rel.members)))
            or (rel.type == "at_most" and k > rel.count)
            or (rel.type == "at_least" and k < rel.count)
            or (rel.type == "exactly" and k != rel.count)
            or (rel.type == "force" and k != len(rel.members))
            or (rel.type == "forbid" and k != 0)
        )
        if bad:
            violations.append(f"{label}: {k} of {len(rel.members)} members chosen")
    if spec.responses or spec.constraints:
        _check_responses(spec, picked, responses or {}, by_scenario, violations)
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


def _check_responses(
    spec: ProblemSpec, chosen: dict, responses: Mapping, by_scenario: dict, violations: list
) -> None:
    """Add response values to the scenario values; check bounds, integrality, constraints."""
    from .spec.validate import constraint_forms

    sids = [s.id for s in spec.scenarios]

    def val(rid: str, sid: str) -> float:
        v = responses.get(rid, 0.0)
        return float(v.get(sid, 0.0)) if isinstance(v, Mapping) else float(v)

    for r in spec.responses:
        for sid in sids if r.stage == 2 else sids[:1]:
            y = val(r.id, sid)
            where = r.id if r.stage == 1 else f"{r.id}[{sid}]"
            tol = FEAS_TOL * max(1.0, abs(y))
            if y < r.lower - tol or y > r.upper + tol:
                violations.append(f"{where} = {y:.6g} outside [{r.lower:.6g}, {r.upper:.6g}]")
            if r.integer and abs(y - round(y)) > INT_TOL:
                violations.append(f"{where} = {y:.6g} is not a whole number")
        for sid in sids:
            by_scenario[sid] += r.value.get(sid, 0.0) * val(r.id, sid)
    names = {r.id for r in spec.responses}
    for con, pc in zip(spec.constraints, constraint_forms(spec), strict=True):
        for si, sid in enumerate(sids):
            lhs = pc.form.constant[si]
            scale = abs(lhs)
            for name, coef in pc.form.terms.items():
                if name in names:
                    x = val(name, sid)
                else:
                    m = Member.parse(name)
                    ch = chosen.get(m.commitment)
                    x = float(ch is not None and (m.option is None or ch.option == m.option))
                lhs += coef[si] * x
                scale = max(scale, abs(coef[si] * x))
            tol = FEAS_TOL * max(1.0, scale)
            sense = pc.sense
            bad = (
                (sense == "<=" and lhs > tol)
                or (sense == ">=" and lhs < -tol)
                or (sense == "==" and abs(lhs) > tol)
            )
            if bad:
                violations.append(
                    f"constraint {con.id} [{sid}]: {con.expr} fails by {abs(lhs):.6g}"
                )


@dataclass(frozen=True)
class Solution:
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

    def __repr__(self) -> str:
        pkg = ", ".join(str(c) for c in self.chosen)
        return f"Solution({self.status}, expected={self.expected:.6g}, chosen=[{pkg}])"

    @property
    def objective_sense(self) -> str:
        """The sense in which ``objective_value`` was optimised: the problem's, except for
        ``regret``, which is minimised whatever the problem's sense (as an exported model says)."""
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
