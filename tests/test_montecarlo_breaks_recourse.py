"""Monte Carlo with recourse: a drawn bound of a stage-1 response can rule the point-value
package out, and what it breaks is named.

With responses or tranches the point-value package is held at its first-stage values (its
commitments and stage-1 responses) and the rest is re-optimised in each draw. Where a stage-1
response's drawn bound lies on the wrong side of the package's own value, the package is
infeasible in the draw: it breaks that bound. The references here never come from the code
under test:

* the farmer's problem (Birge & Louveaux, section 1.1): the published plan is 170 acres of
  wheat, 80 of corn and 250 of sugar beets; with the corn acreage's upper bound drawn from
  uniform(60, 100) the plan is infeasible exactly in the draws whose bound is below 80. Where
  it is feasible its value is re-derived by ``scipy.optimize.linprog`` on the farmer's LP
  written out by hand, with the plan fixed and the drawn bound and sale price as rows and
  costs; where the package is infeasible, the same LP is infeasible.
* a small problem worked out by hand (``SMALL``): the offer ``a`` with ``q = 4`` (its value 1
  per unit, capped by its upper bound 4 and the constraint ``q <= k``, k = 4 at the point). In
  a draw, ``q``'s bound ``u`` breaks where ``u < 4`` (by ``4 - u``) and the constraint ``cap``
  where ``k < 4`` (by ``4 - k``; nothing else can give way, as ``q`` is fixed); elsewhere the
  package is worth ``10 + 4`` plus, with the tranche ``t`` (it fits: cash 4 + 3 <= 10), its
  drawn value ``v``. ``scipy.optimize.milp`` re-solves each draw with ``a`` and ``q`` fixed.
  With the tranche the run takes the exact path (each draw rebuilt); without it, the fast one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

import optimizer
from optimizer.analysis.montecarlo import monte_carlo
from optimizer.spec.uncertain import sample_inputs

FARMER = ROOT / "problems" / "farmer.toml"
CORN = 'responses[1].upper={dist="uniform",low=60,high=100}'
PRICE = 'responses[6].value={dist="uniform",low=-170,high=-130}'  # sell_corn, $/t
PLAN = np.array([170.0, 80.0, 250.0])  # wheat, corn, beets: the published optimum
PROB = np.array([0.3333333333333333, 0.3333333333333333, 0.3333333333333334])
YIELDS = np.array([[3.0, 3.6, 24.0], [2.5, 3.0, 20.0], [2.0, 2.4, 16.0]])  # good, average, bad


def test_farmer_command_counts_the_draws_below_the_plan_and_names_the_bound():
    """The command as a user runs it: the infeasible draws are those whose drawn bound on
    the corn acreage is below the plan's 80 acres, and the broken limit is that bound."""
    args = [sys.executable, "-m", "optimizer", "montecarlo", str(FARMER), "--set", CORN]
    args += ["-n", "100", "--seed", "1"]
    out = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    b = json.loads(out.stdout)["base_package"]
    u = sample_inputs(optimizer.load(FARMER, overrides=[CORN]), 100, 1).values[:, 0]
    assert np.min(np.abs(u - 80)) > 1e-3  # no draw at the edge of the tolerance
    below = u < 80
    # P(u < 80) = 1/2: outside [30, 70] of 100 has probability below 1e-4 (binomial)
    assert 30 <= int(below.sum()) <= 70
    assert b["infeasible_draws"] == int(below.sum())
    assert b["feasible_draws"] == 100 - int(below.sum())
    assert b["value"]["min"] == pytest.approx(-108390, abs=1e-3)
    assert b["value"]["max"] == pytest.approx(-108390, abs=1e-3)
    assert b["regret"]["max"] == pytest.approx(0, abs=1e-3)
    assert b["optimal_share"] == pytest.approx(1 - below.mean())
    (brk,) = b["breaks"]
    assert (brk["limit"], brk["kind"], brk["draws"]) == (
        "acres_corn upper",
        "response bound",
        int(below.sum()),
    )
    excess = 80 - u[below]  # acres
    assert brk["excess"]["max"] == pytest.approx(excess.max(), rel=1e-9)
    assert brk["excess"]["min"] == pytest.approx(excess.min(), rel=1e-9)
    text = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert text.returncode == 0, text.stderr
    assert "acres_corn upper" in text.stdout and "not identified" not in text.stdout
    assert f"({int(below.sum())} of 100 draws)" in text.stdout


def farmer_fixed(upper: float, sell_corn: float) -> float | None:
    """The farmer's expected cost with ``PLAN`` planted, the corn acreage at most ``upper``
    (a row) and corn sold at ``sell_corn``; None where that is infeasible."""
    # columns: 3 acreages, then per scenario buy/sell wheat, buy/sell corn, beets quota/extra
    n = 3 + 6 * 3
    c = np.zeros(n)
    c[:3] = [150.0, 230.0, 260.0]
    A, b = [], []

    def row(cols, coefs, rhs):  # sum coefs * x[cols] <= rhs
        a = np.zeros(n)
        a[cols] = coefs
        A.append(a)
        b.append(rhs)

    row([0, 1, 2], 1.0, 500.0)  # land
    row([1], 1.0, upper)  # the drawn bound on the corn acreage
    bounds = [(x, x) for x in PLAN]
    for s in range(3):
        k = 3 + 6 * s
        c[k : k + 6] = PROB[s] * np.array([238.0, -170.0, 210.0, sell_corn, -36.0, -10.0])
        yw, yc, yb = YIELDS[s]
        row([0, k, k + 1], [-yw, -1.0, 1.0], -200.0)  # wheat fed: grown + bought - sold >= 200
        row([1, k + 2, k + 3], [-yc, -1.0, 1.0], -240.0)  # corn fed: >= 240
        row([2, k + 4, k + 5], [-yb, 1.0, 1.0], 0.0)  # beets sold <= beets grown
        bounds += [(0, None)] * 4 + [(0, 6000.0), (0, None)]
    res = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return float(res.fun)


def test_farmer_fast_path_against_the_hand_written_lp():
    spec = optimizer.load(FARMER, overrides=[CORN, PRICE])
    n, seed = 60, 5
    r = monte_carlo(spec, n=n, seed=seed, verify=0)
    v = sample_inputs(spec, n, seed).values
    assert [u.path for u in spec.uncertain] == ["responses[1].upper", "responses[6].value"]
    ref = [farmer_fixed(u, p) for u, p in v]
    infeasible = np.array([x is None for x in ref])
    assert 0 < infeasible.sum() < n
    assert np.array_equal(np.isnan(r.base_values), infeasible)
    got = r.base_values[~infeasible]
    want = np.array([x for x in ref if x is not None])
    assert np.allclose(got, want, rtol=1e-7, atol=1e-6)
    assert np.ptp(want) > 100  # the drawn price moves the value: the comparison is not trivial
    (brk,) = r.base.breaks
    assert (brk.limit, brk.draws) == ("acres_corn upper", int(infeasible.sum()))


SMALL = """
[problem]
name = "offer-bound"
sense = "maximize"
[[scenarios]]
id = "good"
probability = 0.5
[[scenarios]]
id = "bad"
probability = 0.5
[[resources]]
id = "cash"
capacity = 10
[[commitments]]
id = "a"
use = { cash = 4 }
value = 10
TRANCHE
[[responses]]
id = "q"
stage = 1
value = 1
upper = { dist = "uniform", low = 2, high = 6 }
[[parameters]]
id = "k"
value = { dist = "uniform", low = 3, high = 5 }
[[constraints]]
id = "cap"
expr = "q <= k"
"""
TRANCHE = """[[commitments]]
id = "t"
stage = 2
options = [{ id = "x", use = { cash = 3 }, value = { dist = "uniform", low = 1, high = 3 } }]
"""


def small_fixed(u: float, k: float, v: float | None) -> float | None:
    """The small problem with ``a`` taken and ``q = 4`` fixed, solved by ``milp``; the bound
    ``q <= u`` and the constraint ``q <= k`` are rows. None where it is infeasible."""
    # columns: a, q, then with the tranche t in each scenario (worth v/2 in expectation each)
    tr = v is not None
    c = -np.array([10.0, 1.0, *([v / 2, v / 2] if tr else [])])  # milp minimises
    rows = [[0.0, 1.0, *([0, 0] if tr else [])]] * 2
    up = [u, k]
    if tr:
        rows += [[4.0, 0.0, 3.0, 0.0], [4.0, 0.0, 0.0, 3.0]]  # cash in each scenario
        up += [10.0, 10.0]
    lo = [1.0, 4.0, *([0, 0] if tr else [])]
    hi = [1.0, 4.0, *([1, 1] if tr else [])]
    res = milp(
        c,
        constraints=LinearConstraint(np.array(rows), -np.inf, np.array(up)),
        bounds=Bounds(lo, hi),
        integrality=np.array([1, 0, *([1, 1] if tr else [])]),
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return -float(res.fun)


@pytest.mark.parametrize("tranche", [False, True], ids=["fast", "exact"])
def test_small_problem_bound_and_row_breaks(tmp_path, tranche):
    path = tmp_path / "offer_bound.toml"
    path.write_text(SMALL.replace("TRANCHE", TRANCHE if tranche else ""))
    spec = optimizer.load(path)
    n, seed = 80, 3
    r = monte_carlo(spec, n=n, seed=seed, verify=0)
    assert r.base.choices == ("a.yes",)
    assert r.base.point_value == pytest.approx(16 if tranche else 14)
    v = sample_inputs(spec, n, seed).values
    paths = [x.path for x in spec.uncertain]
    u = v[:, paths.index("responses[0].upper")]
    k = v[:, paths.index("parameters[0].value")]
    tv = v[:, paths.index("commitments[1].options[0].value")] if tranche else [None] * n
    ref = [small_fixed(*x) for x in zip(u, k, tv, strict=True)]
    infeasible = np.array([x is None for x in ref])
    assert np.array_equal(infeasible, (u < 4) | (k < 4))  # the milp agrees with the hand
    assert np.array_equal(np.isnan(r.base_values), infeasible)
    want = np.array([x for x in ref if x is not None])
    assert np.allclose(r.base_values[~infeasible], want, rtol=1e-9, atol=1e-9)
    assert r.base.infeasible_draws == int(infeasible.sum())
    got = {b.limit: b for b in r.base.breaks}
    assert set(got) == {"q upper", "cap"}
    for label, kind, broken, excess in (
        ("q upper", "response bound", u < 4, 4 - u),
        ("cap", "user", k < 4, 4 - k),
    ):
        b = got[label]
        assert (b.kind, b.draws) == (kind, int(broken.sum()))
        assert 0 < b.draws < n and np.any(broken & (u < 4) & (k < 4))  # both, alone and together
        assert b.excess.max == pytest.approx(excess[broken].max(), abs=1e-6)
        assert b.excess.min == pytest.approx(excess[broken].min(), abs=1e-6)
        assert b.excess.p50 == pytest.approx(float(np.median(excess[broken])), abs=1e-6)
