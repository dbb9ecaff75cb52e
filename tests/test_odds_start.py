"""The MIP start of problems with shifts (``optimizer/odds_start.py``) against enumeration.

The start must be a complete feasible point of the exact model whose objective is the
expected value enumeration gives its package (so the products' columns are ``y_m x_j``), and
solving from it must still give enumeration's optimum (checked for every random problem
with shifts by ``test_odds_bruteforce``, which solves through ``optimizer.solve``; here
again with the start forced on and off).
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from bruteforce import Pick, evaluate, optimum, problems_with_shifts
from hypothesis import HealthCheck, given, settings

from optimizer import odds, odds_start
from optimizer.compile import compile_spec
from optimizer.errors import InputError
from optimizer.solution import decode
from optimizer.spec import load_document
from solvers import SolveOptions, get

TOL = 1e-6


def _examples(n: int):
    """Hypothesis settings of these tests: ``n`` derandomised examples, no deadline."""
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _model(doc: dict, formulation: str):
    try:
        spec = load_document(doc)
    except InputError:
        return None  # refusals are checked against enumeration in test_bruteforce
    limit = {"products": 10**18, "aggregate": -1}[formulation]
    with mock.patch.object(odds, "PRODUCT_LIMIT", limit):
        return compile_spec(spec)


def _tol(v: float) -> float:
    return TOL * max(1.0, abs(v))


@pytest.mark.parametrize("formulation", ["products", "aggregate"])
@_examples(60)
@given(doc=problems_with_shifts())
def test_the_start_is_a_feasible_point_worth_its_package(formulation: str, doc: dict) -> None:
    model = _model(doc, formulation)
    if model is None or "shifts" not in model.meta:
        return
    ref = optimum(doc)
    x = odds_start.find_start(model, SolveOptions())
    if ref.value is None:
        assert x is None
        return
    assert x is not None and x.shape == (model.n,)
    # feasible for every row and bound of the exact model
    act = model.A @ x
    assert np.all(act >= model.row_lower - 1e-7) and np.all(act <= model.row_upper + 1e-7)
    assert np.all(x >= model.col_lower - 1e-7) and np.all(x <= model.col_upper + 1e-7)
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in decode(model, x)}
    ok, _, expected = evaluate(doc, package)
    assert ok, package
    # the exact model's objective at the start is the package's expected value
    assert abs(model.c @ x + model.objective_offset - expected) <= _tol(expected)
    assert expected <= ref.value + _tol(ref.value)


@pytest.mark.parametrize("started", [True, False])
@_examples(40)
@given(doc=problems_with_shifts())
def test_the_optimum_is_the_same_from_a_start_or_not(started: bool, doc: dict) -> None:
    model = _model(doc, "aggregate")
    if model is None:
        return
    ref = optimum(doc)
    backend = get("highs")
    with mock.patch.object(odds_start, "wants_start", lambda m, b: started and "shifts" in m.meta):
        res = odds_start.solve(backend, model, SolveOptions())
    if ref.value is None:
        assert res.x is None
        return
    assert res.status == "optimal"
    assert abs(res.objective - ref.value) <= _tol(ref.value)
    if "shifts" in model.meta:
        assert res.extra.get("started", False) is started


def test_a_start_is_used_on_the_bundled_example() -> None:
    from optimizer.spec.load import load

    spec = load("moving-odds")
    model = compile_spec(spec)
    backend = get("highs")
    assert odds_start.wants_start(model, backend)
    res = odds_start.solve(backend, model, SolveOptions())
    assert res.extra["started"] and res.extra["start_s"] <= res.time_s
    assert res.objective == pytest.approx(-59.2)  # enumeration: test_odds_bruteforce


def test_no_start_without_shifts_or_for_other_objectives() -> None:
    from optimizer.spec.load import load

    backend = get("highs")
    plain = compile_spec(load("capital-budgeting"))
    assert not odds_start.wants_start(plain, backend)
    moving = compile_spec(load("moving-odds"))
    assert not odds_start.wants_start(moving.with_objective(moving.c, "worst_case"), backend)
    assert not odds_start.wants_start(moving, get("cbc"))  # no Feature.START


@pytest.mark.parametrize(
    ("formulation", "proof"),
    [("aggregate", "lp"), ("aggregate", "narrowed lp"), ("products", "lp")],
)
@_examples(60)
@given(doc=problems_with_shifts())
def test_a_start_proven_by_an_lp_bound_is_within_the_gap_of_the_optimum(
    formulation: str, proof: str, doc: dict
) -> None:
    # With a loose gap the start is often proven by an LP bound and no MIP runs; the claim
    # (the bound holds the optimum, the package is within the gap of it) is checked against
    # enumeration. "narrowed lp": the relaxation's bound is not taken, so the narrowing runs
    # and the narrowed model's bound is the one that may prove the start.
    model = _model(doc, formulation)
    if model is None or "shifts" not in model.meta:
        return
    ref = optimum(doc)
    gap = 0.2
    real, calls = odds_start.open_gap, []

    def first_open(*args) -> bool:
        calls.append(1)
        return (proof == "narrowed lp" and len(calls) == 1) or real(*args)

    with mock.patch.object(odds_start, "open_gap", first_open):
        res = odds_start.solve(get("highs"), model, SolveOptions(mip_gap=gap))
    if ref.value is None:
        assert res.x is None
        return
    assert res.status == "optimal"
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in decode(model, res.x)}
    ok, _, expected = evaluate(doc, package)
    assert ok, package
    assert abs(res.objective - expected) <= _tol(expected)
    sign = 1.0 if model.maximize else -1.0
    allowed = gap * max(1.0, abs(res.objective)) + _tol(ref.value)
    assert sign * (ref.value - res.objective) <= allowed  # within the gap of the optimum
    if res.extra.get("proof") is not None:
        assert res.nodes == 0 and (proof == "lp") == (res.extra["proof"] == "lp")
        assert sign * (res.bound - ref.value) >= -_tol(ref.value)  # a bound on the optimum
        assert sign * (res.bound - res.objective) <= allowed


def test_a_generated_problem_is_proven_by_the_narrowed_bound() -> None:
    # 200 commitments, 5 scenarios: the start is more than 1% below the LP bound, the narrowed
    # model's bound proves it within 1% and HiGHS' MIP is not run
    from problems.generate import generate

    model = compile_spec(generate(200, scenarios=5, seed=1, shifts=0.1, validate=True))
    res = odds_start.solve(get("highs"), model, SolveOptions(mip_gap=0.01, threads=1))
    lp = get("highs").solve(model.relaxed(), SolveOptions())
    assert res.status == "optimal" and res.extra["proof"] == "narrowed lp", (res, res.extra, lp)
    assert res.objective < lp.objective - 0.01 * abs(res.objective)  # the LP alone could not
    assert res.bound <= res.objective + 0.01 * abs(res.objective)
    assert res.bound <= lp.objective + 1e-6 * abs(lp.objective)


@pytest.mark.parametrize("formulation", ["products", "aggregate"])
@_examples(60)
@given(doc=problems_with_shifts())
def test_the_rounded_start_is_a_feasible_point_worth_its_package(
    formulation: str, doc: dict
) -> None:
    # the fallback when the linearised MIP stops at its time share: the LP point rounded
    from solvers.highs import HighsSolver

    model = _model(doc, formulation)
    if model is None or "shifts" not in model.meta:
        return
    lp = HighsSolver().solve(model.relaxed(), SolveOptions())
    if lp.x is None:
        return
    x = odds_start.rounded(model, lp.x, odds_start.linearised(model, lp.x))
    if x is None:
        return  # not the aggregated form, responses, or rounding breaks a row
    assert formulation == "aggregate"
    act = model.A @ x
    assert np.all(act >= model.row_lower - 1e-7) and np.all(act <= model.row_upper + 1e-7)
    assert np.all(x >= model.col_lower - 1e-7) and np.all(x <= model.col_upper + 1e-7)
    package = {c.commitment: Pick(c.commitment, c.option, c.start) for c in decode(model, x)}
    ok, _, expected = evaluate(doc, package)
    assert ok, package
    assert abs(model.c @ x + model.objective_offset - expected) <= _tol(expected)


def test_a_linearised_mip_stopped_without_a_package_falls_back_to_the_rounding() -> None:
    from problems.generate import generate
    from solvers import SolveResult, Status
    from solvers.highs import HighsSolver

    spec = generate(60, scenarios=3, seed=2, shifts=0.2, validate=True)
    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):
        model = compile_spec(spec)
    real = HighsSolver.solve

    def stopped(self, m, options):  # the LP as usual; the linearised MIP stops, no package
        if m.integrality.any():
            return SolveResult(status=Status.TIME_LIMIT, x=None, objective=None, solver="highs")
        return real(self, m, options)

    with mock.patch.object(HighsSolver, "solve", stopped):
        x, bound = odds_start.start_and_bound(model, SolveOptions())
    assert x is not None
    from optimizer.solution import evaluate as check

    sol = check(spec, decode(model, x))
    assert sol.feasible
    z = float(model.c @ x + model.objective_offset)
    assert abs(z - sol.expected) <= _tol(sol.expected)
    assert z <= bound + _tol(bound)


def test_a_mip_stopped_without_a_package_still_returns_the_start_with_its_gap() -> None:
    from optimizer.solution import evaluate as check
    from problems.generate import generate
    from solvers import SolveResult, Status

    spec = generate(60, scenarios=3, seed=2, shifts=0.2, validate=True)
    with mock.patch.object(odds, "PRODUCT_LIMIT", -1):
        model = compile_spec(spec)
    backend = get("highs")
    opt = odds_start.solve(backend, model, SolveOptions(mip_gap=0.0))  # the optimum, unmocked
    assert opt.status == Status.OPTIMAL

    def stopped(m, options):  # the final MIP stops before taking the start
        return SolveResult(status=Status.TIME_LIMIT, x=None, objective=None, solver="highs")

    with (
        mock.patch.object(odds_start, "LP_PROOF", False),
        mock.patch.object(backend, "solve", stopped),
    ):
        res = odds_start.solve(backend, model, SolveOptions(mip_gap=0.0))
    assert res.status == Status.TIME_LIMIT  # never called optimal
    assert res.x is not None
    sol = check(spec, decode(model, res.x))
    assert sol.feasible and abs(res.objective - sol.expected) <= _tol(sol.expected)
    assert res.bound is not None and res.bound >= opt.objective - _tol(opt.objective)
    assert res.gap == pytest.approx(abs(res.bound - res.objective) / max(1.0, abs(res.objective)))
