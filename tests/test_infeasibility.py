"""Infeasibility diagnosis: problems whose smallest relaxation is worked out by hand.

The rule (optimizer/analysis/infeasibility.py): the smallest total relative relaxation (a
capacity raised by 2 out of 5 counts 0.4; dropping a relation or requirement counts 1); among
relaxations of that total, the fewest constraints.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS

import optimizer
from optimizer.analysis.infeasibility import diagnose
from optimizer.cli import cli
from optimizer.errors import InfeasibleError
from optimizer.spec import load_document

# required a uses 7 of a total fund of 5: raise the fund by 2 (0.4 of it) rather than
# giving up the requirement (1)
TOTAL = {
    "problem": {"name": "total", "value_unit": "C$ billion"},
    "resources": [{"id": "fund", "kind": "total", "capacity": 5, "unit": "C$ billion"}],
    "commitments": [
        {"id": "a", "use": {"fund": 7}, "value": 3, "required": True},
        {"id": "b", "use": {"fund": 1}, "value": 1},
    ],
}
# required a uses 3 then 4 against fiscal 3 a year: only 2027 is short, by 1
PER_YEAR = {
    "problem": {"name": "per-year", "years": [2026, 2027]},
    "resources": [{"id": "fiscal", "capacity": 3, "unit": "C$ billion"}],
    "commitments": [
        {"id": "a", "use": {"fiscal": [3, 4]}, "value": 5, "required": True},
        {"id": "b", "use": {"fiscal": 1}, "value": 1},
    ],
}
# b is required; a and c are forced; each excludes b. Giving up b's requirement is one
# change; anything else takes two (both forces, or both exclusions)
REQUIRED = {
    "problem": {"name": "required"},
    "commitments": [
        {"id": "a", "value": 1},
        {"id": "b", "value": 1, "required": True},
        {"id": "c", "value": 1},
    ],
    "relations": [
        {"type": "force", "members": ["a", "c"]},
        {"type": "excludes", "members": ["a", "b"]},
        {"type": "excludes", "members": ["c", "b"]},
    ],
}
# at least 3 of a, b, c (4 each) within 8: one fewer (1/3 of the count) beats +4 (1/2 of 8)
COUNT = {
    "problem": {"name": "count"},
    "resources": [{"id": "budget", "capacity": 8}],
    "commitments": [{"id": x, "use": {"budget": 4}, "value": 1} for x in ("a", "b", "c")],
    "relations": [{"type": "at_least", "members": ["a", "b", "c"], "count": 3}],
}
# required a uses 6 a year for three years against 5: +1 in each year (3 x 0.2 = 0.6) is
# smaller than giving up the requirement (1), though it touches three constraints
SPREAD = {
    "problem": {"name": "spread", "years": [2026, 2028]},
    "resources": [{"id": "budget", "capacity": 5}],
    "commitments": [{"id": "a", "use": {"budget": 6}, "value": 1, "required": True}],
}
# required a uses 3 a year in 2026-2027 against 2: +1 in each year (0.5 + 0.5) ties with
# giving up the requirement (1); the tie goes to the fewest constraints
TIE = {
    "problem": {"name": "tie", "years": [2026, 2027]},
    "resources": [{"id": "budget", "capacity": 2}],
    "commitments": [{"id": "a", "use": {"budget": 3}, "value": 1, "required": True}],
}
# golden_dome is forced and required (giving it up: 2), it requires norad, and norad (8 a
# year) is twice the fiscal room of 4 in 2026 and 2027 (1 + 1 = 2): dropping the relation (1)
# is the smallest relaxation
RELATION = {
    "problem": {"name": "relation", "years": [2026, 2027]},
    "resources": [{"id": "fiscal", "capacity": 4, "unit": "C$ billion"}],
    "commitments": [
        {"id": "golden_dome", "value": 10, "required": True},
        {"id": "norad", "use": {"fiscal": 8}, "value": 2},
    ],
    "relations": [
        {"type": "force", "members": ["golden_dome"]},
        {"type": "requires", "a": "golden_dome", "b": "norad", "id": "golden_dome requires norad"},
    ],
}

CASES = [
    (TOTAL, ["fund (total): +2 C$ billion"], 1),
    (PER_YEAR, ["fiscal 2027: +1 C$ billion"], 1),
    (REQUIRED, ["required 'b': allow none"], 1),
    (COUNT, ["relation at_least 3 of [a, b, c]: allow 1 fewer"], 1),
    (SPREAD, ["budget 2026: +1", "budget 2027: +1", "budget 2028: +1"], 3),
    (TIE, ["required 'a': allow none"], 1),
    (RELATION, ["relation golden_dome requires norad: drop"], 1),
]


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize(
    ("doc", "expected", "count"), CASES, ids=[c[0]["problem"]["name"] for c in CASES]
)
def test_smallest_relaxation(doc: dict, expected: list[str], count: int, solver: str) -> None:
    spec = load_document(doc)
    with pytest.raises(InfeasibleError) as e:
        optimizer.solve(spec, solver=solver)
    d = e.value.diagnosis
    assert d is not None
    units = {r.id: r.unit for r in spec.resources}
    assert [r.describe(units) for r in d.relaxations] == expected
    assert d.count == count
    for text in expected:
        assert text in str(e.value)


def test_relaxation_amounts_and_directions() -> None:
    spec = load_document(PER_YEAR)
    with pytest.raises(InfeasibleError) as e:
        optimizer.solve(spec)
    (r,) = e.value.diagnosis.relaxations
    assert (r.kind, r.label, r.direction) == ("budget", "fiscal 2027", "raise")
    assert r.amount == pytest.approx(1.0)
    assert e.value.diagnosis.total == pytest.approx(1 / 3)


def test_applying_the_relaxation_makes_it_feasible() -> None:
    spec = load_document(PER_YEAR).with_capacity("fiscal", {2027: 4.0})
    sol = optimizer.solve(spec)
    assert sol.is_chosen("a")


def test_feasible_model_needs_no_relaxation() -> None:
    import solvers
    from optimizer.api import compile as compile_model

    spec = load_document({**PER_YEAR, "resources": [{"id": "fiscal", "capacity": 9}]})
    d = diagnose(compile_model(spec), solvers.get("highs"), solvers.SolveOptions())
    assert d.relaxations == ()


@pytest.mark.parametrize("objective", ["maximin", "cvar:0.5", "regret"])
def test_risk_objectives_get_the_same_diagnosis(objective: str) -> None:
    spec = load_document(RELATION)
    with pytest.raises(InfeasibleError) as e:
        optimizer.solve(spec, objective=objective)
    assert "relation golden_dome requires norad: drop" in str(e.value)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_command_line_exit_3_and_one_line(tmp_path, solver: str) -> None:
    path = tmp_path / "relation.json"
    path.write_text(json.dumps(RELATION))
    r = CliRunner().invoke(cli, ["solve", str(path), "--solver", solver])
    assert r.exit_code == 3
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: relation: infeasible")
    assert "relation golden_dome requires norad: drop" in lines[0]
    path = tmp_path / "per_year.json"
    path.write_text(json.dumps(PER_YEAR))
    r = CliRunner().invoke(cli, ["solve", str(path), "--solver", solver])
    assert r.exit_code == 3
    assert "fiscal 2027: +1 C$ billion" in r.output
