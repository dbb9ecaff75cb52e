"""Exact Pareto fronts against enumeration where the data make it hard: values that are no
decimal (sevenths: no common step), many ties, and three criteria (every extreme supported
point, checked against the hull of the enumerated points with one LP a point).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MIP_SOLVERS
from scipy.optimize import linprog
from test_criteria import SENSE, random_doc, scored, spec_of, true_front

from optimizer.analysis.pareto import pareto_front

SEEDS = range(6)
THREE = ("expected", "points", "harm")


def sevenths_doc(seed: int) -> dict:
    """A random problem whose values are sevenths from a small set (ties, no common step)."""
    doc = random_doc(seed)
    rng = np.random.default_rng(1000 + seed)
    for c in doc["commitments"]:
        for o in c["options"]:
            o["value"] = {s: float(rng.integers(0, 4)) / 7 for s in ("s1", "s2")}
            if not isinstance(o["scores"]["points"], list):
                o["scores"]["points"] = float(rng.integers(0, 3))
    return doc


def weakly_non_dominated(rows, a, b) -> set[tuple[float, float]]:
    pts = {(round(v[a], 9), round(v[b], 9)) for _, v in rows}
    return {
        p
        for p in pts
        if not any(
            SENSE[a] * q[0] > SENSE[a] * p[0] and SENSE[b] * q[1] > SENSE[b] * p[1] for q in pts
        )
    }


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pair", [("expected", "points"), ("harm", "expected")])
def test_front_without_a_common_step_is_exact_at_one_solve_a_visit(solver, seed, pair):
    doc = sevenths_doc(seed)
    rows = scored(doc)
    front = pareto_front(spec_of(doc), pair, solver=solver)
    got = {(round(p.criteria[pair[0]], 9), round(p.criteria[pair[1]], 9)) for p in front.points}
    assert got == true_front(rows, *pair)
    assert len(got) == len(front.points)
    assert front.exact
    # one solve for each value visited (each weakly non-dominated) and one that finds none
    assert front.solves <= len(weakly_non_dominated(rows, *pair)) + 1


def signed(rows, ids) -> np.ndarray:
    """The distinct non-dominated points, each criterion signed so that more is better."""
    Y = np.array(sorted({tuple(round(SENSE[c] * v[c], 9) for c in ids) for _, v in rows}))
    dominated = [np.any(np.all(y <= Y, axis=1) & np.any(y < Y, axis=1)) for y in Y]
    return Y[~np.array(dominated)]


def lp_margin(Y: np.ndarray, y: np.ndarray, strict: bool) -> float:
    """The largest ``t``: weights ``w >= 0`` summing to 1 with ``w.(y - y') >= t`` for every
    other point ``y'`` (``strict``: ``y`` the only optimum), or ``w.(y - y') >= 0`` and every
    weight at least ``t`` (``y`` optimal for weights that are all positive)."""
    k = Y.shape[1]
    D = y - Y[np.any(y != Y, axis=1)]
    if strict:  # variables (w, t): max t, -D w + t <= 0
        A = np.hstack([-D, np.ones((len(D), 1))])
        b = np.zeros(len(D))
    else:  # -D w <= 0, t - w_i <= 0
        A = np.vstack(
            [np.hstack([-D, np.zeros((len(D), 1))]), np.hstack([-np.eye(k), np.ones((k, 1))])]
        )
        b = np.zeros(len(D) + k)
    res = linprog(
        np.r_[np.zeros(k), -1.0],
        A_ub=A,
        b_ub=b,
        A_eq=np.r_[np.ones(k), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
    )
    return -res.fun if res.status == 0 else -np.inf


def hull_extremes(Y: np.ndarray) -> set[tuple]:
    """The points that are the only optimum of some weights (the extreme ones; a dominated
    point never is, nor does it change which are)."""
    return {tuple(y) for y in Y if lp_margin(Y, y, strict=True) > 1e-9}


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("make", [random_doc, sevenths_doc])
def test_three_criteria_give_every_extreme_supported_point(solver, seed, make):
    doc = make(seed)
    rows = scored(doc)
    Y = signed(rows, THREE)
    front = pareto_front(spec_of(doc), THREE, solver=solver)
    got = {tuple(round(SENSE[c] * p.criteria[c], 9) for c in THREE) for p in front.points}
    assert hull_extremes(Y) <= got  # none missed
    for y in got:  # and each listed one is optimal for weights that are all positive
        assert lp_margin(Y, np.array(y), strict=False) > 1e-9, y
    assert all(p.supported for p in front.points)
    assert len(got) == len(front.points)


def test_cell_vertices_of_three_points_in_the_plane():
    """Two criteria, points (3,0), (2,2), (0,3): the cells meet where the weights tie."""
    from optimizer.analysis.pareto_supported import cell_vertices

    V = cell_vertices(np.array([[3.0, 0.0], [2.0, 2.0], [0.0, 3.0]]))
    # (3,0) vs (2,2): 3w = 2w + 2(1-w) -> w = 2/3; (2,2) vs (0,3): 2w + 2(1-w) = 3(1-w) -> w = 1/3
    assert np.allclose(sorted(V[:, 0]), [0.0, 1 / 3, 2 / 3, 1.0])


def brute_vertices(Y: np.ndarray) -> set[tuple]:
    """Every vertex of ``{(w, z): w in the simplex, z >= w.y}`` (below its top) by solving
    each ``k`` of the bounding hyperplanes and keeping the feasible intersections."""
    from itertools import combinations

    k = Y.shape[1]
    planes = [(np.r_[y[: k - 1] - y[k - 1], -1.0], -y[k - 1]) for y in Y]
    planes += [(np.eye(k)[i], 0.0) for i in range(k - 1)]  # w_i = 0
    planes.append((np.r_[np.ones(k - 1), 0.0], 1.0))  # w_k = 0
    out = set()
    for comb in combinations(range(len(planes)), k):
        A = np.array([planes[c][0] for c in comb])
        if abs(np.linalg.det(A)) < 1e-12:
            continue
        x = np.linalg.solve(A, np.array([planes[c][1] for c in comb]))
        w = np.r_[x[: k - 1], 1 - x[: k - 1].sum()]
        if (w >= -1e-9).all() and x[-1] >= (Y @ w).max() - 1e-9:
            out.add(tuple(np.round(np.clip(w, 0, None), 9)))
    return out


def test_cell_vertices_match_brute_force_on_degenerate_points():
    from optimizer.analysis.pareto_supported import cell_vertices

    rng = np.random.default_rng(0)
    for _ in range(80):  # few distinct values: many ties, repeated and collinear points
        k, m = int(rng.integers(2, 5)), int(rng.integers(1, 7))
        Y = rng.integers(0, 4, (m, k)).astype(float)
        assert {tuple(np.round(w, 9)) for w in cell_vertices(Y)} == brute_vertices(Y), Y


@pytest.mark.parametrize("criteria", ["expected,jobs", "expected,jobs,emissions"])
def test_requirements_no_package_meets_are_infeasible_not_an_empty_front(criteria):
    """--require jobs>=1000 (the example's packages reach 37 jobs at most): exit 3 and one line,
    as solve and weights give; it was an empty 'exact non-dominated set' with exit 0."""
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "pareto", str(ROOT / "problems" / "criteria_example.toml"),
         "--criteria", criteria, "--require", "jobs>=1000", "--format", "json"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "infeasible" in out.stderr
