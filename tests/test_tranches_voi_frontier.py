"""Value of information (WS, EEV, VSS, EVPI) and the capacity frontier of problems with
conditional tranches, against the enumeration of ``test_tranches_bruteforce`` (offers with
their tranches re-optimised per scenario, from the spec alone), on small random problems.
"""

from __future__ import annotations

import math

import pytest
from conftest import MIP_SOLVERS
from test_tranches_analyses import applied, best_offers, feasible_seeds, offer_of, offers
from test_tranches_bruteforce import enumerate_packages, random_problem

# ---- scenarios: WS, EEV, VSS, EVPI -----------------------------------------------------------


def scenario_alone(spec, s):
    """``s`` certain, without shifts (the enumeration reads values by scenario id)."""
    import dataclasses

    return dataclasses.replace(
        spec, scenarios=(dataclasses.replace(s, probability=1.0),), shifts=()
    )


def mean_problem(spec):
    """One scenario ``mean``: every by-scenario number replaced by its mean at the base odds."""
    import dataclasses

    p = {s.id: s.probability for s in spec.scenarios}

    def mean(values):
        return {"mean": sum(p[k] * float(v) for k, v in values.items())}

    cs = tuple(
        dataclasses.replace(
            c, options=tuple(dataclasses.replace(o, value=mean(o.value)) for o in c.options)
        )
        for c in spec.commitments
    )
    base = sum(p[s.id] * s.baseline for s in spec.scenarios)
    return dataclasses.replace(
        spec,
        scenarios=(
            dataclasses.replace(spec.scenarios[0], id="mean", probability=1.0, baseline=base),
        ),
        commitments=cs,
        responses=tuple(dataclasses.replace(r, value=mean(r.value)) for r in spec.responses),
        shifts=(),
    )


def vss_seeds(k: int) -> list[int]:
    """Seeds whose mean-scenario offers all fall short of the optimum, by enumeration alone
    (VSS > 0: the EEV check then has something to find)."""
    out = []
    for seed in range(200):
        spec = random_problem(seed)
        found = offers(spec)
        if not found:
            continue
        mean = {offer_of(pk): lv["mean"] for pk, _, lv, _ in enumerate_packages(mean_problem(spec))}
        top = max(mean.values())
        rp = max(x[0] for x in found.values())
        ev = [found[o][0] if o in found else -math.inf for o, m in mean.items() if m >= top - 1e-6]
        if rp - max(ev) > 1e-3:
            out.append(seed)
        if len(out) == k:
            return out
    return out


VSS_SEEDS = vss_seeds(3)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", feasible_seeds(3) + VSS_SEEDS)
def test_value_of_information_matches_enumeration(seed, solver):
    from optimizer.analysis.scenarios import value_of_information

    spec = random_problem(seed)
    found = offers(spec)
    v = value_of_information(spec, solver=solver)
    rp = max(x[0] for x in found.values())
    assert v.rp == pytest.approx(rp, abs=1e-6)
    x_star = offer_of(v.rp_package.chosen)
    assert found[x_star][0] == pytest.approx(rp, abs=1e-6)
    best = {}
    for s in spec.scenarios:
        levels = [lv[s.id] for _, _, lv, _ in enumerate_packages(scenario_alone(spec, s))]
        best[s.id] = max(levels)
        assert v.best[s.id] == pytest.approx(best[s.id], abs=1e-6)
    p_star = found[x_star][2]
    ws = sum(p_star[s] * best[s] for s in best)
    assert v.ws == pytest.approx(ws, abs=1e-6)
    # the EV offer: best in the mean scenario (ties allowed); EEV: its tranches per scenario
    mean = {offer_of(pk): lv["mean"] for pk, _, lv, _ in enumerate_packages(mean_problem(spec))}
    ev = offer_of(v.ev_package.chosen)
    assert mean[ev] == pytest.approx(max(mean.values()), abs=1e-6)
    eev = found[ev][0] if ev in found else -math.inf
    assert v.eev == pytest.approx(eev, abs=1e-6)
    assert v.evpi == pytest.approx(ws - rp, abs=1e-5)
    if seed in VSS_SEEDS:
        assert v.vss > 1e-3
    if math.isfinite(eev):
        assert v.vss == pytest.approx(rp - eev, abs=1e-5)
        for s, level in found[ev][1].items():  # by scenario: the EV offer's tranches re-optimised
            assert v.ev_package.by_scenario[s] == pytest.approx(level, abs=1e-6)


# ---- frontier --------------------------------------------------------------------------------


def with_capacity(spec, rid: str, cap: float):
    import dataclasses

    rs = tuple(
        dataclasses.replace(r, capacity=(cap,)) if r.id == rid else r for r in spec.resources
    )
    return dataclasses.replace(spec, resources=rs)


def optimum(spec) -> float | None:
    found = offers(spec)
    return max(v[0] for v in found.values()) if found else None


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("rid", ["cap", "own"])  # a resource tranches use, and one they do not
@pytest.mark.parametrize("seed", feasible_seeds(4))
def test_frontier_matches_enumeration(seed, rid, solver):
    from optimizer.analysis.frontier import capacity_frontier

    spec = random_problem(seed)
    c0 = spec.resource(rid).capacity[0]
    fr = capacity_frontier(spec, rid, lo=0.2, hi=2.0, steps=9, solver=solver)
    for p in fr.points:
        want = optimum(with_capacity(spec, rid, p.scale * c0))
        if want is None:
            assert p.expected is None
        else:
            assert p.expected == pytest.approx(want, abs=1e-6)
            # the offer named there is an optimal offer at that capacity
            found = offers(with_capacity(spec, rid, p.scale * c0))
            assert found[frozenset(p.package)][0] == pytest.approx(want, abs=1e-6)
    # uses are whole numbers, so the optimum can change only at a whole capacity: the
    # segments must give the enumerated optimum at every one in the range
    for cap in range(math.ceil(0.2 * c0), math.floor(2.0 * c0) + 1):
        f = cap / c0
        seg = [s for s in fr.segments if s.lower - 1e-9 <= f][-1]
        want = optimum(with_capacity(spec, rid, cap))
        assert (seg.expected is None) == (want is None)
        if want is not None:
            assert seg.expected == pytest.approx(want, abs=1e-6), (cap, fr.segments)
    assert fr.breakpoints or len(fr.segments) == 1
    for b in fr.breakpoints:  # the value steps exactly at the breakpoint
        at = optimum(with_capacity(spec, rid, b.scale * c0))
        below = optimum(with_capacity(spec, rid, b.scale * c0 - 1e-4))
        assert at == pytest.approx(b.expected_above, abs=1e-6)
        if b.expected_below is None:
            assert below is None
        else:
            assert below == pytest.approx(b.expected_below, abs=1e-6)
            assert b.expected_above > b.expected_below + 1e-9


@pytest.mark.parametrize("seed", feasible_seeds(5))
def test_capacity_tipping_points_match_enumeration(seed):
    """Uses are whole numbers, so the optimal offer can change only at a whole capacity: the
    base offer must be optimal at every whole capacity from lower up to upper (excluded when
    another offer takes over there: the reported end is the capacity at which it fits), and
    not just outside, where the reported offer takes over."""
    from optimizer.analysis.sensitivity import sensitivity

    spec = random_problem(seed)
    rep = sensitivity(spec, kinds=("capacity",), sections=("tipping",)).to_dict()
    base = frozenset(rep["package"])
    assert {t["target"] for t in rep["tipping_points"]} == {"cap", "own"}
    for t in rep["tipping_points"]:
        rid = t["target"]
        top = math.ceil(t["upper"] - 1e-6) if t["above"] else math.floor(t["upper"] + 1e-6) + 1
        for cap in range(math.ceil(t["lower"] - 1e-6), top):
            _, tie, _ = best_offers(with_capacity(spec, rid, cap))
            assert base in tie, (t, cap)
        if t["above"] is not None:
            _, tie, _ = best_offers(with_capacity(spec, rid, math.ceil(t["upper"] - 1e-6)))
            assert base not in tie and applied(base, t["above"]) in tie
        if t["below"] is not None or t["below_infeasible"]:
            below = math.ceil(t["lower"] - 1e-6) - 1
            found = offers(with_capacity(spec, rid, below))
            if t["below_infeasible"]:
                assert not found
            else:
                _, tie, _ = best_offers(with_capacity(spec, rid, below))
                assert base not in tie and applied(base, t["below"]) in tie
