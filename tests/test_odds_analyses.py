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


# ---- frontier ----------------------------------------------------------------------------------
def shifted_problem(seed: int):
    """test_frontier's random problem with baselines and two shifts (c0 moves 'lo' to 'hi', c3
    moves 'mid' to 'lo')."""
    from dataclasses import replace

    from test_frontier import random_problem

    from optimizer.spec import check_spec
    from optimizer.spec.shifts import Shift

    spec = random_problem(seed)
    p = {s.id: s.probability for s in spec.scenarios}
    base = {"hi": 4.0, "mid": 0.0, "lo": -12.0}
    scenarios = tuple(replace(s, baseline=base[s.id]) for s in spec.scenarios)
    shifts = (
        Shift("c0", "lo", "hi", round(0.6 * p["lo"], 6)),
        Shift("c3", "mid", "lo", round(0.5 * p["mid"], 6)),
    )
    return check_spec(replace(spec, scenarios=scenarios, shifts=shifts))


def _cvar(by: dict, q: dict, alpha: float) -> float:
    left, total = alpha, 0.0
    for s in sorted(by, key=lambda s: by[s]):
        take = min(q[s], left)
        total += take * by[s]
        left -= take
    return total / alpha


def _fitting(spec):
    """(total use, expected, CVaR-ready (by, p(x))) of each package within the budget."""
    import math

    from test_frontier import packages

    from optimizer.solution import Choice, evaluate

    caps = spec.resource("budget").capacity
    out = []
    for use, e, names, by in packages(spec):
        if all(x <= c + 1e-9 for x, c in zip(use, caps, strict=True)):
            chosen = []
            for n in names:
                head, _, year = n.partition("@")
                c, _, o = head.partition(".")
                chosen.append(Choice(c, o, int(year) if year else None))
            q = evaluate(spec.with_capacity("budget", math.inf), chosen).probabilities
            out.append((sum(use), e, by, q))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_frontier_breakpoints_under_shifts_match_enumeration(seed: int) -> None:
    from test_frontier import brute_frontier

    from optimizer.analysis.frontier import capacity_frontier

    spec = shifted_problem(seed)
    lo, hi = 0.3, 1.8
    fr = capacity_frontier(spec, "budget", lo=lo, hi=hi, steps=10, pareto=False)
    V, jumps = brute_frontier(spec, lo, hi)  # each package's expected value at its own p(x)
    got = [(b.scale, b.expected_above) for b in fr.breakpoints]
    assert len(got) == len(jumps) >= 1, (got, jumps)
    for (f, e), (t, want) in zip(got, jumps, strict=True):
        assert f == pytest.approx(t, abs=1e-9) and e == pytest.approx(want, abs=1e-7)
    for p in fr.points:
        assert p.expected == pytest.approx(V(p.scale), abs=1e-7), p.scale
    assert any("moves the odds" in n for n in fr.notes)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("seed", "alpha"), [(4, 0.1), (5, 0.3), (1, 0.2), (2, 0.5)])
def test_pareto_fronts_under_shifts_match_enumeration(solver: str, seed: int, alpha: float) -> None:
    from test_frontier import nondominated

    import solvers
    from optimizer.analysis.frontier import capacity_frontier

    spec = shifted_problem(seed)
    fr = capacity_frontier(
        spec, "budget", steps=2, cvar_alpha=alpha, solver=solver, options=solvers.SolveOptions()
    )
    pts = _fitting(spec)
    want_use = nondominated([(u, e) for u, e, _, _ in pts], lambda a, b: a < b)
    got_use = sorted((round(p.measure, 9), round(p.expected, 9)) for p in fr.use_front.points)
    assert len(got_use) == len(want_use)
    for (gm, ge), (wm, we) in zip(got_use, want_use, strict=True):
        assert gm == pytest.approx(wm, abs=1e-6) and ge == pytest.approx(we, abs=1e-6)
    assert fr.cvar_front is not None, fr.notes
    want = nondominated([(_cvar(by, q, alpha), e) for _, e, by, q in pts], lambda a, b: a > b)
    got = sorted((round(p.measure, 9), round(p.expected, 9)) for p in fr.cvar_front.points)
    assert len(got) == len(want) >= 1, (got, want)
    for (gm, ge), (wm, we) in zip(got, want, strict=True):
        assert gm == pytest.approx(wm, abs=1e-6) and ge == pytest.approx(we, abs=1e-6)


# ---- report --------------------------------------------------------------------------------------
def test_report_under_shifts_shows_the_induced_odds(tmp_path) -> None:
    import html
    import re
    from pathlib import Path

    out = tmp_path / "moving.html"
    problem = Path(__file__).parent.parent / "problems" / "moving_odds.toml"
    res = subprocess.run(
        [sys.executable, "-m", "optimizer", "report", str(problem), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    page = out.read_text()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    # value by scenario: p(x*) beside the base probabilities, and the decomposition
    assert "base probability with the package" in text
    # rounded as the tables round them: probabilities 3 decimals, values 2
    assert "P(rupture) from 0.200 to 0.100" in text
    assert "-79.00 B$ at the base odds + 19.80 B$ from moving the odds" in text
    # value of information, risk attitudes and frontier say what they compute
    for anchor in ('id="voi-odds"', 'id="risk-odds"', 'id="frontier-political_capital"'):
        assert anchor in page
    assert "revealed with the probabilities the recommended package (RP) induces" in text
    assert "every expected value and CVaR is at the probabilities that package induces" in text
    # an analysis not defined yet under shifts is a one-line note, not a failed report
    if "sensitivity is not defined yet" in text:
        assert "The sensitivity analysis is not available: sensitivity is not defined yet" in text


@pytest.mark.parametrize(("seed", "alpha"), [(4, 0.1), (5, 0.3)])
def test_cvar_front_with_baselines_alone_measures_levels(seed: int, alpha: float) -> None:
    """Regression: the CVaR front measured C x without the scenario baselines, so with
    baselines (no shifts) its CVaR figures were off by more than a constant."""
    from dataclasses import replace

    from test_frontier import nondominated

    from optimizer.analysis.frontier import capacity_frontier

    spec = replace(shifted_problem(seed), shifts=())
    fr = capacity_frontier(spec, "budget", steps=2, cvar_alpha=alpha)
    pts = _fitting(spec)
    want = nondominated([(_cvar(by, q, alpha), e) for _, e, by, q in pts], lambda a, b: a > b)
    got = sorted((round(p.measure, 9), round(p.expected, 9)) for p in fr.cvar_front.points)
    assert len(got) == len(want) >= 1
    for (gm, ge), (wm, we) in zip(got, want, strict=True):
        assert gm == pytest.approx(wm, abs=1e-6) and ge == pytest.approx(we, abs=1e-6)
