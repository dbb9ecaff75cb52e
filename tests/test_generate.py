"""The random portfolio generator: deterministic by seed, valid, feasible, and compiled to the
same optimum as brute-force enumeration over the spec (an independent method)."""

from __future__ import annotations

import itertools

import pytest

from optimizer.solution import Choice, evaluate
from optimizer.spec.validate import check_spec
from problems.generate import generate, n_columns


def test_same_seed_same_problem_and_other_seed_differs():
    a = generate(300, seed=7)
    b = generate(300, seed=7)
    c = generate(300, seed=8)
    assert a == b
    assert a != c


def test_shape_of_a_generated_problem():
    spec = generate(500, seed=3)
    assert len(spec.commitments) == 500
    assert spec.years == (2026, 2035)
    assert [s.id for s in spec.scenarios] == ["low", "base", "high"]
    assert sum(s.probability for s in spec.scenarios) == pytest.approx(1.0)
    assert {r.id for r in spec.resources} == {"budget", "staff"}
    assert all(r.kind == "per_year" and len(r.capacity) == 10 for r in spec.resources)
    counts = {len(c.options) for c in spec.commitments}
    assert counts == {1, 2, 3}
    widths = {o.start[1] - o.start[0] + 1 for c in spec.commitments for o in c.options}
    assert max(widths) > 1 and min(widths) >= 1
    types = {r.type for r in spec.relations}
    assert types == {"requires", "excludes", "at_most"}
    assert any(r.lag is not None for r in spec.relations if r.type == "requires")
    # every column counted once per option and start year
    assert n_columns(spec) == sum(
        o.start[1] - o.start[0] + 1 for c in spec.commitments for o in c.options
    )


@pytest.mark.parametrize("kwargs", [{}, {"years": 1}, {"scenarios": 1}, {"scenarios": 5}])
def test_generated_specs_pass_check_spec_unchanged(kwargs):
    spec = generate(200, seed=11, **kwargs)
    checked = check_spec(spec)
    assert checked == spec  # already normal: validation changes nothing
    assert generate(200, seed=11, validate=True, **kwargs) == spec


def test_nothing_chosen_is_feasible():
    spec = generate(1000, seed=5)
    assert evaluate(spec, []).feasible


def test_bad_arguments():
    with pytest.raises(ValueError):
        generate(0)
    with pytest.raises(ValueError):
        generate(10, years=0)


def _brute_force(spec, floor=0.0):
    """Best expected value over every package, each checked by ``evaluate`` (``floor``: at
    least what nothing chosen is worth)."""
    choices = []
    for c in spec.commitments:
        opts = [None]
        for o in c.options:
            for year in range(o.start[0], o.start[1] + 1):
                opts.append(Choice(c.id, o.id, year))
        choices.append(opts)
    best = floor
    for combo in itertools.product(*choices):
        ev = evaluate(spec, [ch for ch in combo if ch is not None])
        if ev.feasible and ev.expected > best:
            best = ev.expected
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_and_idiomatic_pulp_model_reach_the_brute_force_optimum(seed):
    import sys
    from pathlib import Path

    import pulp

    import optimizer

    spec = generate(
        5, seed=seed, years=4, max_options=2, max_window=2, tightness=0.5, relations=0.8
    )
    best = _brute_force(spec)
    sol = optimizer.solve(spec, solver="highs")
    assert sol.expected == pytest.approx(best, rel=1e-9, abs=1e-9)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_compile import build_pulp
    finally:
        sys.path.pop(0)
    prob = build_pulp(spec)
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[prob.status] == "Optimal"
    assert pulp.value(prob.objective) == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_shifts_option_adds_valid_shifts_and_leaves_the_rest_unchanged():
    plain = generate(300, seed=4, scenarios=5)
    spec = generate(300, seed=4, scenarios=5, shifts=0.1)
    assert spec.commitments == plain.commitments and spec.relations == plain.relations
    assert spec.resources == plain.resources
    n_options = sum(len(c.options) for c in spec.commitments)
    assert len(spec.shifts) == round(0.1 * n_options)
    assert len({str(s.when) for s in spec.shifts}) == len(spec.shifts)  # distinct options
    assert all(s.from_ != s.to and 0 < s.amount <= 1 for s in spec.shifts)
    assert any(s.baseline for s in spec.scenarios)
    assert check_spec(spec) == spec  # no package can move a probability out of [0, 1]
    assert generate(300, seed=4, scenarios=5, shifts=0.1) == spec  # deterministic


@pytest.mark.parametrize("formulation", ["products", "aggregate", "aggregate-choice-bounds"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_problems_with_shifts_reach_the_brute_force_optimum(seed, formulation):
    from unittest import mock

    import optimizer
    from optimizer import odds, odds_aggregate
    from optimizer.compile import compile_spec

    spec = generate(
        5,
        seed=seed,
        years=4,
        max_options=2,
        max_window=2,
        tightness=0.5,
        relations=0.8,
        shifts=0.4,
    )
    assert spec.shifts
    best = _brute_force(spec, floor=-float("inf"))
    limit = 10**9 if formulation == "products" else -1
    lp_max = 0 if formulation == "aggregate-choice-bounds" else odds_aggregate.LP_BOUNDS_MAX
    with (
        mock.patch.object(odds, "PRODUCT_LIMIT", limit),
        mock.patch.object(odds_aggregate, "LP_BOUNDS_MAX", lp_max),
    ):
        sol = optimizer.solve(spec, solver="highs")
        used = compile_spec(spec).meta["shifts"]["formulation"]
    assert used == formulation.split("-")[0]
    assert sol.expected == pytest.approx(best, rel=1e-9, abs=1e-9)
