"""Several criteria against enumeration: exact Pareto fronts, weighted, lexicographic and
ε-constrained optima on random small problems, with HiGHS and CBC.

The reference enumerates every package with ``tests/bruteforce.py`` (which imports nothing of
the engine) and scores it here, from the format's rules as documented: a score counts once, a
profile is summed over the years from the start to the horizon's end.
"""

from __future__ import annotations

import math

import bruteforce as bf
import numpy as np
import pytest
from conftest import MIP_SOLVERS

import optimizer
from optimizer.analysis.pareto import pareto_front
from optimizer.spec.parse import Reader

SEEDS = range(8)


def random_doc(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    timed = bool(rng.integers(2))
    doc: dict = {
        "problem": {"name": f"random-{seed}", "sense": "maximize"},
        "scenarios": [{"id": "s1", "probability": 0.4}, {"id": "s2", "probability": 0.6}],
        "resources": [{"id": "cap", "kind": "total", "capacity": float(rng.integers(6, 12))}],
        "criteria": [
            {"id": "points", "sense": "maximize", "weight": float(rng.integers(1, 4))},
            {"id": "harm", "sense": "minimize", "weight": float(rng.integers(1, 4))},
        ],
        "commitments": [],
    }
    if timed:
        doc["problem"]["years"] = [2030, 2031]
    doc["criteria"].append({"id": "expected", "weight": float(rng.integers(1, 4))})
    for i in range(int(rng.integers(4, 7))):
        opts = []
        for j in range(int(rng.integers(1, 3))):
            harm = float(rng.integers(0, 8)) / 2
            o = {
                "id": f"o{j}",
                "use": {"cap": float(rng.integers(1, 6))},
                "value": {"s1": float(rng.integers(-2, 9)), "s2": float(rng.integers(0, 7))},
                "scores": {"points": float(rng.integers(-3, 6)), "harm": harm},
            }
            if timed and rng.integers(2):
                o["scores"]["points"] = [float(rng.integers(-2, 4)), float(rng.integers(0, 4))]
                o["start"] = [2030, 2031]
            opts.append(o)
        doc["commitments"].append({"id": f"c{i}", "options": opts})
    assert bf.n_columns(doc) <= 16  # small enough to enumerate
    return doc


def spec_of(doc):
    from optimizer.spec.validate import check_spec

    return check_spec(Reader().problem(doc))


def scored(doc) -> list[tuple[dict, dict]]:
    """Every feasible package with its criteria (expected, points, harm)."""
    years = bf.horizon(doc)
    T = len(years)
    opts = {(c["id"], o["id"]): o for c in doc["commitments"] for o in c["options"]}
    out = []
    for pkg in bf.enumerate_packages(doc):
        ok, _, ev = bf.evaluate(doc, pkg)
        if not ok:
            continue
        vals = {"expected": ev, "points": 0.0, "harm": 0.0}
        for p in pkg.values():
            start = 0 if p.start is None else years.index(p.start)
            for cid, a in opts[(p.commitment, p.option)]["scores"].items():
                vals[cid] += sum(a[: T - start]) if isinstance(a, list) else a
        out.append((pkg, vals))
    return out


SENSE = {"expected": 1.0, "points": 1.0, "harm": -1.0}


def true_front(rows, a, b) -> set[tuple[float, float]]:
    pts = {(round(v[a], 9), round(v[b], 9)) for _, v in rows}
    front = set()
    for p in pts:
        dominated = any(
            SENSE[a] * q[0] >= SENSE[a] * p[0] and SENSE[b] * q[1] >= SENSE[b] * p[1] and q != p
            for q in pts
        )
        if not dominated:
            front.add(p)
    return front


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pair", [("expected", "points"), ("points", "harm"), ("harm", "expected")])
def test_front_is_the_enumerated_front(solver, seed, pair):
    doc = random_doc(seed)
    rows = scored(doc)
    front = pareto_front(spec_of(doc), pair, solver=solver)
    got = {(round(p.criteria[pair[0]], 9), round(p.criteria[pair[1]], 9)) for p in front.points}
    assert got == true_front(rows, *pair)
    assert len(got) == len(front.points)  # one package a point
    assert front.exact
    by_pkg = {
        tuple(sorted((p.commitment, p.option, p.start) for p in pkg.values())): v for pkg, v in rows
    }
    for p in front.points:  # each point's package has the values it is listed with
        key = tuple(sorted((c.commitment, c.option, c.start) for c in p.chosen))
        for cid in pair:
            assert by_pkg[key][cid] == pytest.approx(p.criteria[cid], abs=1e-9)


def swing(rows, weights):
    ids = list(weights)
    best = {c: max(SENSE[c] * v[c] for _, v in rows) for c in ids}
    worst = {c: min(SENSE[c] * v[c] for _, v in rows) for c in ids}
    total = sum(weights.values())

    def score(v):
        s = 0.0
        for c in ids:
            span = best[c] - worst[c]
            u = 1.0 if span == 0 else (SENSE[c] * v[c] - worst[c]) / span
            s += 100.0 * weights[c] / total * u
        return s

    return score


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_optimum_is_the_enumerated_one(solver, seed):
    doc = random_doc(seed)
    rows = scored(doc)
    weights = {c["id"]: c["weight"] for c in doc["criteria"]}
    score = swing(rows, weights)
    best = max(score(v) for _, v in rows)
    sol = optimizer.solve(spec_of(doc), objective="weighted", solver=solver)
    assert sol.objective_value == pytest.approx(best, abs=1e-6)
    assert score(sol.criteria) == pytest.approx(best, abs=1e-6)
    assert sum(sol.criteria_info["weights"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_lexicographic_and_require_against_enumeration(solver, seed):
    doc = random_doc(seed)
    rows = scored(doc)
    spec = spec_of(doc)
    first = max(-v["harm"] for _, v in rows)
    second = max(v["points"] for _, v in rows if -v["harm"] >= first - 1e-9)
    sol = optimizer.solve(spec, objective="lexicographic:harm,points", solver=solver)
    assert sol.criteria["harm"] == pytest.approx(-first, abs=1e-6)
    assert sol.objective_value == pytest.approx(second, abs=1e-6)
    # ε-constraint: the best expected value among packages with points >= the median
    level = float(np.median([v["points"] for _, v in rows]))
    want = max(v["expected"] for _, v in rows if v["points"] >= level - 1e-9)
    sol = optimizer.solve(spec, objective=f"expected;points>={level}", solver=solver)
    assert sol.expected == pytest.approx(want, abs=1e-6)
    assert sol.criteria["points"] >= level - 1e-9


def test_a_problem_without_the_criterion_names_it():
    doc = random_doc(0)
    doc["commitments"][0]["options"][0]["scores"]["pointz"] = 1.0
    with pytest.raises(optimizer.errors.InputError) as e:
        spec_of(doc)
    assert "commitments[0].options[0].scores.pointz" in str(e.value)
    assert "points" in str(e.value)


def test_profile_scores_are_cut_at_the_horizon():
    from optimizer.spec.criteria import score_total

    assert score_total((1.0, 2.0, 4.0), 1, 3) == 3.0
    assert score_total(5.0, 2, 3) == 5.0
    assert math.isclose(score_total((1.5,), 0, 1), 1.5)
