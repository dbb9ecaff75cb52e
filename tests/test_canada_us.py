"""The flagship problem ``canada-us-2025``: outcome levels, the package moving the odds, policy
constraints, monotonicity, and the inputs' sources and ranges.

Checks recompute what they need from the problem file itself (its TOML, read here with
``tomllib``: point values, profiles, shifts) rather than from the engine's compile or verifier.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import MIP_SOLVERS

from optimizer.api import solve
from optimizer.errors import InfeasibleError
from optimizer.solution import Choice, evaluate
from optimizer.spec import load

NAME = "canada-us-2025"
ROOT = Path(__file__).resolve().parents[1] / "problems"
YEARS = list(range(2026, 2036))
SCENARIOS = ("status_quo_ante", "new_equilibrium", "coercive_rupture")
HAGUE = ("hague_linear", "hague_front_loaded", "five_core")
DOC = tomllib.loads((ROOT / "canada_us_2025.toml").read_text())


@pytest.fixture(scope="module")
def spec():
    return load(NAME)


@pytest.fixture(scope="module")
def best(spec):
    return solve(spec, solver="highs")


def point(x):
    """The number ``solve`` uses for an input written as a number or a distribution."""
    if isinstance(x, dict):
        return x.get("point", x.get("mode", x.get("median", x.get("mean"))))
    return x


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


# ---- robustness: Monte Carlo and the tornado run on the bundled file ----------------------------
def test_no_draw_can_move_a_probability_out_of_0_1():
    """The shifts are shares of P(from): a draw scales what they move with the probability it
    draws, so every draw keeps every probability in [0, 1] when, for each scenario, the shares
    out of it (at the top of their ranges) sum to at most 1 in every package. Checked by
    enumerating the options of the commitments that carry shifts under the relations among them
    alone (a superset of the packages the whole problem allows)."""
    import itertools

    cids = list(dict.fromkeys(sh["when"].partition(".")[0] for sh in DOC["shifts"]))
    opts = {c["id"]: [o["id"] for o in c.get("options", [c])] for c in DOC["commitments"]}
    rels = [
        r
        for r in DOC["relations"]
        if all(
            m.partition(".")[0] in cids
            for m in [*r.get("members", []), r.get("a"), r.get("b")]
            if m
        )
    ]
    assert any(r["type"] == "excludes" for r in rels)  # the relations do narrow the packages

    def has(pkg, m):
        c, _, o = m.partition(".")
        return pkg.get(c) is not None and (not o or pkg[c] == o)

    def allowed(pkg):
        for r in rels:
            k = sum(has(pkg, m) for m in r.get("members", []))
            if r["type"] == "requires" and has(pkg, r["a"]) and not has(pkg, r["b"]):
                return False
            if r["type"] == "excludes" and k > 1:
                return False
            if r["type"] == "at_least" and k < r["count"]:
                return False
            if r["type"] == "at_most" and k > r["count"]:
                return False
        return True

    worst = dict.fromkeys(SCENARIOS, 0.0)
    for combo in itertools.product(*[[None, *opts[c]] for c in cids]):
        pkg = dict(zip(cids, combo, strict=True))
        if not allowed(pkg):
            continue
        out = dict.fromkeys(SCENARIOS, 0.0)
        for sh in DOC["shifts"]:
            if has(pkg, sh["when"]):
                out[sh["from"]] += sh["share"]["high"]
        worst = {s: max(worst[s], out[s]) for s in SCENARIOS}
    assert all(v <= 1.0 for v in worst.values()), worst
    assert worst["coercive_rupture"] > 0.9  # the credibility's top end is where it binds


def test_montecarlo_runs_on_the_bundled_file():
    cmd = ["montecarlo", NAME, "-n", "4", "--seed", "1", "--format", "json"]
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *cmd],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["draws_done"] == 4 and d["verification"]["every_draw_rechecked"]
    paths = {i["path"] for i in d["inputs"]}
    assert {"scenarios[2].baseline", "shifts[0].share"} <= paths  # sampled, not fixed
    core = {(c["commitment"], c["option"]): c["core_index"] for c in d["core_index"]}
    assert core[("defence_path", "hague_linear")] == 1.0  # the Hague floor: some path always
    assert "induced by each package" in d["probabilities"]


def test_sensitivity_tornado_on_shifts_and_baselines_runs(spec, best):
    from optimizer.analysis.sensitivity import sensitivity

    rep = sensitivity(spec, kinds=("shift", "baseline"), sections=("tornado",))
    rows = {r.input: r for r in rep.tornado if r.kind in ("shift", "baseline")}
    shifts = [r for r in rows.values() if r.kind == "shift"]
    assert len(shifts) == len(DOC["shifts"]) and any("baseline" in r for r in rows)
    for r in rows.values():  # the point value lies between the two ends' optima (maximize)
        assert max(r.value_low, r.value_high) >= best.expected - 1e-6 * abs(best.expected)
    # each end is the optimum of the file with that share (a solve of the rebuilt problem):
    # Golden Dome's share at -20% and +20%
    gd = next(r for r in shifts if "golden_dome.limited" in r.input)
    share = point(DOC["shifts"][5]["share"])
    assert DOC["shifts"][5]["when"] == "golden_dome.limited"
    for f, v in ((0.8, gd.value_low), (1.2, gd.value_high)):
        at = solve(load(NAME, overrides=[f"shifts[5].share={share * f}"]))
        assert v == pytest.approx(at.expected, rel=1e-7)
    assert gd.value_high > gd.value_low  # a larger shift out of the rupture is worth more
    # the new equilibrium's tariff loss swings the expected value most (it carries p ~ 0.83)
    top = max(rows.values(), key=lambda r: r.swing)
    assert "new_equilibrium" in top.input and top.kind == "baseline"
