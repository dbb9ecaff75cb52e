"""Monte Carlo with conditional tranches names the limits the point-value offer breaks.

The problem: two scenarios; the offer ``a`` (4 points, worth 10) and a required tranche ``t``
decided in each scenario: ``lean`` (3 cash against a limit of 2) or ``rich`` (2 points). The
points' limit is drawn (triangular 3, 8, 9; 8 at the point value, where ``a`` with ``rich``
fits). Where the limit ``c`` is below 6 no tranche completes the offer; the least-breach
completion minimises the total relative excess (each excess over the size of its limit; not
taking the required tranche counts 1), worked out here by enumerating the tranches by hand:
``rich`` breaks the points by ``6 - c`` (relative ``(6 - c) / c``), ``lean`` the cash by 1
(relative 1/2) and, below 4, the points by ``4 - c``. Each scenario has its own rows for the
resources a tranche uses, so both scenarios' rows break.
"""

from __future__ import annotations

import numpy as np
import pytest

import optimizer
from optimizer.analysis.montecarlo import monte_carlo
from optimizer.spec.uncertain import sample_inputs

PROBLEM = """
[problem]
name = "offer-breaks"
[[scenarios]]
id = "good"
probability = 0.5
[[scenarios]]
id = "bad"
probability = 0.5
[[resources]]
id = "points"
capacity = { dist = "triangular", low = 3, mode = 8, high = 9 }
[[resources]]
id = "cash"
capacity = 2
[[commitments]]
id = "a"
use = { points = 4 }
value = 10
[[commitments]]
id = "t"
stage = 2
required = true
options = [
  { id = "lean", use = { cash = 3 }, value = 1 },
  { id = "rich", use = { points = 2 }, value = 1 },
]
"""

N, SEED = 40, 1


def least_breach(cap: float) -> dict[str, float]:
    """The resources the least-breach completion breaks in one scenario, with the excess."""
    completions = {
        "rich": {"points": max(0.0, 6 - cap)},
        "lean": {"points": max(0.0, 4 - cap), "cash": 1.0},
        "none": {"points": max(0.0, 4 - cap), "choice": 1.0},
    }
    size = {"points": cap, "cash": 2.0, "choice": 1.0}

    def total(ex):
        return sum(v / size[k] for k, v in ex.items())

    best = min(completions.values(), key=total)
    return {k: v for k, v in best.items() if v > 1e-9 and k != "choice"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    path = tmp_path_factory.mktemp("breaks") / "offer_breaks.toml"
    path.write_text(PROBLEM)
    spec = optimizer.load(path)
    return spec, monte_carlo(spec, n=N, seed=SEED, verify=0)


def test_the_offer_is_a_at_the_point_values(run):
    spec, r = run
    assert {c.commitment for c in optimizer.solve(spec).chosen} >= {"a"}
    assert any(ch.startswith("a") for ch in r.base.choices)


def test_breaks_match_the_hand_enumeration(run):
    spec, r = run
    caps = sample_inputs(spec, N, SEED).values[:, 0]
    expected: dict[str, list[float]] = {}
    for c in caps:
        for res, ex in least_breach(float(c)).items():
            expected.setdefault(res, []).append(ex)
    assert 0 < len(expected["points"]) < N  # the run has both kinds of draws
    broken = caps < 6
    assert r.base.infeasible_draws == int(broken.sum())
    assert np.all(np.isnan(r.base_values[broken])) and np.all(np.isfinite(r.base_values[~broken]))
    got = {b.limit: b for b in r.base.breaks}
    for res, ex in expected.items():
        for s in ("good", "bad"):
            (label,) = [k for k in got if k.startswith(res) and s in k]
            b = got[label]
            assert b.draws == len(ex)
            assert b.excess.p50 == pytest.approx(float(np.median(ex)), abs=1e-6)
            assert b.excess.max == pytest.approx(max(ex), abs=1e-6)
    assert len(got) == 2 * len(expected)
    d = r.base.to_dict()
    assert d["breaks"] and {x["limit"] for x in d["breaks"]} == set(got)
