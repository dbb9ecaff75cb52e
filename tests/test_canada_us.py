"""The flagship problem ``canada-us-2025``: outcome levels, the package moving the odds, policy
constraints, monotonicity, and the inputs' sources and ranges. (Monte Carlo and the tornado on
the bundled file: ``test_canada_us_robustness.py``.)

Checks recompute what they need from the problem file itself (its TOML, read here with
``tomllib``: point values, profiles, shifts) rather than from the engine's compile or verifier.
"""

from __future__ import annotations

import itertools
import re

import pytest
from _helpers_canada import DOC, HAGUE, NAME, ROOT, SCENARIOS, YEARS, point
from conftest import MIP_SOLVERS

from optimizer.api import solve
from optimizer.errors import InfeasibleError
from optimizer.solution import Choice, evaluate
from optimizer.spec import load


@pytest.fixture(scope="module")
def spec():
    return load(NAME)


@pytest.fixture(scope="module")
def best(spec):
    return solve(spec, solver="highs")


def options():
    for c in DOC["commitments"]:
        for o in c.get("options", [c]):
            yield c, o


def option(cid, oid):
    return next(o for c, o in options() if c["id"] == cid and o.get("id", "yes") == oid)


def per_year(amount, start):
    """An amount's yearly profile over the horizon for an option starting in ``start``."""
    k0 = start - YEARS[0]
    out = [0.0] * len(YEARS)
    if isinstance(amount, list):
        for k, v in enumerate(amount):
            if k0 + k < len(YEARS):
                out[k0 + k] = point(v)
    else:
        out[k0:] = [point(amount)] * (len(YEARS) - k0)
    return out


def picked(sol):
    return {c.commitment: c for c in sol.chosen}


def packages(sol) -> dict:
    """Each scenario's whole package: the offer and that scenario's conditional tranches."""
    return {s: {**picked(sol), **{c.commitment: c for c in sol.tranches[s]}} for s in SCENARIOS}


def taken(sol, member: str) -> bool:
    """``member`` is in the offer, or (a tranche) in every scenario's tranches."""
    cid, _, oid = member.partition(".")
    return all(cid in p and (not oid or p[cid].option == oid) for p in packages(sol).values())


def induced(chosen: dict) -> dict:
    """p(x) from the file's base probabilities and [[shifts]], by hand."""
    p = {s["id"]: point(s["probability"]) for s in DOC["scenarios"]}
    base = dict(p)
    for sh in DOC["shifts"]:
        cid, _, oid = sh["when"].partition(".")
        if cid in chosen and (not oid or chosen[cid].option == oid):
            moved = point(sh["share"]) * base[sh["from"]]  # a share of the base P(from)
            p[sh["from"]] -= moved
            p[sh["to"]] += moved
    return p


# ---- the file: every input sourced or judgment-tagged, every judgment with a range -------------
def test_every_input_is_sourced_and_every_judgment_has_a_range(spec):
    assert spec.years == (2026, 2035) and [s.id for s in spec.scenarios] == list(SCENARIOS)
    for c, o in options():
        assert c.get("source") and (o is c or o.get("source")), (c["id"], o.get("id"))
    for key in ("scenarios", "resources", "relations", "shifts"):
        for x in DOC[key]:
            assert x.get("source"), (key, x.get("id", x.get("when")))
    # judgment numbers are distributions: every option value entry, probability, political
    # capacity; derived costs (fiscal use of the defence path) are plain numbers
    for c, o in options():
        v = o.get("value", {})
        for s, by in ({"all": v} if "dist" in v else v).items():
            for x in by if isinstance(by, list) else [by]:
                assert isinstance(x, dict) or x == 0, (c["id"], o.get("id"), s)
    # every use is a judgment with a range, except the defence path's fiscal cost (derived from
    # the GDP path and the PBO costing) and the 0/1 of the zero options
    for c, o in options():
        for res, amount in o.get("use", {}).items():
            if c["id"] == "defence_path" and res == "fiscal":
                continue
            for x in amount if isinstance(amount, list) else [amount]:
                assert isinstance(x, dict) or x == 0, (c["id"], o.get("id"), res)
    for s in DOC["scenarios"]:
        assert s["probability"]["dist"] == "triangular"
        assert s["baseline"]["dist"] == "triangular"
        assert re.search(r"range -?\d+ to -?\d+", s["description"]), s["id"]  # baseline range
    for r in DOC["resources"]:
        if r["id"].startswith("pc_"):
            assert isinstance(r["capacity"], dict) and "dist" in r["capacity"]
    for sh in DOC["shifts"]:
        assert "judgment" in sh["source"] and sh["share"]["dist"] == "triangular"
        m = re.search(r"share range ([\d.]+)-([\d.]+)", sh["description"])
        assert (float(m[1]), float(m[2])) == (sh["share"]["low"], sh["share"]["high"])
    assert len(spec.uncertain) > 100


def test_trust_in_a_us_promise_is_explicit_in_every_shift():
    """Each share is 'raw points / P(from) x credibility' (or Canada's own risk), and says so in
    numbers."""
    base = {s["id"]: point(s["probability"]) for s in DOC["scenarios"]}
    for sh in DOC["shifts"]:
        m = re.search(
            r"moved = ([\d.]+) points / P\(\w+\) ([\d.]+) x ([\d.]+) credibility",
            sh["description"],
        )
        if m:
            raw, p, cred = float(m[1]), float(m[2]), float(m[3])
            assert p == base[sh["from"]]
            assert raw / p * cred == pytest.approx(point(sh["share"]), abs=1e-4)
            assert cred == 0.5 and sh["share"]["group"] == "credibility_odds"
        else:
            assert "Canada's own risk" in sh["description"], sh["when"]


def test_zero_point_is_late_2025_and_no_option_lies_in_the_past(spec):
    assert spec.first_year == 2026
    for c in spec.commitments:
        for o in c.options:
            assert o.start is None or o.start[0] >= 2026
    # no defence path cuts spending below the 2% reached in FY2025-26
    for o in spec.commitment("defence_path").options:
        assert all(x >= 0 for x in o.use.get("fiscal", (0.0,)))
    # the zero package (floor lifted) is worth exactly the baselines in every scenario
    free = load(NAME, overrides=["relations.hague_floor.count=0"])
    zero = {
        k: [
            Choice(c.id, c.options[0].id, 2026)
            for c in free.commitments
            if c.required and c.stage == k
        ]
        for k in (1, 2)
    }
    assert zero[2]  # the trade deals are tranches: their zero options in every scenario
    ev = evaluate(free, zero[1], tranches=dict.fromkeys(SCENARIOS, zero[2]))
    assert ev.feasible
    assert ev.by_scenario == {s.id: s.baseline for s in free.scenarios}


def test_one_ledger_per_mechanism(spec):
    # capability lines spend the path's dollars: they draw envelope room, never fiscal room
    for cid in ("norad", "golden_dome", "arctic_joint", "submarines", "caf"):
        for o in spec.commitment(cid).options:
            assert "fiscal" not in o.use, (cid, o.id)
    # the path pays for them: it draws fiscal room and provides envelope room
    for oid in HAGUE:
        o = spec.commitment("defence_path").option(oid)
        assert all(x < 0 for x in o.use["defence_envelope"]) and all(x > 0 for x in o.use["fiscal"])
    # US value enters only through shifts, each (member, from, to) once; trade deals move no odds
    keys = [(s["when"], s["from"], s["to"]) for s in DOC["shifts"]]
    assert len(keys) == len(set(keys))
    trade = {c["id"] for c in DOC["commitments"] if c.get("group") == "trade"}
    assert not {k[0].split(".")[0] for k in keys} & trade


# ---- the optimum ---------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_highs_equals_cbc(best, spec, solver):
    sol = solve(spec, solver=solver)
    assert sol.status == "optimal" and sol.verified
    assert sol.expected == pytest.approx(best.expected, rel=1e-7)
    assert {str(c) for c in sol.chosen} == {str(c) for c in best.chosen}
    assert {s: set(map(str, t)) for s, t in sol.tranches.items()} == {
        s: set(map(str, t)) for s, t in best.tranches.items()
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_stated_constraint_holds_in_the_optimum(spec, best, scenario):
    """In each scenario, the offer with that scenario's tranches (resources recomputed from the
    file: a resource a tranche uses binds in every scenario, with its tranches)."""
    p = packages(best)[scenario]
    assert evaluate(spec, best.chosen, best.responses, best.tranches).feasible
    assert p["defence_path"].option in HAGUE  # the Hague floor
    assert "c202" not in p and p["supply_management"].option == "keep"  # minority Parliament
    if p["golden_dome"].option != "decline":
        assert p["norad"].option == "accelerated"
    assert not (p["golden_dome"].option == "full" and p["border"].option == "deep_integration")
    if "ratchet_offer" in p:
        assert p["defence_path"].option == "hague_linear"
    # resources recomputed from the file's point values
    for res in DOC["resources"]:
        use = [0.0] * len(YEARS)
        for cid, ch in p.items():
            amount = option(cid, ch.option).get("use", {}).get(res["id"])
            if amount is not None:
                prof = per_year(amount, ch.start)
                use = [a + b for a, b in zip(use, prof, strict=True)]
        if res["kind"] == "total":
            total = sum(
                point(option(c, ch.option).get("use", {}).get(res["id"], 0)) for c, ch in p.items()
            )
            assert total <= point(res["capacity"]) + 1e-9, res["id"]
        else:
            cap = res["capacity"]
            for k, t in enumerate(YEARS):
                limit = (
                    point(cap[str(t)])
                    if isinstance(cap, dict) and "dist" not in cap
                    else point(cap)
                )
                assert use[k] <= limit + 1e-9, (res["id"], t)


def test_the_package_moves_the_odds_as_the_shifts_say(best):
    p = induced(picked(best))
    assert best.probabilities == pytest.approx(p)
    assert p["coercive_rupture"] < 0.12


def test_value_decomposition_adds_up(spec, best):
    odds = best.odds()
    assert odds["value_at_base_odds"] + odds["value_of_moving_the_odds"] == pytest.approx(
        best.expected
    )
    base = {s.id: s.probability for s in spec.scenarios}
    assert odds["value_at_base_odds"] == pytest.approx(
        sum(base[s] * v for s, v in best.by_scenario.items())
    )
    p = induced(picked(best))
    assert best.expected == pytest.approx(sum(p[s] * v for s, v in best.by_scenario.items()))
    assert odds["value_of_moving_the_odds"] > 0


def test_worst_scenario_is_the_one_with_the_worst_baseline(spec, best):
    worst_baseline = min(spec.scenarios, key=lambda s: s.baseline).id
    assert worst_baseline == "coercive_rupture"
    packages = [best]
    for m in (
        "golden_dome.full",
        "defence_path.five_core",
        "border.deep_integration",
        "ratchet_offer",
        "defence_path.hague_front_loaded",
        "submarines.none",
    ):
        try:
            packages.append(solve(spec.force(m)))
        except InfeasibleError:
            continue
    assert len(packages) >= 4
    for sol in packages:
        assert min(sol.by_scenario, key=sol.by_scenario.get) == worst_baseline


def test_more_fiscal_room_never_lowers_the_optimum(spec):
    values = []
    for f in (0.85, 0.9, 1.0, 1.1, 1.5, 2.0):
        try:
            values.append(solve(spec.scaled_capacity("fiscal", f)).expected)
        except InfeasibleError:
            values.append(float("-inf"))
    for lo, hi in itertools.pairwise(values):
        assert hi >= lo - 1e-7 * max(1.0, abs(lo))
    assert values[0] == float("-inf")  # below the Hague path's own cost (~88%), the floor fails
    assert values[1] > float("-inf")


def test_forcing_an_option_never_raises_the_optimum(spec, best):
    tol = 1e-7 * abs(best.expected)
    for c in spec.commitments:
        for o in c.options:
            member = f"{c.id}.{o.id}"
            try:
                sol = solve(spec.force(member))
            except InfeasibleError:
                continue
            assert taken(sol, member) and sol.expected <= best.expected + tol, member


def test_the_hague_floor_is_a_binding_constraint(best):
    free = solve(load(NAME, overrides=["relations.hague_floor.count=0"]))
    assert free.expected > best.expected
    assert picked(free)["defence_path"].option not in HAGUE


def test_the_card_reports_this_optimum(best):
    card = (ROOT / "canada_us_2025.md").read_text()
    odds = best.odds()
    for x in (best.expected, odds["value_at_base_odds"], odds["value_of_moving_the_odds"]):
        assert f"{x:,.1f}" in card
    for c in [*best.chosen, *(t for ts in best.tranches.values() for t in ts)]:
        assert f"`{c.commitment}.{c.option}`" in card


def test_the_file_is_what_the_builder_writes():
    """The TOML is generated: editing a data module without rebuilding is caught here."""
    from problems.canada_us_2025_build import emit

    assert emit() == (ROOT / "canada_us_2025.toml").read_text()
