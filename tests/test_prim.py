"""PRIM (optimizer.analysis.prim) against answers known from outside the code: a trajectory
worked by hand, boxes known by construction, and ema_workbench's PRIM as an independent
implementation (its trajectory stored in tests/data by tests/data/prim_ema_oracle.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from optimizer.analysis.prim import cut, peel, prim
from optimizer.errors import InputError

DATA = Path(__file__).parent / "data"


def test_peeling_worked_by_hand():
    # x = 0..19, the cases are x >= 15. With alpha 0.05 each peel removes the lowest point
    # (the cut is halfway between the two lowest: (m - 1) 0.05 < 1), which raises the
    # density; a peel from above lowers it. Minimum support 0.25 = 5 points: 15 peels, and
    # step k holds 20 - k points of which 5 are cases.
    x = np.arange(20.0).reshape(-1, 1)
    y = (x[:, 0] >= 15).astype(float)
    traj = peel(x, y, 0.05, 5, 20, 5)
    assert len(traj) == 16
    for k, s in enumerate(traj):
        assert s.points == 20 - k and s.cases == 5
        assert s.density == pytest.approx(5 / (20 - k))
        assert s.coverage == 1.0 and s.support == pytest.approx((20 - k) / 20)
    assert traj[-1].low[0] == 14.5 and traj[-1].high[0] == np.inf


def test_cut_moves_past_ties():
    xs = np.array([1.0, 1.0, 1.0, 2.0, 3.0])
    assert cut(xs, 0.05) == 1.5  # the three 1.0 leave together
    assert cut(xs, 0.95) == 2.5
    assert cut(np.array([0.0, 10.0]), 0.05) == 5.0


def known_box(n: int, seed: int, flip: float = 0.0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 4))
    y = (X[:, 0] > 0.6) & (X[:, 2] < 0.3)
    if flip:
        y ^= rng.random(n) < flip
    return X, y


@pytest.mark.parametrize(("seed", "flip"), [(1, 0.0), (2, 0.0), (3, 0.05)])
def test_a_box_known_by_construction_is_recovered(seed, flip):
    X, y = known_box(3000, seed, flip)
    res = prim(X, y, ["a", "b", "c", "d"])
    b = res.boxes[0]
    got = {r.input: r for r in b.restrictions}
    assert set(got) == {"a", "c"}
    assert got["a"].low == pytest.approx(0.6, abs=0.03) and got["a"].high == X[:, 0].max()
    assert got["c"].high == pytest.approx(0.3, abs=0.03) and got["c"].low == X[:, 2].min()
    truth = (X[:, 0] > 0.6) & (X[:, 2] < 0.3)  # the box's share of all cases bounds coverage
    assert b.density >= 0.9 and b.coverage >= 0.9 * y[truth].sum() / y.sum()
    assert all(r.p_value < 1e-6 for r in b.restrictions)
    # the reported figures are those of the points the box holds
    inside = b.contains(X)
    assert b.points == inside.sum() and b.cases == y[inside].sum()
    assert b.coverage == pytest.approx(y[inside].sum() / y.sum())


def test_covering_finds_two_boxes():
    rng = np.random.default_rng(7)
    X = rng.random((4000, 3))
    first = X[:, 0] < 0.3  # support 0.3
    second = (X[:, 1] > 0.8) & (X[:, 2] > 0.5)  # support 0.1, partly inside the first
    res = prim(X, first | second, ["x", "y", "z"], max_boxes=3)
    assert len(res.boxes) == 2  # a third box would be no denser than what is left
    b1, b2 = ({r.input: r for r in b.restrictions} for b in res.boxes)
    assert set(b1) == {"x"} and b1["x"].high == pytest.approx(0.3, abs=0.02)
    assert set(b2) == {"y", "z"}
    assert b2["y"].low == pytest.approx(0.8, abs=0.03)
    assert b2["z"].low == pytest.approx(0.5, abs=0.03)
    assert sum(b.coverage for b in res.boxes) == pytest.approx(1.0, abs=0.03)
    assert all(b.density > 0.95 for b in res.boxes)


def test_trajectory_matches_ema_workbench():
    # same data as tests/data/prim_ema_oracle.py; ema_workbench's PRIM with the original
    # objective (the mean of the box) peels on while the density is positive, ours while it
    # rises: the common part must agree step by step, and its next step must not rise
    rng = np.random.default_rng(20261205)
    X = rng.random((600, 3))
    noise = rng.random(600)
    y = (((X[:, 0] > 0.55) & (X[:, 1] < 0.45)) & (noise < 0.9)) | (noise < 0.05)
    oracle = json.loads((DATA / "prim_ema_trajectory.json").read_text())
    traj = peel(X, y.astype(float), 0.05, 30, 600, int(y.sum()))
    assert len(traj) > 20
    for s, (points, coverage, density) in zip(traj, oracle, strict=False):
        assert s.points == points
        assert s.coverage == pytest.approx(coverage, abs=1e-9)
        assert s.density == pytest.approx(density, abs=1e-9)
    assert oracle[len(traj)][2] <= traj[-1].density


def test_no_case_and_every_case_are_statements_not_errors():
    X = np.random.default_rng(0).random((50, 2))
    none = prim(X, np.zeros(50), ["a", "b"])
    assert none.boxes == () and "no point is a case" in none.note
    every = prim(X, np.ones(50), ["a", "b"])
    assert every.boxes == () and "every point is a case" in every.note
    noise = prim(X, np.random.default_rng(1).random(50) < 0.5, ["a", "b"])
    assert noise.boxes == () and noise.note  # nothing significant in pure noise


def test_the_user_picks_a_step():
    X, y = known_box(2000, 4)
    auto = prim(X, y, ["a", "b", "c", "d"], pasting=False, max_p=1.0)
    picked = prim(X, y, ["a", "b", "c", "d"], pasting=False, max_p=1.0, step=3)
    b = picked.boxes[0]
    assert b.step == 3 and b.trajectory == auto.boxes[0].trajectory
    assert (b.coverage, b.density, b.points) == (
        b.trajectory[3].coverage,
        b.trajectory[3].density,
        b.trajectory[3].points,
    )
    assert prim(X, y, ["a", "b", "c", "d"], step=-1).boxes[0].step == len(b.trajectory) - 1
    with pytest.raises(InputError, match="--step"):
        prim(X, y, ["a", "b", "c", "d"], step=10_000)


@pytest.mark.parametrize(
    ("X", "y", "names", "kw"),
    [
        (np.zeros((3, 2)), np.zeros(2), ["a", "b"], {}),
        (np.zeros((3, 2)), np.zeros(3), ["a"], {}),
        (np.full((3, 1), np.nan), np.zeros(3), ["a"], {}),
        (np.zeros((3, 1)), np.zeros(3), ["a"], {"alpha": 0.0}),
        (np.zeros((3, 1)), np.zeros(3), ["a"], {"max_boxes": 0}),
    ],
)
def test_bad_arguments_are_input_errors(X, y, names, kw):
    with pytest.raises(InputError):
        prim(X, y, names, **kw)
