"""Value of information, frontier and report when the package moves the odds, against
enumeration: each package is measured at the probabilities it induces; the scenario is revealed
with the odds the RP package induces (WS, EVPI); the EV package is the mean scenario's at the
base odds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bruteforce import Pick, enumerate_packages, evaluate, induced_probabilities
from bruteforce import problems_with_shifts as shifted
from conftest import available_solvers
from hypothesis import HealthCheck, assume, given, settings
from test_odds_bruteforce import TOY

from optimizer.errors import InfeasibleError, InputError
from optimizer.spec import load_document

SOLVERS = available_solvers()
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _pkg(chosen) -> dict:
    return {c.commitment: Pick(c.commitment, c.option, c.start) for c in chosen}


def _load(doc: dict):
    try:
        return load_document(doc)
    except InputError:
        assume(False)


@pytest.mark.parametrize("solver", SOLVERS)
@SETTINGS
@given(doc=shifted())
def test_value_of_information_under_shifts_matches_enumeration(solver: str, doc: dict) -> None:
    from optimizer.analysis.scenarios import value_of_information

    spec = _load(doc)
    ids = [s.id for s in spec.scenarios]
    base = [s.probability for s in spec.scenarios]
    sg = 1.0 if spec.sense == "maximize" else -1.0
    rows = [
        (pkg, *evaluate(doc, pkg)[1:]) for pkg in enumerate_packages(doc) if evaluate(doc, pkg)[0]
    ]
    try:
        v = value_of_information(spec, solver=solver)
    except InfeasibleError:
        assert not rows
        return
    best = {s: sg * max(sg * by[s] for _, by, _ in rows) for s in ids}
    assert v.best == pytest.approx(best, abs=1e-6)
    rp = sg * max(sg * ev for _, _, ev in rows)
    assert v.rp == pytest.approx(rp, abs=1e-6)
    x_star = _pkg(v.rp_package.chosen)
    q = induced_probabilities(doc, x_star)
    ws = sum(q[s] * best[s] for s in ids)  # revealed with the odds x* induces
    assert v.ws == pytest.approx(ws, abs=1e-6)
    assert v.evpi == pytest.approx(sg * (ws - rp), abs=1e-6) and v.evpi >= 0
    if doc.get("shifts"):
        assert v.induced == pytest.approx(tuple(q[s] for s in ids))
    # EV package: best for the mean scenario at the base odds (baselines are constants there)
    mean = {
        id(pkg): sum(pi * (by[s] - _baseline(doc, s)) for pi, s in zip(base, ids, strict=True))
        for pkg, by, _ in rows
    }
    top = max(sg * m for m in mean.values())
    ev_pkg = _pkg(v.ev_package.chosen)
    ok, by_ev, eev = evaluate(doc, ev_pkg)
    assert ok
    assert sg * sum(
        pi * (by_ev[s] - _baseline(doc, s)) for pi, s in zip(base, ids, strict=True)
    ) == pytest.approx(top, abs=1e-6)
    assert v.eev == pytest.approx(eev, abs=1e-6)  # at the EV package's own odds
    assert v.vss == pytest.approx(sg * (rp - eev), abs=1e-6) and v.vss >= 0
    for pk in v.packages:  # every row at its own induced odds
        ok, by, ev = evaluate(doc, _pkg(pk.chosen))
        assert ok and pk.expected == pytest.approx(ev, abs=1e-6)
        if doc.get("shifts"):
            assert pk.probabilities == pytest.approx(induced_probabilities(doc, _pkg(pk.chosen)))
        for s in ids:
            assert pk.regret[s] == pytest.approx(sg * (best[s] - by[s]), abs=1e-6)


def _baseline(doc: dict, sid: str) -> float:
    return next(s.get("baseline", 0.0) for s in doc["scenarios"] if s["id"] == sid)


def test_scenarios_on_the_toy_worked_by_hand(tmp_path) -> None:
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(TOY))
    res = subprocess.run(
        [sys.executable, "-m", "optimizer", "scenarios", str(path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    # RP: both chosen, p(x*) = (0.04, 0.96), levels -155 and -5: RP = -11.
    # best levels: rupture -150 (border alone), normal 0 (nothing chosen).
    # WS = 0.04 * -150 + 0.96 * 0 = -6, EVPI = 5.
    assert d["rp"] == pytest.approx(-11.0)
    assert {s["id"]: s["best"] for s in d["scenarios"]} == pytest.approx(
        {"rupture": -150.0, "normal": 0.0}
    )
    assert {s["id"]: s["induced"] for s in d["scenarios"]} == pytest.approx(
        {"rupture": 0.04, "normal": 0.96}
    )
    assert d["ws"] == pytest.approx(-6.0) and d["evpi"] == pytest.approx(5.0)
    assert d["probabilities"].startswith("induced by each package")
    text = subprocess.run(
        [sys.executable, "-m", "optimizer", "scenarios", str(path)], capture_output=True, text=True
    )
    assert text.returncode == 0
    assert "the scenario is revealed with the odds the RP package induces" in " ".join(
        text.stdout.split()
    )
