"""A limit that demands 1e15 or more (a capacity of -1e16) is refused before any solve, exit 2,
naming the row, as a coefficient that large is (``numerics.check_magnitudes``); a capacity that
only loosens a row may be as large as it likes, and -1e14 is still an infeasible problem."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import MIP_SOLVERS

import optimizer
from optimizer.errors import InputError


def _solve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", *args, "--format", "json"],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("cap", ["-1e15", "-1e16", "-1e300"])
def test_a_capacity_demanding_1e15_or_more_is_refused_naming_it(solver, cap):
    out = _solve("small-example", "--set", f"resources.budget.capacity={cap}", "--solver", solver)
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "budget" in lines[0] and f"{float(cap):.6g}" in lines[0]


def test_per_year_and_per_scenario_rows_are_named():
    out = _solve("canada-us-2025", "--set", "resources.fiscal.capacity.2030=-1e300")
    assert out.returncode == 2
    assert "fiscal[" in out.stderr and "2030" in out.stderr


def test_a_large_capacity_that_loosens_a_row_still_solves_and_minus_1e14_is_infeasible():
    base = optimizer.solve(optimizer.load("small-example"))
    loose = _solve("small-example", "--set", "resources.budget.capacity=1e300")
    assert loose.returncode == 0, loose.stderr
    got = json.loads(loose.stdout)
    assert got["status"] == "optimal"
    assert got["objective"]["value"] >= base.objective_value - 1e-9  # more room never hurts
    tight = _solve("small-example", "--set", "resources.budget.capacity=-1e14")
    assert tight.returncode == 3, tight.stderr


def test_in_process_the_error_is_an_input_error():
    spec = optimizer.load("small-example").with_capacity("budget", -1e16)
    with pytest.raises(InputError, match="budget"):
        optimizer.solve(spec)


@pytest.mark.parametrize(
    "args",
    [
        ["solve", "small-example", "--set", "commitments.a.options.small.value_per_year=true",
         "--set", "commitments.a.options.small.value.good=1e308"],
        ["montecarlo", "moving-odds", "-n", "5", "--set",
         'commitments.border.value={dist="normal",mean=0,sd=1e308}'],
    ],
)  # fmt: skip
def test_an_overflowing_input_is_one_line_naming_its_item(args):
    """NumPy's overflow warnings stay off the console: the error is the one line."""
    out = subprocess.run([sys.executable, "-m", "optimizer", *args], capture_output=True, text=True)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "beyond what the solvers handle" in lines[0]
    assert ("a.small" in lines[0]) or ("border.yes" in lines[0])


@pytest.mark.parametrize("bound", ["", "upper = 1e300", "upper = 1e16", "lower = -1e20\nupper = 3"])
def test_a_response_the_odds_multiply_needs_bounds_below_1e15(tmp_path, bound):
    """With [[shifts]], a stage-2 response's value is multiplied by the odds the package moves
    (McCormick rows need its bounds): no bound, or one of 1e15 or more, is one line naming the
    response and the problem, exit 2 -- not a row of the linearisation."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "problems" / "moving_odds.toml").read_text()
    path = tmp_path / "p.toml"
    path.write_text(
        text + '\n[[responses]]\nid = "buy"\nvalue = { rupture = -1, tariffs_stay = 2, '
        f"new_equilibrium = 3 }}\nstage = 2\n{bound}\n\n[[constraints]]\n"
        'expr = "buy - 5 * border <= 0"\n'
    )
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: moving-odds: shifts: 'buy[")
    assert "no finite bounds" in lines[0]
    path.write_text(path.read_text().replace(bound, "upper = 7") if bound else path.read_text())
    if bound.startswith("upper = 1e"):
        ok = subprocess.run(
            [sys.executable, "-m", "optimizer", "solve", str(path), "--format", "json"],
            capture_output=True,
            text=True,
        )
        assert ok.returncode == 0, ok.stderr
        assert json.loads(ok.stdout)["verified"] is True
