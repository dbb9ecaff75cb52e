"""Proportional shifts (``share``): a shift that moves a share of the base probability of its
``from`` scenario, so that it can never move more probability than there is, whatever a Monte
Carlo draw does to that probability. Checked against enumeration (``tests/bruteforce.py``
computes ``share x probability(from)`` from the document alone)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from bruteforce import problems_with_shifts
from conftest import available_solvers
from hypothesis import HealthCheck, given, settings
from test_bruteforce import check_against_bruteforce

from optimizer.errors import InputError
from optimizer.spec import load_document

SOLVERS = available_solvers()


def as_shares(doc: dict) -> dict:
    """The same problem with each shift written as its share of P(from)."""
    out = copy.deepcopy(doc)
    prob = {s["id"]: s["probability"] for s in out.get("scenarios", [])}
    for sh in out.get("shifts", []):
        sh["share"] = sh.pop("amount") / prob[sh["from"]]
    return out


@pytest.mark.parametrize("solver", SOLVERS)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_random_problems_with_shares_match_enumeration(doc, solver):
    check_against_bruteforce(as_shares(doc), solver)


def offer(**shift) -> dict:
    return {
        "problem": {"name": "share"},
        "scenarios": [
            {"id": "rupture", "probability": 0.2, "baseline": -100},
            {"id": "deal", "probability": 0.8},
        ],
        "commitments": [{"id": "a", "options": [{"id": "yes", "value": -3}]}],
        "shifts": [{"when": "a", "from": "rupture", "to": "deal", **shift}],
    }


def test_a_share_moves_its_fraction_of_the_base_probability():
    spec = load_document(offer(share=0.25, credibility=0.5))
    assert spec.shifts[0].amount == pytest.approx(0.05)
    assert spec.shifts[0].moved == pytest.approx(0.025)
    # the amount follows the probability when it changes (a draw, a --set)
    moved = spec.with_values({"scenarios[0].probability": 0.1, "scenarios[1].probability": 0.9})
    assert moved.shifts[0].amount == pytest.approx(0.025)
    assert spec.with_values({"shifts[0].share": 1.0}).shifts[0].amount == pytest.approx(0.2)


@pytest.mark.parametrize(
    "shift, where, words",
    [
        ({"share": 0.5, "amount": 0.1}, "shifts[0]", "not both"),
        ({}, "shifts[0]", "'amount'"),
        ({"share": 1.5}, "shifts[0].share", "a share must be in (0, 1]"),
        ({"share": 0.0}, "shifts[0].share", "a share must be in (0, 1]"),
    ],
)
def test_bad_shares_are_refused_located(shift, where, words):
    with pytest.raises(InputError) as e:
        load_document(offer(**shift))
    assert e.value.path == where and words in e.value.message


def test_a_drawn_probability_cannot_break_a_share(tmp_path):
    """An absolute amount of 0.15 out of a rupture drawn from 0.05 to 0.3 is refused (a draw can
    leave less than 0.15); the same judgment as a share of 0.75 of P(rupture) runs."""
    doc = offer(amount=0.15)
    doc["scenarios"][0]["probability"] = {"dist": "uniform", "low": 0.05, "high": 0.3}
    doc["scenarios"][1]["probability"] = 0.825
    doc["scenarios"][0]["baseline"] = -100
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    run = [sys.executable, "-m", "optimizer", "montecarlo", str(path), "-n", "40", "--seed", "3"]
    bad = subprocess.run([*run, "--format", "json"], capture_output=True, text=True)
    assert bad.returncode == 2 and "below 0" in bad.stderr and bad.stdout == ""
    doc["shifts"][0] = {"when": "a", "from": "rupture", "to": "deal", "share": 0.75}
    path.write_text(json.dumps(doc))
    good = subprocess.run([*run, "--format", "json"], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    out = json.loads(good.stdout)
    assert out["draws_done"] == 40 and not out["interrupted"]


def test_tipping_points_of_a_share_and_of_the_probability_it_scales():
    """By hand: E(a) = -3 - 100 q (1 - s) and E(nothing) = -100 q. At q = 0.2, a enters for
    s >= 0.15; at s = 0.25, for q >= 0.12 (an absolute amount would not scale with q)."""
    from optimizer.analysis.sensitivity import sensitivity

    spec = load_document(offer(share=0.25))
    kinds = ("shift", "probability")
    rep = sensitivity(spec, solver="highs", sections=("tipping",), kinds=kinds)
    assert rep.expected == pytest.approx(-23 + 20 * 0.25)
    tips = {(t.kind, t.target): t for t in rep.tipping}
    share = tips["shift", "shifts[0]"]
    assert share.lower == pytest.approx(0.15, abs=1e-7) and share.upper == pytest.approx(1.0)
    q = tips["probability", "rupture"]
    assert q.lower == pytest.approx(0.12, abs=1e-7)
