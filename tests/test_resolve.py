"""The re-solve path: in-place changes give the same optimum as building the changed model.

The reference for each step is a model built in the test from its own copies of the arrays
(a dense matrix edited by hand) and solved by a fresh back end; and, for capacity changes, the
model compiled from the changed problem (``spec.with_capacity``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import MIP_SOLVERS
from scipy import sparse

import optimizer
from optimizer.compile import compile_spec
from solvers import SolveOptions, Status, get
from solvers.resolve import HighsLoaded, RebuildLoaded, load

OPTS = SolveOptions(mip_gap=1e-9)


def _problem(seed: int):
    """A random knapsack-like problem with choices, two scenarios and a 3-year budget."""
    rng = np.random.default_rng(seed)
    commitments = []
    for i in range(5):
        options = []
        for k in range(1 + int(rng.integers(0, 2))):
            options.append(
                optimizer.Option(
                    id=f"o{k}",
                    use={"budget": float(rng.uniform(1, 4))},
                    value={"up": float(rng.uniform(0, 10)), "down": float(rng.uniform(-3, 6))},
                    start=(2026, 2027) if i % 2 else None,
                )
            )
        commitments.append(optimizer.Commitment(id=f"c{i}", options=tuple(options)))
    spec = optimizer.ProblemSpec(
        name=f"resolve-{seed}",
        commitments=tuple(commitments),
        scenarios=(optimizer.Scenario("up", 0.55), optimizer.Scenario("down", 0.45)),
        resources=(optimizer.Resource("budget", (6.0, 7.0, 8.0)),),
        years=(2026, 2028),
    )
    return optimizer.check_spec(spec)


class Reference:
    """The model rebuilt from scratch: dense arrays edited by the test."""

    def __init__(self, model):
        self.model = model
        self.c = np.array(model.c, dtype=float)
        self.A = model.A.toarray()
        self.cl = np.array(model.col_lower, dtype=float)
        self.cu = np.array(model.col_upper, dtype=float)
        self.rl = np.array(model.row_lower, dtype=float)
        self.ru = np.array(model.row_upper, dtype=float)

    def solve(self, backend):
        m = replace(
            self.model,
            c=self.c.copy(),
            A=sparse.csr_matrix(self.A),
            col_lower=self.cl.copy(),
            col_upper=self.cu.copy(),
            row_lower=self.rl.copy(),
            row_upper=self.ru.copy(),
        )
        return backend.solve(m, OPTS)


def _same(res, ref) -> None:
    assert res.status == ref.status
    if ref.status == Status.OPTIMAL:
        assert res.objective == pytest.approx(ref.objective, abs=1e-7)


def _random_changes(lm, ref, rng, steps: int, backend) -> int:
    model = lm.base
    budget = np.nonzero(model.row_kind == "budget")[0]
    n = model.n
    nz_r, nz_c = model.A.nonzero()
    checked = 0
    for _ in range(steps):
        what = rng.integers(0, 4)
        if what == 0:
            cols = rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False)
            vals = rng.uniform(-2, 10, cols.size)
            lm.set_costs(cols, vals)
            ref.c[cols] = vals
        elif what == 1:
            j = int(rng.integers(0, n))
            lo, up = (1.0, 1.0) if rng.random() < 0.3 else (0.0, float(rng.integers(0, 2)))
            lm.set_col_bounds([j], [lo], [up])
            ref.cl[j], ref.cu[j] = lo, up
        elif what == 2:
            i = int(rng.choice(budget))
            up = float(rng.uniform(0, 12))
            lm.set_row_bounds([i], [-np.inf], [up])
            ref.rl[i], ref.ru[i] = -np.inf, up
        else:
            k = int(rng.integers(0, nz_r.size))
            i, j = int(nz_r[k]), int(nz_c[k])
            if model.row_kind[i] != "budget":
                continue
            v = float(rng.uniform(0, 6))
            lm.set_coeffs([i], [j], [v])
            ref.A[i, j] = v
        _same(lm.solve(), ref.solve(backend))
        checked += 1
    return checked


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_highs_in_place_changes_match_a_fresh_build(seed):
    model = compile_spec(_problem(seed))
    lm = load(model, "highs", OPTS)
    assert isinstance(lm, HighsLoaded)
    ref = Reference(model)
    rng = np.random.default_rng(100 + seed)
    assert _random_changes(lm, ref, rng, 25, get("highs")) > 15
    # the arrays kept by the loaded model describe what was solved
    cur = lm.current_model()
    np.testing.assert_array_equal(cur.c, ref.c)
    np.testing.assert_array_equal(cur.A.toarray(), ref.A)
    np.testing.assert_array_equal(cur.row_upper, ref.ru)
    assert lm.solves > 15


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed")
def test_rebuild_fallback_matches_a_fresh_build():
    model = compile_spec(_problem(7))
    lm = load(model, "cbc", OPTS)
    assert isinstance(lm, RebuildLoaded)
    ref = Reference(model)
    rng = np.random.default_rng(77)
    assert _random_changes(lm, ref, rng, 8, get("highs")) > 4


def test_reset_returns_to_the_loaded_model():
    model = compile_spec(_problem(4))
    lm = load(model, "highs", OPTS)
    base = lm.solve()
    rng = np.random.default_rng(5)
    _random_changes(lm, Reference(model), rng, 10, get("highs"))
    lm.reset()
    again = lm.solve()
    assert again.objective == pytest.approx(base.objective, abs=1e-9)
    np.testing.assert_array_equal(lm.c, model.c)
    assert not lm.coeffs


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_capacity_change_in_place_equals_compiling_the_changed_problem(solver):
    spec = _problem(11)
    model = compile_spec(spec)
    lm = load(model, solver, OPTS)
    rows = np.nonzero(model.row_kind == "budget")[0]
    for caps in ((3.0, 3.5, 9.0), (10.0, 2.0, 4.0), (6.0, 7.0, 8.0)):
        lm.set_row_bounds(rows, -np.inf, caps)
        got = lm.solve()
        changed = spec.with_capacity("budget", dict(zip((2026, 2027, 2028), caps, strict=True)))
        want = optimizer.solve(changed, solver="highs")
        assert got.objective == pytest.approx(want.expected, abs=1e-7)
