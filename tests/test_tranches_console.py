"""The console analyses on the bundled problem with conditional tranches
(problems/conditional_tranche.toml), run as subprocesses with ``--format json`` parsed.

Known answers from the problem's own page (conditional_tranche.md, worked by hand there): the
optimal offer is ``defence.by_2027`` (expected -70.8 B$), with the full Golden Dome tranche and
dairy in the new equilibrium only; ``border`` alone is -78.25 decided without tranches.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

EXAMPLE = "problems/conditional_tranche.toml"
OFFER = ["defence.by_2027"]


def run_json(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    return json.loads(out.stdout)


def test_montecarlo_counts_offers():
    d = run_json(
        "montecarlo",
        EXAMPLE,
        "-n",
        "30",
        "--set",
        'commitments[2].options[0].value.new_equilibrium={dist="uniform",low=0,high=40}',
    )
    assert d["draws_done"] == 30
    assert "offers" in d["tranches"]
    # the core index lists the offer's options only, never a per-scenario tranche copy
    listed = {c["commitment"] for c in d["core_index"]}
    assert listed == {"defence", "border"}
    base = next(p for p in d["packages"] if p["is_base"])
    assert base["choices"] == OFFER
    # at the point value (20 B$ instead of 24) the early target is still the offer, and no
    # draw's optimum is below the point-value offer's value in that draw
    assert d["optimal_value"]["mean"] >= d["base_package"]["value"]["mean"] - 1e-9


def test_sensitivity_names_offers():
    d = run_json("sensitivity", EXAMPLE)
    assert d["package"] == OFFER
    assert d["expected"] == pytest.approx(-70.8, abs=1e-9)
    assert "offers" in d["method"]
    assert d["lp_relaxation"]["shadow_prices"] == []
    assert any("shadow prices" in n for n in d["notes"])
    # by hand, each offer with its best tranches per scenario (new equilibrium: golden_dome.full
    # needs defence.by_2027; partial + dairy +8 fit beside any offer but by_2027 + border):
    # border alone: p = .30/.35/.35, levels -164/-64/-11 -> -75.45 (the second best offer);
    # by_2030 + border: p = .26/.39/.35, levels -172/-72/-19 -> -79.45 (by_2030 alone -80.75).
    # An option's value changed by d in every scenario moves each offer holding it by d.
    w = {t["option"]: t for t in d["what_would_it_take"]}
    assert w["defence.by_2027"]["chosen"] is True
    assert w["defence.by_2027"]["change"] == pytest.approx(-(75.45 - 70.8), abs=1e-9)
    assert w["border.yes"]["change"] == pytest.approx(75.45 - 70.8, abs=1e-9)
    assert w["border.yes"]["package"] == {"enter": ["border.yes"], "leave": OFFER}
    assert w["defence.by_2030"]["change"] == pytest.approx(79.45 - 70.8, abs=1e-9)
    # the capacity: by_2027 needs 10 points with golden_dome.full in the new equilibrium; at
    # 9 it is worth -77.45 (partial + dairy instead), below border alone's -75.45; from 13
    # border fits beside it (-68.95, test_frontier_walks_offers_and_tranches)
    cap = next(t for t in d["tipping_points"] if t["kind"] == "capacity")
    assert (cap["lower"], cap["upper"]) == pytest.approx((10.0, 13.0))
    assert cap["below"] == {"enter": ["border.yes"], "leave": OFFER}
    assert cap["above"] == {"enter": ["border.yes"], "leave": []}
    rows = {r["input"]: r for r in d["tornado"]["rows"]}
    # a probability's row: the offer stays, so its value is the optimum at both ends
    r = rows["P(rupture)"]
    assert r["offer_value_low"] == pytest.approx(r["value_low"])
    assert r["offer_value_high"] == pytest.approx(r["value_high"])


def test_report_shows_the_offer_and_its_tranches(tmp_path):
    out = tmp_path / "r.md"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "report",
            EXAMPLE,
            "-o",
            str(out),
            "--montecarlo",
            "20",
            "--set",
            'commitments[2].options[0].value.new_equilibrium={dist="uniform",low=10,high=38}',
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    text = out.read_text()
    assert "could not be computed" not in text and "could not be drawn" not in text
    assert "not available" not in text  # every section is defined with tranches
    # the offer, then each scenario's tranches (conditional_tranche.md)
    block = text.split("Conditional tranches of the recommended offer, by scenario")[1]
    lines = block.strip().split("\n\n")[1].splitlines()[2:]  # the table's body
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in lines}
    assert rows["new_equilibrium"] == "golden_dome.full, dairy.yes"
    assert rows["rupture"] == "none" and rows["tariffs_stay"] == "none"
    assert "| defence | by_2027 |" in text
    for title in (
        "## Sensitivity",
        "## Monte Carlo",
        "offer at low",
        "Packages are offers",
        "Each offer's best conditional tranches",
        "## Efficient frontier",
        "EVPI",
    ):
        assert title in text


def test_alternatives_are_offers_with_their_tranches():
    d = run_json("alternatives", EXAMPLE, "-k", "4")
    alts = d["alternatives"]
    # by hand (see test_sensitivity_names_offers): the next offers are border (-75.45),
    # defence.by_2027 + border (p .20/.35/.45, levels -180/-80/-27: -76.15) and nothing
    # (p .30/.45/.25, levels -160/-60/-7: -76.75); none of them can join Golden Dome fully
    assert [a["expected"] for a in alts] == pytest.approx([-70.8, -75.45, -76.15, -76.75])
    offers = [sorted(c["commitment"] + "." + c["option"] for c in a["chosen"]) for a in alts]
    assert offers == [OFFER, ["border.yes"], ["border.yes", "defence.by_2027"], []]
    first = {
        s: [c["commitment"] + "." + c["option"] for c in cs]
        for s, cs in alts[0]["tranches"].items()
    }
    assert first == {
        "rupture": [],
        "tariffs_stay": [],
        "new_equilibrium": ["golden_dome.full", "dairy.yes"],
    }
    for a in alts[1:]:
        assert sorted(
            c["commitment"] + "." + c["option"] for c in a["tranches"]["new_equilibrium"]
        ) == [
            "dairy.yes",
            "golden_dome.partial",
        ]


def test_scenarios_value_of_information_with_tranches():
    d = run_json("scenarios", EXAMPLE)
    # by hand: each scenario's best level knowing it -- rupture and tariffs_stay: offer nothing,
    # take nothing (-160, -60); new_equilibrium: defence.by_2027 with golden_dome.full and
    # dairy, -15 - 16 + 24 + 3 = -4. WS at the odds the RP offer induces (.20/.45/.35): -60.4.
    # The mean scenario values full at -2.7, partial -1.6, dairy -3.75: no tranche, so its
    # offer is nothing, worth -76.75 with its tranches re-optimised per scenario (see above).
    best = {s["id"]: s["best"] for s in d["scenarios"]}
    assert best == pytest.approx(
        {"rupture": -160.0, "tariffs_stay": -60.0, "new_equilibrium": -4.0}
    )
    assert d["rp"] == pytest.approx(-70.8)
    assert d["ws"] == pytest.approx(-60.4)
    assert d["eev"] == pytest.approx(-76.75)
    assert d["evpi"] == pytest.approx(10.4)
    assert d["vss"] == pytest.approx(5.95)
    assert d["ev_package"] == [] and "offers" in d["tranches"]


def test_frontier_walks_offers_and_tranches():
    d = run_json("frontier", EXAMPLE, "--resource", "political_capital", "--range", "0.5,1.5")
    # by hand, the capacity each policy needs in its most demanding scenario:
    # 7 points: border + partial + dairy (-75.45); 10: defence.by_2027 + full (-71.85);
    # 12: + dairy (-70.8); 13: + border, partial + dairy instead of full (-68.95);
    # 15: by_2027 + border + full + dairy (p .20/.35/.45: -180/-80/-3 -> -67.6)
    caps = [b["capacity"][0]["capacity"] for b in d["breakpoints"]]
    values = [b["expected_above"] for b in d["breakpoints"]]
    assert caps == pytest.approx([7, 10, 12, 13, 15])
    assert values == pytest.approx([-75.45, -71.85, -70.8, -68.95, -67.6])
    at_one = next(s for s in d["segments"] if s["lower"] <= 1.0 < s["upper"])
    assert at_one["package"] == OFFER and at_one["expected"] == pytest.approx(-70.8)
    # a breakpoint may change the tranches alone: the offer stays at 12 points
    twelve = d["breakpoints"][2]
    assert twelve["enter"] == ["dairy.yes in new_equilibrium"] and twelve["leave"] == []
    # the Pareto front of the offer's own use: its top is the optimum at base capacity (the
    # offer defence.by_2027, 5 points), its end the empty offer (0 points)
    front = d["use_front"]["points"]
    assert (front[0]["measure"], front[0]["expected"]) == (5, pytest.approx(-70.8))
    assert front[-1]["measure"] == 0 and any("offer's own" in n for n in d["notes"])
