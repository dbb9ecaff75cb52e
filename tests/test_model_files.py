"""MPS/LP files as first-class inputs of `optimizer solve`, and `--solver auto`.

Known optima from ../shared/data/miplib/optima.csv (the HiGHS project's own test values).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import data_file

import optimizer
import solvers
from optimizer import build_model
from optimizer.cli import cli


@pytest.mark.parametrize(("name", "optimum"), [("flugpl", 1201500.0), ("p0548", 8691.0)])
def test_solve_reads_mps_files_and_verifies_the_optimum(name, optimum):
    path = data_file("miplib", f"{name}.mps")
    res = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["status"] == "optimal" and d["verified"] is True
    assert d["objective"]["value"] == pytest.approx(optimum, rel=1e-9)
    assert d["objective"]["sense"] == "minimize"


def test_problem_options_are_refused_for_model_files():
    path = data_file("miplib", "flugpl.mps")
    res = CliRunner().invoke(cli, ["solve", str(path), "--set", "x=1"])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {path}: --set, --force, --forbid and --objective apply to problem files, "
        "not to MPS/LP models"
    ]


def test_auto_picks_cbc_for_small_pure_binary_models_and_highs_otherwise():
    if "cbc" not in solvers.available():
        pytest.skip("CBC is not available on this machine")
    # capital-budgeting is 0-1 only (the flagship is not: its [[shifts]] add continuous columns)
    binary = build_model(optimizer.load("capital-budgeting"))
    farmer = build_model(optimizer.load("farmer"))  # continuous
    assert solvers.choose(binary) == "cbc"
    assert solvers.choose(farmer) == "highs"
    flugpl = data_file("miplib", "flugpl.mps")  # general integers
    from optimizer.mpsio import read_model

    assert solvers.choose(read_model(flugpl)) == "highs"


def test_auto_solves_to_the_same_optimum_as_the_default():
    spec = optimizer.load("canada-us-2025")
    auto = optimizer.solve(spec, solver="auto")
    default = optimizer.solve(spec)
    assert auto.expected == pytest.approx(default.expected, rel=1e-9)
    assert auto.solver["name"] == solvers.choose(build_model(spec))
    regret = optimizer.solve(spec, solver="auto", objective="regret")
    assert regret.objective == "regret" and regret.verified
