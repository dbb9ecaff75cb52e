"""Conditional tranches: the worked example as the user runs it, the model's per-scenario
rows, bad input, analyses that refuse, and the independent check scenario by scenario.

Random problems against enumeration are in tests/test_tranches_bruteforce.py.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from conftest import MIP_SOLVERS
from test_tranches_bruteforce import random_problem

import optimizer
from optimizer.errors import InputError
from optimizer.solution import Choice, evaluate
from optimizer.spec.model import Commitment, Option, ProblemSpec, Relation, Resource
from optimizer.spec.shifts import Shift

# ---- the worked example, as the user runs it ---------------------------------------------------

EXAMPLE = "problems/conditional_tranche.toml"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_example_offer_and_its_conditional_tranches(solver):
    out = _run("solve", EXAMPLE, "--solver", solver, "--format", "json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert [(c["commitment"], c["option"]) for c in d["chosen"]] == [("defence", "by_2027")]
    assert d["tranches"] == {
        "rupture": [],
        "tariffs_stay": [],
        "new_equilibrium": [
            {"commitment": "golden_dome", "option": "full", "start": None},
            {"commitment": "dairy", "option": "yes", "start": None},
        ],
    }
    assert d["objective"]["expected"] == pytest.approx(-70.8)
    assert d["probabilities"]["induced"] == pytest.approx(
        {"rupture": 0.2, "tariffs_stay": 0.45, "new_equilibrium": 0.35}
    )
    # the political capital holds in each scenario: 5 for the offer, 12 in the new equilibrium
    used = {r["id"]: r["used"] for r in d["resources"]}
    assert used == pytest.approx(
        {
            "political_capital[rupture]": 5.0,
            "political_capital[tariffs_stay]": 5.0,
            "political_capital[new_equilibrium]": 12.0,
        }
    )


def test_example_text_names_the_tranche_per_scenario():
    out = _run("solve", EXAMPLE)
    assert out.returncode == 0, out.stderr
    assert "  in new_equilibrium: golden_dome.full, dairy.yes" in out.stdout
    assert "  in rupture: none" in out.stdout
    assert "political_capital[new_equilibrium]" in out.stdout  # not eaten as console markup
    assert "Not chosen: border\n" in out.stdout  # tranches are not part of the offer


def test_conditional_tranche_changes_the_offer():
    """Decided up front (stage 1) or absent, the tranches leave the border package as the best
    offer; decided per scenario, they make the early defence target worth offering."""
    spec = optimizer.load(EXAMPLE)
    upfront = spec.replace(
        commitments=tuple(dataclasses.replace(c, stage=1) for c in spec.commitments)
    )
    sol_up = optimizer.solve(upfront)
    assert [str(c) for c in sol_up.chosen] == ["border.yes"]
    assert sol_up.expected == pytest.approx(-78.25)
    absent = spec.replace(
        commitments=tuple(c for c in spec.commitments if c.stage == 1), relations=()
    )
    assert [str(c) for c in optimizer.solve(absent).chosen] == ["border.yes"]
    sol = optimizer.solve(spec)
    assert [str(c) for c in sol.chosen] == ["defence.by_2027"]
    assert sol.expected == pytest.approx(-70.8)


# ---- the model: per-scenario copies only where a tranche appears ----------------------------


def test_resource_rows_are_per_scenario_only_where_a_tranche_uses_them():
    from optimizer.compile import compile_spec

    spec = random_problem(3)
    model = compile_spec(spec)
    labels = [str(x) for x, k in zip(model.row_label, model.row_kind, strict=True) if k == "budget"]
    assert sorted(labels) == sorted(["own", *(f"cap[{s.id}]" for s in spec.scenarios)])
    # the tranche columns are recourse: not part of the first stage
    first = model.first_stage_mask
    staged = (model.col_commitment >= 0) & (model.col_scenario >= 0)
    assert staged.any() and not (first & staged).any()


def test_odds_products_cover_tranche_columns():
    """A tranche valued in a scenario a shift moves is multiplied by the shift's member:
    McCormick rows (kind ``risk``) tie a product column to the tranche's column."""
    import numpy as np

    from optimizer.compile import compile_spec

    spec = optimizer.load(EXAMPLE)
    model = compile_spec(spec)
    staged = np.flatnonzero((model.col_commitment >= 0) & (model.col_scenario >= 0))
    risk = model.A[np.flatnonzero(model.row_kind == "risk")]
    tied = set(risk.indices.tolist()) & set(staged.tolist())
    names = {model.col_name(j) for j in tied}
    assert "golden_dome[new_equilibrium].full" in names
    assert "dairy[new_equilibrium].yes" in names


# ---- bad input and analyses not defined yet ------------------------------------------------------


def test_stage_must_be_1_or_2(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(
        '[[scenarios]]\nid = "a"\nprobability = 1\n'
        '[[commitments]]\nid = "x"\nstage = 3\nvalue = 1\n'
    )
    out = _run("solve", str(f))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "commitments[0]" in lines[0] and "stage 1 or 2, got 3" in lines[0]
    assert "Traceback" not in out.stderr


def test_a_shift_cannot_hang_on_a_tranche():
    spec = optimizer.load(EXAMPLE)
    with pytest.raises(InputError, match=r"stage-2 commitment") as e:
        spec.replace(shifts=(*spec.shifts, Shift("golden_dome", "rupture", "tariffs_stay", 0.01)))
    assert "shifts[3].when" in str(e.value)


def test_schema_knows_the_stage_key():
    out = _run("schema")
    assert out.returncode == 0
    props = json.loads(out.stdout)["properties"]["commitments"]["items"]["properties"]
    assert props["stage"]["enum"] == [1, 2]


# ---- the verifier ---------------------------------------------------------------------------------


def test_verifier_checks_each_scenario():
    spec = optimizer.load(EXAMPLE)
    offer = [Choice("defence", "by_2027")]
    full, dairy = Choice("golden_dome", "full"), Choice("dairy", "yes")
    ok = evaluate(spec, offer, tranches={"new_equilibrium": (full, dairy)})
    assert ok.feasible and ok.expected == pytest.approx(-70.8)
    # a tranche in the offer is not a package
    bad = evaluate(spec, [*offer, full])
    assert any("stage-2" in v for v in bad.violations)
    # the budget holds in each scenario: the offer plus both tranches is 12 of 12, plus border 15
    over = evaluate(spec, [*offer, Choice("border", "yes")], tranches={"rupture": (full, dairy)})
    assert over.violations == ("political_capital[rupture]: uses 15 of 12",)
    # "join fully only if the early target was offered" holds per scenario
    late = evaluate(spec, [Choice("defence", "by_2030")], tranches={"tariffs_stay": (full,)})
    assert late.violations == (
        "golden_dome.full requires defence.by_2027: 'defence.by_2027' is not chosen [tariffs_stay]",
    )


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_tranche_start_year_fits_the_yearly_budget_of_its_scenario(solver):
    """Years: the offer uses 3 of 5 in 2026; a tranche using 3 in its start year can only
    start in 2027, and only where it is worth something."""
    spec = ProblemSpec.build(
        "tranche-years",
        [
            Commitment("offer", (Option("yes", use={"budget": (3.0, 0.0)}, value=1.0),)),
            Commitment(
                "later",
                (
                    Option(
                        "yes",
                        use={"budget": (3.0,)},
                        value={"good": 10.0, "bad": -1.0},
                        start=(2026, 2027),
                    ),
                ),
                stage=2,
            ),
        ],
        scenarios={"good": 0.4, "bad": 0.6},
        resources=[Resource("budget", capacity=5.0)],
        relations=[Relation("requires", a="later", b="offer")],
        years=(2026, 2027),
    )
    sol = optimizer.solve(spec, solver=solver)
    assert [str(c) for c in sol.chosen] == ["offer.yes@2026"]
    assert {s: [str(c) for c in z] for s, z in sol.tranches.items()} == {
        "good": ["later.yes@2027"],
        "bad": [],
    }
    assert sol.expected == pytest.approx(1.0 + 0.4 * 10.0)
    # in 2026 the tranche would break its scenario's budget
    early = evaluate(spec, sol.chosen, tranches={"good": (Choice("later", "yes", 2026),)})
    assert early.violations == ("budget[good] 2026: uses 6 of 5",)


def test_column_limit_counts_one_copy_of_a_tranche_per_scenario():
    """3 offer columns + 3 tranche options in each of 3 scenarios = 12 model columns."""
    from optimizer.compile import compile_spec
    from optimizer.spec.validate import check_spec

    spec = optimizer.load(EXAMPLE)
    assert compile_spec(spec).n_commitment_cols == 12
    check_spec(spec, max_columns=12)
    with pytest.raises(InputError, match="12 decision columns, more than the limit of 11"):
        check_spec(spec, max_columns=11)
