"""Sensitivity with conditional tranches to an option whose value is a yearly profile: one
multiplier of the whole profile ("× base"), checked against re-solving the problem at sampled
multipliers and by hand.

The problem: two scenarios of probability 1/2, two years, no discounting; a per-year limit of
6 points lets the offer take either ``defence.path`` (4 points, a profile worth 2 then 4 in
``good`` and 1 then 1 in ``bad``: 4 in expectation) or ``alt`` (4 points, worth 3), not both;
the tranche ``t`` (2 points, worth 2 in ``good``, -1 in ``bad``) is taken in ``good`` only, adding
1 to either offer. With the profile times ``f`` the path's offer is worth ``4 f + 1`` and
``alt``'s 4, so ``alt`` takes over below ``f = 3/4``; nothing takes over above.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import optimizer
from optimizer.analysis.sensitivity import sensitivity
from optimizer.analysis.sensitivity_profiles import scaled

PROBLEM = """
[problem]
name = "profile-tranche"
years = [2026, 2027]
discount_rate = 0.0
[[scenarios]]
id = "good"
probability = 0.5
[[scenarios]]
id = "bad"
probability = 0.5
[[resources]]
id = "points"
capacity = 6
[[commitments]]
id = "defence"
options = [{ id = "path", use = { points = 4 }, value = { good = [2, 4], bad = [1, 1] } }]
[[commitments]]
id = "alt"
use = { points = 4 }
value = 3
[[commitments]]
id = "t"
stage = 2
use = { points = 2 }
value = { good = 2, bad = -1 }
"""

NAME = "defence.path value profile (all years)"


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("profiles") / "profile_tranche.toml"
    path.write_text(PROBLEM)
    return optimizer.load(path)


@pytest.fixture(scope="module")
def report(spec):
    return sensitivity(spec, kinds=("value",), sections=("tipping", "tornado"), tornado_range=0.3)


def at(spec, f: float):
    """The problem with the path's profile times ``f``, built here (not by the analysis)."""
    cm = spec.commitment("defence")
    o = cm.options[0]
    new = dataclasses.replace(o, value={k: tuple(f * x for x in v) for k, v in o.value.items()})
    return spec.replace(
        commitments=tuple(
            dataclasses.replace(c, options=(new,)) if c.id == "defence" else c
            for c in spec.commitments
        )
    )


def offer(sol) -> frozenset:
    first = {"defence", "alt"}
    return frozenset(str(c).split("@")[0] for c in sol.chosen if c.commitment in first)


def solve(sp):
    return optimizer.solve(sp)


def offer_value(sp, chosen: set[str]) -> float:
    """The offer's value with its tranche re-optimised: the other first-stage options
    dropped, the offer's forced (a problem of its own, solved from scratch)."""
    keep = tuple(
        dataclasses.replace(c, required=True) if c.id in chosen else c
        for c in sp.commitments
        if c.stage == 2 or c.id in chosen
    )
    return solve(sp.replace(commitments=keep)).expected


def test_scaled_multiplies_every_year_and_number():
    assert scaled({"a": (1.0, -2.0), "b": 3.0}, 0.5) == {"a": (0.5, -1.0), "b": 1.5}


def test_profile_tipping_interval_matches_resolving(spec, report):
    tip = next(t for t in report.tipping if t.parameter == NAME)
    assert tip.unit == "x" and tip.base == 1.0 and tip.searched[0] == 0.0
    assert tip.lower == pytest.approx(0.75, abs=1e-9)  # by hand: 4 f + 1 = 4
    assert tip.upper == tip.searched[1] and tip.above is None
    assert set(tip.below.enter) == {"alt.yes@2026"} and set(tip.below.leave) == {
        "defence.path@2026"
    }
    base = offer(solve(spec))
    assert base == {"defence.path"}
    # re-solved at sampled multipliers: the base offer inside the interval, another outside
    for f in np.linspace(0.0, min(tip.upper, 3.0), 25):
        got = offer(solve(at(spec, float(f))))
        if f > tip.lower + 1e-6:
            assert got == base, f
        elif f < tip.lower - 1e-6:
            assert got == {"alt.yes"}, f
    assert offer(solve(at(spec, tip.lower + 1e-4))) == base
    assert offer(solve(at(spec, tip.lower - 1e-4))) == {"alt.yes"}


def test_profile_tornado_matches_resolving(spec, report):
    row = next(r for r in report.tornado if r.input == NAME)
    assert row.factor and (row.low, row.high) == pytest.approx((0.7, 1.3))
    for f, best, mine in (
        (0.7, row.value_low, row.offer_low),
        (1.3, row.value_high, row.offer_high),
    ):
        sp = at(spec, f)
        assert best == pytest.approx(solve(sp).expected, abs=1e-9)
        assert mine == pytest.approx(offer_value(sp, {"defence"}), abs=1e-9)
    assert (row.value_low, row.offer_low) == pytest.approx((4.0, 3.8))  # alt's 4; 0.7 * 4 + 1
    assert row.value_high == pytest.approx(6.2)
    assert row.changes_low is not None and row.changes_high is None


def test_numbers_of_a_profile_option_are_not_swung_twice(spec, report):
    names = [r.input for r in report.tornado]
    assert names.count(NAME) == 1
    assert "defence.path value" not in names
    assert "alt.yes value" in names  # a number-valued option keeps its own row
