"""Scenario discovery (optimizer discover): the failing flags against the problem's construction
and against independent re-solves, the boxes PRIM finds where the failing region is known,
the statements for no and every draw failing, the console script and the report section."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from test_console import SCRIPT

from optimizer import api
from optimizer.analysis.discovery import discover, failing_draws, input_matrix
from optimizer.analysis.montecarlo import monte_carlo
from optimizer.errors import InfeasibleError
from optimizer.spec.uncertain import sample_inputs

# Two exclusive commitments: 'a' (value uniform 0-10, point 5, uses 2 of the budget) beats 'b'
# (value 4, uses 1) at the point values; 'c' is always in. The recommended package {a, c}
# fails exactly where a's value < 4 (not optimal) or the budget < 2 (infeasible): two boxes.
TOY = """
[problem]
name = "discovery-toy"

[[scenarios]]
id = "only"
probability = 1

[[resources]]
id = "budget"
capacity = { dist = "uniform", low = 1.5, high = 4.5 }

[[commitments]]
id = "a"
use = { budget = 2 }
value = { dist = "uniform", low = LOW, high = 10 }

[[commitments]]
id = "b"
use = { budget = 1 }
value = 4

[[commitments]]
id = "c"
use = { budget = 0 }
value = { dist = "uniform", low = 1, high = 2 }

[[relations]]
type = "excludes"
members = ["a", "b"]
"""


def toy(tmp_path, low: float = 0.0, capacity_low: float = 1.5):
    path = tmp_path / "toy.toml"
    text = TOY.replace("LOW", str(low)).replace("low = 1.5", f"low = {capacity_low}")
    path.write_text(text)
    return path


def run(*args):
    return subprocess.run(
        [SCRIPT, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def test_failing_flags_are_the_constructed_region(tmp_path):
    spec = api.load(toy(tmp_path))
    mc = monte_carlo(spec, 300, 11, verify=0)
    X, cols = input_matrix(spec, 300, 11)
    names = [c.name for c in cols]
    cap, va = X[:, names.index("resources[0].capacity")], X[:, names.index("commitments[0].value")]
    fail, known, infeasible = failing_draws(mc, 0.0)
    assert known.all()
    assert np.array_equal(infeasible, cap < 2)
    assert np.array_equal(fail, (va < 4) | (cap < 2))
    # with a threshold, "worse by more than 1": a's value below 3
    fail1, _, _ = failing_draws(mc, 1.0)
    assert np.array_equal(fail1, (va < 3) | (cap < 2))


def test_failing_flags_against_independent_resolves(tmp_path):
    # each draw rebuilt from the spec, solved from scratch, and the recommended package
    # forced: infeasible there, or worse than the optimum, is a failing draw
    spec = api.load(toy(tmp_path))
    d = discover(spec, 60, 4, verify=0)
    mc = monte_carlo(spec, 60, 4, verify=0)
    fail, _, _ = failing_draws(mc, 0.0)
    assert d.failing == fail.sum()
    draws = sample_inputs(spec, 60, 4)
    base = api.solve(spec)
    chosen = [c.commitment for c in base.chosen]
    for k in range(0, 60, 6):
        drawn = spec.with_values(draws.locations(spec, k))
        best = api.solve(drawn).expected
        try:
            mine = api.solve(drawn.force(*chosen)).expected
        except InfeasibleError:
            mine = None
        assert fail[k] == (mine is None or best - mine > 1e-6), k


def test_the_two_boxes_are_found(tmp_path):
    d = discover(api.load(toy(tmp_path)), 600, 2)
    assert d.failing_share == pytest.approx(0.5, abs=0.06)  # 0.4 + 0.6 x 0.5 / 3
    boxes = [{r.input: r for r in b.restrictions} for b in d.prim.boxes]
    assert len(boxes) == 2
    assert set(boxes[0]) == {"commitments[0].value"}
    assert boxes[0]["commitments[0].value"].high == pytest.approx(4, abs=0.3)
    assert set(boxes[1]) == {"resources[0].capacity"}
    assert boxes[1]["resources[0].capacity"].high == pytest.approx(2, abs=0.1)
    assert sum(b.coverage for b in d.prim.boxes) == pytest.approx(1.0, abs=0.05)


def test_no_failing_draw_is_a_statement(tmp_path):
    # a's value at least 5 and the budget at least 2: the package never fails
    path = toy(tmp_path, low=5, capacity_low=2)
    r = run("discover", path, "-n", "50", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["failing"] == 0 and out["boxes"] == [] and out["failing_share"] == 0
    assert "does not fail" in out["statement"]
    r = run("discover", path, "-n", "50")
    assert r.returncode == 0 and "does not fail in any of the 50 draws" in r.stdout


def test_console_json_on_the_flagship(tmp_path):
    # canada-us-2025: the recommended package breaks a drawn limit in most draws and is never
    # the draw's optimum, so at threshold 0 every draw fails: a statement, not an error
    plot = tmp_path / "t.png"
    r = run("discover", "canada-us-2025", "-n", "12", "--verify", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["draws_used"] == 12 and out["failing"] == 12 and out["boxes"] == []
    assert "every one of the 12 draws" in out["statement"]
    mc = json.loads(
        run("montecarlo", "canada-us-2025", "-n", "12", "--verify", "0", "--format", "json").stdout
    )
    assert out["failing_infeasible"] == mc["base_package"]["infeasible_draws"]
    assert out["failing_share"] == mc["base_package"]["worse_share"]
    r = run("discover", "canada-us-2025", "-n", "40", "--threshold", "20", "--verify", "0",
            "--format", "json", "--plot", plot)  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert 0 < out["failing"] < out["draws_used"] == 40
    for b in out["boxes"]:
        assert 0 < b["coverage"] <= 1 and b["density"] > out["failing_share"]
        for x in b["restrictions"]:
            assert x["range"][0] <= x["low"] <= x["high"] <= x["range"][1]
    if out["boxes"]:
        assert plot.stat().st_size > 0


def test_console_text_plot_and_bad_input(tmp_path):
    path = toy(tmp_path)
    plot = tmp_path / "traj.svg"
    r = run("discover", path, "-n", "200", "--plot", plot, "--boxes", "1")
    assert r.returncode == 0, r.stderr
    assert "Box 1: coverage" in r.stdout and "<- picked" in r.stdout
    assert "Box 2" not in r.stdout
    assert plot.read_text().lstrip().startswith("<")
    for args, where in (
        (["--plot", tmp_path / "x.pdf"], "--plot"),
        (["--step", "5000"], "--step"),
        (["--threshold", "-1"], "threshold"),
    ):
        r = run("discover", path, "-n", "100", *args)
        assert r.returncode == 2, r.stderr
        assert where in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_the_report_reuses_its_monte_carlo(tmp_path):
    from optimizer.report.build import build_report

    rep = build_report(api.load(toy(tmp_path)), montecarlo=300, seed=3, sections=["montecarlo"])
    sec = rep.section("discovery")
    tables = [b for b in sec.blocks if getattr(b, "id", "").startswith("discovery-box")]
    assert [t.rows[0][0] for t in tables] == ["commitments[0].value", "resources[0].capacity"]
    assert any(getattr(b, "id", "") == "discovery-chart" for b in sec.blocks)


def test_python_module_entry_point():
    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "discover", "--help"], capture_output=True, text=True
    )
    assert r.returncode == 0 and "PRIM" in r.stdout


def test_a_dirichlet_gives_one_column_per_scenario_probability(tmp_path):
    # 'a' is worth 10 if good, 0 if bad; 'b' 4 either way: {a} fails where p(good) < 0.4
    path = tmp_path / "odds.toml"
    path.write_text(
        """
[problem]
name = "odds"
[[scenarios]]
id = "good"
probability = 0.6
[[scenarios]]
id = "bad"
probability = 0.4
[uncertainty]
probabilities = { dist = "dirichlet", concentration = 4 }
[[commitments]]
id = "a"
value = { good = 10, bad = 0 }
[[commitments]]
id = "b"
value = 4
[[relations]]
type = "excludes"
members = ["a", "b"]
"""
    )
    d = discover(api.load(path), 400, 1, verify=0)
    assert [c.name for c in d.columns] == ["scenarios[0].probability", "scenarios[1].probability"]
    X, _ = input_matrix(api.load(path), 400, 1)
    assert d.failing == int(np.sum(X[:, 0] < 0.4))
    b = d.prim.boxes[0]
    assert b.density >= 0.95 and b.coverage >= 0.95
    r = b.restrictions[0]
    assert (r.input, r.high) == ("scenarios[0].probability", pytest.approx(0.4, abs=0.02)) or (
        r.input,
        r.low,
    ) == ("scenarios[1].probability", pytest.approx(0.6, abs=0.02))
