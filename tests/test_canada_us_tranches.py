"""The flagship's conditional tranches: the trade deals are decided once the US has answered.

The four trade commitments (counter-tariffs, softwood, irritants, dairy) are ``stage = 2``:
deal terms that move no odds, re-optimised in each scenario. Checked from the console script's
JSON, against an enumeration of every scenario's tranches valued by the verifier (not the
solver), and against the same problem with the deals decided up front.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
from conftest import MIP_SOLVERS
from test_canada_us import DOC, NAME, SCENARIOS, induced

from optimizer.api import solve
from optimizer.solution import Choice, evaluate
from optimizer.spec import load

TRADE = ("counter_tariffs", "softwood", "irritants", "supply_management")
# the zero point of each deal: what the rupture gets
ZERO = dict(counter_tariffs="keep", softwood="litigate", irritants="keep", supply_management="keep")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def solve_json(*args: str) -> dict:
    out = cli("solve", NAME, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def tranche_options(d: dict) -> dict:
    """``{scenario: {commitment: option}}`` from a solve's JSON."""
    return {s: {t["commitment"]: t["option"] for t in ts} for s, ts in d["tranches"].items()}


class _Picked:
    def __init__(self, option: str):
        self.option = option


@pytest.fixture(scope="module")
def by_solver() -> dict:
    return {s: solve_json("--solver", s) for s in MIP_SOLVERS}


def test_the_trade_deals_and_only_they_are_tranches():
    staged = {c["id"] for c in DOC["commitments"] if c.get("stage", 1) == 2}
    assert staged == set(TRADE)
    # a tranche cannot move the odds: no shift is triggered by one
    assert not {sh["when"].partition(".")[0] for sh in DOC["shifts"]} & staged


def test_the_solve_shows_the_deals_decided_per_scenario(by_solver):
    """The card's section 8: the offer holds no trade deal; the counter-tariffs are dropped
    only in the new equilibrium, softwood is managed in the return to normal and the new
    equilibrium and litigated in the rupture, and the rupture gets no concession."""
    d = by_solver["highs"]
    assert d["status"] == "optimal" and d["verified"] is True
    assert not {c["commitment"] for c in d["chosen"]} & set(TRADE)
    t = tranche_options(d)
    assert set(t) == set(SCENARIOS) and all(set(v) == set(TRADE) for v in t.values())
    assert [s for s in SCENARIOS if t[s]["counter_tariffs"] == "drop"] == ["new_equilibrium"]
    assert t["status_quo_ante"]["softwood"] == t["new_equilibrium"]["softwood"] == "managed_trade"
    assert t["coercive_rupture"] == ZERO
    assert len({tuple(sorted(v.items())) for v in t.values()}) == 3  # three different answers


def test_highs_and_cbc_agree_on_the_offer_and_every_tranche(by_solver):
    if len(by_solver) < 2:
        pytest.skip("only one MIP solver installed")
    h, c = by_solver["highs"], by_solver["cbc"]
    assert c["status"] == "optimal" and c["verified"] is True
    assert c["objective"]["value"] == pytest.approx(h["objective"]["value"], rel=1e-7)
    assert {(x["commitment"], x["option"], x["start"]) for x in c["chosen"]} == {
        (x["commitment"], x["option"], x["start"]) for x in h["chosen"]
    }
    assert tranche_options(c) == tranche_options(h)


def test_the_decomposition_adds_up_with_tranches(by_solver):
    """Expected = value at the base odds + value of moving the odds, and the expected value is
    the induced probabilities (recomputed by hand from the file's shifts) times the levels."""
    d = by_solver["highs"]
    o = d["objective"]
    assert o["value_at_base_odds"] + o["value_of_moving_the_odds"] == pytest.approx(o["value"])
    base = {s["id"]: s["probability"]["mode"] for s in DOC["scenarios"]}
    assert o["value_at_base_odds"] == pytest.approx(
        sum(base[s] * v for s, v in o["by_scenario"].items())
    )
    p = induced({c["commitment"]: _Picked(c["option"]) for c in d["chosen"]})
    assert o["value"] == pytest.approx(sum(p[s] * v for s, v in o["by_scenario"].items()))


def test_each_scenarios_tranches_are_the_best_given_the_offer():
    """Enumerate the 16 combinations of trade options with the optimal offer fixed, valued and
    checked by the verifier: in each scenario the solver's level is the best feasible one."""
    spec = load(NAME)
    best = solve(spec)
    opts = {c.id: [o.id for o in c.options] for c in spec.commitments if c.id in TRADE}
    top = dict.fromkeys(SCENARIOS, float("-inf"))
    for combo in itertools.product(*(opts[c] for c in TRADE)):
        pick = [Choice(c, o, 2026) for c, o in zip(TRADE, combo, strict=True)]
        ev = evaluate(spec, best.chosen, best.responses, dict.fromkeys(SCENARIOS, pick))
        for s in SCENARIOS:
            if not any(s in v for v in ev.violations):
                top[s] = max(top[s], ev.by_scenario[s])
    assert best.by_scenario == pytest.approx(top, rel=1e-9)


def test_deciding_the_deals_later_is_worth_something():
    """The same problem with the four deals decided up front (stage 1): its optimum, valued as a
    package whose tranches are the same in every scenario, is feasible with tranches, so the
    tranche optimum is at least as good; here strictly better (the card's section 8)."""
    staged = solve(load(NAME))
    flat_spec = load(NAME, overrides=[f"commitments.{c}.stage=1" for c in TRADE])
    flat = solve(flat_spec)
    deals = [c for c in flat.chosen if c.commitment in TRADE]
    offer = [c for c in flat.chosen if c.commitment not in TRADE]
    ev = evaluate(load(NAME), offer, flat.responses, dict.fromkeys(SCENARIOS, deals))
    assert ev.feasible and ev.expected == pytest.approx(flat.expected, rel=1e-9)
    assert staged.expected > flat.expected + 0.5  # C$1.1B NPV at the point values


def test_forcing_a_deal_on_the_command_line_holds_in_every_scenario(by_solver):
    best = by_solver["highs"]["objective"]["value"]
    d = solve_json("--force", "counter_tariffs.drop")
    assert all(v["counter_tariffs"] == "drop" for v in tranche_options(d).values())
    assert d["objective"]["value"] < best
    d = solve_json("--forbid", "softwood.managed_trade")
    assert all(v["softwood"] == "litigate" for v in tranche_options(d).values())
    assert d["objective"]["value"] < best
    # the dairy concession needs C-202 amended, which this Parliament will not do
    out = cli("solve", NAME, "--force", "supply_management.trq_concession", "--format", "json")
    assert out.returncode == 3, out.stderr
