"""A shift's ``credibility``: the probability the counterpart believes the offer. The shift
moves ``amount x credibility``: validated, bounded, solved and reported as such, against
enumeration (``tests/bruteforce.py`` applies the same rule from the document alone)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bruteforce import optimum
from conftest import available_solvers
from test_odds_bruteforce import TOY

import optimizer
from optimizer.errors import InputError
from optimizer.spec import load_document

SOLVERS = available_solvers()


def _with(*shifts: dict) -> dict:
    doc = json.loads(json.dumps(TOY))
    doc["shifts"] = list(shifts)
    return doc


def _first(**changes) -> dict:
    return _with({**TOY["shifts"][0], **changes}, TOY["shifts"][1])


@pytest.mark.parametrize(
    ("cred", "words"),
    [
        (0, "a credibility must be in (0, 1], got 0.0"),
        (1.5, "a credibility must be in (0, 1], got 1.5"),
        ("high", "expected a number"),
        ({"dist": "uniform", "low": 0.2, "high": 0.8}, "distribution"),
    ],
)
def test_a_bad_credibility_is_located(cred, words: str) -> None:
    with pytest.raises(InputError) as e:
        load_document(_first(credibility=cred))
    assert e.value.path == "shifts[0].credibility" and words in e.value.message, str(e.value)


def test_the_probability_bound_uses_the_amount_times_the_credibility() -> None:
    # 0.12 - 0.10 - 0.03 < 0 would be refused; with credibility 0.5, 0.12 - 0.05 - 0.03 >= 0
    with pytest.raises(InputError, match="below 0"):
        load_document(_first(amount=0.10))
    load_document(_first(amount=0.10, credibility=0.5))


@pytest.mark.parametrize("solver", SOLVERS)
def test_credibility_scales_the_shift_as_enumeration_says(solver: str) -> None:
    half = _first(credibility=0.5)  # defence.by_2027 moves 0.025 instead of 0.05
    same = _first(amount=0.025)
    ref = optimum(half)
    assert ref.value == pytest.approx(optimum(same).value)
    # both chosen: P(rupture) = 0.12 - 0.025 - 0.03 = 0.065; levels -155 and -5
    assert ref.value == pytest.approx(0.065 * -155 + 0.935 * -5)
    sol = optimizer.solve(load_document(half), solver=solver)
    assert sol.expected == pytest.approx(ref.value)
    assert sol.odds()["induced"] == pytest.approx({"rupture": 0.065, "normal": 0.935})


def test_the_command_line_and_the_schema_know_credibility(tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(_first(credibility=0.5)))
    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "the package moves P(rupture) from 0.12 to 0.065" in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_first(credibility=2)))
    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "validate", str(bad)], capture_output=True, text=True
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: {bad}: shifts[0].credibility: a credibility must be in (0, 1], got 2.0"
    ]
    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "schema"], capture_output=True, text=True
    )
    assert r.returncode == 0
    props = json.loads(r.stdout)["properties"]["shifts"]["items"]["properties"]
    assert props["credibility"]["maximum"] == 1
