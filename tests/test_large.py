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
