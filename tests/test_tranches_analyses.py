"""The analyses of problems with conditional tranches against enumeration.

The packages an analysis names are *offers* (first-stage choices); an offer's value at any
inputs is its value with its tranches re-optimised in each scenario. The enumeration of
``test_tranches_bruteforce`` gives, for every feasible offer, its best tranches and levels per
scenario and the probabilities it induces, from the spec alone; each analysis is checked
against it on small random problems (some with shifts). Value of information and the
frontier: ``test_tranches_voi_frontier.py``.
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


# ---- sensitivity -----------------------------------------------------------------------------


def with_value(spec, target: str, fn):
    """``spec`` with option ``c.o``'s values replaced by ``fn(values)`` (the test's own edit)."""
    import dataclasses

    cid, oid = target.split(".")
    cs = []
    for c in spec.commitments:
        if c.id == cid:
            opts = tuple(
                dataclasses.replace(o, value=fn(dict(o.value))) if o.id == oid else o
                for o in c.options
            )
            c = dataclasses.replace(c, options=opts)
        cs.append(c)
    return spec.replace(commitments=tuple(cs))


def input_at(spec, kind: str, target: str, theta: float):
    """``spec`` with one input at ``theta`` (the test's own edit, not validated: the enumeration
    reads the numbers): an option's value in a scenario (``c.o:s``), a scenario's probability
    (the others rescaled in proportion), a baseline, a shift's amount (``shifts[k]``)."""
    import dataclasses

    if kind == "value":
        target, sid = target.split(":")
        return with_value(spec, target, lambda vals: {**vals, sid: theta})
    if kind == "probability":
        p = next(s.probability for s in spec.scenarios if s.id == target)
        scen = tuple(
            dataclasses.replace(
                s, probability=theta if s.id == target else s.probability * (1 - theta) / (1 - p)
            )
            for s in spec.scenarios
        )
        return dataclasses.replace(spec, scenarios=scen)
    if kind == "baseline":
        scen = tuple(
            dataclasses.replace(s, baseline=theta) if s.id == target else s for s in spec.scenarios
        )
        return dataclasses.replace(spec, scenarios=scen)
    k = int(target.removeprefix("shifts[").removesuffix("]"))
    shifts = tuple(
        dataclasses.replace(sh, amount=theta) if i == k else sh for i, sh in enumerate(spec.shifts)
    )
    return dataclasses.replace(spec, shifts=shifts)


def best_offers(spec):
    found = offers(spec)
    top = max(v[0] for v in found.values())
    return top, {k for k, v in found.items() if v[0] >= top - 1e-6}, found


def applied(base: frozenset, change) -> frozenset:
    return (base | set(change["enter"])) - set(change["leave"])


SENSITIVITY_CASES = [
    *((seed, "highs") for seed in feasible_seeds(2, shifts=True) + feasible_seeds(1, shifts=False)),
    *((seed, s) for seed in feasible_seeds(1, shifts=True) for s in MIP_SOLVERS if s != "highs"),
]


@pytest.mark.parametrize(("seed", "solver"), SENSITIVITY_CASES)
def test_sensitivity_matches_enumeration(seed, solver):
    from optimizer.analysis.sensitivity import sensitivity

    spec = random_problem(seed)
    kinds = ("value", "probability", "baseline", "shift")
    rep = sensitivity(
        spec, solver=solver, kinds=kinds, sections=("tipping", "thresholds", "tornado")
    ).to_dict()
    top, tied, _ = best_offers(spec)
    base = frozenset(rep["package"])
    assert base in tied and rep["expected"] == pytest.approx(top, abs=1e-6)
    checked = 0
    kinds_seen = set()
    for t in rep["tipping_points"]:
        kinds_seen.add(t["kind"])

        def at(theta, t=t):
            return input_at(spec, t["kind"], t["target"], theta)

        for end, side, sign in ((t["lower"], "below", -1), (t["upper"], "above", 1)):
            d = 1e-3 * max(1.0, abs(end))
            inside = end - sign * d
            if (inside - t["base"]) * sign > 0:  # base offer still optimal just inside
                assert base in best_offers(at(inside))[1], (t, inside)
            if t[side] is not None:  # another offer strictly better just outside
                v, tie, f = best_offers(at(end + sign * d))
                assert base not in tie, (t, end)
                assert applied(base, t[side]) in tie
                checked += 1
    assert checked >= 1
    assert {"value", "probability", "baseline"} <= kinds_seen
    assert ("shift" in kinds_seen) == bool(spec.shifts)
    # tornado rows: the optimum and the base offer's value (tranches re-optimised) at each end
    for r in rep["tornado"]["rows"]:
        if r["kind"] != "value":
            continue
        target = r["input"].removesuffix(" value")
        for f, opt, mine in (
            (r["low"], r["value_low"], r["offer_value_low"]),
            (r["high"], r["value_high"], r["offer_value_high"]),
        ):
            sp = with_value(spec, target, lambda v, f=f: {k: f * x for k, x in v.items()})
            v, _, fo = best_offers(sp)
            assert opt == pytest.approx(v, abs=1e-6)
            assert mine == pytest.approx(fo[base][0], abs=1e-6)
    # what would it take: just past the change the option enters (or leaves) the optimal offer
    sids = [s.id for s in spec.scenarios]
    for w in rep["what_would_it_take"]:
        if w["change"] is None:
            continue
        for eps, now in ((-1e-3, w["chosen"]), (1e-3, not w["chosen"])):
            step = w["change"] * (1 + eps) if w["change"] else eps
            sp = with_value(
                spec, w["option"], lambda v, s=step: {k: v.get(k, 0.0) + s for k in sids}
            )
            _, tie, _ = best_offers(sp)
            has = [w["option"] in o for o in tie]
            assert any(h == now for h in has), (w, step, tie)


# ---- alternatives ----------------------------------------------------------------------------


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", feasible_seeds(6))
def test_alternatives_are_the_k_best_offers(seed, solver):
    spec = random_problem(seed)
    found = offers(spec)
    ranked = sorted((v[0] for v in found.values()), reverse=True)
    k = 4
    alts = optimizer.alternatives(spec, k, solver=solver)
    got = [a.expected for a in alts.alternatives]
    assert got == pytest.approx(ranked[:k], abs=1e-6)
    seen = set()
    for a in alts.alternatives:
        offer = offer_of(a.chosen)
        assert offer not in seen  # distinct offers, never the same offer re-tranched
        seen.add(offer)
        assert found[offer][0] == pytest.approx(a.expected, abs=1e-6)
        # its tranches: every scenario listed, each at the enumerated best level
        assert set(a.tranches) == {s.id for s in spec.scenarios}
        for sid, level in found[offer][1].items():
            assert a.by_scenario[sid] == pytest.approx(level, abs=1e-6)
    if len(ranked) < k:
        assert alts.stopped == "no more packages"


# ---- minimisation: the same problem with every value negated ---------------------------------


def negated(spec):
    """Every value, baseline and response value negated, minimised: the same optimal offers
    (and tranches), every value negated."""
    import dataclasses

    def neg(values):
        return {k: -float(v) for k, v in values.items()}

    cs = tuple(
        dataclasses.replace(
            c, options=tuple(dataclasses.replace(o, value=neg(o.value)) for o in c.options)
        )
        for c in spec.commitments
    )
    return spec.replace(
        sense="minimize",
        commitments=cs,
        scenarios=tuple(dataclasses.replace(s, baseline=-s.baseline) for s in spec.scenarios),
        responses=tuple(dataclasses.replace(r, value=neg(r.value)) for r in spec.responses),
    )


@pytest.mark.parametrize("seed", feasible_seeds(2, shifts=True))
def test_minimisation_mirrors_maximisation(seed):
    """Checked against enumeration above for maximisation; minimising the negated problem must
    give the mirrored figures (a value input's interval and takers flipped, capacities alike)."""
    from optimizer.analysis.scenarios import value_of_information
    from optimizer.analysis.sensitivity import sensitivity

    spec = random_problem(seed)
    kw = dict(kinds=("value", "capacity"), sections=("tipping", "thresholds"))
    up, down = sensitivity(spec, **kw), sensitivity(negated(spec), **kw)
    assert down.package == up.package and down.expected == pytest.approx(-up.expected)
    mirror = {t.target: t for t in down.tipping}
    for t in up.tipping:
        m = mirror[t.target]
        if t.kind == "value":
            assert (m.lower, m.upper) == pytest.approx((-t.upper, -t.lower), abs=1e-6)
            assert (m.below, m.above) == (t.above, t.below)
        else:
            assert (m.lower, m.upper) == pytest.approx((t.lower, t.upper), abs=1e-6)
            assert (m.below, m.above) == (t.below, t.above)
    changes = {w.option: w.change for w in down.thresholds}
    for w in up.thresholds:
        assert (changes[w.option] is None) == (w.change is None)
        if w.change is not None:
            assert changes[w.option] == pytest.approx(-w.change, abs=1e-6)
    a, b = value_of_information(spec), value_of_information(negated(spec))
    assert (b.ws, b.rp, b.eev) == pytest.approx((-a.ws, -a.rp, -a.eev), abs=1e-6)
    assert (b.evpi, b.vss) == pytest.approx((a.evpi, a.vss), abs=1e-6)
