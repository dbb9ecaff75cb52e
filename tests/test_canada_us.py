"""The flagship problem ``canada-us-2025``: data, policy constraints, monotonicity, timing.

Every check recomputes what it needs from the problem's own option data (profiles, discounting,
resource use) with code written here, not with the engine's compile or verifier, and the derived
inputs are checked against figures published outside the project (canada_us_facts.md B0/B1, the
PBO's Hague-path costing).
"""

from __future__ import annotations

import itertools
import math

import pytest
from conftest import MIP_SOLVERS

from optimizer.api import solve
from optimizer.errors import InfeasibleError
from optimizer.solution import evaluate
from optimizer.spec import load

NAME = "canada-us-2025"
YEARS = list(range(2026, 2036))
# Nominal GDP path, C$B (canada_us_facts.md B0, derived from the government's and PBO's ratios)
GDP = dict(zip(YEARS, [3253, 3376, 3504, 3636, 3774, 3916, 4064, 4218, 4377, 4543], strict=True))
SCENARIOS = ("status_quo_ante", "new_equilibrium", "coercive_rupture")
THETA = {"status_quo_ante": 0.5, "new_equilibrium": 0.65, "coercive_rupture": 0.9}
V = {"status_quo_ante": 0.157, "new_equilibrium": 0.435, "coercive_rupture": 1.258}
# US-value points of the defence trajectory options (model card, section 4)
U_TRAJECTORY = {
    "by_2025": 4.0,
    "by_2027": 2.667,
    "by_2030": 1.333,
    "by_2032": 1.0,
    "to_2_5_by_2030": 3.0,
    "to_3_5_by_2035": 6.0,
    "to_3_5_by_2030": 7.0,
    "to_5_by_2035": 8.0,
}
# The model card's figures, from `optimizer solve canada-us-2025` and the two forced solves
CARD_OPTIMUM = 75.985
CARD_2027_MINUS_2030 = 1.798


@pytest.fixture(scope="module")
def spec():
    return load(NAME)


@pytest.fixture(scope="module")
def best(spec):
    return solve(spec, solver="highs")


# ---- independent arithmetic over the option data -------------------------------------------
def profile(amount, start: int, recurring: bool) -> list[float]:
    """Amount per horizon year for an option starting in ``start``."""
    k0 = start - YEARS[0]
    out = [0.0] * len(YEARS)
    if isinstance(amount, tuple):
        for k, v in enumerate(amount):
            if k0 + k < len(YEARS):
                out[k0 + k] = v
    elif recurring:
        out[k0:] = [amount] * (len(YEARS) - k0)
    else:
        out[k0] = amount
    return out


def option_pv(spec, commitment: str, option: str, start: int) -> dict[str, float]:
    """Discounted value of one option by scenario, from its data."""
    o = spec.commitment(commitment).option(option)
    disc = [(1 + spec.discount_rate) ** -k for k in range(len(YEARS))]
    out = {}
    for s in SCENARIOS:
        prof = profile(o.value.get(s, 0.0), start, o.value_per_year)
        out[s] = sum(v * d for v, d in zip(prof, disc, strict=True))
    return out


def expected(spec, pv: dict[str, float]) -> float:
    return sum(sc.probability * pv[sc.id] for sc in spec.scenarios)


def package_ev(spec, chosen) -> float:
    return sum(expected(spec, option_pv(spec, c.commitment, c.option, c.start)) for c in chosen)


def use_by_year(spec, chosen, resource: str, sign: int = 0) -> list[float]:
    """Per-year use of a per-year resource; ``sign`` keeps only positive (1) or negative (-1)."""
    total = [0.0] * len(YEARS)
    for c in chosen:
        o = spec.commitment(c.commitment).option(c.option)
        if resource not in o.use:
            continue
        for k, v in enumerate(profile(o.use[resource], c.start, True)):
            if sign == 0 or v * sign > 0:
                total[k] += v
    return total


def fiscal_cap(spec) -> list[float]:
    return list(spec.resource("fiscal").capacity)


# ---- the problem and its optimum --------------------------------------------------------------
def test_problem_is_complete(spec):
    ids = {c.id for c in spec.commitments}
    assert {
        "defence_2pct",
        "defence_beyond",
        "norad",
        "golden_dome",
        "arctic",
        "caf",
        "border",
        "intel",
        "humint",
        "counter_tariffs",
        "softwood",
        "c202",
        "supply_management",
        "irritants",
        "engagement",
        "diversification",
    } <= ids
    assert spec.years == (2026, 2035) and spec.value_unit
    assert [s.id for s in spec.scenarios] == list(SCENARIOS)
    assert [s.probability for s in spec.scenarios] == [0.08, 0.80, 0.12]
    assert spec.commitment("humint").option("establish").start == (2026, 2030)
    assert set(spec.commitment("golden_dome").options[i].id for i in range(3)) == {
        "decline",
        "limited",
        "full",
    }
    # every commitment, option, scenario, resource and relation says where its numbers come from
    for c in spec.commitments:
        assert c.source, c.id
        for o in c.options:
            assert o.source, f"{c.id}.{o.id}"
    for x in (*spec.scenarios, *spec.resources, *spec.relations):
        assert x.source


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_solves_to_the_same_optimum(spec, best, solver):
    sol = solve(spec, solver=solver)
    assert sol.status == "optimal" and sol.verified
    assert sol.expected == pytest.approx(best.expected, rel=1e-6)
    # the engine's objective equals the package's value recomputed here from the option data
    assert package_ev(spec, sol.chosen) == pytest.approx(sol.expected, rel=1e-9)
    assert round(sol.expected, 3) == CARD_OPTIMUM


def test_solution_respects_every_policy_constraint(spec, best):
    chosen = best.chosen
    picked = {c.commitment: c.option for c in chosen}
    assert evaluate(spec, chosen).feasible
    # defence envelope: capability allocations fit inside the room the trajectory buys, every year
    provided = [-x for x in use_by_year(spec, chosen, "defence_envelope", sign=-1)]
    allocated = use_by_year(spec, chosen, "defence_envelope", sign=1)
    assert any(a > 0 for a in allocated)
    for year, a, p in zip(YEARS, allocated, provided, strict=True):
        assert a <= p + 1e-9, year
    # fiscal room per year, political capital in total
    for year, u, cap in zip(
        YEARS, use_by_year(spec, chosen, "fiscal"), fiscal_cap(spec), strict=True
    ):
        assert u <= cap + 1e-9, year
    political = sum(
        spec.commitment(c.commitment).option(c.option).use.get("political", 0.0) for c in chosen
    )
    assert political <= spec.resource("political").capacity[0] + 1e-9
    # NATO 2% floor; supply management only with C-202 amended; Golden Dome only with NORAD
    assert picked["defence_2pct"] != "hold_137"
    if picked.get("supply_management") == "trq_concession":
        assert picked.get("c202") == "amend"
    if picked.get("golden_dome") in ("limited", "full"):
        assert picked.get("norad") == "accelerated"
    # "won't be for sale": not both the full Golden Dome buy-in and deep border integration
    assert not (picked.get("golden_dome") == "full" and picked.get("border") == "deep_integration")
    # the HUMINT service starts inside its window
    for c in chosen:
        if c.commitment == "humint":
            assert 2026 <= c.start <= 2030


def test_policy_relations_are_in_the_spec(spec):
    rel = {r.label(): r for r in spec.relations}
    assert rel["C-202 legal barrier"].a.option == "trq_concession"
    assert str(rel["C-202 legal barrier"].b) == "c202.amend"
    gd = [r for r in spec.relations if r.type == "requires" and r.a.commitment == "golden_dome"]
    assert {r.a.option for r in gd} == {"limited", "full"}
    assert all(str(r.b) == "norad.accelerated" for r in gd)
    assert rel["NATO 2% floor"].type == "at_least" and rel["won't be for sale"].type == "excludes"


# ---- derived inputs against figures published outside the project ----------------------------
def test_defence_costs_follow_the_gdp_path(spec):
    ms = spec.commitment("defence_2pct")
    for option, reach in (
        ("by_2025", 2025),
        ("by_2027", 2027),
        ("by_2030", 2030),
        ("by_2032", 2032),
    ):
        want = [0.0063 * min(1.0, (t - 2024) / (reach - 2024)) * GDP[t] for t in YEARS]
        got = ms.option(option).use["fiscal"]
        assert got == pytest.approx(want, abs=0.006), option
    by = spec.commitment("defence_beyond")
    ramps = {
        "to_2_5_by_2030": (0.005, 2030),
        "to_3_5_by_2035": (0.015, 2035),
        "to_3_5_by_2030": (0.015, 2030),
        "to_5_by_2035": (0.030, 2035),
    }
    for option, (extra, reach) in ramps.items():
        want = [extra * min(1.0, (t - 2025) / (reach - 2025)) * GDP[t] for t in YEARS]
        assert by.option(option).use["fiscal"] == pytest.approx(want, abs=0.006), option
    # canada_us_facts.md B1 D1: ten-year totals 160 / 337 / 479 / 673
    totals = {o: sum(by.option(o).use["fiscal"]) for o in ramps}
    assert totals == pytest.approx(
        {"to_2_5_by_2030": 160, "to_3_5_by_2035": 337, "to_3_5_by_2030": 479, "to_5_by_2035": 673},
        abs=1.0,
    )
    # PBO: the Hague path costs C$68B more than 2% in 2035-36 and about C$33.5B a year on average
    hague = by.option("to_3_5_by_2035").use["fiscal"]
    assert hague[-1] == pytest.approx(68, abs=0.5)
    assert sum(hague) / 10 == pytest.approx(33.5, abs=0.5)
    # Golden Dome at Trump's price: US$61B x 1.36 = C$83B
    assert sum(spec.commitment("golden_dome").option("full").use["defence_envelope"]) == (
        pytest.approx(61 * 1.36, abs=0.2)
    )


def test_per_point_values_follow_the_b3_rule():
    """The B3 logit shift, as a secant over 35 US-value points with P(S3) floored at 0.05."""
    u_ref, k3, k1 = 35, 0.03, 0.015
    l3 = math.log(0.12 / 0.80) - k3 * u_ref
    l1 = math.log(0.08 / 0.80) + k1 * u_ref
    z = 1 + math.exp(l1) + math.exp(l3)
    p1, p2, p3 = math.exp(l1) / z, 1 / z, math.exp(l3) / z
    if p3 < 0.05:
        p1, p3 = p1 * 0.95 / (p1 + p2), 0.05
    gdp_ref, u_max = GDP[2030], 60
    v1 = 0.0025 / u_max * gdp_ref
    coop = 0.5 * (38.6 / 20 * 60 / 40) / u_max
    v2 = 0.005 / u_max * gdp_ref + coop + (p1 - 0.08) / u_ref / 0.80 * 0.0125 * gdp_ref
    v3 = (0.12 - p3) / u_ref / 0.12 * 0.020 * gdp_ref
    assert [v1, v2, v3] == pytest.approx([V[s] for s in SCENARIOS], abs=6e-4)


def test_trajectory_values_and_envelope_room(spec):
    """value = u x V(s) - (1 - theta(s)) x cost; room = 23% (2% step) or 50% (past 2%) of cost."""
    for cid, alpha in (("defence_2pct", 0.23), ("defence_beyond", 0.5)):
        for o in spec.commitment(cid).options:
            if "fiscal" not in o.use:
                assert not o.value
                continue
            cost = o.use["fiscal"]
            assert o.use["defence_envelope"] == pytest.approx([-alpha * c for c in cost], abs=6e-4)
            for s in SCENARIOS:
                want = [U_TRAJECTORY[o.id] * V[s] - (1 - THETA[s]) * c for c in cost]
                assert o.value[s] == pytest.approx(want, abs=2e-3), (o.id, s)


def test_no_double_counting(spec):
    """Capabilities draw envelope room and no fiscal room; only the trajectory provides room."""
    for c in spec.commitments:
        for o in c.options:
            env = o.use.get("defence_envelope")
            if env is None:
                continue
            env = env if isinstance(env, tuple) else (env,)
            if any(x > 0 for x in env):
                assert all(x >= 0 for x in env) and "fiscal" not in o.use, f"{c.id}.{o.id}"
            else:
                assert c.id in ("defence_2pct", "defence_beyond"), f"{c.id}.{o.id}"


# ---- monotonicity -------------------------------------------------------------------------------
def test_more_fiscal_room_never_lowers_the_optimum(spec):
    factors = (0.4, 0.5, 0.75, 0.9, 1.0, 1.5, 2.0)
    values = [solve(spec.scaled_capacity("fiscal", f)).expected for f in factors]
    for lo, hi in itertools.pairwise(values):
        assert hi >= lo - 1e-7 * max(1.0, abs(lo))
    # the room binds when it is tight: below 90% of it, 2% in FY2025-26 no longer fits
    assert values[0] < values[factors.index(1.0)] - 1.0


def test_forcing_an_option_never_raises_the_optimum(spec, best):
    infeasible = set()
    for c in spec.commitments:
        for o in c.options:
            member = f"{c.id}.{o.id}"
            try:
                sol = solve(spec.force(member))
            except InfeasibleError:
                infeasible.add(member)
                continue
            assert sol.is_chosen(member)
            assert sol.expected <= best.expected + 1e-7 * max(1.0, abs(best.expected)), member
    # expected from the data alone: holding at 1.37% breaks the NATO floor, and a trajectory past
    # 2% is infeasible when even the slowest 2% milestone plus it exceeds the fiscal room some year
    cap = fiscal_cap(spec)
    slowest = [
        min(
            o.use["fiscal"][k] for o in spec.commitment("defence_2pct").options if "fiscal" in o.use
        )
        for k in range(len(YEARS))
    ]
    over = {
        f"defence_beyond.{o.id}"
        for o in spec.commitment("defence_beyond").options
        if "fiscal" in o.use
        and any(slowest[k] + o.use["fiscal"][k] > cap[k] for k in range(len(YEARS)))
    }
    assert over == {"defence_beyond.to_3_5_by_2030", "defence_beyond.to_5_by_2035"}
    assert infeasible == {"defence_2pct.hold_137"} | over
    assert len(infeasible) == 3


# ---- the year 2% is reached: 2027 versus 2030 ---------------------------------------------------
def test_2pct_by_2027_versus_by_2030(spec, best):
    fast = solve(spec.force("defence_2pct.by_2027"))
    slow = solve(spec.force("defence_2pct.by_2030"))
    assert fast.expected < best.expected and slow.expected < best.expected
    # the two packages differ only in the milestone and in when limited Golden Dome starts:
    # the slower ramp buys too little envelope room in 2026-2027 for NORAD + Golden Dome
    diff = {str(c) for c in fast.chosen} ^ {str(c) for c in slow.chosen}
    assert diff == {
        "defence_2pct.by_2027@2026",
        "defence_2pct.by_2030@2026",
        "golden_dome.limited@2026",
        "golden_dome.limited@2028",
    }

    def ev(commitment, option, start):
        return expected(spec, option_pv(spec, commitment, option, start))

    milestone = ev("defence_2pct", "by_2027", 2026) - ev("defence_2pct", "by_2030", 2026)
    golden_dome = ev("golden_dome", "limited", 2026) - ev("golden_dome", "limited", 2028)
    assert fast.expected - slow.expected == pytest.approx(milestone + golden_dome, rel=1e-9)
    assert round(milestone + golden_dome, 3) == CARD_2027_MINUS_2030
    # the card's decomposition of the milestone term: extra cost net of own-security value,
    # against the extra US value of the faster ramp
    disc = [(1 + spec.discount_rate) ** -k for k in range(len(YEARS))]
    ms = spec.commitment("defence_2pct")
    extra_cost = sum(
        (a - b) * d
        for a, b, d in zip(
            ms.option("by_2027").use["fiscal"],
            ms.option("by_2030").use["fiscal"],
            disc,
            strict=True,
        )
    )
    p = {s.id: s.probability for s in spec.scenarios}
    net_cost = extra_cost * sum(p[s] * (1 - THETA[s]) for s in SCENARIOS)
    us_value = (
        (U_TRAJECTORY["by_2027"] - U_TRAJECTORY["by_2030"])
        * sum(p[s] * V[s] for s in SCENARIOS)
        * sum(disc)
    )
    assert milestone == pytest.approx(us_value - net_cost, abs=5e-3)
    assert round(extra_cost, 1) == 27.4 and round(golden_dome, 2) == 5.03
