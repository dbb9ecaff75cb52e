"""Split enumeration (``optimizer/analysis/_montecarlo/splitenum.py``): Monte Carlo draws
proved without a MIP solve must give what brute-force enumeration of the drawn document gives
(``tests/bruteforce.py``, which imports nothing from the engine), on random problems and on
the small bundled ones; on the flagship (60 binaries, too many packages to enumerate in a
test) they must give what a HiGHS MIP solve of every draw gives."""

from __future__ import annotations

import copy
import math
import sys

import numpy as np
import pytest
from bruteforce import evaluate, optimum, problems
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
from test_montecarlo import (
    OBJECTIVE_ONLY,
    TINY,
    drawn_document,
    farmer_with_uncertain_yields,
    pick_names,
)

from optimizer.analysis._montecarlo import splitenum
from optimizer.analysis._montecarlo.worker import INFEASIBLE, Context, Worker
from optimizer.analysis.montecarlo import linearize, monte_carlo
from optimizer.errors import InfeasibleError
from optimizer.spec import load_document
from optimizer.spec.uncertain import sample_inputs


def uncertain(doc: dict, width: float) -> dict:
    """``doc`` with every whole-number value, use and capacity made a uniform range."""
    doc = copy.deepcopy(doc)

    def rng(v):
        return {"dist": "uniform", "low": v - width, "high": v + width}

    for r in doc.get("resources", []):
        if isinstance(r.get("capacity"), int):
            r["capacity"] = rng(r["capacity"])
    for c in doc["commitments"]:
        for o in c.get("options", [c]):
            if isinstance(o.get("value"), int):
                o["value"] = rng(o["value"])
            elif isinstance(o.get("value"), dict):
                o["value"] = {s: rng(v) if isinstance(v, int) else v for s, v in o["value"].items()}
            for k, v in list(o.get("use", {}).items()):
                if isinstance(v, int):
                    o["use"][k] = rng(v)
    if len(doc.get("scenarios", [])) > 1:
        doc["uncertainty"] = {"probabilities": {"dist": "dirichlet", "concentration": 10}}
    return doc


def check_against_brute_force(doc: dict, n: int, seed: int, **kw):
    spec = load_document(doc)
    r = monte_carlo(spec, n, seed, verify=0, **kw)
    draws = sample_inputs(spec, n, seed)
    for d in range(n):
        ref = optimum(drawn_document(doc, spec, draws, d))
        if ref.value is None:
            assert r.status[d] == INFEASIBLE, d
            continue
        assert r.values[d] == pytest.approx(ref.value, rel=1e-7, abs=1e-9), d
        mc = tuple(sorted(r.package_choices[r.package_index[d]]))
        tops = [tuple(n.removesuffix("@None") for n in pick_names(p)) for p in ref.packages]
        assert mc in tops, (d, mc, tops)
    return r


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems())
def test_random_problems_every_draw_matches_brute_force(doc):
    doc = uncertain(doc, 1.5)
    try:
        spec = load_document(doc)
    except Exception:  # a random document the format refuses (covered by the loader tests)
        assume(False)
    assume(spec.uncertain)
    try:
        check_against_brute_force(doc, 12, 3)
    except InfeasibleError:  # infeasible at the point values: Monte Carlo refuses to start
        assume(False)


@pytest.mark.parametrize("doc", [TINY, OBJECTIVE_ONLY], ids=["tiny", "objective-only"])
def test_small_problems_are_proved_by_enumeration_and_match_brute_force(doc):
    r = check_against_brute_force(doc, 150, 5)
    assert r.stats.by_enum == 150  # no draw needed the solver
    assert r.stats.distinct_packages >= 3  # the optimum moves: not a trivial check


def test_without_enumeration_the_same_draws_give_the_same_answers():
    """The MIP path (``exact_enum=False``) and the enumeration agree draw by draw."""
    spec = load_document(TINY)
    a = monte_carlo(spec, 200, 8, verify=0)
    b = monte_carlo(spec, 200, 8, verify=0, exact_enum=False)
    assert a.stats.by_enum == 200 and b.stats.by_enum == 0 and b.stats.by_mip > 0
    assert np.allclose(a.values, b.values, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_too_many_pairs_fall_back_to_the_mip(monkeypatch):
    monkeypatch.setattr(splitenum, "PAIR_LIMIT", 0)
    r = check_against_brute_force(TINY, 80, 6)
    assert r.stats.by_mip > 0  # draws whose pairs exceeded the limit were solved by HiGHS


@pytest.mark.parametrize("limit", [splitenum.PAIR_LIMIT, 12])
def test_workers_with_their_own_incumbents_give_identical_results(monkeypatch, limit):
    """Three threads, each a worker learning its own incumbents from the draws it happens to
    get (chunks of 3), give the run in this process bit for bit; with a pair limit of 12,
    draws fall back to the MIP in one worker and not in another, and still agree."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(splitenum, "PAIR_LIMIT", limit)
    spec = load_document(TINY)
    one = monte_carlo(spec, 120, 4, verify=0)
    with ThreadPoolExecutor(3) as ex:
        many = monte_carlo(spec, 120, 4, executor=ex, workers=3, chunk_size=3, verify=0)
    assert np.array_equal(one.values, many.values, equal_nan=True)
    assert [one.package_choices[i] for i in one.package_index] == [
        many.package_choices[i] for i in many.package_index
    ]
    if limit == 12:
        assert one.stats.by_mip > 0 and one.stats.by_enum > 0
    check_against_brute_force(TINY, 120, 4)


def _worker(spec) -> Worker:
    """A worker as ``monte_carlo`` makes one (its enumerator included)."""
    from solvers import SolveOptions, get

    lm = linearize(spec)
    res = get("highs").solve(lm.base, SolveOptions())
    x = np.asarray(res.x, dtype=float)
    ctx = Context("t", lm, lm.v0, np.round(x), lm.base.first_stage_mask, False, None, 1e-6)
    return Worker(ctx)


def test_the_answer_is_the_same_whatever_the_incumbent():
    """``solve(d, None)`` searches from the bound down; with a worse incumbent, or with the
    optimum as incumbent, it returns the very same package (so a worker's own incumbents
    cannot change a result), and that package is optimal by brute force."""
    spec = load_document(TINY)
    w = _worker(spec)
    assert w.enum is not None
    n = 60
    draws = sample_inputs(spec, n, 2)
    lm = w.lm
    deltas = draws.values[:, list(lm.inputs)] - lm.v0
    probs = draws.probabilities
    checked = 0
    for d in range(n):
        ref = optimum(drawn_document(TINY, spec, draws, d))
        dd = w.drawn.at(deltas[d], probs[d])
        out = w.enum.solve(dd, None)
        if ref.value is None:
            assert out is None  # nothing found: the MIP then says infeasible
            continue
        x, v = out
        assert v == pytest.approx(ref.value, rel=1e-9)
        assert w.drawn.violation(dd, x) <= 1e-6
        worse = [p for p in ref.feasible if p not in ref.packages]
        if worse:
            # a feasible package worse than the optimum, as the incumbent
            vals = [evaluate(drawn_document(TINY, spec, draws, d), p)[2] for p in worse]
            x2, v2 = w.enum.solve(dd, max(vals))
            assert np.array_equal(x2, x) and v2 == v
            checked += 1
        x3, v3 = w.enum.solve(dd, ref.value)
        assert np.array_equal(x3, x) and v3 == v
    assert checked >= 10


def test_two_stage_problems_do_not_qualify():
    """Continuous (recourse) columns: no enumeration, the MIP path as before."""
    w = _worker(load_document(farmer_with_uncertain_yields()))
    assert w.enum is None


@pytest.fixture(scope="module")
def flagship():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_montecarlo import load_problem
    finally:
        sys.path.pop(0)
    spec, _ = load_problem()
    return spec


def test_flagship_draws_match_a_mip_solve_of_every_draw(flagship):
    """60 binaries: the enumeration against HiGHS on every draw (``exact_enum=False``)."""
    n = 300
    a = monte_carlo(flagship, n, 21, verify=3)
    b = monte_carlo(flagship, n, 21, verify=0, exact_enum=False)
    assert a.stats.by_enum >= 0.95 * n and b.stats.by_enum == 0 and b.stats.by_mip >= 0.9 * n
    assert np.allclose(a.values, b.values, rtol=2e-6, atol=1e-9)
    same = sum(
        a.package_choices[i] == b.package_choices[j]
        for i, j in zip(a.package_index, b.package_index, strict=True)
    )
    assert same >= n - 3  # ties (within the tolerance) may be broken differently
    assert a.stats.distinct_packages >= 5
    assert math.isfinite(a.optimal.mean)
