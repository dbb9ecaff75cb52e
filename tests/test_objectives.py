"""Risk objectives: parsing, and each reformulation's optimum against brute-force enumeration.

The reference enumerates every package of a random small problem (``tests/bruteforce.py``,
which imports nothing of the engine) and computes each objective from the packages' values by
scenario with formulas written here: CVaR by its variational definition
``max_eta eta - E[(eta - v)+] / alpha`` (lower tail of values) or
``min_eta eta + E[(v - eta)+] / alpha`` (upper tail of costs), not by sorting.
"""

from __future__ import annotations

import numpy as np
import pytest
from bruteforce import Pick, enumerate_packages, evaluate, problems
from conftest import MIP_SOLVERS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import optimizer
import optimizer.api
from optimizer.errors import InfeasibleError, InputError
from optimizer.objectives import (
    Objective,
    apply_objective,
    cvar_value,
    measure,
    parse_objective,
)
from optimizer.spec import load_document

OBJECTIVES = ["maximin", "cvar:0.25", "cvar:0.6", "mean-cvar:0.5,0.3", "regret", "expected"]


# ---- parsing --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("expected", "expected"),
        ("  Maximin ", "maximin"),
        ("cvar:0.1", "cvar:0.1"),
        ("cvar:10%", "cvar:0.1"),
        ("cvar:1", "cvar:1"),
        ("mean-cvar:0.5,0.2", "mean-cvar:0.5,0.2"),
        ("mean_cvar:0,0.2", "mean-cvar:0,0.2"),
        ("regret", "regret"),
        ("minimax-regret", "regret"),
    ],
)
def test_parse_canonical(text: str, canonical: str) -> None:
    obj = parse_objective(text)
    assert str(obj) == canonical
    assert parse_objective(str(obj)) == obj  # the canonical text parses back to the same


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cvr:0.1", "--objective: unknown objective 'cvr:0.1'; did you mean 'cvar:ALPHA'?"),
        ("maxmin", "--objective: unknown objective 'maxmin'; did you mean 'maximin'?"),
        ("mean-cvr:0.5,0.1", "did you mean 'mean-cvar:LAMBDA,ALPHA'?"),
        ("cvar", "'cvar' needs its parameter: write cvar:ALPHA"),
        ("cvar:0", "ALPHA must be in (0, 1], got '0'"),
        ("cvar:1.5", "ALPHA must be in (0, 1], got '1.5'"),
        ("cvar:abc", "ALPHA must be a number"),
        ("cvar:0.1,0.2", "cvar takes one parameter"),
        ("mean-cvar:0.5", "mean-cvar takes two parameters, LAMBDA,ALPHA"),
        ("mean-cvar:2,0.1", "LAMBDA must be in [0, 1], got '2'"),
        ("regret:3", "'regret' takes no parameter"),
        ("zzz", "allowed: expected, maximin, cvar:ALPHA, mean-cvar:LAMBDA,ALPHA, regret"),
    ],
)
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        parse_objective(text)
    assert message in str(e.value)
    assert e.value.where == "--objective"


# ---- the reference ----------------------------------------------------------------------------
def ref_expected(v, p) -> float:
    return sum(pi * vi for pi, vi in zip(p, v, strict=True))


def ref_cvar(v, p, alpha: float, maximize: bool) -> float:
    """CVaR by its variational form; the optimum eta is one of the values."""
    if maximize:
        return max(
            eta - sum(pi * max(eta - vi, 0.0) for pi, vi in zip(p, v, strict=True)) / alpha
            for eta in v
        )
    return min(
        eta + sum(pi * max(vi - eta, 0.0) for pi, vi in zip(p, v, strict=True)) / alpha for eta in v
    )


def ref_objective(kind: str, v, p, maximize: bool, best=None) -> float:
    obj = parse_objective(kind)
    if obj.kind == "expected":
        return ref_expected(v, p)
    if obj.kind == "maximin":
        return min(v) if maximize else max(v)
    if obj.kind == "cvar":
        return ref_cvar(v, p, obj.alpha, maximize)
    if obj.kind == "mean-cvar":
        return (1 - obj.lam) * ref_expected(v, p) + obj.lam * ref_cvar(v, p, obj.alpha, maximize)
    return max((b - x) if maximize else (x - b) for x, b in zip(v, best, strict=True))


def objective_goes_up(kind: str, maximize: bool) -> bool:
    """Is a higher objective value better? (regret is always minimised)."""
    return maximize and kind != "regret"


def _tol(x: float) -> float:
    return 1e-5 * max(1.0, abs(x))


# ---- measure against the reference ----------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(
    v=st.lists(st.integers(-20, 20), min_size=1, max_size=6),
    w=st.data(),
    alpha=st.sampled_from([0.05, 0.1, 0.25, 1 / 3, 0.5, 0.9, 1.0]),
    maximize=st.booleans(),
)
def test_cvar_by_sorting_equals_the_variational_form(v, w, alpha, maximize) -> None:
    weights = w.draw(st.lists(st.integers(1, 9), min_size=len(v), max_size=len(v)))
    p = [x / sum(weights) for x in weights]
    assert cvar_value(v, p, alpha, maximize) == pytest.approx(
        ref_cvar(v, p, alpha, maximize), abs=1e-9
    )


def test_cvar_hand_worked() -> None:
    # values 0, 10, 20 with p = 0.2, 0.3, 0.5; worst 40% of a maximisation = 0.2 at 0 and
    # 0.2 at 10: (0 + 2) / 0.4 = 5. As costs the worst 40% is 0.4 at 20: 20.
    v, p = [0, 10, 20], [0.2, 0.3, 0.5]
    assert cvar_value(v, p, 0.4, True) == pytest.approx(5.0)
    assert cvar_value(v, p, 0.4, False) == pytest.approx(20.0)
    assert cvar_value(v, p, 1.0, True) == pytest.approx(13.0)  # the mean


# ---- the reformulations against enumeration --------------------------------------------------
def solve_or_none(spec, objective: str, solver: str = "highs"):
    try:
        return optimizer.solve(spec, objective=objective, solver=solver)
    except InfeasibleError:
        return None


def check_objective(doc: dict, objective: str, solver: str = "highs") -> None:
    try:
        spec = load_document(doc)
    except InputError:
        assume(False)  # a document the loader refuses (see test_bruteforce) says nothing here
    maximize = spec.sense == "maximize"
    ids = [s.id for s in spec.scenarios]
    p = [s.probability for s in spec.scenarios]
    feasible = []
    for pkg in enumerate_packages(doc):
        ok, by, _ = evaluate(doc, pkg)
        if ok:
            feasible.append((pkg, [by[s] for s in ids]))
    sol = solve_or_none(spec, objective, solver)
    if not feasible:
        assert sol is None
        return
    assert sol is not None, "the engine says infeasible; enumeration found a package"
    best = None
    if objective == "regret":
        pick = max if maximize else min
        best = [pick(v[i] for _, v in feasible) for i in range(len(ids))]
    values = [ref_objective(objective, v, p, maximize, best) for _, v in feasible]
    up = objective_goes_up(objective, maximize)
    opt = max(values) if up else min(values)
    assert sol.objective == str(parse_objective(objective))
    assert abs(sol.objective_value - opt) <= _tol(opt), (objective, sol.objective_value, opt)
    # the engine's package, evaluated by the reference, attains the optimum
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in sol.chosen}
    ok, by, _ = evaluate(doc, package)
    assert ok
    mine = ref_objective(objective, [by[s] for s in ids], p, maximize, best)
    assert abs(mine - opt) <= _tol(opt)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems(), sense=st.sampled_from(["maximize", "minimize"]))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objective_matches_enumeration(objective: str, doc: dict, sense: str) -> None:
    doc["problem"]["sense"] = sense
    check_objective(doc, objective)


THREE = {
    "problem": {"name": "three"},
    "scenarios": [
        {"id": "up", "probability": 0.5},
        {"id": "flat", "probability": 0.3},
        {"id": "down", "probability": 0.2},
    ],
    "resources": [{"id": "budget", "capacity": 10}],
    "commitments": [
        {"id": "bold", "use": {"budget": 7}, "value": {"up": 20, "flat": 6, "down": -8}},
        {"id": "safe", "use": {"budget": 5}, "value": {"up": 5, "flat": 5, "down": 5}},
        {"id": "mid", "use": {"budget": 4}, "value": {"up": 8, "flat": 4, "down": 1}},
        {"id": "hedge", "use": {"budget": 3}, "value": {"up": -1, "flat": 1, "down": 6}},
    ],
}


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("sense", ["maximize", "minimize"])
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objectives_on_every_solver(solver: str, sense: str, objective: str) -> None:
    doc = {**THREE, "problem": {"name": "three", "sense": sense}}
    if sense == "minimize":  # costs: at least two commitments must be taken
        doc = {
            **doc,
            "relations": [
                {"type": "at_least", "members": ["bold", "safe", "mid", "hedge"], "count": 2}
            ],
        }
    check_objective(doc, objective, solver)


def test_risk_attitudes_choose_differently_by_hand() -> None:
    # Budget 10 (uses: bold 7, safe 5, mid 4, hedge 3); p = 0.5, 0.3, 0.2 (up, flat, down).
    # Feasible pairs:          up  flat  down  expected  worst  regret vs (20, 9, 11)
    #   bold + hedge (10)      19     7    -2      11.2     -2   max(1, 2, 13) = 13
    #   safe + mid   (9)       13     9     6      10.4      6   max(7, 0, 5)  = 7
    #   safe + hedge (8)        4     6    11       6.0      4   max(16, 3, 0) = 16
    #   mid + hedge  (7)        7     5     7       6.4      5   13
    # singletons: bold 20/6/-8 (10.2, regret 19), safe 5/5/5, mid 8/4/1, hedge -1/1/6.
    # Scenario bests: up 20 (bold alone), flat 9 (safe + mid), down 11 (safe + hedge).
    spec = load_document(THREE)

    def picked(objective: str):
        sol = optimizer.solve(spec, objective=objective)
        return {c.commitment for c in sol.chosen}, sol.objective_value

    assert picked("expected") == ({"bold", "hedge"}, pytest.approx(11.2))
    assert picked("maximin") == ({"safe", "mid"}, pytest.approx(6.0))
    # CVaR of the worst 20%: each package's own worst 0.2 of probability; safe + mid: 6
    assert picked("cvar:0.2") == ({"safe", "mid"}, pytest.approx(6.0))
    assert picked("regret") == ({"safe", "mid"}, pytest.approx(7.0))
    # CVaR of the worst 50%: down (0.2) and flat (0.3): safe + mid (6*0.2 + 9*0.3) / 0.5 = 7.8
    assert picked("cvar:0.5") == ({"safe", "mid"}, pytest.approx(7.8))


def test_apply_objective_appends_columns_and_risk_rows() -> None:
    spec = load_document(THREE)
    model = optimizer.api.compile(spec)
    for text in ("maximin", "cvar:0.3", "mean-cvar:0.5,0.3", "regret"):
        m = apply_objective(model, text)
        assert m.objective == text
        assert m.n_decision == model.n_decision
        assert m.n > model.n
        assert m.C.shape == (m.n, len(spec.scenarios))
        assert not m.C[model.n :].any()
        assert set(m.row_kind[model.m :]) == {"risk"}
        assert not m.integrality[model.n :].any()
        x = np.zeros(m.n)
        x[0] = 1.0
        assert np.allclose(m.scenario_values(x), model.scenario_values(x[: model.n]))
    assert apply_objective(model, "expected") is model
    assert apply_objective(model, "regret").meta["scenario_best"] == pytest.approx(
        {"up": 20.0, "flat": 9.0, "down": 11.0}
    )


def test_measure_needs_scenario_bests_for_regret() -> None:
    spec = load_document(THREE)
    with pytest.raises(ValueError, match="scenario_best"):
        measure("regret", spec, {"up": 1, "flat": 1, "down": 1})
    obj = Objective("maximin")
    assert measure(obj, spec, {"up": 3, "flat": -2, "down": 5}) == -2
    minimize = spec.replace(sense="minimize")
    assert measure(obj, minimize, {"up": 3, "flat": -2, "down": 5}) == 5


def test_regret_on_an_infeasible_problem_reports_infeasible() -> None:
    doc = {
        "problem": {"name": "nope"},
        "scenarios": THREE["scenarios"],
        "commitments": [{"id": "x", "value": 1, "required": True}],
        "relations": [{"type": "forbid", "members": ["x"]}],
    }
    spec = load_document(doc)
    with pytest.raises(InfeasibleError) as e:
        optimizer.solve(spec, objective="regret")
    # two equally small relaxations: give up the requirement, or the prohibition
    assert "required 'x': allow none" in str(e.value) or "forbid [x]: drop" in str(e.value)


def test_unknown_objective_on_the_command_line() -> None:
    from click.testing import CliRunner

    from optimizer.cli import cli

    r = CliRunner().invoke(cli, ["solve", "small_example", "--objective", "cvr:0.1"])
    assert r.exit_code == 2
    assert "unknown objective 'cvr:0.1'; did you mean 'cvar:ALPHA'?" in r.output


# ---- compare ----------------------------------------------------------------------------------
def test_compare_side_by_side_by_hand() -> None:
    from optimizer.analysis.compare import compare

    # the packages of test_risk_attitudes_choose_differently_by_hand, measured alike
    c = compare(load_document(THREE), "expected,maximin,cvar:0.2,regret")
    assert c.alpha == 0.2
    assert c.best == pytest.approx({"up": 20, "flat": 9, "down": 11})
    got = {a.objective: a for a in c.attitudes}
    assert {x.commitment for x in got["expected"].chosen} == {"bold", "hedge"}
    assert {x.commitment for x in got["regret"].chosen} == {"safe", "mid"}
    e, r = got["expected"], got["regret"]
    # bold + hedge: 19 / 7 / -2 -> worst -2, CVaR(0.2) -2, regrets 1, 2, 13
    assert (e.expected, e.worst, e.cvar, e.max_regret) == pytest.approx((11.2, -2, -2, 13))
    # safe + mid: 13 / 9 / 6 -> expected 10.4, worst 6, CVaR(0.2) 6, regrets 7, 0, 5
    assert (r.expected, r.worst, r.cvar, r.max_regret) == pytest.approx((10.4, 6, 6, 7))


def test_compare_objective_list_parsing() -> None:
    from optimizer.analysis.compare import parse_objectives

    assert parse_objectives("expected, mean-cvar:0.5,0.1,regret,cvar:10%") == [
        "expected",
        "mean-cvar:0.5,0.1",
        "regret",
        "cvar:0.1",
    ]
    with pytest.raises(InputError, match="did you mean 'maximin'"):
        parse_objectives("expected,maxmin")


def test_compare_on_the_command_line(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from optimizer.cli import cli

    path = tmp_path / "three.json"
    path.write_text(json.dumps(THREE))
    r = CliRunner().invoke(cli, ["compare", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [a["objective"] for a in d["attitudes"]] == ["expected", "maximin", "cvar:0.2", "regret"]
    r = CliRunner().invoke(cli, ["compare", str(path), "--objectives", "expected,maximin"])
    assert r.exit_code == 0, r.output
    assert "Where the packages differ" in r.output and "worst (lowest)" in r.output


def test_risk_objectives_on_a_two_stage_model() -> None:
    # cvar:1 and mean-cvar with LAMBDA 0 are the expected value; on the farmer's problem
    # (Birge & Louveaux 1.1) that is -108,390
    farmer = optimizer.load("farmer")
    for text in ("cvar:1", "mean-cvar:0,0.5"):
        sol = optimizer.solve(farmer, objective=text)
        assert sol.objective_value == pytest.approx(-108_390, abs=1e-3)
    # maximin of a minimisation is the highest cost, and never above the RP plan's worst
    worst = optimizer.solve(farmer, objective="maximin")
    assert worst.objective_value == pytest.approx(max(worst.by_scenario.values()))
    assert worst.objective_value <= -48_820 + 1e-6
