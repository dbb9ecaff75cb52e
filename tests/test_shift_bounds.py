"""The load-time rule for ``[[shifts]]``: a problem is refused exactly when some package its
relations allow moves a probability out of [0, 1] (budgets and constraints not counted).

The reference enumerates every package of a random small problem with ``tests/bruteforce.py``
on a copy of the document without resources, constraints and lags (the packages the relations
allow) and computes ``p(x)`` from the document alone."""

from __future__ import annotations

import copy

import pytest
from bruteforce import enumerate_packages, evaluate, induced_probabilities, problems_with_shifts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import InputError
from optimizer.spec import load_document

TOL = 1e-9


def relations_only(doc: dict) -> dict:
    """The document with nothing but its choices and relations (no budgets, no lags)."""
    out = copy.deepcopy(doc)
    for key in ("resources", "constraints", "responses", "parameters"):
        out.pop(key, None)
    for c in out["commitments"]:
        for o in c.get("options", [c]):
            o.pop("use", None)
    for r in out.get("relations", []):
        r.pop("lag", None)
    return out


def out_of_range(doc: dict) -> bool:
    ref = relations_only(doc)
    for pkg in enumerate_packages(ref):
        if evaluate(ref, pkg)[0]:
            p = induced_probabilities(ref, pkg)
            if any(v < -TOL or v > 1 + TOL for v in p.values()):
                return True
    return False


@st.composite
def problems_with_large_shifts(draw) -> dict:
    """``problems_with_shifts`` with each amount scaled by 1 to 4 (at most 1): some packages
    now move a probability out of [0, 1], and relations decide whether they can be chosen."""
    doc = draw(problems_with_shifts())
    for sh in doc.get("shifts", []):
        sh["amount"] = min(1.0, sh["amount"] * draw(st.sampled_from([1, 2, 3, 4])))
    return doc


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_large_shifts())
def test_refused_exactly_when_an_allowed_package_moves_a_probability_out_of_range(doc):
    bad = out_of_range(doc)
    try:
        load_document(doc)
    except InputError as e:
        about_odds = "below 0" in e.message or "above 1" in e.message
        assert about_odds == bad, e.message
        if about_odds:
            assert "a package the relations allow" in e.message
            assert e.path.startswith("shifts[")
        return
    assert not bad


def two_offers(relations: list[dict]) -> dict:
    """Two offers that each move 0.1 out of a scenario of probability 0.15."""
    return {
        "problem": {"name": "two-offers"},
        "scenarios": [{"id": "rupture", "probability": 0.15}, {"id": "deal", "probability": 0.85}],
        "commitments": [
            {"id": "a", "options": [{"id": "yes", "value": 1}]},
            {"id": "b", "options": [{"id": "yes", "value": 1}]},
        ],
        "relations": relations,
        "shifts": [
            {"when": "a", "from": "rupture", "to": "deal", "amount": 0.1},
            {"when": "b", "from": "rupture", "to": "deal", "amount": 0.1},
        ],
    }


def test_exclusive_offers_load_and_the_package_keeps_its_odds_in_range():
    spec = load_document(two_offers([{"type": "excludes", "members": ["a", "b"]}]))
    assert len(spec.shifts) == 2
    spec = load_document(two_offers([{"type": "at_most", "members": ["a", "b"], "count": 1}]))
    assert len(spec.shifts) == 2


def test_offers_both_allowed_are_refused_naming_both_shifts():
    with pytest.raises(InputError) as e:
        load_document(two_offers([]))
    msg = e.value.message
    assert "scenario 'rupture'" in msg and "-0.05 below 0" in msg
    assert "shifts[0] (a), shifts[1] (b)" in msg and "a package the relations allow" in msg
    with pytest.raises(InputError, match="below 0"):  # 'requires' does not keep them apart
        load_document(two_offers([{"type": "requires", "a": "a", "b": "b"}]))


def test_forbidding_one_offer_is_enough():
    load_document(two_offers([{"type": "forbid", "members": ["b"]}]))


def test_a_check_that_passed_is_not_reused_for_other_relations_or_odds():
    """Passed checks are kept by the data the check reads (``shifts._PASSED``): the same odds
    under other relations, or other odds under the same relations, are decided afresh."""
    apart = two_offers([{"type": "excludes", "members": ["a", "b"]}])
    for _ in range(2):
        load_document(apart)  # passes, then passes from the kept check
        with pytest.raises(InputError, match="below 0"):
            load_document(two_offers([]))
        with pytest.raises(InputError, match="below 0"):  # 'requires' allows both
            load_document(two_offers([{"type": "requires", "a": "a", "b": "b"}]))
    wider = copy.deepcopy(apart)
    wider["shifts"][0]["amount"] = 0.2  # one offer alone now moves 0.2 > 0.15 out
    with pytest.raises(InputError, match="below 0"):
        load_document(wider)
    spec = load_document(apart)
    with pytest.raises(InputError, match="below 0"):  # the same problem, a number changed
        spec.with_values({"shifts[0].amount": 0.2})
