"""Decision-dependent probabilities against enumeration: random small problems with scenario
baselines and ``[[shifts]]`` (options, start years, relations), on every back end.

The reference (``tests/bruteforce.py``) computes ``sum_s p_s(x) * (baseline_s + V_s(x))`` for
every package from the document alone, so the exact MILP (the products of the odds and the
values) and the verifier's ``p(x)`` are both checked against it.
"""

from __future__ import annotations

import copy

import pytest
from bruteforce import Pick, evaluate, induced_probabilities, optimum, problems_with_shifts
from conftest import available_solvers
from hypothesis import HealthCheck, given, settings
from test_bruteforce import check_against_bruteforce

from optimizer.spec import load_document

SOLVERS = available_solvers()


@pytest.mark.parametrize("solver", SOLVERS)
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_random_problems_with_shifts_match_enumeration(solver: str, doc: dict) -> None:
    check_against_bruteforce(doc, solver)


@pytest.mark.parametrize("solver", SOLVERS)
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_aggregated_products_match_enumeration(solver: str, doc: dict) -> None:
    # one column per member (optimizer/odds_aggregate.py), as large problems get
    from unittest import mock

    from optimizer import odds

    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):
        check_against_bruteforce(doc, solver)


TOY = {
    "problem": {"name": "toy"},
    "scenarios": [
        {"id": "rupture", "probability": 0.12, "baseline": -160.0},
        {"id": "normal", "probability": 0.88},
    ],
    "resources": [{"id": "cap", "capacity": 1}],
    "commitments": [
        {
            "id": "defence",
            "options": [
                {"id": "by_2027", "use": {"cap": 1}, "value": {"rupture": -5, "normal": -3}},
                {"id": "later", "use": {"cap": 1}, "value": -1},
            ],
        },
        {"id": "border", "value": {"rupture": 10, "normal": -2}},
    ],
    "shifts": [
        {"when": "defence.by_2027", "from": "rupture", "to": "normal", "amount": 0.05},
        {"when": "border", "from": "rupture", "to": "normal", "amount": 0.03},
    ],
}


def test_reference_on_the_toy_worked_by_hand() -> None:
    # both chosen: P(rupture) = 0.12 - 0.05 - 0.03 = 0.04; levels -155 and -5:
    # 0.04 * -155 + 0.96 * -5 = -11. Nothing: 0.12 * -160 = -19.2. border alone:
    # 0.09 * -150 + 0.91 * -2 = -15.32. defence.by_2027 alone: 0.07 * -165 + 0.93 * -3 = -14.34.
    pkg = {"defence": Pick("defence", "by_2027", None), "border": Pick("border", "yes", None)}
    assert induced_probabilities(TOY, pkg) == pytest.approx({"rupture": 0.04, "normal": 0.96})
    ok, by_s, ev = evaluate(TOY, pkg)
    assert ok and by_s == {"rupture": -155.0, "normal": -5.0}
    assert ev == pytest.approx(-11.0)
    assert optimum(TOY).value == pytest.approx(-11.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_toy_solves_to_the_hand_worked_optimum(solver: str) -> None:
    import optimizer

    sol = optimizer.solve(load_document(TOY), solver=solver)
    assert sol.expected == pytest.approx(-11.0)
    assert {str(c) for c in sol.chosen} == {"defence.by_2027", "border.yes"}
    assert sol.by_scenario == pytest.approx({"rupture": -155.0, "normal": -5.0})


def test_without_shifts_the_model_is_todays_plus_a_constant() -> None:
    import numpy as np

    from optimizer.compile import compile_spec

    plain = {k: v for k, v in TOY.items() if k != "shifts"}
    zero = {**plain, "scenarios": [{"id": "rupture", "probability": 0.12}, plain["scenarios"][1]]}
    a = compile_spec(load_document(plain))
    b = compile_spec(load_document(zero))
    assert a.n == b.n and a.m == b.m
    assert np.array_equal(a.c, b.c) and (a.A != b.A).nnz == 0
    assert a.objective_offset == pytest.approx(0.12 * -160.0) and b.objective_offset == 0.0
    assert list(a.scenario_offset) == [-160.0, 0.0] and b.scenario_offset is None


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_bundled_example_matches_enumeration(solver: str) -> None:
    import tomllib

    from optimizer.spec.load import bundled_path

    doc = tomllib.loads(bundled_path("moving-odds").read_text(encoding="utf-8"))
    check_against_bruteforce(doc, solver)
    assert optimum(doc).value == pytest.approx(-59.2)
    fixed = {k: v for k, v in doc.items() if k != "shifts"}
    assert optimum(fixed).value == pytest.approx(-63.0)  # fixed odds: concede nothing


@pytest.mark.parametrize("solver", SOLVERS)
def test_aggregated_form_with_a_member_whose_shifts_cancel(solver: str) -> None:
    # border moves 0.03 out of rupture and 0.03 back: its delta is zero (no direction to
    # scale by in odds_aggregate.bounds), so it changes nothing
    from unittest import mock

    from optimizer import odds

    doc = {
        **TOY,
        "shifts": [
            TOY["shifts"][0],
            TOY["shifts"][1],
            {"when": "border", "from": "normal", "to": "rupture", "amount": 0.03},
        ],
    }
    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):
        check_against_bruteforce(doc, solver)
    # border no longer pays for itself: defence.by_2027 alone, 0.07 * -165 + 0.93 * -3
    assert optimum(doc).value == pytest.approx(-14.34)


# A member always chosen whose product ranges over one point: with the LP bounds padded by 1e-6
# HiGHS' presolve called the aggregated model infeasible (found by Hypothesis 6.90's draws).
POINT_RANGE = {
    "problem": {"name": "random", "sense": "minimize"},
    "resources": [{"id": "r0", "capacity": 4}, {"id": "r1", "kind": "total", "capacity": 7}],
    "commitments": [
        {
            "id": "c0",
            "required": True,
            "options": [
                {"id": "o0", "value": 0},
                {"id": "o1", "use": {"r0": 1}},
                {"id": "o2", "use": {"r0": 0, "r1": 0}, "value": {"s0": -1, "s1": 0}},
            ],
        },
        {
            "id": "c1",
            "options": [{"id": "o0"}, {"id": "o1", "value": 1}, {"id": "o2", "use": {"r0": 0}}],
        },
        {
            "id": "c2",
            "options": [{"id": "o0", "use": {"r0": 0, "r1": 0}, "value": {"s0": 1, "s1": 0}}],
        },
        {
            "id": "c3",
            "required": True,
            "options": [{"id": "o0", "use": {"r0": 0, "r1": 2}, "value": 0}],
        },
        {"id": "c4", "required": True, "use": {"r0": 0}, "value": 0},
        {"id": "c5", "value": -1},
    ],
    "relations": [
        {"type": "forbid", "members": ["c0.o0", "c0.o1", "c0.o0"]},
        {"type": "requires", "a": "c0.o0", "b": "c0"},
        {"type": "both_or_neither", "members": ["c0", "c0"]},
        {"type": "requires", "a": "c2", "b": "c0.o0"},
    ],
    "scenarios": [{"id": "s0", "probability": 0.5}, {"id": "s1", "probability": 0.5}],
    "shifts": [{"when": "c0", "from": "s0", "to": "s1", "amount": 0.125}],
}


@pytest.mark.parametrize("solver", [s for s in ("highs", "cbc") if s in available_solvers()])
def test_aggregated_form_with_a_product_whose_range_is_a_point(solver: str) -> None:
    from unittest import mock

    from optimizer import odds

    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):
        check_against_bruteforce(copy.deepcopy(POINT_RANGE), solver)
