"""Random small problems: the engine's optimum equals brute-force enumeration, on every back end.

The reference (``tests/bruteforce.py``) reads the problem document itself and enumerates every
package, so parser, validation, compile, back end and verifier are all checked against it.
"""

from __future__ import annotations

import json
import re

import pytest
from bruteforce import MAX_COLUMNS, Pick, _has, evaluate, n_columns, optimum, problems
from conftest import available_solvers
from hypothesis import HealthCheck, given, settings

from optimizer.errors import InfeasibleError, InputError
from optimizer.spec import load_document

SOLVERS = available_solvers()
EXAMPLES = 150


def _tol(x: float) -> float:
    # the default relative MIP gap is 1e-6; the data are small whole numbers
    return 1e-6 * max(1.0, abs(x)) + 1e-9


def check_against_bruteforce(doc: dict, solver: str) -> None:
    import optimizer

    assert n_columns(doc) <= MAX_COLUMNS
    ref = optimum(doc)
    try:
        spec = load_document(doc)
    except InputError as e:
        # The loader may refuse a problem only for a reason that enumeration confirms.
        msg = str(e)
        if "forced" in msg:  # forced and forbidden at once, or two options of one forced
            assert ref.value is None, msg
            return
        if "cyclic 'requires'" in msg:  # members on a cycle of positive lags: never chosen
            names = re.findall(r"'([^']+)'", msg.split("through", 1)[1])
            assert names
            for pkg in ref.feasible:
                assert not any(_has(pkg, m) for m in names), (msg, pkg)
            return
        raise
    try:
        sol = optimizer.solve(spec, solver=solver)
    except InfeasibleError as e:
        assert ref.value is None, f"{solver} says infeasible but {ref.value} is reachable: {e}"
        return
    assert ref.value is not None, f"{solver} found {sol} but no package is feasible"
    assert sol.status == "optimal"
    assert abs(sol.expected - ref.value) <= _tol(ref.value), (sol, ref.value)
    # the package the engine reports is feasible and worth what it says, by enumeration
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in sol.chosen}
    assert len(package) == len(sol.chosen)
    ok, by_scenario, expected = evaluate(doc, package)
    assert ok, f"engine package {sol.chosen} violates the problem"
    assert abs(expected - sol.expected) <= _tol(expected)
    for sid, v in by_scenario.items():
        assert abs(sol.by_scenario[sid] - v) <= _tol(v)


@pytest.mark.parametrize("solver", SOLVERS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems())
def test_random_problems_match_enumeration(solver: str, doc: dict) -> None:
    check_against_bruteforce(doc, solver)


# ---- the reference itself, on cases worked by hand -------------------------------------------
def test_reference_on_a_hand_worked_case() -> None:
    # budget 5 per year over 2030-2031; x uses 3 each year from its start (2030 or 2031) and
    # is worth 4 once; y uses [2, 2] from 2030 and is worth 3 in s0, 1 in s1 (p = 0.5 each).
    # Both at 2030: 5 <= 5 in both years -> feasible, expected 4 + 2 = 6.
    doc = {
        "problem": {"name": "hand", "years": [2030, 2031]},
        "scenarios": [{"id": "s0", "probability": 0.5}, {"id": "s1", "probability": 0.5}],
        "resources": [{"id": "budget", "capacity": 5}],
        "commitments": [
            {"id": "x", "use": {"budget": 3}, "value": 4, "start": [2030, 2031]},
            {"id": "y", "use": {"budget": [2, 2]}, "value": {"s0": 3, "s1": 1}},
        ],
        "relations": [{"type": "requires", "a": "y", "b": "x", "lag": 0}],
    }
    ref = optimum(doc)
    assert ref.value == pytest.approx(6.0)
    assert ref.packages == [{"x": Pick("x", "yes", 2030), "y": Pick("y", "yes", 2030)}]
    # 3 choices for x (none, 2030, 2031) times 2 for y; y without x breaks 'requires',
    # y with x@2031 breaks the lag: feasible are {}, {x@2030}, {x@2031}, {x@2030, y}
    assert len(ref.feasible) == 4


def test_reference_spots_infeasibility() -> None:
    doc = {
        "problem": {"name": "hand"},
        "commitments": [{"id": "x", "value": 1, "required": True}],
        "relations": [{"type": "forbid", "members": ["x"]}],
    }
    assert optimum(doc).value is None


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_regression_case_round_trips_through_json(solver: str) -> None:
    # a document survives JSON unchanged, so the same check holds for a JSON problem file
    doc = {
        "problem": {"name": "json-case", "years": [2030, 2032], "discount_rate": 0.1},
        "scenarios": [{"id": "a", "probability": 0.25}, {"id": "b", "probability": 0.75}],
        "resources": [
            {"id": "money", "capacity": {"2030": 4, "2032": 3}},
            {"id": "cap", "kind": "total", "capacity": 6},
        ],
        "commitments": [
            {
                "id": "p",
                "options": [
                    {"id": "big", "use": {"money": 3, "cap": 4}, "value": {"a": 9, "b": 2}},
                    {
                        "id": "small",
                        "use": {"money": [1, 2]},
                        "value": 1,
                        "value_per_year": True,
                        "start": [2030, 2032],
                    },
                ],
            },
            {"id": "q", "use": {"cap": [1, 1, 1]}, "value": [1, 2, 3], "required": True},
        ],
        "relations": [{"type": "at_most", "members": ["p.big", "q"], "count": 1}],
    }
    again = json.loads(json.dumps(doc))
    assert again == doc
    ref = optimum(doc)
    # q is required and so p.big is out; p.small may start 2030-2032 and is worth 1 a year
    # from its start: 2030 gives 1 + 1/1.1 + 1/1.21 = 2.7355..., plus q's 1 + 2/1.1 + 3/1.21.
    q = 1 + 2 / 1.1 + 3 / 1.21
    assert ref.value == pytest.approx(q + 1 + 1 / 1.1 + 1 / 1.21)
    check_against_bruteforce(again, solver)
