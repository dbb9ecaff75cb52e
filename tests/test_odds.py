"""Decision-dependent probabilities (``[[shifts]]``) and scenario baselines: validation, risk
objectives and alternatives against enumeration, responses, output, and the analyses that
refuse shifts with a one-line reason."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bruteforce import Pick, enumerate_packages, evaluate, problems_with_shifts
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from test_objectives import check_objective
from test_odds_bruteforce import TOY

import optimizer
from optimizer.cli import cli
from optimizer.errors import InputError
from optimizer.spec import load_document

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _doc(**changes) -> dict:
    doc = json.loads(json.dumps(TOY))
    doc.update(changes)
    return doc


def _shift(**changes) -> dict:
    return _doc(shifts=[{**TOY["shifts"][0], **changes}])


@pytest.mark.parametrize(
    ("doc", "path", "words"),
    [
        (_shift(when="defense"), "shifts[0].when", "unknown commitment 'defense'"),
        (_shift(when="defence.soon"), "shifts[0].when", "unknown option 'soon'"),
        (_shift(to="ruptur"), "shifts[0].to", "did you mean 'rupture'"),
        (_shift(**{"from": "x"}), "shifts[0].from", "unknown scenario 'x'"),
        (_shift(to="rupture"), "shifts[0].to", "'from' and 'to' are both 'rupture'"),
        (_shift(amount=0), "shifts[0].amount", "in (0, 1], got 0.0"),
        (_shift(amount=1.5), "shifts[0].amount", "in (0, 1], got 1.5"),
        (_shift(colour="red"), "shifts[0].colour", "unknown key 'colour'"),
        (
            _shift(amount={"dist": "normal", "mean": 0.05, "sd": 0.01}),
            "shifts[0].amount",
            "an amount's distribution must stay within (0, 1], got the range [-inf, inf]",
        ),
        (
            _doc(scenarios=[{**TOY["scenarios"][0], "baseline": "x"}, TOY["scenarios"][1]]),
            "scenario 'rupture' (scenarios[0]).baseline",
            "expected a number",
        ),
    ],
)
def test_bad_shifts_are_located(doc: dict, path: str, words: str) -> None:
    with pytest.raises(InputError) as e:
        load_document(doc)
    assert e.value.path == path and words in e.value.message, str(e.value)


def test_a_package_that_could_push_a_probability_below_zero_is_refused() -> None:
    # 0.12 - 0.10 - 0.03 < 0 when both members are chosen
    doc = _doc(shifts=[{**TOY["shifts"][0], "amount": 0.10}, TOY["shifts"][1]])
    with pytest.raises(InputError) as e:
        load_document(doc)
    msg = str(e.value)
    assert "scenario 'rupture'" in msg and "below 0" in msg
    assert "shifts[0] (defence.by_2027)" in msg and "shifts[1] (border)" in msg


def test_options_of_one_commitment_are_not_summed_in_the_bound() -> None:
    # two options of one commitment each move 0.1 out of rupture (p = 0.12): at most one is
    # chosen, so the worst case is 0.02, accepted; a commitment-wide shift on top is not.
    two = [
        {"when": "defence.by_2027", "from": "rupture", "to": "normal", "amount": 0.1},
        {"when": "defence.later", "from": "rupture", "to": "normal", "amount": 0.1},
    ]
    load_document(_doc(shifts=two))
    more = [*two, {"when": "defence", "from": "rupture", "to": "normal", "amount": 0.05}]
    with pytest.raises(InputError, match="below 0"):
        load_document(_doc(shifts=more))


def test_validate_and_an_error_on_the_command_line(tmp_path) -> None:
    good = tmp_path / "toy.json"
    good.write_text(json.dumps(TOY))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_shift(amount=2)))
    ok = subprocess.run(
        [sys.executable, "-m", "optimizer", "validate", str(good)], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "2 shifts" in ok.stdout
    res = subprocess.run(
        [sys.executable, "-m", "optimizer", "validate", str(bad)], capture_output=True, text=True
    )
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {bad}: shifts[0].amount: an amount must be in (0, 1], got 2.0"
    ]


@SETTINGS
@given(doc=problems_with_shifts())
@pytest.mark.parametrize("objective", ["maximin", "regret"])
def test_maximin_and_regret_under_shifts_match_enumeration(objective: str, doc: dict) -> None:
    check_objective(doc, objective)  # levels (with baselines); neither uses probabilities


@SETTINGS
@given(doc=problems_with_shifts())
@pytest.mark.parametrize("objective", ["cvar:0.3", "mean-cvar:0.5,0.3"])
def test_cvar_with_baselines_matches_enumeration(objective: str, doc: dict) -> None:
    doc.pop("shifts", None)
    check_objective(doc, objective)


@SETTINGS
@given(doc=problems_with_shifts())
def test_alternatives_under_shifts_are_the_next_best_by_enumeration(doc: dict) -> None:
    from optimizer.analysis.alternatives import alternatives
    from optimizer.errors import InfeasibleError

    try:
        spec = load_document(doc)
    except InputError as e:  # refusals checked against enumeration in test_bruteforce
        assume("forced" not in str(e) and "cyclic 'requires'" not in str(e))
        raise
    sign = 1.0 if spec.sense == "maximize" else -1.0
    best: dict[frozenset, float] = {}  # by option set (start years aside): its best value
    for pkg in enumerate_packages(doc):
        ok, _, ev = evaluate(doc, pkg)
        if ok:
            key = frozenset((p.commitment, p.option) for p in pkg.values())
            best[key] = max(best.get(key, -1e18), sign * ev)
    try:
        alts = alternatives(spec, 3)
    except InfeasibleError:
        assert not best
        return
    ref = sorted(best.values(), reverse=True)[:3]
    got = [sign * a.value for a in alts.alternatives]
    assert got == pytest.approx(ref, abs=1e-6)
    for a in alts.alternatives:
        pkg = {c.commitment: Pick(c.commitment, c.option, c.start) for c in a.chosen}
        assert evaluate(doc, pkg)[2] == pytest.approx(a.value, abs=1e-6)


RESPONSE = {
    "problem": {"name": "recourse"},
    "scenarios": [{"id": "bad", "probability": 0.5}, {"id": "good", "probability": 0.5}],
    "commitments": [{"id": "offer", "value": -1}],
    "responses": [{"id": "sell", "upper": 4, "value": {"bad": 1, "good": 3}}],
    "constraints": [{"id": "cap", "expr": "sell <= 2 + 2 * offer"}],
    "shifts": [{"when": "offer", "from": "bad", "to": "good", "amount": 0.25}],
}


def test_responses_are_multiplied_exactly_by_the_odds() -> None:
    # offer: sell 4 in each scenario, P(good) 0.75: -1 + 0.25 * 4 + 0.75 * 12 = 9;
    # no offer: sell 2, 0.5 * 2 + 0.5 * 6 = 4.
    sol = optimizer.solve(load_document(RESPONSE))
    assert sol.is_chosen("offer") and sol.expected == pytest.approx(9.0)
    assert sol.probabilities == pytest.approx({"bad": 0.25, "good": 0.75})
    unbounded = {**RESPONSE, "responses": [{**RESPONSE["responses"][0], "upper": 1e400}]}
    unbounded["responses"][0].pop("upper")
    with pytest.raises(InputError, match="no finite bounds"):
        optimizer.solve(load_document(unbounded))


def test_solve_json_reports_base_and_induced_odds(tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    res = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout[res.stdout.index("{") :])
    assert d["probabilities"]["base"] == {"rupture": 0.12, "normal": 0.88}
    assert d["probabilities"]["induced"] == pytest.approx({"rupture": 0.04, "normal": 0.96})
    # at base odds: 0.12 * -155 + 0.88 * -5 = -23; moving the odds: -11 - -23 = 12
    assert d["objective"]["value_at_base_odds"] == pytest.approx(-23.0)
    assert d["objective"]["value_of_moving_the_odds"] == pytest.approx(12.0)
    assert d["objective"]["by_scenario"] == {"rupture": -155.0, "normal": -5.0}
    table = CliRunner().invoke(cli, ["solve", str(path)]).stdout
    assert "the package moves P(rupture) from 0.12 to 0.04" in table
    assert "-23.00 at the base odds + 12.00 from moving the odds" in table
