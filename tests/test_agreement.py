"""Right answers: HiGHS and CBC agree, every reported package passes the independent check,
and the numerics of a model are watched.

Random problems here are larger than brute force can enumerate (``test_bruteforce`` and
``test_objectives`` check small ones against enumeration) and use every part of the format at
once: start windows, every relation type, per-year budgets (some years without a limit),
total budgets, a resource an option provides (negative use), scenarios, responses of both
stages (some integer), scenario-dependent parameters and expression constraints; and every
objective (``expected``, ``maximin``, ``cvar:A``, ``mean-cvar:L,A``, ``regret``).

Agreement tolerance: each solver stops at a relative MIP gap of 1e-6, so two proven optima may
differ by up to about 2e-6 relative; the data are small whole numbers. ``AGREE`` (1e-5
relative to max(1, |value|)) leaves a margin of five over that and is still far below any
difference a wrong package would make (at least 1/ (the largest denominator in the
probabilities and CVaR weights), i.e. about 1e-2 here).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from conftest import MIP_SOLVERS

import optimizer
from optimizer.errors import InfeasibleError, InputError, VerificationError
from optimizer.objectives import measure
from optimizer.solution import decode, evaluate
from optimizer.spec import load_document

AGREE = 1e-5
FIRST = 2030
OBJECTIVES = ("expected", "maximin", "cvar:0.3", "mean-cvar:0.5,0.25", "regret")
RELATIONS = (
    "requires",
    "excludes",
    "both_or_neither",
    "at_most",
    "at_least",
    "exactly",
    "force",
    "forbid",
)


def rich_problem(seed: int) -> dict:
    """A random problem document that uses every part of the format (a pure function of
    ``seed``, so a failing case is reproduced from its seed alone)."""
    rng = random.Random(seed)
    T = rng.randint(2, 5)
    years = list(range(FIRST, FIRST + T))
    head: dict = {"name": f"rich-{seed}", "years": [FIRST, FIRST + T - 1]}
    if rng.random() < 0.5:
        head["discount_rate"] = rng.choice([0.03, 0.1])
    if rng.random() < 0.25:
        head["sense"] = "minimize"
    doc: dict = {"problem": head}

    S = rng.randint(1, 4)
    sids = [f"s{i}" for i in range(S)]
    weights = [rng.randint(1, 4) for _ in sids]
    probs = [w / sum(weights) for w in weights[:-1]]
    doc["scenarios"] = [
        {"id": s, "probability": p} for s, p in zip(sids, [*probs, 1.0 - sum(probs)], strict=True)
    ]
    limited = sorted(rng.sample(years, rng.randint(1, T)))
    doc["resources"] = [
        {"id": "cash", "capacity": {str(y): rng.randint(3, 12) for y in limited}},
        {"id": "staff", "capacity": rng.randint(2, 8)},
        {"id": "pool", "kind": "total", "capacity": rng.randint(4, 16)},
        {"id": "envelope", "capacity": 0},  # filled by one option, drawn on by others
    ]

    def money():
        if rng.random() < 0.3:
            return [rng.randint(0, 4) for _ in range(rng.randint(1, T))]
        return rng.randint(0, 4)

    def amount():
        if rng.random() < 0.3:
            return [rng.randint(-1, 6) for _ in range(rng.randint(1, T))]
        return rng.randint(-2, 12)

    def value():
        if S > 1 and rng.random() < 0.5:
            return {s: amount() for s in rng.sample(sids, rng.randint(1, S))}
        return amount()

    commitments = []
    n = rng.randint(6, 12)
    for i in range(n):
        options = []
        for j in range(rng.randint(1, 3)):
            o: dict = {"id": f"o{j}", "use": {"cash": money()}}
            if rng.random() < 0.5:
                o["use"]["staff"] = rng.randint(0, 4)
            if rng.random() < 0.5:
                o["use"]["pool"] = money()
            if rng.random() < 0.2:
                o["use"]["envelope"] = rng.randint(1, 3)
            o["value"] = value()
            if rng.random() < 0.4:
                o["value_per_year"] = True
            if rng.random() < 0.5:
                a = rng.choice(years)
                o["start"] = [a, rng.randint(a, min(years[-1], a + 2))]
            options.append(o)
        c: dict = {"id": f"c{i}", "options": options}
        if rng.random() < 0.1:
            c["required"] = True
        commitments.append(c)
    # the envelope provider: choosing it makes room for the options that draw on it
    commitments.append({"id": "env", "use": {"envelope": -3, "cash": 1}, "value": 0})
    doc["commitments"] = commitments

    def member(i: int) -> str:
        c = commitments[i]
        if len(c["options"]) > 1 and rng.random() < 0.4:
            return f"{c['id']}.{rng.choice(c['options'])['id']}"
        return c["id"]

    relations = []
    for _ in range(rng.randint(1, 6)):
        t = rng.choice(RELATIONS)
        if t == "requires":  # later -> earlier: acyclic, so lags never contradict
            a = rng.randint(1, n - 1)
            rel = {"type": t, "a": member(a), "b": member(rng.randint(0, a - 1))}
            if rng.random() < 0.5:
                rel["lag"] = rng.randint(0, 2)
        else:
            k = rng.randint(2 if t in ("excludes", "both_or_neither") else 1, 4)
            rel = {"type": t, "members": [member(i) for i in rng.sample(range(n), k)]}
            if t in ("at_most", "at_least", "exactly"):
                rel["count"] = rng.randint(0, k if t == "at_most" else min(k, 2))
        relations.append(rel)
    doc["relations"] = relations

    responses = []
    for r in range(rng.choice([0, 0, 1, 2])):
        resp: dict = {
            "id": f"r{r}",
            "stage": rng.choice([1, 2]),
            "upper": rng.randint(1, 6),
            "value": {s: rng.randint(-3, 3) for s in sids},
        }
        if rng.random() < 0.5:
            resp["integer"] = True
        responses.append(resp)
    if responses:
        doc["responses"] = responses
        doc["parameters"] = [{"id": "k", "value": {s: rng.randint(1, 4) for s in sids}}]
        names = [r["id"] for r in responses] + [c["id"] for c in commitments[:n]]
        constraints = []
        for _ in range(rng.randint(1, 2)):
            parts = []
            for name in rng.sample(names, rng.randint(1, min(3, len(names)))):
                coef = "k" if name.startswith("r") and rng.random() < 0.5 else rng.randint(1, 4)
                parts.append(f"{rng.choice('+-')} {coef} * {name}")
            # the right-hand side keeps "nothing chosen, every response 0" feasible
            sense = rng.choice(["<=", "<=", ">=", "=="])
            rhs = {"<=": rng.randint(0, 5), ">=": -rng.randint(0, 5), "==": 0}[sense]
            constraints.append({"expr": f"{' '.join(parts)} {sense} {rhs}"})
        doc["constraints"] = constraints
    return doc


def solve_both(spec, objective: str) -> dict:
    out = {}
    for solver in MIP_SOLVERS:
        try:
            out[solver] = optimizer.solve(spec, solver=solver, objective=objective)
        except InfeasibleError:
            out[solver] = None
    return out


def check_verified(spec, sol, objective: str) -> None:
    """The package and responses, re-evaluated from the spec alone, hold and are worth it."""
    ev = evaluate(spec, sol.chosen, sol.responses)
    assert ev.feasible, ev.violations
    assert sol.status == "optimal" and sol.verified
    for sid, v in ev.by_scenario.items():
        assert math.isclose(sol.by_scenario[sid], v, rel_tol=1e-9, abs_tol=1e-9)
    model = optimizer.build_model(spec, objective)
    value = measure(objective, spec, ev.by_scenario, model)
    assert math.isclose(sol.objective_value, value, rel_tol=1e-6, abs_tol=1e-6)


SEEDS = range(60)


@pytest.mark.skipif(len(MIP_SOLVERS) < 2, reason="needs two MIP solvers (highs and cbc)")
@pytest.mark.parametrize("seed", SEEDS)
def test_highs_and_cbc_agree_and_every_answer_is_verified(seed: int) -> None:
    doc = rich_problem(seed)
    objective = OBJECTIVES[seed % len(OBJECTIVES)]
    try:
        spec = load_document(doc)
    except InputError as e:  # a member both forced and forbidden, two options forced: refused
        assert "forced" in str(e), e
        return
    results = solve_both(spec, objective)
    found = {s: r is not None for s, r in results.items()}
    assert len(set(found.values())) == 1, f"one solver found a package, the other not: {found}"
    if not any(found.values()):
        return
    values = {s: r.objective_value for s, r in results.items()}
    a, b = values.values()
    assert abs(a - b) <= AGREE * max(1.0, abs(a), abs(b)), values
    for sol in results.values():
        check_verified(spec, sol, objective)


def test_the_generator_covers_every_feature() -> None:
    """Over the seeds used, every feature and objective occurs, and most problems load and
    have a package (agreement on 'infeasible' alone would test little)."""
    seen: set[str] = set()
    loaded = feasible = 0
    for seed in SEEDS:
        doc = rich_problem(seed)
        seen |= {r["type"] for r in doc["relations"]}
        seen |= {k for k in ("responses", "constraints") if k in doc}
        options = [o for c in doc["commitments"] for o in c.get("options", [])]
        seen |= {k for o in options for k in o if k in ("start", "value_per_year")}
        seen |= {"profile" for o in options if isinstance(o["use"]["cash"], list)}
        seen |= {"stage 2" for r in doc.get("responses", []) if r["stage"] == 2}
        seen |= {"integer" for r in doc.get("responses", []) if r.get("integer")}
        seen |= {"minimize"} if doc["problem"].get("sense") == "minimize" else set()
        try:
            spec = load_document(doc)
        except InputError:
            continue
        loaded += 1
        try:
            optimizer.solve(spec)
            feasible += 1
        except InfeasibleError:
            pass
    features = {"responses", "constraints", "start", "value_per_year", "profile", "stage 2"}
    assert seen >= {*RELATIONS, *features, "integer", "minimize"}, seen
    assert {OBJECTIVES[s % len(OBJECTIVES)] for s in SEEDS} == set(OBJECTIVES)
    assert loaded >= 0.9 * len(SEEDS) and feasible >= 0.5 * len(SEEDS), (loaded, feasible)


# ---- numerical care ---------------------------------------------------------------------------
def test_bundled_problems_are_well_scaled() -> None:
    from optimizer.numerics import MAX_ORDERS, ranges, scaling_warnings

    for name in optimizer.spec.bundled_names():
        model = optimizer.build_model(optimizer.load(name))
        assert scaling_warnings(model) == (), name
        assert all(r.orders <= MAX_ORDERS for r in ranges(model))


BADLY_SCALED = {
    "problem": {"name": "scaled"},
    "resources": [{"id": "dollars", "capacity": 5e9}],
    "commitments": [
        {"id": "big", "use": {"dollars": 3e9}, "value": 10},
        {"id": "tiny", "use": {"dollars": 0.2}, "value": 1},
    ],
}


def test_a_badly_scaled_problem_warns_in_the_solution_and_on_the_command_line(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from optimizer.cli import cli
    from optimizer.numerics import ranges

    spec = load_document(BADLY_SCALED)
    model = optimizer.build_model(spec)
    coef = {r.part: r for r in ranges(model)}["constraint coefficients"]
    assert (coef.smallest, coef.largest) == (0.2, 3e9)  # 10.2 orders of magnitude
    sol = optimizer.solve(spec)
    assert [c.commitment for c in sol.chosen] == ["big", "tiny"]
    (warning,) = sol.warnings
    assert warning.startswith(
        "numerics: constraint coefficients span 0.2 (budget: dollars x tiny.yes)"
    )
    assert "10.2 orders of magnitude (more than 9)" in warning
    path = tmp_path / "scaled.json"
    path.write_text(json.dumps(BADLY_SCALED))
    out = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["warnings"] == [warning]
    table = CliRunner().invoke(cli, ["solve", str(path)])
    assert f"warning: {warning}" in " ".join(table.stdout.split())  # the table wraps it
    # nine orders of magnitude exactly is not flagged: 1 and 1e9
    ok = {**BADLY_SCALED, "commitments": [{"id": "big", "use": {"dollars": 1e9}, "value": 1}]}
    ok["commitments"].append({"id": "one", "use": {"dollars": 1}, "value": 1})
    assert optimizer.solve(load_document(ok)).warnings == ()


def test_decode_refuses_a_fractional_vector() -> None:
    spec = optimizer.load("small-example")
    model = optimizer.build_model(spec)
    x = np.zeros(model.n)
    x[0] = 1.0
    assert decode(model, x)[0].commitment == "a"
    x[0] = 1.0 - 5e-7  # within the 1e-6 integrality tolerance: read as 1
    assert [c.option for c in decode(model, x)] == ["small"]
    x[0] = 0.5
    with pytest.raises(VerificationError) as info:
        decode(model, x)
    assert str(info.value) == "solver returned a fractional value 0.5 for 'a.small@2026'"
    x[0] = 1.0 - 2e-6  # just outside
    with pytest.raises(VerificationError):
        decode(model, x)
