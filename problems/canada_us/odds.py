"""Scenarios of ``canada-us-2025`` as outcome levels (baselines: each scenario's tariff loss) and
the package's effect on their odds (``[[shifts]]``): the one ledger where US value enters."""

from __future__ import annotations

from .common import CRED_ODDS, CRED_ODDS_RANGE, GDP_NPV, SHORT, SRC, r, tri

# Tariff loss of each scenario, share of GDP each year 2026-2035 vs a no-tariff path [S ranges]
LOSS = {"status_quo_ante": 0.0025, "new_equilibrium": 0.015, "coercive_rupture": 0.035}
LOSS_RANGE = {
    "status_quo_ante": (0.0, 0.005),
    "new_equilibrium": (0.010, 0.020),
    "coercive_rupture": (0.026, 0.050),
}
P = {"status_quo_ante": 0.08, "new_equilibrium": 0.80, "coercive_rupture": 0.12}
P_RANGE = {
    "status_quo_ante": (0.03, 0.20),
    "new_equilibrium": (0.60, 0.90),
    "coercive_rupture": (0.05, 0.25),
}


def baseline(s: str) -> float:
    return r(-LOSS[s] * GDP_NPV, 1)


def _blurb(s: str) -> str:
    lo, hi = LOSS_RANGE[s]
    return (
        f"baseline = -{LOSS[s]:.2%} of GDP each year x NPV of the GDP path (C${GDP_NPV:,.0f}B) = "
        f"{baseline(s)} C$B; range {-hi * GDP_NPV:.0f} to {-lo * GDP_NPV + 0.0:.0f} "
        f"({lo:.1%}-{hi:.1%} of GDP, canada_us_facts.md B2), a triangular distribution"
    )


def baseline_dist(s: str) -> dict:
    lo, hi = LOSS_RANGE[s]
    return tri(baseline(s), r(-hi * GDP_NPV, 1), r(-lo * GDP_NPV, 1))


SCENARIOS = [
    dict(
        id="status_quo_ante",
        name="Return to the pre-2025 status quo",
        description="CUSMA extended, s.232 tariffs largely lifted, normal alliance relations. "
        + _blurb("status_quo_ante"),
        source=f"Juneau: 'unlikely' ({SRC['juneau']}); the BoC's open-trade scenario has "
        f"'vanished' ({SRC['boc']}); probability and loss are judgment (canada_us_facts.md B2)",
    ),
    dict(
        id="new_equilibrium",
        name="A new, less advantageous equilibrium",
        description="Amended CUSMA or annual reviews, sectoral tariffs partly persist, "
        "transactional security ties. " + _blurb("new_equilibrium"),
        source=f"Juneau: 'by far the most likely' ({SRC['juneau']}); {SRC['bmo']}; Budget 2025: "
        f"real GDP 1.8% below the pre-tariff forecast by 2027 ({SRC['budget']}); probability "
        "judgment (canada_us_facts.md B2)",
    ),
    dict(
        id="coercive_rupture",
        name="Coercive rupture",
        description="CUSMA withdrawal or 25-35% broad tariffs, security ties weaponized, "
        "annexation rhetoric backed by economic force. Probability range 0.05-0.25 (canada_us_facts.md "
        "B2). " + _blurb("coercive_rupture"),
        source=f"Juneau: 'low-probability, high-impact' ({SRC['juneau']}); {SRC['tombe']}; "
        f"{SRC['bmo']}; BoC: growth 2.5 pp lower in year 1 ({SRC['boc']}); probability and the "
        "central 3.5% are judgment (canada_us_facts.md B2)",
    ),
]
for s in SCENARIOS:
    s["description"] = s.pop("name") + ". " + s["description"]
    s["probability"] = tri(P[s["id"]], *P_RANGE[s["id"]])
    s["baseline"] = baseline_dist(s["id"])

R, NE, SQA = "coercive_rupture", "new_equilibrium", "status_quo_ante"
CRED_TEXT = (
    f"x {CRED_ODDS} credibility (judgment: the share of what the administration's word would "
    "deliver that is expected to hold; one triangular draw "
    f"{CRED_ODDS_RANGE[0]}-{CRED_ODDS}-{CRED_ODDS_RANGE[1]} shared by every credited shift, "
    "group credibility_odds)"
)
CRED_LO, CRED_HI = CRED_ODDS_RANGE


def _shift(when, frm, to, raw, why, *, own=None, source="judgment"):
    """A shift of ``raw`` points of probability at the base odds, written as a share of the
    probability of ``frm`` (proportional: a draw that lowers P(frm) lowers what the offer can
    move with it); ``own=(low, high)`` marks Canada's own risk (no credibility discount)."""
    base = P[frm]
    if own is None:
        share = {
            "dist": "triangular",
            "low": r(raw / base * CRED_LO, 4),
            "mode": r(raw / base * CRED_ODDS, 4),
            "high": r(raw / base * CRED_HI, 4),
            "group": "credibility_odds",
        }
        how = f"{raw} points / P({SHORT[frm]}) {base} {CRED_TEXT}"
    else:
        share = {
            "dist": "triangular",
            "low": r(own[0] / base, 4),
            "mode": r(raw / base, 4),
            "high": r(own[1] / base, 4),
        }
        how = (
            f"{raw} points (range {own[0]}-{own[1]}) / P({SHORT[frm]}) {base} (Canada's own "
            "risk: no credibility discount)"
        )
    rng = f"share range {share['low']}-{share['high']}"
    desc = (
        f"{why} Share of P({SHORT[frm]}) moved = {how} = {share['mode']} (at the base odds "
        f"{r(share['mode'] * base, 4)} points); {rng} (judgment)."
    )
    return {
        "when": when,
        "from": frm,
        "to": to,
        "share": share,
        "description": desc,
        "source": source,
    }


WIN = "the headline defence share is the 'win' Juneau proposes to give Trump in exchange for tariff relief"
SHIFTS = [
    _shift(
        "defence_path.hague_linear",
        R,
        NE,
        0.03,
        f"The endorsed Hague path, delivered on a published annual plan: {WIN}; small, because "
        "the endorsement is already in the base odds and the US asked for 5%.",
        source=f"judgment; {SRC['juneau']}; {SRC['hague']}",
    ),
    _shift(
        "defence_path.hague_front_loaded",
        R,
        NE,
        0.06,
        "3.5% core by 2030, five years early: a visible win within this administration's "
        "term, where the linear path puts most of the money after 2029.",
        source=f"judgment; {SRC['juneau']} ('rapidly ramp up'); {SRC['msnbc']} ('be bold')",
    ),
    _shift(
        "defence_path.five_core",
        R,
        NE,
        0.08,
        "Trump's literal 5% read as core defence: the largest win on offer.",
        source=f"judgment; {SRC['msnbc']} (Trump's 5%)",
    ),
    _shift(
        "defence_path.five_core",
        NE,
        SQA,
        0.02,
        "Meeting the literal ask also improves the chance of a return to normal trade.",
    ),
    _shift(
        "ratchet_offer",
        R,
        NE,
        0.02,
        "A conditional ratchet ('3.5% by 2030 once tariffs are relieved'): Juneau's 'starting "
        "point' to ratchet down the rhetoric; worth less to the US than money paid upfront "
        "(raw, the front-loaded path moves 0.03 more than the linear one; this moves 0.02).",
        source=f"judgment; {SRC['juneau']} ('as a starting point')",
    ),
    _shift(
        "golden_dome.limited",
        R,
        NE,
        0.03,
        "Participation in Golden Dome through NORAD answers a named US ask; credited for the "
        "ask, not for its dollars (they are the defence path's, already credited).",
        source=f"judgment; {SRC['juneau']} ('discuss its participation'); {SRC['gd_price']}",
    ),
    _shift(
        "golden_dome.full",
        R,
        NE,
        0.06,
        "Paying Trump's price for Golden Dome: the ask met in full.",
        source=f"judgment; {SRC['gd_price']}",
    ),
    _shift(
        "golden_dome.full",
        NE,
        SQA,
        0.02,
        "Paying the full price also improves the chance of a return to normal trade.",
    ),
    _shift(
        "arctic_joint",
        R,
        NE,
        0.02,
        "Joint US-Canada Arctic work answers the administration's stated Arctic interest.",
        source=f"judgment; {SRC['msnbc']} ('collaborate on Arctic security')",
    ),
    _shift(
        "border.enhanced",
        R,
        NE,
        0.02,
        "Border security was the stated ground of the 2025 IEEPA tariffs; an enhanced package "
        "removes the pretext.",
        source=f"judgment; {SRC['juneau']}; {SRC['border']}",
    ),
    _shift(
        "border.deep_integration",
        R,
        NE,
        0.04,
        "Deep integration (shared entry/exit data, joint strike force) removes it further.",
        source=f"judgment; {SRC['juneau']}",
    ),
    _shift(
        "engagement.donut",
        NE,
        SQA,
        0.02,
        "The donut strategy (Congress, governors, business) builds allies for the July 2026 "
        "CUSMA review.",
        source=f"judgment; {SRC['juneau']}; {SRC['donut']}",
    ),
    _shift(
        "engagement.donut",
        NE,
        R,
        0.005,
        "Backfire: Ontario's Reagan ad led Trump to terminate talks and add 10% (Oct 2025).",
        own=(0.001, 0.015),
        source=f"judgment; {SRC['donut']}",
    ),
    _shift(
        "diversification.strong",
        NE,
        R,
        0.005,
        "EU defence-industrial integration is a US irritant (slight).",
        own=(0.001, 0.015),
        source=f"judgment; {SRC['facts']} B1 D10c (US value -2)",
    ),
]
