"""CVaR, mean-CVaR and ``compare`` when the package moves the odds, against enumeration: every
package is measured at the probabilities it induces, with the engine's CVaR definition (the
worst ALPHA of probability mass, a partial atom counted by its share)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bruteforce import Pick, enumerate_packages, evaluate, induced_probabilities
from bruteforce import problems_with_shifts as shifted
from conftest import available_solvers
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_objectives import objective_goes_up, ref_objective
from test_odds_bruteforce import TOY

import optimizer
from optimizer.errors import InfeasibleError, InputError
from optimizer.spec import load_document

SOLVERS = available_solvers()
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _tol(x: float) -> float:
    return 1e-5 * max(1.0, abs(x))


def reference(doc: dict, objective: str) -> tuple[float | None, list]:
    """The best ``objective`` over every feasible package, each at its own ``p(x)``."""
    spec = load_document(doc)
    maximize = spec.sense == "maximize"
    ids = [s.id for s in spec.scenarios]
    scored = []
    for pkg in enumerate_packages(doc):
        ok, by, _ = evaluate(doc, pkg)
        if ok:
            p = induced_probabilities(doc, pkg)
            v = ref_objective(objective, [by[s] for s in ids], [p[s] for s in ids], maximize)
            scored.append((v, pkg))
    if not scored:
        return None, []
    pick = max if objective_goes_up(objective, maximize) else min
    return pick(v for v, _ in scored), scored


def check(doc: dict, objective: str, solver: str) -> None:
    try:
        spec = load_document(doc)
    except InputError:
        assume(False)
    best, _ = reference(doc, objective)
    try:
        sol = optimizer.solve(spec, objective=objective, solver=solver)
    except InfeasibleError:
        assert best is None
        return
    assert best is not None
    assert abs(sol.objective_value - best) <= _tol(best), (sol.objective_value, best)
    pkg = {c.commitment: Pick(c.commitment, c.option, c.start) for c in sol.chosen}
    ok, by, _ = evaluate(doc, pkg)
    p = induced_probabilities(doc, pkg)
    ids = [s.id for s in spec.scenarios]
    mine = ref_objective(
        objective, [by[s] for s in ids], [p[s] for s in ids], spec.sense == "maximize"
    )
    assert ok and abs(mine - best) <= _tol(best)
    if doc.get("shifts"):
        assert sol.probabilities == pytest.approx(p)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("objective", ["cvar:0.3", "mean-cvar:0.5,0.3", "cvar:0.05"])
@SETTINGS
@given(doc=shifted(), sense=st.sampled_from(["maximize", "minimize"]))
def test_cvar_under_shifts_matches_enumeration(solver, objective, doc, sense) -> None:
    doc["problem"]["sense"] = sense
    check(doc, objective, solver)


@pytest.mark.parametrize("solver", SOLVERS)
def test_cvar_on_the_toy_worked_by_hand(solver: str) -> None:
    # both chosen: P(rupture) 0.04 at -155, P(normal) 0.96 at -5; the worst 0.2 of mass is
    # 0.04 at -155 and 0.16 at -5: (-6.2 - 0.8) / 0.2 = -35. At the base odds (0.12 at -155)
    # the same package's CVaR would be (0.12 * -155 + 0.08 * -5) / 0.2 = -95.
    sol = optimizer.solve(load_document(TOY), objective="cvar:0.2", solver=solver)
    assert sol.objective_value == pytest.approx(-35.0)
    assert {str(c) for c in sol.chosen} == {"defence.by_2027", "border.yes"}


def test_cvar_under_shifts_needs_bounded_responses() -> None:
    # the value of 'sell' is the same in both scenarios, so the odds never multiply it (the
    # expected value compiles); CVaR's shortfalls still need a finite range of values
    doc = {
        "problem": {"name": "free"},
        "scenarios": [{"id": "a", "probability": 0.5}, {"id": "b", "probability": 0.5}],
        "commitments": [{"id": "offer", "value": {"a": -1, "b": 2}}],
        "responses": [{"id": "sell", "stage": 1, "value": {"a": -1, "b": -1}}],
        "shifts": [{"when": "offer", "from": "a", "to": "b", "amount": 0.25}],
    }
    spec = load_document(doc)
    assert optimizer.solve(spec).is_chosen("offer")
    with pytest.raises(
        InputError, match=r"'sell' has no finite bounds \(or one of 1e15 or more\), so the CVaR"
    ):
        optimizer.solve(spec, objective="cvar:0.5")


# ---- compare ---------------------------------------------------------------------------------
@SETTINGS
@given(doc=shifted())
def test_compare_under_shifts_measures_each_package_at_its_own_odds(doc: dict) -> None:
    from optimizer.analysis.compare import compare

    try:
        spec = load_document(doc)
    except InputError:
        assume(False)
    try:
        c = compare(spec, ("expected", "maximin", "cvar:0.3", "regret"))
    except InfeasibleError:
        assert reference(doc, "expected")[0] is None
        return
    ids = [s.id for s in spec.scenarios]
    maximize = spec.sense == "maximize"
    for a in c.attitudes:
        best, _ = reference(doc, a.objective) if a.objective != "regret" else (None, None)
        if best is not None:
            assert abs(a.objective_value - best) <= _tol(best)
        pkg = {x.commitment: Pick(x.commitment, x.option, x.start) for x in a.chosen}
        _, by, ev = evaluate(doc, pkg)
        p = induced_probabilities(doc, pkg)
        v, ps = [by[s] for s in ids], [p[s] for s in ids]
        assert a.expected == pytest.approx(ev, abs=1e-6)
        assert a.cvar == pytest.approx(ref_objective("cvar:0.3", v, ps, maximize), abs=1e-6)


def test_compare_console_script_under_shifts(tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    res = subprocess.run(
        [sys.executable, "-m", "optimizer", "compare", str(path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    by = {a["objective"]: a for a in d["attitudes"]}
    assert set(by) == {"expected", "maximin", "cvar:0.2", "regret"}
    assert by["cvar:0.2"]["cvar"] == pytest.approx(-35.0)
    assert d["probabilities"] == "induced by each package"
    text = subprocess.run(
        [sys.executable, "-m", "optimizer", "compare", str(path)], capture_output=True, text=True
    )
    assert text.returncode == 0
    assert "probabilities are those each package induces" in text.stdout


@pytest.mark.parametrize("solver", SOLVERS)
def test_cvar_with_recourse_under_shifts_worked_by_hand(solver: str) -> None:
    from test_odds import RESPONSE

    # offer: sell 4 in each scenario, levels 3 (bad) and 11 (good) at p = (0.25, 0.75);
    # no offer: sell 2, levels 2 and 6 at p = (0.5, 0.5). CVaR 0.5: offer (0.25 * 3 + 0.25 *
    # 11) / 0.5 = 7, no offer 2. mean-cvar 0.5 at 0.25: offer 0.5 * 9 + 0.5 * 3 = 6.
    spec = load_document(RESPONSE)
    sol = optimizer.solve(spec, objective="cvar:0.5", solver=solver)
    assert sol.is_chosen("offer") and sol.objective_value == pytest.approx(7.0)
    sol = optimizer.solve(spec, objective="mean-cvar:0.5,0.25", solver=solver)
    assert sol.is_chosen("offer") and sol.objective_value == pytest.approx(6.0)
