"""Conditional tranches: stage-2 commitments, decided per scenario after the offer moved the odds.

The optimum of random small problems (first-stage commitments, stage-2 commitments, a shared
and a first-stage resource, relations between the stages, a stage-2 response tied to a
tranche by a constraint, baselines and shifts) is checked against enumeration: every
first-stage package x, then in each scenario s the best feasible tranches z_s (the scenario
terms are separable once x is fixed, p_s(x) >= 0), so the expected value is
sum_s p_s(x) (b_s + V_s(x) + max_z V_s(z)); maximin is min_s of the same levels.
"""

from __future__ import annotations

import itertools
import random

import pytest
from conftest import MIP_SOLVERS

import optimizer
from optimizer.solution import Choice, evaluate
from optimizer.spec.model import (
    Commitment,
    Constraint,
    Option,
    ProblemSpec,
    Relation,
    Resource,
    Response,
    Scenario,
)
from optimizer.spec.shifts import Shift

Q_UPPER = 3.0  # the stage-2 response q is at most Q_UPPER, and only where tranche t0 is taken


def random_problem(seed: int) -> ProblemSpec:
    rng = random.Random(seed)
    S = rng.choice([2, 3])
    sids = [f"s{i}" for i in range(S)]
    raw = [rng.uniform(1, 3) for _ in sids]
    probs = [round(r / sum(raw), 3) for r in raw]
    probs[-1] = round(1 - sum(probs[:-1]), 3)
    scenarios = [
        Scenario(s, p, baseline=float(rng.choice([0, 0, -5, 7])))
        for s, p in zip(sids, probs, strict=True)
    ]

    def value():
        return {s: float(rng.randint(-6, 9)) for s in sids}

    def options(k):
        return tuple(
            Option(
                f"o{j}",
                use={"cap": float(rng.randint(1, 4)), "own": float(rng.randint(0, 2))},
                value=value(),
            )
            for j in range(k)
        )

    first = [Commitment(f"a{i}", options(rng.choice([1, 2]))) for i in range(rng.choice([2, 3]))]
    later = []
    for i in range(rng.choice([1, 2])):
        opts = tuple(
            Option(f"o{j}", use={"cap": float(rng.randint(1, 4))}, value=value())
            for j in range(rng.choice([1, 2]))
        )
        later.append(Commitment(f"t{i}", opts, stage=2, required=rng.random() < 0.15))
    relations = [
        Relation("requires", a="t0.o0", b=rng.choice([c.id for c in first])),
    ]
    if len(later) > 1 and rng.random() < 0.5:
        relations.append(Relation("excludes", members=("t0", "t1")))
    if rng.random() < 0.5:
        relations.append(Relation("requires", a="a0", b="a1"))
    if rng.random() < 0.4:
        relations.append(Relation("excludes", members=("a1", f"t{len(later) - 1}")))
    shifts = []
    for c in first:
        if rng.random() < 0.6:
            f, t = rng.sample(sids, 2)
            amount = round(rng.uniform(0.01, min(probs) / (len(first) + 1)), 3)
            shifts.append(Shift(c.id, f, t, amount))
    return ProblemSpec.build(
        f"tranches-{seed}",
        first + later,
        scenarios=scenarios,
        resources=[
            Resource("cap", capacity=float(rng.randint(3, 8))),
            Resource("own", capacity=float(rng.randint(1, 3))),
        ],
        relations=relations,
        responses=[Response("q", value=value(), upper=Q_UPPER)],
        constraints=[Constraint("q_only_with_t0", f"q - {Q_UPPER} * t0 <= 0")],
        shifts=tuple(shifts),
    )


def _choices(c: Commitment):
    return ([] if c.required else [None]) + [Choice(c.id, o.id) for o in c.options]


def _ok(spec: ProblemSpec, picks: dict, names, resources) -> bool:
    """``resources`` and the relations among the commitments ``names`` hold for ``picks``."""

    def has(m) -> bool:
        ch = picks.get(m.commitment)
        return ch is not None and (m.option is None or ch.option == m.option)

    for r in resources:
        used = sum(
            spec.commitment(c).option(ch.option).use.get(r.id, 0.0) for c, ch in picks.items()
        )
        if used > r.capacity[0] + 1e-9:
            return False
    for rel in spec.relations:
        named = {m.commitment for m in (*rel.members, rel.a, rel.b) if m is not None}
        if not named <= names:
            continue
        if rel.type == "requires" and has(rel.a) and not has(rel.b):
            return False
        if rel.type == "excludes" and sum(map(has, rel.members)) > 1:
            return False
    return True


def enumerate_packages(spec: ProblemSpec):
    """Every feasible first-stage package with its best tranches and levels by scenario and
    the probabilities it induces: ``(package, tranches, levels, p)``."""
    first = [c for c in spec.commitments if c.stage == 1]
    later = [c for c in spec.commitments if c.stage == 2]
    names1 = {c.id for c in first}
    names_all = {c.id for c in spec.commitments}
    q = spec.responses[0]
    for combo in itertools.product(*map(_choices, first)):
        picks = {ch.commitment: ch for ch in combo if ch is not None}
        # first-stage rows: the "own" resource and relations among first-stage members
        if not _ok(spec, picks, names1, [spec.resource("own")]):
            continue
        p = {s.id: s.probability for s in spec.scenarios}
        for sh in spec.shifts:
            if sh.when.commitment in picks:
                p[sh.from_] -= sh.amount
                p[sh.to] += sh.amount
        levels, tranches = {}, {}
        for s in spec.scenarios:
            v1 = s.baseline + sum(
                spec.commitment(c).option(ch.option).value.get(s.id, 0.0) for c, ch in picks.items()
            )
            top, arg = float("-inf"), None
            for z in itertools.product(*map(_choices, later)):
                mine = {**picks, **{ch.commitment: ch for ch in z if ch is not None}}
                if not _ok(spec, mine, names_all, spec.resources):
                    continue
                v = sum(
                    spec.commitment(ch.commitment).option(ch.option).value.get(s.id, 0.0)
                    for ch in z
                    if ch is not None
                )
                if "t0" in mine:
                    v += Q_UPPER * max(0.0, q.value.get(s.id, 0.0))
                if v > top:
                    top, arg = v, tuple(ch for ch in z if ch is not None)
            if arg is None:
                break
            levels[s.id], tranches[s.id] = v1 + top, arg
        else:
            yield tuple(picks.values()), tranches, levels, p


def brute_force(spec: ProblemSpec):
    """(best expected, its package and tranches, best maximin) by enumeration."""
    best = (float("-inf"), None, None)
    best_min = float("-inf")
    for package, tranches, levels, p in enumerate_packages(spec):
        ev = sum(p[s] * v for s, v in levels.items())
        if ev > best[0] + 1e-9:
            best = (ev, package, tranches)
        best_min = max(best_min, min(levels.values()))
    return best[0], best[1], best[2], best_min


SEEDS = range(30)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_random_tranches_match_enumeration(seed, solver):
    spec = random_problem(seed)
    ev, package, tranches, best_min = brute_force(spec)
    if package is None:
        with pytest.raises(optimizer.InfeasibleError):
            optimizer.solve(spec, solver=solver)
        return
    sol = optimizer.solve(spec, solver=solver)
    assert sol.verified and sol.status == "optimal"
    assert sol.expected == pytest.approx(ev, abs=1e-6)
    # the enumerated optimum passes the independent check with the same value
    q = spec.responses[0]
    responses = {
        "q": {
            s: Q_UPPER if any(c.commitment == "t0" for c in z) and q.value[s] > 0 else 0.0
            for s, z in tranches.items()
        }
    }
    check = evaluate(spec, package, responses, tranches)
    assert check.feasible, check.violations
    assert check.expected == pytest.approx(ev, abs=1e-6)
    worst = optimizer.solve(spec, solver=solver, objective="maximin")
    assert worst.objective_value == pytest.approx(best_min, abs=1e-6)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS[::3])
def test_random_tranches_regret_and_cvar_match_enumeration(seed, solver):
    """Without shifts (CVaR is refused with them): regret against each scenario's best level
    over the packages with recourse everywhere, and CVaR of the levels."""
    from optimizer.objectives import cvar_value

    spec = random_problem(seed).replace(shifts=())
    found = list(enumerate_packages(spec))
    if not found:
        return
    sids = [s.id for s in spec.scenarios]
    best = {s: max(lv[s] for _, _, lv, _ in found) for s in sids}
    regret = min(max(best[s] - lv[s] for s in sids) for _, _, lv, _ in found)
    sol = optimizer.solve(spec, solver=solver, objective="regret")
    assert sol.objective_value == pytest.approx(regret, abs=1e-6)
    probs = [spec.scenarios[i].probability for i in range(len(sids))]
    cvar = max(cvar_value([lv[s] for s in sids], probs, 0.5, True) for _, _, lv, _ in found)
    sol = optimizer.solve(spec, solver=solver, objective="cvar:0.5")
    assert sol.objective_value == pytest.approx(cvar, abs=1e-6)


def test_random_problems_exercise_the_features():
    """The generator makes what the enumeration test claims to cover."""
    specs = [random_problem(s) for s in SEEDS]
    assert sum(bool(s.shifts) for s in specs) >= 20
    assert (
        sum(any(c.stage == 2 and len(c.options) == 2 for c in s.commitments) for s in specs) >= 10
    )
    assert any(any(c.required for c in s.commitments) for s in specs)
    solved = [brute_force(s) for s in specs]
    feasible = [(s, r) for s, r in zip(specs, solved, strict=True) if r[1] is not None]
    assert len(feasible) >= 20
    # some optima take a tranche in one scenario and not in another: truly conditional
    assert any(len({z for z in r[2].values()}) > 1 for _, r in feasible)
