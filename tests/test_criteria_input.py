"""Criteria input at the edges: weights near the float maximum, scores and ``--require`` bounds
of 1e15 or more, score profiles longer than the horizon, and the Pareto front at the largest
accepted scores. Each is run in-process and through the console script (exit code, one line on
stderr); known answers come from enumerating the example's packages by hand (below)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from itertools import product
from pathlib import Path

import numpy as np
import pytest

import optimizer
from optimizer.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[1] / "problems" / "criteria_example.toml"
TEXT = EXAMPLE.read_text()
SMALL = "scores = { emissions = 4, jobs = 5 }"  # solar.small's scores in the example

# problems/criteria_example.toml by hand: (capital, expected value, emissions, jobs) per choice;
# the expected value is 0.4 * high_energy_price + 0.6 * low_energy_price.
CHOICES = {
    "solar": [None, ("small", 3, 3.2, 4, 5), ("large", 6, 5.4, 8, 8)],
    "buses": [None, ("yes", 4, 1.2, 6, 2)],
    "retrofit": [None, ("yes", 2, 1.4, 2, 12)],
    "logistics": [None, ("yes", 5, 6.6, -3, 20)],
}
IDS = ("expected", "emissions", "jobs")


def packages(small_emissions: float = 4.0):
    """Every package within the capital of 10: (set of 'commitment.option', criteria)."""
    out = []
    for combo in product(*CHOICES.values()):
        picked = {(c, x) for c, x in zip(CHOICES, combo, strict=True) if x}
        if sum(x[1] for _, x in picked) > 10:
            continue
        crit = dict.fromkeys(IDS, 0.0)
        for c, x in picked:
            crit["expected"] += x[2]
            crit["emissions"] += small_emissions if (c, x[0]) == ("solar", "small") else x[3]
            crit["jobs"] += x[4]
        out.append(({f"{c}.{x[0]}" for c, x in picked}, crit))
    return out


def swing_best(weights: dict[str, float]):
    """The package with the best weighted 0..100 swing score, and that score."""
    rows = packages()
    lo = {k: min(v[k] for _, v in rows) for k in IDS}
    hi = {k: max(v[k] for _, v in rows) for k in IDS}
    total = sum(weights.values())

    def score(v):
        return sum(100 * w / total * (v[k] - lo[k]) / (hi[k] - lo[k]) for k, w in weights.items())

    return max(((p, score(v)) for p, v in rows), key=lambda t: t[1])


def run(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-W", "default", "-m", "optimizer", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def one_error_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


def chosen(out: dict) -> set[str]:
    return {f"{c['commitment']}.{c['option']}" for c in out["chosen"]}


YEARS = ('value_unit = "M$ net present value"', 'value_unit = "M$"\nyears = [2026, 2027]')


def variant(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    text = TEXT
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "p.toml"
    path.write_text(text)
    return path


# 1. weights near the float maximum: normalised without overflow, like 1 and 1


def test_weights_of_1e308_act_as_weights_of_1():
    from optimizer.compile import compile_spec
    from optimizer.criteria_objective import normalised_weights

    data = compile_spec(optimizer.load(EXAMPLE)).meta["criteria"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        big = normalised_weights(data, (("expected", 1e308), ("jobs", 1e308)))
    assert list(big) == list(normalised_weights(data, (("expected", 1.0), ("jobs", 1.0))))
    assert list(big) == [0.5, 0.0, 0.5]
    with pytest.raises(InputError, match="the weight of 'jobs' is inf"):
        normalised_weights(data, (("jobs", float("inf")),))
    with pytest.raises(InputError, match="the weights sum to 0"):
        normalised_weights(data, (("jobs", 0.0),))


def test_solve_with_weights_of_1e308_is_the_enumerated_optimum():
    want, value = swing_best({"expected": 1, "jobs": 1})
    assert want == {"solar.small", "retrofit.yes", "logistics.yes"} and value == 100
    sol = optimizer.solve(optimizer.load(EXAMPLE), objective="weighted:expected=1e308,jobs=1e308")
    assert {f"{c.commitment}.{c.option}" for c in sol.chosen} == want
    assert sol.objective_value == pytest.approx(value, abs=1e-6)
    r = run(
        "solve",
        str(EXAMPLE),
        "--objective",
        "weighted:expected=1e308,jobs=1e308",
        "--format",
        "json",
    )
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = json.loads(r.stdout)
    assert out["objective"]["weights"] == {"expected": 0.5, "emissions": 0.0, "jobs": 0.5}
    assert chosen(out) == want


def test_file_weights_of_1e308_in_solve_and_weights(tmp_path):
    # emissions and jobs weigh 1e308, expected 0.5: expected's share is below 1e-300
    path = variant(tmp_path, ("weight = 0.3", "weight = 1e308"), ("weight = 0.2", "weight = 1e308"))
    want, value = swing_best({"emissions": 1, "jobs": 1})
    r = run("solve", str(path), "--objective", "weighted", "--format", "json")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = json.loads(r.stdout)
    w = out["objective"]["weights"]
    assert (w["emissions"], w["jobs"]) == (0.5, 0.5) and 0 < w["expected"] < 1e-300
    assert chosen(out) == want and out["verified"] is True
    assert out["objective"]["value"] == pytest.approx(value, abs=1e-6)
    r = run("weights", str(path), "--criterion", "jobs", "--format", "json")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert json.loads(r.stdout)["criteria"][0]["current_weight"] == 0.5


def test_file_weights_all_zero_are_refused(tmp_path):
    path = variant(
        tmp_path, ("weight = 0.3", "weight = 0"), ("weight = 0.2", "weight = 0"), ("0.5", "0")
    )
    line = one_error_line(run("solve", str(path), "--objective", "weighted"))
    assert "criteria: the weights sum to 0" in line


# 2. scores and --require bounds of 1e15 or more: exit 2 naming the item, before any solve


@pytest.mark.parametrize("score", ["1e300", "-1e15", "[1, 1e15]"])
def test_a_score_of_1e15_or_more_is_refused_at_load(tmp_path, score):
    path = variant(tmp_path, YEARS, (SMALL, f"scores = {{ emissions = {score} }}"))
    where = "scores.emissions[1]" if score.startswith("[") else "scores.emissions"
    with pytest.raises(InputError, match="beyond what the solvers handle") as e:
        optimizer.load(path)
    assert where in str(e.value) and "option 'small'" in str(e.value)
    for args in (("validate",), ("solve", "--objective", "lexicographic:emissions,expected")):
        line = one_error_line(run(args[0], str(path), *args[1:]))
        assert f"{path}: commitment 'solar'" in line and where in line
        assert "magnitudes must stay below 1e+15" in line


def test_a_profile_summing_to_1e15_is_refused_before_the_solve(tmp_path):
    path = variant(tmp_path, YEARS, (SMALL, "scores = { emissions = [9e14, 9e14] }"))
    line = one_error_line(run("solve", str(path)))
    assert "criterion score 1.8e+15 (solar.small@2026 on 'emissions')" in line


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (("solve", "--require", "jobs>=1e300"), "--require"),
        (("solve", "--require", "jobs<=-1e15"), "--require"),
        (("solve", "--require", "jobs>3"), "--require"),
        (("solve", "--objective", "expected;jobs>=1e300"), "--objective"),
        (("pareto", "--criteria", "jobs,emissions", "--require", "jobs>=1e300"), "--require"),
        (("weights", "--require", "jobs>=1e300"), "--require"),
    ],
)
def test_a_bad_require_is_usage_naming_its_option(args, label):
    line = one_error_line(run(args[0], str(EXAMPLE), *args[1:]))
    assert line.startswith(f"error: {label}: "), line
    assert "jobs" in line


def test_require_bounds_in_process():
    from optimizer.criteria_objective import parse_require, with_requires

    assert parse_require("jobs>=999999999999999") == ("jobs", ">=", 999999999999999.0)
    with pytest.raises(InputError, match="--require: 'jobs<=1e\\+15': the bound is beyond"):
        parse_require("jobs<=1e15")
    from optimizer.compile import compile_spec

    model = compile_spec(optimizer.load(EXAMPLE))
    with pytest.raises(InputError, match="the bound is beyond"):
        with_requires(model, (("jobs", ">=", float("inf")),))
    # just below the limit is a bound like any other: jobs reach 37 at most, so infeasible
    r = run("solve", str(EXAMPLE), "--require", "jobs>=999999999999999")
    assert r.returncode == 3, r.stderr


# 3. a score profile no longer than the horizon, as for use and value


def test_a_score_profile_longer_than_the_horizon_is_refused(tmp_path):
    path = variant(tmp_path, (SMALL, "scores = { emissions = [1, 2, 3], jobs = 5 }"))
    msg = "a profile of 3 years is longer than the 1-year horizon"
    with pytest.raises(InputError, match=msg):
        optimizer.load(path)
    line = one_error_line(run("validate", str(path)))
    assert line.endswith(f"option 'small' (options[0]).scores.emissions: {msg}"), line
    # the same profile in use is refused in the same words
    path = variant(tmp_path, ("use = { capital = 3 }", "use = { capital = [1, 2, 3] }"))
    assert one_error_line(run("validate", str(path))).endswith(f".use.capital: {msg}")


# 4. the Pareto front at the largest accepted scores: exact and without RuntimeWarnings


def test_pareto_front_at_scores_just_below_1e15(tmp_path):
    from optimizer.analysis.pareto import grid_step

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grid_step(np.array([9.99e14, 2.0, -3.0])) == 1.0
        assert grid_step(np.array([1e300, 3.0])) is None
        assert grid_step(np.array([1e-300])) is None  # not a step of 0 (the walk would stall)
    big = 9.99e14
    path = variant(tmp_path, (SMALL, f"scores = {{ emissions = {big!r}, jobs = 5 }}"))
    rows = packages(big)
    pts = {(v["expected"], v["emissions"]) for _, v in rows}
    want = {
        p for p in pts if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in pts)
    }  # two points: 11.2 at big - 1 and 5.8 at big + 8, 9 apart in 1e15
    assert len(want) == 2
    r = run("pareto", str(path), "--criteria", "expected,emissions", "--format", "json")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = json.loads(r.stdout)
    got = sorted((p["criteria"]["expected"], p["criteria"]["emissions"]) for p in out["points"])
    assert [b for _, b in got] == [b for _, b in sorted(want)]  # exact: whole numbers < 2**53
    assert [a for a, _ in got] == pytest.approx([a for a, _ in sorted(want)], abs=1e-9)
    assert out["exact"] is True
