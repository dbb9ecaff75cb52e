"""Known answers from outside the code: OR-Library multidimensional knapsack optima.

The instances are read from ``../shared/data/orlib`` (skipped when that folder is absent,
except in CI) through ``problems/orlib.py`` and solved on every MIP back end; each optimum
must equal the one published with the data (relative tolerance 1e-6).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS, data_file

import optimizer
from optimizer.cli import cli
from problems.orlib import read_best_known, read_mknap1, read_mknap2

# shared/data/README.md and OR-Library's mknapinfo: (n items, m constraints, optimum)
MKNAP1 = [
    (6, 10, 3800),
    (10, 10, 8706.1),
    (15, 10, 4015),
    (20, 10, 6120),
    (28, 10, 12400),
    (39, 5, 10618),
    (50, 5, 16537),
]
WEING = {
    "WEING1": (28, 2, 141278),
    "WEING2": (28, 2, 130883),
    "WEING3": (28, 2, 95677),
    "WEING4": (28, 2, 119337),
    "WEING5": (28, 2, 98796),
    "WEING6": (28, 2, 130623),
    "WEING7": (105, 2, 1095445),
    "WEING8": (105, 2, 624319),
}
REL = 1e-6


def mknap1():
    return read_mknap1(data_file("orlib", "mknap1.txt"))


def mknap2():
    return {i.name: i for i in read_mknap2(data_file("orlib", "mknap2.txt"))}


# ---- the readers --------------------------------------------------------------------------
def test_mknap1_shapes_and_optima():
    instances = mknap1()
    assert [(i.n, i.m, i.optimum) for i in instances] == MKNAP1
    first = instances[0]
    # the first lines of mknap1.txt: "6 10 3800", profits "100 600 1200 2400 500 2000"
    assert first.profits == (100, 600, 1200, 2400, 500, 2000)
    assert all(len(row) == first.n for row in first.weights)


def test_mknap2_weing_shapes_and_optima():
    instances = mknap2()
    text = data_file("orlib", "mknap2.txt").read_text()
    lines = [line.split() for line in text.splitlines()]
    blocks = {w[1].upper() for w in lines if len(w) == 2 and w[0] == "problem"}
    assert len(blocks) == 48  # "48 instances" (shared/data/README.md)
    assert {f"{name}.DAT" for name in instances} == blocks
    for name, (n, m, opt) in WEING.items():
        inst = instances[name]
        assert (inst.n, inst.m, inst.optimum) == (n, m, opt), name
        assert all(len(row) == n for row in inst.weights)
    assert instances["WEING1"].capacities == (600, 600)


def test_mknapcb1_shapes_and_best_known():
    instances = read_mknap1(data_file("orlib", "mknapcb1.txt"))
    # 30 instances of 5 constraints x 100 items, optimum field 0 (None here)
    assert len(instances) == 30
    assert {(i.n, i.m, i.optimum) for i in instances} == {(100, 5, None)}
    best = read_best_known(data_file("orlib", "mknapcb_best_feasible_slns.txt"))
    assert sorted(best) == list(range(30))
    assert all(v > 0 for v in best.values())


def test_spec_mirrors_the_instance():
    inst = mknap2()["WEING1"]
    spec = inst.to_spec()
    assert len(spec.commitments) == inst.n
    assert [r.capacity for r in spec.resources] == [(600.0,), (600.0,)]
    assert {r.kind for r in spec.resources} == {"total"}
    c = spec.commitments[0]
    assert c.options[0].value == {"base": inst.profits[0]}
    assert c.options[0].use == {"c1": inst.weights[0][0], "c2": inst.weights[1][0]}


# ---- the optima -------------------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("k", range(len(MKNAP1)), ids=[f"mknap1-{k + 1}" for k in range(7)])
def test_mknap1_optimum(solver, k):
    inst = mknap1()[k]
    sol = optimizer.solve(inst.to_spec(), solver=solver)
    assert sol.status == "optimal"
    assert sol.expected == pytest.approx(MKNAP1[k][2], rel=REL)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("name", list(WEING))
def test_weing_optimum(solver, name):
    inst = mknap2()[name]
    sol = optimizer.solve(inst.to_spec(), solver=solver)
    assert sol.status == "optimal"
    assert sol.expected == pytest.approx(WEING[name][2], rel=REL)


# ---- the bundled capital-budgeting problem is WEING1 -----------------------------------------
def test_capital_budgeting_holds_the_weing1_data():
    inst = mknap2()["WEING1"]
    spec = optimizer.load("capital-budgeting")
    assert len(spec.commitments) == inst.n
    assert spec.resource("budget").capacity == inst.capacities
    for j, c in enumerate(spec.commitments):
        (o,) = c.options
        assert o.value == {"base": inst.profits[j]}
        assert o.use == {"budget": (inst.weights[0][j], inst.weights[1][j])}


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_capital_budgeting_reaches_the_published_optimum(solver):
    result = CliRunner().invoke(
        cli, ["solve", "capital-budgeting", "--solver", solver, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "optimal"
    assert out["objective"]["expected"] == pytest.approx(141278, rel=REL)
    # the same package value as WEING1 read from the OR-Library file
    orlib = optimizer.solve(mknap2()["WEING1"].to_spec(), solver=solver)
    assert out["objective"]["expected"] == pytest.approx(orlib.expected, rel=REL)
    # and each period's outlay within its 600
    assert {(r["year"], r["capacity"]) for r in out["resources"]} == {(2027, 600), (2028, 600)}
    assert all(r["used"] <= 600 for r in out["resources"])
