"""The narrowed McCormick ranges of ``optimizer/odds_tighten.py`` against enumeration.

The ranges hold only for packages at least as good as a known point ``x0``; a wrong range
would cut off the optimum. So on random small problems with shifts (``tests/bruteforce.py``)
the narrowed model, solved to a zero gap, must give enumeration's optimum, both from the MIP
start and from the optimum itself (the tightest cut: ``objective >= optimum``), and its
ranges are never wider than the compiled ones.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from unittest import mock

import numpy as np
import pytest
from bruteforce import Pick, evaluate, optimum, problems_with_shifts
from hypothesis import HealthCheck, given, settings

from optimizer import odds, odds_start, odds_tighten
from optimizer.compile import compile_spec
from optimizer.errors import InputError
from optimizer.solution import decode
from optimizer.spec import load_document
from solvers import SolveOptions, Status, get

TOL = 1e-6


def _model(doc: dict):
    try:
        spec = load_document(doc)
    except InputError:
        return None  # refusals are checked against enumeration in test_bruteforce
    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):  # the aggregated form
        return compile_spec(spec)


@pytest.mark.parametrize("rounds", [1, 2])
@pytest.mark.parametrize("source", ["start", "optimum"])
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_narrowing_never_cuts_off_the_optimum(source: str, rounds: int, doc: dict) -> None:
    model = _model(doc)
    if model is None or "odds_rows" not in model.meta:
        return
    ref = optimum(doc)
    if ref.value is None:
        return
    exact = SolveOptions(mip_gap=0.0)
    highs = get("highs")
    x0 = odds_start.find_start(model, exact) if source == "start" else highs.solve(model, exact).x
    assert x0 is not None
    with mock.patch.object(odds_tighten, "ROUNDS", rounds):
        narrow = odds_tighten.narrowed(model, x0, exact)
    before, after = model.meta["odds_rows"], narrow.meta["odds_rows"]
    assert np.all(after["U"] <= before["U"]) and np.all(after["L"] >= before["L"])
    assert np.all(after["L"] <= after["U"])
    res = highs.solve(replace(narrow, meta={**narrow.meta, "start": x0}), exact)
    assert res.status == Status.OPTIMAL
    tol = TOL * max(1.0, abs(ref.value))
    assert abs(res.objective - ref.value) <= tol
    # the package found is worth that, recomputed from the document alone
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in decode(model, res.x)}
    ok, _, expected = evaluate(doc, package)
    assert ok and abs(expected - ref.value) <= tol


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_a_start_found_without_the_mccormick_rows_is_complete(doc: dict) -> None:
    # the linearised MIP on free McCormick rows, w and v completed by products_at
    model = _model(doc)
    if model is None or "odds_rows" not in model.meta:
        return
    ref = optimum(doc)
    with mock.patch.object(odds_start, "FREE_PRODUCTS_DIRS", 0):
        x = odds_start.find_start(model, SolveOptions())
    if ref.value is None:
        assert x is None
        return
    act = model.A @ x
    assert np.all(act >= model.row_lower - 1e-7) and np.all(act <= model.row_upper + 1e-7)
    assert np.all(x >= model.col_lower - 1e-7) and np.all(x <= model.col_upper + 1e-7)
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in decode(model, x)}
    ok, _, expected = evaluate(doc, package)
    assert ok
    assert abs(model.c @ x + model.objective_offset - expected) <= TOL * max(1.0, abs(expected))


@pytest.mark.parametrize("free", [0, 10**6])
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_the_plain_solve_with_narrowing_gives_the_optimum(free: int, doc: dict) -> None:
    model = _model(doc)
    if model is None:
        return
    ref = optimum(doc)
    with (
        mock.patch.object(odds_start, "NARROW", True),
        mock.patch.object(odds_start, "FREE_PRODUCTS_DIRS", free),
    ):
        res = odds_start.solve(get("highs"), model, SolveOptions(mip_gap=0.0))
    if ref.value is None:
        assert res.x is None
        return
    assert res.status == Status.OPTIMAL
    assert abs(res.objective - ref.value) <= TOL * max(1.0, abs(ref.value))


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=problems_with_shifts())
def test_each_range_is_its_own_lp_solved_alone(doc: dict) -> None:
    # value_ranges solves its LPs in one warm-started sequence (odds_tighten.lp_order): each
    # end must be the optimum of its LP solved alone, here by SciPy's linprog
    from scipy.optimize import linprog

    model = _model(doc)
    if model is None or "odds_rows" not in model.meta:
        return
    x0 = odds_start.find_start(model, SolveOptions(mip_gap=0.0))
    if x0 is None:
        return
    delta = np.asarray(model.meta["shifts"]["delta"], dtype=float)
    dirs, _, _ = odds_tighten.directions(delta)
    z0 = float(model.c @ x0 + model.objective_offset)
    lo, hi = odds_tighten.value_ranges(model, z0, dirs, SolveOptions())
    at = model.meta["odds_rows"]
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)
    A = model.A.tocsr()
    sign = -1.0 if model.maximize else 1.0  # the cut as sign * c . x <= sign * z
    z = z0 - model.objective_offset + sign * odds_tighten.CUT_TOL * (1.0 + abs(z0))
    fin = np.isfinite(model.row_upper), np.isfinite(model.row_lower)
    from scipy import sparse

    A_ub = sparse.vstack([A[fin[0]], -A[fin[1]], sparse.csr_matrix(sign * model.c)])
    b_ub = np.concatenate([model.row_upper[fin[0]], -model.row_lower[fin[1]], [sign * z]])
    bounds = np.column_stack([model.col_lower, model.col_upper])
    for k, d in enumerate(dirs):
        cost = np.zeros(model.n)
        cost[at["v"] + np.arange(used.size)] = d[used]
        for end, s in ((lo[k], 1.0), (hi[k], -1.0)):
            res = linprog(s * cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
            assert res.status == 0
            assert abs(s * res.fun - end) <= 1e-6 * max(1.0, abs(end))


@pytest.mark.parametrize("order", ["path", "split", "pairs"])
@pytest.mark.parametrize("scenarios", [2, 3, 5, 7])
def test_every_order_solves_each_lp_once(order: str, scenarios: int) -> None:
    # the keys of value_ranges: one per direction up to sign (here every pair of scenarios)
    keys = {}
    for i in range(scenarios):
        for j in range(i + 1, scenarios):
            e = np.zeros(scenarios)
            e[i], e[j] = 1.0, -1.0
            keys[e.tobytes()] = e
    got = odds_tighten.lp_order(keys, order)
    assert sorted(got) == sorted((k, up) for k in keys for up in (False, True))
    if order == "path":  # each next objective is one of the closest to the last

        def obj(k, up):
            return keys[k] if up else -keys[k]

        for n, (a, b) in enumerate(pairwise(got)):
            rest = got[n + 1 :]
            best = max(float(obj(*a) @ obj(*c)) for c in rest)
            assert float(obj(*a) @ obj(*b)) == best
