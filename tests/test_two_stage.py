"""Two-stage recourse: responses, parameters and expression constraints.

Known answers from Birge & Louveaux, Introduction to Stochastic Programming, section 1.1
(the farmer's problem): expected profit 108,390 with 170/80/250 acres; scenario profits
167,000 / 109,350 / 48,820; wait-and-see 115,405.56 (EVPI 7,015.56); the mean-value solution
plants 120/80/300 acres and its expected profit is 107,240 (VSS 1,150).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MIP_SOLVERS

import optimizer
import solvers
from optimizer.api import compile
from optimizer.errors import InputError
from optimizer.spec import load_document


@pytest.fixture(scope="module")
def farmer():
    return optimizer.load("farmer")


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_farmer_recourse_problem(farmer, solver):
    sol = optimizer.solve(farmer, solver=solver)
    assert sol.status == "optimal" and sol.verified
    assert sol.expected == pytest.approx(-108_390, abs=1e-3)
    assert sol.responses["acres_wheat"] == pytest.approx(170)
    assert sol.responses["acres_corn"] == pytest.approx(80)
    assert sol.responses["acres_beets"] == pytest.approx(250)
    assert sol.by_scenario == pytest.approx({"good": -167_000, "average": -109_350, "bad": -48_820})


def test_farmer_wait_and_see_and_mean_value(farmer):
    ws = sum(
        s.probability * optimizer.solve(farmer.only_scenario(s.id)).expected
        for s in farmer.scenarios
    )
    assert ws == pytest.approx(-115_405.5556, abs=1e-2)
    ev = optimizer.solve(farmer.mean_scenario())
    acres = [ev.responses[k] for k in ("acres_wheat", "acres_corn", "acres_beets")]
    assert acres == pytest.approx([120, 80, 300])
    # EEV: the mean-value plan fixed, recourse chosen per scenario
    m = compile(farmer)
    lo, up = m.col_lower.copy(), m.col_upper.copy()
    for j in np.nonzero(m.first_stage_mask)[0]:
        lo[j] = up[j] = ev.responses[m.col_name(j)]
    res = solvers.get("highs").solve(
        m.with_bounds(col_lower=lo, col_upper=up), solvers.SolveOptions()
    )
    assert res.objective == pytest.approx(-107_240, abs=1e-3)


def test_farmer_rows_are_per_scenario(farmer):
    m = compile(farmer)
    labels = list(m.row_label[m.row_kind == "user"])
    # land is scenario-free (one row); the three balances have one row per scenario
    assert labels.count("land") == 1
    assert sum(lab.startswith("feed_wheat [") for lab in labels) == 3


def _doc(expr: str, **extra) -> dict:
    doc = {
        "problem": {"name": "t"},
        "scenarios": [{"id": "a", "probability": 0.5}, {"id": "b", "probability": 0.5}],
        "commitments": [
            {"id": "build", "options": [{"id": "small", "value": 1}, {"id": "big", "value": 3}]}
        ],
        "responses": [{"id": "y", "value": {"a": -1, "b": -2}, "upper": 10}],
        "parameters": [{"id": "k", "value": {"a": 2, "b": 4}}],
        "constraints": [{"id": "c", "expr": expr}],
    }
    doc.update(extra)
    return doc


def test_commitments_and_recourse_together():
    # y <= 5*build.big + 1 per scenario; maximise 1*small or 3*big plus y worth 1 (a) or 2 (b)
    # ... but y has value -1/-2 (a cost), so y = 0 unless forced; force y >= k * build
    spec = load_document(_doc("y >= k * build"))
    sol = optimizer.solve(spec)
    # build.big: 3 - 0.5*1*2 - 0.5*2*4 = 3 - 1 - 4 = -2; small: 1 - 5 = -4; nothing: 0
    assert sol.chosen == () and sol.expected == pytest.approx(0)
    spec = load_document(_doc("y >= k * build - 3"))
    sol = optimizer.solve(spec)
    # with the -3 slack: big gives 3 - 0 = 3 (k*1-3 <= 1 in b: y >= 1 costs 2*0.5) -> 3 - 0.5*2*1 = 2
    assert [c.option for c in sol.chosen] == ["big"]
    assert sol.expected == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            "y * y <= 3",
            "constraints[0].expr: at column 3: not linear: a variable times a variable at '*'",
        ),
        ("y + z <= 3", "constraints[0].expr: at column 5: unknown name 'z'"),
        ("y + build.bgi <= 3", "did you mean 'build.big'?"),
        ("y <= 3 +", "constraints[0].expr: at column 9: unexpected the end"),
        ("y ! 3", "constraints[0].expr: at column 3: unexpected character '!'"),
        ("y + 3", "constraints[0].expr: at column 6: expected <=, >= or == but found the end"),
        ("3 <= 4", "the constraint has no variable in it"),
        ("y / build <= 1", "cannot divide by a variable"),
        ("__import__('os') <= 1", "unexpected character"),
    ],
)
def test_expression_errors_point_at_the_token(expr, message):
    with pytest.raises(InputError) as e:
        load_document(_doc(expr), where="t.toml")
    assert message.replace("constraints[0]", "constraint 'c' (constraints[0])") in str(e.value)
    assert str(e.value).startswith("t.toml: constraint 'c' (constraints[0]).expr")
