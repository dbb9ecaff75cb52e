"""Tipping points, what-would-it-take thresholds, tornado and LP shadow prices.

Answers come from outside the code under test: a problem small enough to solve by hand, and
fresh solves of the *changed problem* (the spec edited, compiled and solved from scratch) on a
grid inside each reported interval and just past each end. The problems and the changed
problem are built in ``_helpers_sensitivity.py``.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from _helpers_sensitivity import (
    apply_change,
    changed,
    hand_problem,
    package,
    random_problem,
    scaled,
    shifted,
)
from click.testing import CliRunner
from conftest import MIP_SOLVERS

import optimizer
from optimizer.analysis.sensitivity import sensitivity
from optimizer.cli import cli
from optimizer.compile import compile_spec
from optimizer.spec import Commitment, Option, ProblemSpec, Resource, check_spec

GRID = 7  # fresh solves strictly inside each interval


# ---- tests ----------------------------------------------------------------------------------


def test_hand_problem_tipping_points_are_exact():
    rep = sensitivity(hand_problem(), sections=("tipping", "thresholds"))
    assert rep.package == ("a.yes",)
    tp = {t.parameter: t for t in rep.tipping}
    up = tp["P(up)"]
    assert up.lower == pytest.approx(3 / 7, abs=1e-12)
    assert up.upper == 1.0 and up.above is None
    assert up.below.enter == ("b.yes",) and up.below.leave == ("a.yes",)
    assert up.exact
    down = tp["P(down)"]
    assert (down.lower, down.upper) == (0.0, pytest.approx(4 / 7, abs=1e-12))
    # A stays while 0.6 * v >= E[B] = 3.6, i.e. v >= 6
    va = tp["a.yes value in up"]
    assert va.lower == pytest.approx(6.0, abs=1e-9)
    assert math.isinf(va.upper)
    # B comes in when its value in 'down' reaches (6 - 0.6 * 2) / 0.4 = 12
    vb = tp["b.yes value in down"]
    assert vb.upper == pytest.approx(12.0, abs=1e-9)
    # budget: A fits down to 4 (then B, which fits down to 2, takes over)
    cap = tp["capacity budget"]
    assert cap.lower == pytest.approx(4.0)
    assert cap.below.enter == ("b.yes",)
    assert math.isinf(cap.upper)
    th = {t.option: t for t in rep.thresholds}
    # B needs E[A] - E[B] = 6 - 3.6 = 2.4 more in every scenario; A may lose 2.4
    assert th["b.yes"].change == pytest.approx(2.4, abs=1e-9)
    assert th["a.yes"].change == pytest.approx(-2.4, abs=1e-9)


@pytest.mark.parametrize("solver", [s for s in MIP_SOLVERS if s != "highs"])
def test_rebuilding_back_end_gives_the_same_answers(solver):
    """Back ends that cannot keep a model loaded rebuild it for each solve: same results."""
    spec = hand_problem()
    a = sensitivity(spec, sections=("tipping", "thresholds"))
    b = sensitivity(spec, solver=solver, sections=("tipping", "thresholds"))
    assert b.solver == solver
    for x, y in zip(a.tipping, b.tipping, strict=True):
        assert (x.parameter, x.below, x.above) == (y.parameter, y.below, y.above)
        assert x.lower == pytest.approx(y.lower, abs=1e-6)
        assert x.upper == pytest.approx(y.upper, abs=1e-6)
    assert [t.change for t in a.thresholds] == pytest.approx([t.change for t in b.thresholds])


def test_negative_capacity_scale_uses_bisection_and_matches_fresh_solves():
    """A budget that must be 'earned' in 2026 (capacity -0.5, only e provides room): scaling
    it does not only add packages, so the scale's tipping points come from bisection.
    By hand, e+y+z fits for factors in [0.95, 1.2] (2027: 1.9 <= 2f; 2026: -0.6 <= -0.5f),
    and e+z (worth 1.8, fits from 0.45 to 3.2) takes over on both sides."""
    opts = {
        "e": Option("yes", use={"budget": -1.6}, value=-0.4),
        "x": Option("yes", use={"budget": 3.0}, value=4.0),
        "y": Option("yes", use={"budget": 1.0}, value=1.8),
        "z": Option("yes", use={"budget": (0.0, 2.5)}, value=2.2),
    }
    spec = check_spec(
        ProblemSpec(
            name="earned",
            commitments=tuple(Commitment(k, (o,)) for k, o in opts.items()),
            resources=(Resource("budget", (-0.5, 2.0, 3.0)),),
            years=(2026, 2028),
        )
    )
    rep = sensitivity(spec, sections=("tipping",), kinds=("scale",), tolerance=1e-4)
    (tp,) = rep.tipping
    assert tp.kind == "scale" and tp.tolerance > 0
    assert tp.lower == pytest.approx(0.95, abs=1e-4)
    assert tp.upper == pytest.approx(1.2, abs=1e-4)
    assert tp.below.leave == ("y.yes@2026",) and tp.above.leave == ("y.yes@2026",)
    _check_tipping_point(spec, package(spec), tp)


def _grid_inside(tp) -> list[float]:
    lo, hi = tp.lower, tp.upper
    span = max(abs(tp.base), 1.0)
    if math.isinf(lo):
        lo = tp.base - 3 * span
    if math.isinf(hi):
        hi = tp.base + 3 * span
    if tp.kind in ("capacity", "scale"):
        lo = max(lo, 0.0)
    width = hi - lo
    # strictly inside, clear of the tolerance window at each end
    pad = max(tp.tolerance * 2, width * 1e-3)
    return [float(x) for x in np.linspace(lo + pad, hi - pad, GRID)] + [tp.base]


def _check_tipping_point(spec: ProblemSpec, base: frozenset[str], tp) -> None:
    assert tp.lower <= tp.base <= tp.upper
    for theta in _grid_inside(tp):
        assert package(changed(spec, tp, theta)) == base, (tp.parameter, theta)
    eps = 1e-5 * max(1.0, abs(tp.base))
    if tp.above is not None:
        beyond = package(changed(spec, tp, tp.upper + eps))
        assert beyond != base, (tp.parameter, "above")
        assert beyond == apply_change(base, tp.above), (tp.parameter, "above")
    if tp.below is not None or tp.below_infeasible:
        theta = tp.lower - eps
        if tp.below_infeasible:
            with pytest.raises(optimizer.InfeasibleError):
                optimizer.solve(changed(spec, tp, theta))
        else:
            below = package(changed(spec, tp, theta))
            assert below != base, (tp.parameter, "below")
            assert below == apply_change(base, tp.below), (tp.parameter, "below")


@pytest.mark.parametrize("seed", [3, 8])
def test_tipping_points_match_a_dense_grid_of_fresh_solves(seed):
    spec = random_problem(seed)
    rep = sensitivity(spec, sections=("tipping",), tolerance=1e-5)
    base = package(spec)
    assert frozenset(rep.package) == base
    kinds = {t.kind for t in rep.tipping}
    assert kinds == {"probability", "value", "capacity", "scale"}
    values = [t for t in rep.tipping if t.kind == "value"]
    # every probability and capacity; the values nearest to tipping, and one far from it
    values.sort(key=lambda t: min(abs(t.base - t.lower), abs(t.upper - t.base)))
    chosen = [t for t in rep.tipping if t.kind != "value"] + values[:3] + values[-1:]
    assert any(t.above is not None or t.below is not None for t in chosen)
    for tp in chosen:
        _check_tipping_point(spec, base, tp)


@pytest.mark.parametrize("seed", [5])
def test_what_would_it_take_holds_at_threshold_plus_minus_epsilon(seed):
    spec = random_problem(seed)
    rep = sensitivity(spec, sections=("thresholds",))
    base = optimizer.solve(spec)
    assert len(rep.thresholds) == sum(len(c.options) for c in spec.commitments)
    for th in rep.thresholds:
        assert th.chosen == base.is_chosen(th.option)
        if th.change is None:
            continue
        sign = 1.0 if th.change > 0 else -1.0
        eps = 1e-5 * max(1.0, abs(th.change))
        before = shifted(spec, th.option, th.change - sign * eps)
        after = shifted(spec, th.option, th.change + sign * eps)
        assert optimizer.solve(before).is_chosen(th.option) == th.chosen, th.option
        assert optimizer.solve(after).is_chosen(th.option) != th.chosen, th.option


def test_tornado_values_are_the_optima_of_the_changed_problems():
    spec = random_problem(3)
    rep = sensitivity(spec, sections=("tipping", "tornado"), kinds=("probability", "scale"))
    swings = [r.swing for r in rep.tornado]
    assert swings == sorted(swings, reverse=True)
    ps = {s.id: s.probability for s in spec.scenarios}
    for r in rep.tornado:
        for theta, got in ((r.low, r.value_low), (r.high, r.value_high)):
            if r.kind == "probability":
                sid = r.input[2:-1]
                rest = 1 - ps[sid]
                probs = {k: theta if k == sid else v * (1 - theta) / rest for k, v in ps.items()}
                want = optimizer.solve(spec.with_probabilities(probs)).expected
            elif r.kind == "value":
                want = optimizer.solve(scaled(spec, r.input.split()[0], theta)).expected
            else:
                rid = r.input.split()[0]
                want = optimizer.solve(spec.scaled_capacity(rid, theta)).expected
            assert got == pytest.approx(want, abs=1e-7), (r.input, theta)


def negated(spec: ProblemSpec) -> ProblemSpec:
    """The same decision written as costs to minimise."""
    comms = tuple(
        dataclasses.replace(
            c,
            options=tuple(
                dataclasses.replace(o, value={k: -v for k, v in o.value.items()}) for o in c.options
            ),
        )
        for c in spec.commitments
    )
    return spec.replace(commitments=comms, sense="minimize")


def test_minimisation_mirrors_maximisation():
    spec = random_problem(8)
    a = sensitivity(spec, sections=("tipping", "thresholds"))
    b = sensitivity(negated(spec), sections=("tipping", "thresholds"))
    assert a.package == b.package
    for x, y in zip(a.tipping, b.tipping, strict=True):
        assert (x.parameter, x.below, x.above) == (
            y.parameter,
            *((y.above, y.below) if x.kind == "value" else (y.below, y.above)),
        )
        if x.kind == "value":  # the parameter is the negated amount
            assert (x.lower, x.upper) == pytest.approx((-y.upper, -y.lower), abs=1e-9)
        else:
            assert (x.lower, x.upper) == pytest.approx((y.lower, y.upper), abs=1e-9)
    for x, y in zip(a.thresholds, b.thresholds, strict=True):
        assert (x.change is None) == (y.change is None)
        if x.change is not None:
            assert x.change == pytest.approx(-y.change, abs=1e-9)


def _lp_value(spec: ProblemSpec) -> float:
    import solvers

    res = solvers.get("highs").solve(compile_spec(spec).relaxed(), solvers.SolveOptions())
    return res.objective


@pytest.mark.parametrize("sense", ["maximize", "minimize"])
def test_lp_shadow_prices_match_finite_differences(sense):
    spec = optimizer.load("small-example")
    if sense == "minimize":  # the same problem written as costs
        spec = negated(spec)
    rep = sensitivity(spec, sections=("shadow",))
    assert rep.lp_objective == pytest.approx(_lp_value(spec))
    assert len(rep.shadow_prices) == 3
    h = 1e-4
    for sp in rep.shadow_prices:
        up = _lp_value(spec.with_capacity("budget", {sp.year: sp.capacity + h}))
        down = _lp_value(spec.with_capacity("budget", {sp.year: sp.capacity - h}))
        assert sp.price == pytest.approx((up - down) / (2 * h), abs=1e-6), sp.year
    assert any(abs(sp.price) > 0.1 for sp in rep.shadow_prices)
    d = rep.to_dict()
    assert "LP relaxation" in d["lp_relaxation"]["shadow_prices"][0]["sentence"]


def test_cli_json_and_table():
    runner = CliRunner()
    res = runner.invoke(cli, ["sensitivity", "small-example", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["package"] == ["a.small@2026", "b.yes@2027", "c.yes@2026"]
    assert d["method"]["tolerance"] == 1e-4
    tips = {t["parameter"]: t for t in d["tipping_points"]}
    assert tips["capacity budget 2027"]["lower"] == 6.0
    assert tips["capacity budget 2027"]["upper"] == 7.0
    res = runner.invoke(
        cli, ["sensitivity", "small-example", "--only", "capacity", "--range", "10%"]
    )
    assert res.exit_code == 0, res.output
    assert "LP-relaxation shadow prices" in res.output
    assert "in the LP relaxation" in res.output
    assert "Tornado" in res.output and "-/+10%" in res.output
    res = runner.invoke(cli, ["sensitivity", "small-example", "--only", "capacities"])
    assert res.exit_code == 2 and "did you mean 'capacity'" in res.output
    res = runner.invoke(cli, ["sensitivity", "--help"])
    assert "optimizer sensitivity canada-us-2025" in res.output
