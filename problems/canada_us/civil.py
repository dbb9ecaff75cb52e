"""Non-defence commitments of ``canada-us-2025``: border, intelligence, trade concessions (their
own ledger: relief inside a scenario under a signed deal), engagement, diversification, and
the conditional ratchet offer."""

from __future__ import annotations

from .common import CRED_DEAL, GDP, SCEN, SRC, YEARS, r, scaled, tri
from .odds import LOSS
from .structure import EXTRA_NPV, RATCHET_VALUE

PER_YEAR = "value per year from the start (value_per_year)"


def yearly(vals: dict, group: str) -> dict:
    """Per-scenario yearly values as judgments ``{s: (mode, low, high)}``."""
    return {s: tri(*v, f"{group}_{s}") for s, v in vals.items()}


def pc(**k):
    return {f"pc_{n}": tri(v, max(0, v - 2), v + 2) for n, v in k.items()}


def deal(relief: float, cost: float) -> float:
    return r(CRED_DEAL * relief - cost)


BORDER = dict(
    id="border",
    name="Border-security package",
    group="security",
    required=True,
    description="Outside the defence envelope; draws on fiscal room. The Dec 2024 plan and Budget "
    "2025's CBSA/RCMP hires are the zero point.",
    source=f"{SRC['juneau']}; {SRC['border']}",
    options=[
        dict(id="existing", name="Existing (Dec 2024 plan + Budget 2025)", source=SRC["border"]),
        dict(
            id="enhanced",
            name="Enhanced: joint fentanyl task forces, exit controls, more CBSA",
            value_per_year=True,
            use=dict(fiscal=tri(0.5, 0.3, 0.8, "cost_border_enh"), **pc(sovereignty=2)),
            value=yearly({s: (-0.25, -0.55, 0.0) for s in SCEN}, "border_enh"),
            source="C$0.5B/yr (0.3-0.8, judgment, B1 D6b) less a domestic enforcement benefit of about "
            f"half of it: net -0.25/yr, range -0.55 to 0 (judgment); {PER_YEAR}",
        ),
        dict(
            id="deep_integration",
            name="Deep integration: shared entry/exit data, joint strike force",
            value_per_year=True,
            use=dict(fiscal=tri(1.0, 0.7, 1.5, "cost_border_deep"), **pc(sovereignty=5, quebec=1)),
            value=yearly(
                {
                    "status_quo_ante": (-0.5, -0.9, -0.2),
                    "new_equilibrium": (-0.5, -0.9, -0.2),
                    "coercive_rupture": (-2.0, -3.0, -1.0),
                },
                "border_deep",
            ),
            source="C$1.0B/yr (0.7-1.5, B1 D6c) less a domestic benefit of 0.5; in a rupture shared data is "
            f"US leverage, -2.0/yr (judgment); {PER_YEAR}",
        ),
    ],
)
INTEL = [0.1, 0.15] + [0.2] * 8
HUMINT = [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
RAMP = [0, 0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]


def _intel_value(cost, own, tag, ramp=None):
    ramp = ramp or [1] * 10
    return {
        s: [
            tri(own[s][0] * f - c, own[s][1] * f - c, own[s][2] * f - c, f"{tag}_{s}")
            if own[s][0] * f - c or own[s][2] * f - c
            else 0.0
            for c, f in zip(cost, ramp, strict=True)
        ]
        for s in SCEN
    }


OWN_EXPAND = {
    "status_quo_ante": (0.05, 0.0, 0.1),
    "new_equilibrium": (0.15, 0.05, 0.3),
    "coercive_rupture": (0.4, 0.2, 0.8),
}
OWN_HUMINT = {
    "status_quo_ante": (0.1, 0.0, 0.3),
    "new_equilibrium": (0.4, 0.1, 0.8),
    "coercive_rupture": (1.5, 0.5, 2.5),
}
INTELLIGENCE = dict(
    id="intel",
    name="Foreign intelligence",
    group="security",
    required=True,
    description="Own ledger only: a hedge against reduced US sharing (no US value credited).",
    source=f"{SRC['juneau']}; {SRC['humint']}",
    options=[
        dict(id="status_quo", name="Status quo", source="B1 D7a"),
        dict(
            id="expand",
            name="Expand CSIS abroad, CSE, GAC and open-source collection",
            use=dict(fiscal=scaled(INTEL, 1.0, 0.7, 1.5, "cost_intel")),
            value=_intel_value(INTEL, OWN_EXPAND, "intel_expand"),
            source="cost B1 D7b, range x0.7-1.5; hedge value per year by scenario (judgment)",
        ),
        dict(
            id="humint_service",
            name="Establish a small foreign HUMINT service",
            start=[2026, 2030],
            use=dict(fiscal=scaled(HUMINT, 1.0, 0.5, 2.0, "cost_humint"), **pc(sovereignty=1)),
            value=_intel_value(HUMINT, OWN_HUMINT, "humint", RAMP),
            source=f"build-up cost B1 D7c, range x0.5-2.0, no published estimate; 5-10 years to build ({SRC['humint']}); "
            "hedge value ramping in over years 5-8 (judgment)",
        ),
    ],
)
DEAL = (
    f"trade ledger: relief inside the scenario under a signed deal x {CRED_DEAL} credibility "
    "(judgment, range 0.4-0.9) less Canada's cost; no effect on the odds"
)
TRADE = [
    dict(
        id="counter_tariffs",
        stage=2,
        name="Counter-tariffs on US steel, aluminum and autos",
        group="trade",
        required=True,
        source=SRC["counter"],
        description="Most counter-tariffs were lifted in September 2025 (zero point); these remain.",
        options=[
            dict(id="keep", name="Keep", source=SRC["counter"]),
            dict(
                id="drop",
                name="Drop them for a s.232 quota deal",
                value_per_year=True,
                use=dict(fiscal=tri(1.0, 0.5, 1.5, "cost_counter"), **pc(ontario=3, sovereignty=1)),
                value=yearly(
                    {
                        "status_quo_ante": (-0.2, -0.5, 0.0),
                        "new_equilibrium": (deal(2.0, 1.0), deal(1.0, 1.5), deal(3.0, 0.5)),
                        "coercive_rupture": (-1.0, -1.5, -0.5),
                    },
                    "counter",
                ),
                source=f"{DEAL}: s.232 relief C$2.0B/yr (1.0-3.0) on metals in the new equilibrium, "
                f"counter-tariff revenue C$1.0B/yr (0.5-1.5) (judgment, B1 D8b); {PER_YEAR}",
            ),
        ],
    ),
    dict(
        id="softwood",
        stage=2,
        name="Softwood lumber",
        group="trade",
        required=True,
        source=SRC["softwood"],
        description="AD/CVD about 35% plus 10% s.232 since 2025-10-14.",
        options=[
            dict(id="litigate", name="Litigate (status quo)", source=SRC["softwood"]),
            dict(
                id="managed_trade",
                name="Managed-trade deal (quota or export charge)",
                value_per_year=True,
                use=dict(fiscal=tri(0.55, 0.3, 0.8, "cost_softwood"), **pc(west=3, quebec=2)),
                value=yearly(
                    {
                        "status_quo_ante": (0.2, 0.0, 0.5),
                        "new_equilibrium": (deal(1.5, 0.55), deal(0.8, 0.8), deal(2.5, 0.3)),
                        "coercive_rupture": (-0.55, -0.8, -0.3),
                    },
                    "softwood",
                ),
                source=f"{DEAL}: duty relief C$1.5B/yr (0.8-2.5), producer losses C$0.55B/yr (B1 D8c "
                f"0.3-0.8) (judgment); {PER_YEAR}",
            ),
        ],
    ),
    dict(
        id="irritants",
        stage=2,
        name="Other trade irritants",
        group="trade",
        required=True,
        source=f"{SRC['facts']} A6, B1 D8e",
        description="Online streaming and news acts, procurement rules. (The digital services tax "
        "was rescinded in June 2025: zero point.)",
        options=[
            dict(id="keep", name="Keep", source="B1 D8e"),
            dict(
                id="concede",
                name="Concede on other irritants",
                value_per_year=True,
                use=dict(
                    fiscal=tri(0.3, 0.1, 0.5, "cost_irritants"), **pc(quebec=2, sovereignty=2)
                ),
                value=yearly(
                    {
                        "status_quo_ante": (-0.3, -0.5, -0.1),
                        "new_equilibrium": (deal(0.5, 0.3), deal(0.2, 0.5), deal(1.0, 0.1)),
                        "coercive_rupture": (-0.3, -0.5, -0.1),
                    },
                    "irritants",
                ),
                source=f"{DEAL}: relief C$0.5B/yr (0.2-1.0), cost C$0.3B/yr (B1 D8e 0.1-0.5) "
                f"(judgment); {PER_YEAR}",
            ),
        ],
    ),
    dict(
        id="c202",
        name="Amend C-202 (supply management protection act)",
        group="trade",
        description="C-202 bars raising TRQs or cutting over-quota tariffs on dairy, poultry and "
        "eggs; it passed unanimously, so in this minority Parliament no party would carry an "
        "amendment (relation commons_c202).",
        source=SRC["c202"],
        options=[
            dict(
                id="amend",
                name="Amend or repeal C-202",
                use=pc(quebec=6, sovereignty=2),
                source=f"{SRC['c202']}; political points judgment",
            )
        ],
    ),
    dict(
        id="supply_management",
        stage=2,
        name="Supply management (dairy, poultry, eggs)",
        group="trade",
        required=True,
        source=SRC["c202"],
        description="A TRQ concession; needs C-202 amended.",
        options=[
            dict(id="keep", name="Keep protections", source=SRC["c202"]),
            dict(
                id="trq_concession",
                name="TRQ concession to the US",
                value_per_year=True,
                use=dict(fiscal=tri(0.45, 0.3, 0.6, "cost_dairy"), **pc(quebec=3)),
                value=yearly(
                    {
                        "status_quo_ante": (-0.45, -0.6, -0.3),
                        "new_equilibrium": (deal(2.0, 0.45), deal(1.0, 0.6), deal(3.0, 0.3)),
                        "coercive_rupture": (-0.45, -0.6, -0.3),
                    },
                    "dairy",
                ),
                source=f"{DEAL}: relief C$2.0B/yr (1.0-3.0), compensation C$0.45B/yr (B1 D8d 0.3-0.6) "
                f"(judgment); {PER_YEAR}",
            ),
        ],
    ),
]
ENGAGEMENT = dict(
    id="engagement",
    name="Engagement strategy in the US",
    group="engagement",
    required=True,
    description="The 'donut' around the White House: Congress, agencies, states, business. Its "
    "effect (allies for the CUSMA review, and backfire risk) is in the odds ledger.",
    source=f"{SRC['juneau']}; {SRC['donut']}",
    options=[
        dict(id="federal_only", name="Federal-only engagement", source="B1 D9a"),
        dict(
            id="donut",
            name="Donut strategy",
            value_per_year=True,
            use=dict(fiscal=tri(0.075, 0.05, 0.1, "cost_donut")),
            value=tri(-0.075, -0.1, -0.05),
            source="C$0.05-0.1B/yr (B1 D9b; Ontario's ad about C$75M)",
        ),
    ],
)


def divers(share):
    return {
        s: [
            tri(
                share[0] * f * LOSS[s] * GDP[t] - c,
                share[1] * f * LOSS[s] * GDP[t] - c,
                share[2] * f * LOSS[s] * GDP[t] - c,
                f"divers_{s}",
            )
            for t, f, c in ((t, (t - 2025) / 10, share[3]) for t in YEARS)
        ]
        for s in SCEN
    }


DIVERSIFICATION = dict(
    id="diversification",
    name="Diversification toward Europe and the Indo-Pacific",
    group="engagement",
    required=True,
    source=f"{SRC['juneau']} ('the ceiling ... is low'); {SRC['facts']} B1 D10",
    description="Own ledger: cuts the scenario's tariff loss by a share rising linearly to its "
    "full size by 2035.",
    options=[
        dict(id="none", name="None", source="B1 D10a"),
        dict(
            id="moderate",
            name="Moderate: EU/Asia FTAs, European and Korean procurement",
            use=dict(fiscal=tri(0.2, 0.1, 0.4, "cost_divers_moderate")),
            value=divers((0.05, 0.02, 0.08, 0.2)),
            source="C$0.2B/yr (0.1-0.4); loss cut 5% by 2035 (2-8%, judgment, B1 D10's 5-15%)",
        ),
        dict(
            id="strong",
            name="Strong: EU defence-industrial integration, trade corridors",
            use=dict(fiscal=tri(1.0, 0.5, 1.5, "cost_divers_strong")),
            value=divers((0.10, 0.05, 0.15, 1.0)),
            source="C$1.0B/yr (0.5-1.5); loss cut 10% by 2035 (5-15%, judgment)",
        ),
    ],
)
RATCHET = dict(
    id="ratchet_offer",
    name="Conditional ratchet: 3.5% by 2030 once tariffs are relieved",
    group="sequencing",
    description="Offered now on top of the Hague path and paid exactly in the scenarios where the "
    "US relieved tariffs (return to normal, new equilibrium); never in the rupture. Paying is "
    "forced by the offer, not decided later, so its cost is in this option's value per scenario: "
    f"-(1 - theta(s)) x NPV of the extra spending of the front-loaded path (C${EXTRA_NPV:.1f}B) "
    "where relieved, 0 in the rupture (exactly what a stage-2 'paid' response forced by the "
    "offer would give). Its yearly spending is not checked against the fiscal room, since it "
    "is paid in some scenarios only (a limit of the model).",
    source=f"{SRC['juneau']} ('as a starting point to hopefully ratchet the rhetoric down'); "
    "cost [D] from the two Hague paths; theta judgment",
    use=pc(sovereignty=1),
    value=RATCHET_VALUE,
)
COMMITMENTS = [BORDER, INTELLIGENCE, *TRADE, ENGAGEMENT, DIVERSIFICATION, RATCHET]
