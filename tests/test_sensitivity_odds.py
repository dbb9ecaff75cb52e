"""Sensitivity when the package moves the odds, against enumeration.

The reference is ``tests/bruteforce.py``: every package of a small problem valued from the
document alone. With the package fixed, the expected value is a line in a shift's amount, a
baseline or a base probability, so enumeration gives each package's line (two evaluations)
and the exact interval over which the engine's package stays optimal; the bundled example is
also checked by bisection with enumeration, as a user would look for the amount at which the
package changes.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tomllib

import numpy as np
import pytest
from bruteforce import Pick, enumerate_packages, evaluate, optimum, problems_with_shifts
from conftest import MIP_SOLVERS
from hypothesis import HealthCheck, assume, given, settings

from optimizer.analysis.sensitivity import sensitivity
from optimizer.errors import InputError
from optimizer.spec import load_document
from optimizer.spec.load import bundled_path

MOVING = tomllib.loads(bundled_path("moving-odds").read_text(encoding="utf-8"))


# ---- the reference ----------------------------------------------------------------------------
def set_input(doc: dict, kind: str, target: str, theta: float) -> dict:
    """``doc`` with one input (as the engine names it) set to ``theta``."""
    d = copy.deepcopy(doc)
    if kind == "shift":
        d["shifts"][int(target.removeprefix("shifts[").rstrip("]"))]["amount"] = theta
    elif kind == "baseline":
        next(s for s in d["scenarios"] if s["id"] == target)["baseline"] = theta
    elif kind == "probability":
        p = next(s for s in d["scenarios"] if s["id"] == target)["probability"]
        for s in d["scenarios"]:
            s["probability"] = (
                theta if s["id"] == target else s["probability"] * (1 - theta) / (1 - p)
            )
    elif kind in ("value", "factor"):  # one-off numbers (the bundled example's values)
        member, _, sid = target.partition(":")
        cid, oid = member.split(".")
        c = next(c for c in d["commitments"] if c["id"] == cid)
        o = c if "options" not in c else next(o for o in c["options"] if o["id"] == oid)
        v = o.get("value", 0.0)
        v = v if isinstance(v, dict) else {s["id"]: v for s in d["scenarios"]}
        if kind == "value":
            o["value"] = {**v, sid: theta}
        else:
            o["value"] = {k: theta * x for k, x in v.items()}
    else:
        raise AssertionError(kind)
    return d


def sign(doc: dict) -> float:
    return -1.0 if doc.get("problem", {}).get("sense") == "minimize" else 1.0


def package_of(names) -> dict[str, Pick]:
    out = {}
    for n in names:
        member, _, year = n.partition("@")
        c, o = member.split(".")
        out[c] = Pick(c, o, int(year) if year else None)
    return out


def reference_interval(doc, kind, target, pkg0, base, lo, hi) -> tuple[float, float]:
    """The interval around ``base`` (inside ``[lo, hi]``) where ``pkg0`` stays optimal, from
    the line of every feasible package."""
    s = sign(doc)
    d0, d1 = set_input(doc, kind, target, 0.0), set_input(doc, kind, target, 1.0)

    def line(pkg):
        e0 = evaluate(d0, pkg)[2]
        return s * e0, s * (evaluate(d1, pkg)[2] - e0)

    a0, b0 = line(pkg0)
    upper, lower = hi, lo
    for pkg in enumerate_packages(doc):
        if not evaluate(doc, pkg)[0]:
            continue
        a, b = line(pkg)
        if abs(b - b0) <= 1e-12:
            continue
        t = (a0 - a) / (b - b0)  # past t, this package beats pkg0
        if b > b0:
            upper = min(upper, max(t, base))
        else:
            lower = max(lower, min(t, base))
    return lower, upper


def optimal_at(doc, kind, target, theta, pkg0) -> bool:
    d = set_input(doc, kind, target, theta)
    return sign(d) * evaluate(d, pkg0)[2] >= sign(d) * optimum(d).value - 1e-9


def bisect_edge(doc, kind, target, pkg0, base, far) -> float:
    """The end toward ``far`` of the interval where ``pkg0`` stays optimal, by bisection with
    enumeration (``pkg0`` optimal at ``base``)."""
    if optimal_at(doc, kind, target, far, pkg0):
        return far
    ok, bad = base, far
    for _ in range(60):
        mid = 0.5 * (ok + bad)
        if optimal_at(doc, kind, target, mid, pkg0):
            ok = mid
        else:
            bad = mid
    return ok


# ---- tipping points ---------------------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_moving_odds_shift_amounts_tip_where_bisection_with_enumeration_says(solver):
    spec = load_document(MOVING)
    kinds = ("shift", "baseline", "probability", "value")
    rep = sensitivity(spec, solver=solver, sections=("tipping",), kinds=kinds)
    pkg0 = package_of(rep.package)
    assert sorted(rep.package) == ["border.yes", "critical_minerals.yes", "defence.by_2027"]
    tips = {t.target: t for t in rep.tipping}
    assert {f"shifts[{k}]" for k in range(4)} <= set(tips)
    assert {t.kind for t in rep.tipping} == set(kinds)
    for t in rep.tipping:
        lo = bisect_edge(MOVING, t.kind, t.target, pkg0, t.base, t.searched[0])
        hi = bisect_edge(MOVING, t.kind, t.target, pkg0, t.base, t.searched[1])
        scale = max(1.0, abs(t.searched[1] - t.searched[0]))
        assert t.lower == pytest.approx(lo, abs=1e-9 * scale), t.parameter
        assert t.upper == pytest.approx(hi, abs=1e-9 * scale), t.parameter
        assert t.exact
    # how large must the 2027 target's shift be for it to stay in? By hand: with amount a the
    # package's levels -175, -73, -25 come at odds 0.2 - a, 0.4, 0.4 + a: -74.2 + 150 a;
    # without the target, border and minerals are worth -62.2. They meet at a = 0.08.
    d27 = tips["shifts[0]"]
    assert d27.lower == pytest.approx(0.08, abs=1e-12) and d27.below.leave == ("defence.by_2027",)
    # searched up to where P(rupture) could fall below 0: 0.2 - a >= 0 (by_2030, the other
    # option of the same commitment, moves only 0.04)
    assert d27.searched == (0.0, pytest.approx(0.2))


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_random_tipping_points_under_shifts_match_enumeration(doc):
    check_tipping_points(doc, "highs")


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed")
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_random_tipping_points_under_shifts_match_enumeration_on_cbc(doc):
    check_tipping_points(doc, "cbc")


def check_tipping_points(doc: dict, solver: str) -> None:
    assume(doc.get("shifts"))
    ref = optimum(doc)
    assume(ref.value is not None)
    try:
        spec = load_document(doc)
    except InputError as e:  # refusals checked against enumeration in test_bruteforce
        assume("forced" not in str(e) and "cyclic 'requires'" not in str(e))
        raise
    kinds = ("shift", "baseline", "probability")
    rep = sensitivity(spec, solver=solver, sections=("tipping",), kinds=kinds)
    assert rep.expected == pytest.approx(ref.value, abs=1e-7)
    pkg0 = package_of(rep.package)
    assert evaluate(doc, pkg0)[2] == pytest.approx(ref.value, abs=1e-7)
    assert {t.kind for t in rep.tipping} >= {"shift", "baseline"}
    for t in rep.tipping:
        lo, hi = reference_interval(doc, t.kind, t.target, pkg0, t.base, *t.searched)
        scale = max(1.0, abs(t.searched[1] - t.searched[0]))
        assert t.lower == pytest.approx(lo, abs=1e-7 * scale), t.parameter
        assert t.upper == pytest.approx(hi, abs=1e-7 * scale), t.parameter
        if t.kind == "shift":  # searched exactly where the problem loads
            for end, inside in ((t.searched[0], +1), (t.searched[1], -1)):
                if 0 < end < 1:
                    load_document(set_input(doc, "shift", t.target, end + inside * 1e-9))
                    with pytest.raises(InputError):
                        load_document(set_input(doc, "shift", t.target, end - inside * 1e-6))


# ---- what would it take, tornado --------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_what_would_it_take_under_shifts_matches_enumeration(solver):
    # single period, values one-off: a change c in every scenario adds c to every package
    # choosing the option, whatever the odds it induces
    rep = sensitivity(load_document(MOVING), solver=solver, sections=("thresholds",))
    packages = [p for p in enumerate_packages(MOVING) if evaluate(MOVING, p)[0]]
    values = [evaluate(MOVING, p)[2] for p in packages]

    def has_after(option: str, c: float) -> bool:
        cid, oid = option.split(".")
        best = max(
            range(len(packages)),
            key=lambda i: values[i] + c * (packages[i].get(cid, Pick("", "", None)).option == oid),
        )
        return packages[best].get(cid, Pick("", "", None)).option == oid

    assert len(rep.thresholds) == 5
    for th in rep.thresholds:
        assert th.chosen == has_after(th.option, 0.0)
        if th.change is None:
            continue
        eps = 1e-6 * np.sign(th.change)
        assert has_after(th.option, th.change - eps) == th.chosen, th.option
        assert has_after(th.option, th.change + eps) != th.chosen, th.option


def test_moving_odds_tornado_includes_the_shift_amounts_from_the_console_script():
    res = subprocess.run(
        [sys.executable, "-m", "optimizer", "sensitivity", "moving-odds", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    rows = {r["input"]: r for r in d["tornado"]["rows"]}
    shifts = [r for r in d["tornado"]["rows"] if r["kind"] == "shift"]
    assert len(shifts) == 4
    assert {r["kind"] for r in rows.values()} >= {"probability", "baseline", "shift", "value"}
    for k, sh in enumerate(MOVING["shifts"]):
        r = rows[f"shift {sh['when']}: {sh['from']} -> {sh['to']}"]
        assert (r["low"], r["high"]) == pytest.approx((sh["amount"] * 0.8, sh["amount"] * 1.2))
        for end in ("low", "high"):
            ref = optimum(set_input(MOVING, "shift", f"shifts[{k}]", r[end])).value
            assert r[f"value_{end}"] == pytest.approx(ref, abs=1e-9)
    for s in MOVING["scenarios"]:
        for kind, name in (("baseline", "baseline of {}"), ("probability", "P({}) before shifts")):
            r = rows[name.format(s["id"])]
            for end in ("low", "high"):
                ref = optimum(set_input(MOVING, kind, s["id"], r[end])).value
                assert r[f"value_{end}"] == pytest.approx(ref, abs=1e-9), r["input"]
    for r in d["tornado"]["rows"]:
        if r["kind"] == "value":  # an option's value in every scenario, times a factor
            for end in ("low", "high"):
                ref = optimum(set_input(MOVING, "factor", r["input"][:-6], r[end])).value
                assert r[f"value_{end}"] == pytest.approx(ref, abs=1e-9), r["input"]
    assert any("induced by each package" in n for n in d["notes"])
    assert "P(rupture) from 0.2 to 0.1" in d["notes"][-1]
    table = subprocess.run(
        [sys.executable, "-m", "optimizer", "sensitivity", "moving-odds"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert table.returncode == 0 and "shift defence.by_2027" in table.stdout


# ---- baselines alone --------------------------------------------------------------------------
def test_baselines_alone_move_the_value_but_not_the_package():
    plain = {k: v for k, v in MOVING.items() if k != "shifts"}
    flat = copy.deepcopy(plain)
    for s in flat["scenarios"]:
        s.pop("baseline")
    rep = sensitivity(load_document(plain), sections=("tipping", "tornado"))
    rep0 = sensitivity(load_document(flat), sections=("tipping", "tornado"))
    assert rep.expected == pytest.approx(optimum(plain).value) and rep.package == rep0.package
    # the baselines change no tipping point (they add a constant to every package)
    assert [(t.parameter, t.lower, t.upper) for t in rep.tipping] == [
        (t.parameter, pytest.approx(t.lower), pytest.approx(t.upper)) for t in rep0.tipping
    ]
    assert not any(t.kind == "baseline" for t in rep.tipping)
    assert any("cannot change the optimal package" in n for n in rep.notes)
    rows = {r.input: r for r in rep.tornado}
    for s in plain["scenarios"]:
        r = rows[f"baseline of {s['id']}"]
        for end, v in ((r.low, r.value_low), (r.high, r.value_high)):
            assert v == pytest.approx(optimum(set_input(plain, "baseline", s["id"], end)).value)
    for s in plain["scenarios"]:  # a probability's tornado value weighs the levels
        r = rows[f"P({s['id']})"]
        for end, v in ((r.low, r.value_low), (r.high, r.value_high)):
            ref = optimum(set_input(plain, "probability", s["id"], end)).value
            assert v == pytest.approx(ref, abs=1e-9), r.input


# ---- the re-solve path ------------------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_restate_passes_every_cost_an_amount_or_a_baseline_moves(solver):
    """A changed amount moves the costs of the product columns (beyond the decision columns)
    and the objective offset; an amount of 0 removes products, so the model is reloaded."""
    from dataclasses import replace

    from optimizer.analysis.odds_inputs import Odds
    from solvers.resolve import load, restate

    odds = Odds(load_document(MOVING))
    base = odds.model_at(odds.base)
    nd = base.n_decision
    assert base.n > nd  # the example has products y_m * x_j
    lm = load(base, solver)
    for a0, b0 in ((0.03, -160.0), (0.15, -160.0), (0.15, -100.0), (0.07, -130.0)):
        st = replace(odds.base, a=np.array([a0, 0.04, 0.1, 0.05]))
        st = replace(st, b=np.array([b0, -60.0, -15.0]))
        target = odds.model_at(st)
        assert not np.array_equal(target.c[nd:], lm.c[nd:]) or a0 == 0.15  # products moved
        same = restate(lm, target)
        assert same is lm  # only costs and the offset differ: changed in place
        assert np.array_equal(lm.c, target.c)
        doc = set_input(set_input(MOVING, "shift", "shifts[0]", a0), "baseline", "rupture", b0)
        assert lm.solve().objective == pytest.approx(optimum(doc).value, abs=1e-9)
    st = replace(odds.base, a=np.array([0.0, 0.04, 0.1, 0.05]))
    target = odds.model_at(st)
    assert target.n < base.n  # the 2027 target's products are gone
    new = restate(lm, target)
    assert new is not lm and new.solves == lm.solves and new.base is target
    ref = optimum(set_input(MOVING, "shift", "shifts[0]", 0.0)).value
    assert new.solve().objective == pytest.approx(ref, abs=1e-9)


def test_a_package_is_not_valued_from_the_decision_costs_alone_under_products():
    from optimizer.analysis.odds_inputs import Odds, OddsPackages
    from solvers.resolve import Packages

    odds = Odds(load_document(MOVING))
    model = odds.model_at(odds.base)
    x = np.zeros(model.n)
    names = ("defence.by_2027", "border.yes", "critical_minerals.yes")
    x[[j for j in range(model.n_decision) if model.col_name(j) in names]] = 1.0
    plain = Packages(model)
    with pytest.raises(NotImplementedError, match="shifts"):
        plain.expected(plain.key(x))
    pk = OddsPackages(model, odds)
    assert pk.expected(pk.key(x)) == pytest.approx(-59.2)


def test_shadow_prices_under_shifts_are_those_of_the_compiled_milps_relaxation():
    import solvers
    from optimizer.compile import compile_spec

    def lp(capacity: float) -> float:
        doc = copy.deepcopy(MOVING)
        doc["resources"][0]["capacity"] = capacity
        model = compile_spec(load_document(doc)).relaxed()
        return solvers.get("highs").solve(model, solvers.SolveOptions()).objective

    doc = copy.deepcopy(MOVING)
    doc["resources"][0]["capacity"] = 7.5  # binding, away from a kink of the LP value
    rep = sensitivity(load_document(doc), sections=("shadow",))
    (sp,) = rep.shadow_prices
    assert rep.lp_objective == pytest.approx(lp(7.5))
    h = 1e-4
    assert sp.price == pytest.approx((lp(7.5 + h) - lp(7.5 - h)) / (2 * h), abs=1e-6)
    assert abs(sp.price) > 0.1
    assert any("relaxation of the compiled MILP" in n for n in rep.notes)


def test_tornado_capacities_inside_their_tipping_interval_are_not_solved_again():
    # a capacity factor inside the base package's interval (clear of its tolerance window)
    # takes the base package without a solve; every row must equal the tornado computed with
    # a solve at every point (no tipping points given)
    from optimizer.analysis.sensitivity_odds import OddsSession
    from optimizer.analysis.sensitivity_params import scale_param

    spec = load_document(tomllib.loads(bundled_path("moving-odds").read_text()))
    ses = OddsSession(spec)
    tips = [ses.tipping(scale_param(spec, ses.model, r.id)) for r in spec.resources]
    assert any(t.lower <= 0.9 or t.upper - t.tolerance >= 1.1 for t in tips)
    n0 = ses.run.solves
    alone = ses.tornado_odds(0.1)
    n1 = ses.run.solves
    shared = ses.tornado_odds(0.1, tips)
    n2 = ses.run.solves
    assert n2 - n1 < n1 - n0  # some capacity point was inside its interval

    def key(r):
        return (r.input, r.kind)

    assert sorted(map(key, alone)) == sorted(map(key, shared))
    by = {key(r): r for r in alone}
    for r in shared:
        a = by[key(r)]
        assert r.value_low == pytest.approx(a.value_low, rel=1e-9, abs=1e-9)
        assert r.value_high == pytest.approx(a.value_high, rel=1e-9, abs=1e-9)
