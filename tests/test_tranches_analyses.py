"""The analyses of problems with conditional tranches against enumeration.

The packages an analysis names are *offers* (first-stage choices); an offer's value at any
inputs is its value with its tranches re-optimised in each scenario. The enumeration of
``test_tranches_bruteforce`` gives, for every feasible offer, its best tranches and levels per
scenario and the probabilities it induces, from the spec alone; each analysis is checked
against it on small random problems (some with shifts).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import MIP_SOLVERS
from test_tranches_bruteforce import enumerate_packages, random_problem

import optimizer
from optimizer.spec.uncertain import attach, parse_distribution, sample_inputs


def offers(spec) -> dict[frozenset, tuple[float, dict, dict]]:
    """``{offer: (expected value, levels by scenario, induced probabilities)}``."""
    out = {}
    for package, _, levels, p in enumerate_packages(spec):
        ev = sum(p[s] * v for s, v in levels.items())
        out[frozenset(map(str, package))] = (ev, levels, p)
    return out


def offer_of(choices) -> frozenset:
    return frozenset(str(c) for c in choices)


def feasible_seeds(k: int, shifts: bool | None = None) -> list[int]:
    out = []
    for seed in range(200):
        spec = random_problem(seed)
        if shifts is not None and bool(spec.shifts) != shifts:
            continue
        if offers(spec):
            out.append(seed)
        if len(out) == k:
            break
    return out


# ---- Monte Carlo -----------------------------------------------------------------------------


def uncertain_problem(seed: int):
    """A random problem with tranches and three uncertain inputs: a first-stage value, a
    tranche's value in one scenario, and the shared capacity."""
    spec = random_problem(seed)
    s0, s1 = spec.scenarios[0].id, spec.scenarios[1].id
    cap = spec.resources[0].capacity[0]
    ti = next(i for i, c in enumerate(spec.commitments) if c.stage == 2)
    records = [
        (f"commitments[0].options[0].value.{s0}", {"dist": "uniform", "low": -8, "high": 10}),
        (f"commitments[{ti}].options[0].value.{s1}", {"dist": "uniform", "low": -8, "high": 12}),
        ("resources[0].capacity", {"dist": "uniform", "low": cap - 2, "high": cap + 2}),
    ]
    return attach(spec, [(p, parse_distribution(d, p)) for p, d in records])


@pytest.mark.parametrize("seed", feasible_seeds(4))
def test_montecarlo_draws_match_enumeration(seed):
    from optimizer.analysis.montecarlo import monte_carlo

    spec = uncertain_problem(seed)
    n = 6
    r = monte_carlo(spec, n=n, seed=3, verify=0)
    draws = sample_inputs(spec, n, 3)
    base = offer_of(r.package_choices[0])
    for d in range(n):
        found = offers(spec.with_values(draws.locations(spec, d)))
        if not found:
            assert r.status[d] == 1  # infeasible
            continue
        best = max(v[0] for v in found.values())
        assert r.values[d] == pytest.approx(best, abs=1e-6)
        # the draw's offer is optimal in the draw (ties allowed), counted as an offer
        mine = offer_of(r.package_choices[r.package_index[d]])
        assert found[mine][0] == pytest.approx(best, abs=1e-6)
        # the point-value offer, its tranches re-optimised in the draw
        if base in found:
            assert r.base_values[d] == pytest.approx(found[base][0], abs=1e-6)
        else:
            assert math.isnan(r.base_values[d])
    # the core index counts offers only: no tranche copy is listed
    assert all("[" not in c.commitment for c in r.core)
    assert {c.commitment for c in r.core} <= {c.id for c in spec.commitments if c.stage == 1}
    assert np.all(np.isfinite(r.values[r.status == 0]))


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_uncertain_problem_solves_at_point_values(solver):
    spec = uncertain_problem(feasible_seeds(1)[0])
    sol = optimizer.solve(spec, solver=solver)
    assert sol.expected == pytest.approx(max(v[0] for v in offers(spec).values()), abs=1e-6)
