"""PRIM against a published example: Bryant & Lempert's (2010) biofuels data, as worked in the
EMA Workbench documentation ("Performing Scenario Discovery in Python",
https://emaworkbench.readthedocs.io/en/latest/examples/scenario_discovery.html; the data,
shared by Ben Bryant, ship with ema_workbench as ``examples/data/bryant et al 2010 data.csv``
and are copied unchanged to tests/data/bryant_lempert_2010.csv; ema_workbench is BSD-3).

Published numbers used (peeling alpha 0.1, columns 2..10 the inputs, column 15 the case):
- 882 points, 89 cases;
- the end of the first peeling trajectory: mass 0.05102040816326531, coverage
  0.5056179775280899, density 1.0, 6 restricted inputs;
- box 21: Total biomass 450..755.799988, Demand elasticity -0.422..-0.202, Biomass backstop
  price 150.049995..199.600006, Cellulosic cost 72.650002..133.699997; coverage 0.752809,
  density 0.770115, mass 0.0986395; quasi-p-values 4.716968553178765e-06,
  1.1849299115762218e-16, 3.515112530263049e-11 and 0.15741333528927348 (the last "not
  significant": the documentation drops it, leaving Demand elasticity, Biomass backstop price
  and Total biomass).
The documentation's PRIM peels by a "lenient" objective, ours by the density (Friedman &
Fisher's): the documentation says the two differ "only numerically", so our box 21 is
compared within one peel, and the trajectory's end exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from optimizer.analysis.prim import _inside, _p_values, _step, peel, prim

DATA = Path(__file__).parent / "data" / "bryant_lempert_2010.csv"
BOX21 = {
    "Total biomass": (450.0, 755.799988, 4.716968553178765e-06),
    "Demand elasticity": (-0.422, -0.202, 1.1849299115762218e-16),
    "Biomass backstop price": (150.049995, 199.600006, 3.515112530263049e-11),
    "Cellulosic cost": (72.650002, 133.699997, 0.15741333528927348),
}


@pytest.fixture(scope="module")
def data():
    rows = list(csv.reader(DATA.open()))
    table = np.array(rows[1:], float)
    return table[:, 2:11], table[:, 15], rows[0][2:11]


def published_box(names, pad=1e-5):
    """Box 21 as printed (rounded from single precision: padded by ``pad``)."""
    lo, hi = np.full(len(names), -np.inf), np.full(len(names), np.inf)
    for k, (a, b, _) in BOX21.items():
        lo[names.index(k)], hi[names.index(k)] = a - pad, b + pad
    return lo, hi


def test_the_published_data(data):
    X, y, _ = data
    assert X.shape == (882, 9) and int(y.sum()) == 89


def test_box_21_statistics_and_quasi_p_values(data):
    X, y, names = data
    lo, hi = published_box(names)
    s = _step(X, y, lo, hi, len(y), int(y.sum()))
    assert s.coverage == pytest.approx(0.752809, abs=5e-7)
    assert s.density == pytest.approx(0.770115, abs=5e-7)
    assert s.support == pytest.approx(0.0986395, abs=5e-8)
    p = _p_values(X, y, lo, hi)
    for k, (_, _, qp) in BOX21.items():
        assert p[names.index(k)] == pytest.approx(qp, rel=1e-9), k
    assert int(np.isfinite(p).sum()) == 4


def test_peeling_trajectory_against_the_published_one(data):
    X, y, names = data
    traj = peel(X, y, 0.1, int(0.05 * len(y)), len(y), int(y.sum()))
    end = traj[-1]  # the documentation's first box, exactly
    assert end.support == pytest.approx(0.05102040816326531, abs=1e-12)
    assert end.coverage == pytest.approx(0.5056179775280899, abs=1e-12)
    assert end.density == 1.0
    restricted = lambda s: {  # noqa: E731
        names[j] for j in range(len(names)) if np.isfinite(s.low[j]) or np.isfinite(s.high[j])
    }
    assert len(restricted(end)) == 6
    s21 = traj[21]  # box 21: the same inputs, within one peel of the published one
    assert restricted(s21) == set(BOX21)
    assert s21.coverage == pytest.approx(0.752809, abs=1.5 / 89)
    assert s21.density == pytest.approx(0.770115, abs=0.01)
    lo, hi = published_box(names)
    ours = _inside(X, np.array(s21.low), np.array(s21.high))
    theirs = _inside(X, lo, hi)
    assert int((ours ^ theirs).sum()) <= int(0.1 * ours.sum()) + 1  # one peel apart


def test_prim_keeps_the_three_significant_restrictions(data):
    X, y, names = data
    res = prim(X, y, names, alpha=0.1)
    box = res.boxes[0]
    kept = {r.input for r in box.restrictions}
    assert kept == {"Demand elasticity", "Biomass backstop price", "Total biomass"}
    assert "Cellulosic cost" in box.dropped
    by = {r.input: r for r in box.restrictions}
    assert by["Total biomass"].low == pytest.approx(450.0) and by["Total biomass"].high < 997
    assert by["Demand elasticity"].low > -0.8 and by["Biomass backstop price"].low > 90
