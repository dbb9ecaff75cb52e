"""The large-model path: LP rounding with repair, the dual bound, column generation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import optimizer
from optimizer import large
from optimizer.compile import compile_spec
from problems.generate import generate
from solvers import SolveOptions
from solvers.colgen import solve_lp
from solvers.highs import HighsSolver
from solvers.start import dual_bound, round_and_repair, supports, value


def _feasible(model, x) -> bool:
    act = model.A @ x
    return bool(np.all(act <= model.row_upper + 1e-9) and np.all(act >= model.row_lower - 1e-9))


def _enumerate(model) -> float:
    """The optimum of a tiny binary model by enumerating every 0/1 point."""
    best = -np.inf
    for bits in itertools.product((0.0, 1.0), repeat=model.n):
        x = np.array(bits)
        if _feasible(model, x):
            best = max(best, value(model, x))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_bound_and_package_bracket_the_enumerated_optimum(seed):
    model = compile_spec(generate(6, years=2, seed=seed, max_window=1, max_options=2))
    assert supports(model) and model.n <= 14
    opt = _enumerate(model)
    lp = solve_lp(model, SolveOptions(), None)
    assert lp.converged
    assert lp.bound >= opt - 1e-7
    x = round_and_repair(model, lp.x, lp.y)
    assert x is not None and _feasible(model, x)
    assert value(model, x) <= opt + 1e-9
    # any multipliers give a bound (weak duality), not only the LP's
    rng = np.random.default_rng(seed)
    y = rng.uniform(0, 3, model.m) * np.isfinite(model.row_upper)
    assert dual_bound(model, y) >= opt - 1e-7


def test_column_generation_reaches_the_full_lp_optimum():
    model = compile_spec(generate(1500, seed=3))
    lp = solve_lp(model, SolveOptions(), None)
    full = HighsSolver().solve(model.relaxed(), SolveOptions())
    assert lp.converged
    assert lp.bound == pytest.approx(full.objective, rel=1e-7)
    assert lp.objective == pytest.approx(full.objective, rel=1e-7)


def test_minimisation_bound_is_a_lower_bound():
    model = compile_spec(generate(400, seed=4))
    flipped = model.with_objective(-model.c)
    flipped = type(model)(**{**flipped.__dict__, "maximize": False})
    lp = solve_lp(flipped, SolveOptions(), None)
    full = HighsSolver().solve(flipped.relaxed(), SolveOptions())
    assert lp.bound == pytest.approx(full.objective, rel=1e-7)
    assert dual_bound(flipped, np.zeros(flipped.m)) <= full.objective + 1e-9


def test_solve_takes_the_large_path_and_never_claims_more_than_proven(monkeypatch):
    spec = generate(1500, seed=5)
    monkeypatch.setattr(large, "LARGE_COLUMNS", 1000)
    sol = optimizer.solve(spec, time_limit=30)
    assert sol.verified
    assert "LP rounding" in sol.solver["raw_status"]
    gap = (sol.solver["bound"] - sol.objective_value) / abs(sol.objective_value)
    assert gap == pytest.approx(sol.solver["gap"], rel=1e-6, abs=1e-12)
    assert 0 <= gap <= 0.01
    assert sol.status == ("optimal" if gap <= 1e-6 else "time_limit")
    # the exact optimum (to 0.01%) lies between the package and the bound
    exact = optimizer.solve(spec, mip_gap=1e-4, time_limit=120)
    assert sol.objective_value <= exact.objective_value * (1 + 1e-9)
    assert exact.objective_value <= sol.solver["bound"] * (1 + 1e-9)


def test_generated_problem_written_as_csv_table_compiles_to_the_same_model(tmp_path):
    from problems.generate_csv import write

    spec = generate(200, seed=6)
    a = compile_spec(spec)
    b = compile_spec(optimizer.load(write(spec, tmp_path)))
    assert (tmp_path / "options.csv").read_text().count("\n") == sum(
        len(c.options) for c in spec.commitments
    ) + 1
    assert a.n == b.n and a.m == b.m
    np.testing.assert_allclose(a.c, b.c)
    assert abs(a.A - b.A).max() < 1e-12
    np.testing.assert_allclose(a.row_upper, b.row_upper)


@pytest.mark.parametrize("seed", range(4))
def test_tightened_choice_multipliers_never_loosen_the_bound(seed):
    from solvers.start import tighten_choice

    model = compile_spec(generate(6, years=2, seed=seed, max_window=1, max_options=2))
    opt = _enumerate(model)
    rng = np.random.default_rng(seed)
    y = rng.uniform(0, 3, model.m) * np.isfinite(model.row_upper)
    tight = tighten_choice(model, y)
    assert opt - 1e-7 <= dual_bound(model, tight) <= dual_bound(model, y) + 1e-9


@pytest.fixture
def sampled(monkeypatch):
    """The sample's prices switched on for small models (they are off below 2,000)."""
    from solvers import prices

    monkeypatch.setattr(prices, "SAMPLE_MIN_COMMITMENTS", 10)
    monkeypatch.setattr(prices, "SAMPLE_SHARE", 0.3)
    return prices


@pytest.mark.parametrize("seed", range(3))
def test_sample_prices_bound_the_exact_optimum(sampled, seed):
    from solvers.start import tighten_choice

    spec = generate(40, years=5, seed=seed, tightness=0.2, relations=0.4)
    model = compile_spec(spec)
    y = sampled.sample_prices(model, SolveOptions(), None)
    assert y is not None and np.any(y != 0)
    exact = HighsSolver().solve(model, SolveOptions(time_limit=20))
    assert exact.status.value == "optimal"
    assert dual_bound(model, tighten_choice(model, y)) >= exact.objective * (1 - 1e-6)
    lp = solve_lp(model, SolveOptions(), None)  # started from those prices
    full = HighsSolver().solve(model.relaxed(), SolveOptions())
    assert lp.converged and lp.bound == pytest.approx(full.objective, rel=1e-7)
    assert exact.objective * (1 - 1e-6) <= lp.bound


@pytest.mark.parametrize("seed", range(4))
def test_packages_stay_feasible_with_tight_capacities_and_many_relations(sampled, seed):
    model = compile_spec(generate(200, seed=seed, tightness=0.05, relations=0.8))
    lp = solve_lp(model, SolveOptions(), None)
    x = round_and_repair(model, lp.x, lp.y)
    assert x is not None and _feasible(model, x)
    assert value(model, x) <= lp.bound + 1e-9
    y = sampled.sample_prices(model, SolveOptions(), None)
    greedy = round_and_repair(model, np.zeros(model.n), y)  # the fill by the sample's prices
    assert greedy is not None and _feasible(model, greedy)


def test_without_an_lp_round_the_sample_gives_bound_and_package(sampled, monkeypatch):
    from solvers import colgen

    spec = generate(40, years=5, seed=7)
    model = compile_spec(spec)
    monkeypatch.setattr(colgen, "MAX_ROUNDS", 0)
    lp = solve_lp(model, SolveOptions(), None)
    assert lp.rounds == 0 and not lp.converged and not lp.x.any()
    exact = HighsSolver().solve(model, SolveOptions(time_limit=20))
    assert exact.status.value == "optimal"  # to 1e-6: the bounds below allow for it
    assert lp.bound >= exact.objective * (1 - 1e-6)
    monkeypatch.setattr(large, "LARGE_COLUMNS", 10)
    sol = optimizer.solve(spec, time_limit=30)
    assert sol.verified and "no LP round ended" in sol.solver["raw_status"]
    assert sol.objective_value <= exact.bound + 1e-6
    gap = (sol.solver["bound"] - sol.objective_value) / abs(sol.objective_value)
    assert gap == pytest.approx(sol.solver["gap"], rel=1e-6, abs=1e-12)
    assert sol.status == ("optimal" if gap <= 1e-6 else "time_limit")
    assert sol.solver["bound"] >= exact.objective * (1 - 1e-6)


def test_a_budget_that_stops_the_proof_keeps_the_rounded_package(monkeypatch):
    """--max-time alone (no --time-limit): the rounded package goes to HiGHS as a start; when
    the budget stops that run before HiGHS returns a package of its own, the rounded package,
    verified, is the answer with status time_limit and its proven gap -- it was thrown away,
    'no package found within the limits'. The stop is forced: the exact solve returns no
    package, as an abandoned run does."""
    from solvers import SolveResult, Status
    from solvers.deadline import budget

    spec = generate(1500, seed=5)
    monkeypatch.setattr(large, "LARGE_COLUMNS", 1000)

    def abandoned(self, model, options):
        assert model.meta.get("start") is not None  # the rounded package was handed over
        return SolveResult(Status.TIME_LIMIT, None, None, solver="highs", raw_status="abandoned")

    monkeypatch.setattr(HighsSolver, "solve", abandoned)
    with budget(600):
        sol = optimizer.solve(spec)
    assert sol.verified and sol.status in ("time_limit", "optimal")
    assert "LP-rounded package stands" in sol.solver["raw_status"]
    gap = (sol.solver["bound"] - sol.objective_value) / abs(sol.objective_value)
    assert 0 <= gap <= 0.01
