"""Defence commitments of ``canada-us-2025``: the path above 2% of GDP (fiscal cost, own-security
value, envelope room) and the capability lines that are allocations inside that envelope."""

from __future__ import annotations

from .common import GDP, SCEN, SRC, YEARS, linear_to, r, scaled, tri

# Own-security value: share of defence money worth its cost to Canada whatever the US does
THETA = {
    "status_quo_ante": (0.5, 0.3, 0.7),
    "new_equilibrium": (0.65, 0.45, 0.8),
    "coercive_rupture": (0.9, 0.75, 1.0),
}
ALPHA = (0.5, 0.35, 0.65)  # share of the path's new money that funds the lines named here
PATHS = {
    "to_2_5_by_2030": linear_to(0.005, 2030),
    "hague_linear": linear_to(0.015, 2035),
    "hague_front_loaded": linear_to(0.015, 2030),
    "five_core": linear_to(0.030, 2035),
}


def net_cost_value(cost: list[float]) -> dict:
    """-(1 - theta(s)) x cost(t), theta judged per scenario (one draw per scenario)."""
    return {
        s: scaled(cost, -(1 - m), -(1 - lo), -(1 - hi), f"theta_{s}")
        for s, (m, lo, hi) in THETA.items()
    }


def margin_value(env: list[float], margins: dict, tag: str) -> dict:
    """Capability-specific own value relative to generic defence money: m(s) x envelope use."""
    return {s: scaled(env, *margins[s], f"margin_{tag}_{s}") for s in SCEN if s in margins}


def path_option(oid: str, name: str, sov: int, source: str) -> dict:
    cost = PATHS[oid]
    return dict(
        id=oid,
        name=name,
        source=source,
        use=dict(
            fiscal=cost,
            defence_envelope=scaled(cost, -ALPHA[0], -ALPHA[1], -ALPHA[2], "alpha"),
            pc_sovereignty=tri(sov, max(0, sov - 2), sov + 2),
        ),
        value=net_cost_value(cost),
    )


PATH_SRC = (
    "cost [D] = share above 2% rising linearly from 0 in 2025 to the target, x GDP(t) "
    f"(canada_us_facts.md B1 D1; the Hague path reproduces the PBO's C$68B in 2035-36, {SRC['pbo_hague']}); "
    "value = -(1 - theta(s)) x cost, theta = own-security share 0.5/0.65/0.9 (judgment); "
    "envelope room = 0.5 x cost (judgment: about half of Budget 2025's new defence money goes to "
    f"people, capabilities and digital lines, {SRC['budget_def']}); political: sovereignty points (judgment)"
)
DEFENCE_PATH = dict(
    id="defence_path",
    name="Core defence spending above 2% of GDP (NATO definition)",
    group="defence",
    required=True,
    description="The zero point is late 2025: 2% reached in FY2025-26 and held by Budget 2025 "
    "(C$81.8B over 5 years, which contains the campaign's C$13B over four years for submarines, "
    "icebreakers and other capabilities). Each option adds spending above 2% from 2026.",
    source=f"{SRC['two_pct']}; {SRC['budget_def']}; {SRC['hague']}; {PATH_SRC}",
    options=[
        dict(
            id="hold_2pct",
            name="Hold at 2% (Budget 2025 plan; the zero point)",
            source=f"{SRC['two_pct']}; {SRC['budget_def']}",
        ),
        path_option(
            "to_2_5_by_2030",
            "2.5% by 2030, then hold (Juneau's 'past 2.5%' read narrowly)",
            1,
            f"{SRC['juneau']}; cost [D]",
        ),
        path_option(
            "hague_linear",
            "3.5% core by 2035 on a linear path (the Hague pledge, PBO path)",
            1,
            f"{SRC['hague']}; {SRC['pbo_hague']}; cost [D]",
        ),
        path_option(
            "hague_front_loaded",
            "3.5% core by 2030, then hold (front-loaded)",
            3,
            f"{SRC['juneau']}; cost [D]",
        ),
        path_option(
            "five_core",
            "5% core by 2035 (Trump's ask read literally)",
            7,
            f"{SRC['msnbc']}; cost [D]",
        ),
    ],
)


def cap_option(oid, name, env, margins, source, *, start=None, env_use=None, sov=0, quebec=0):
    use = dict(defence_envelope=env_use if env_use is not None else env)
    if sov:
        use["pc_sovereignty"] = tri(sov, max(0, sov - 2), sov + 2)
    if quebec:
        use["pc_quebec"] = tri(quebec, max(0, quebec - 1), quebec + 1)
    o = dict(id=oid, name=name, source=source, use=use, value=margin_value(env, margins, oid))
    if start:
        o["start"] = list(start)
    return o


def lognormal(xs, median, low, high, group):
    return [
        {
            "dist": "lognormal",
            "median": r(x * median),
            "low": r(x * low),
            "high": r(x * high),
            "group": group,
        }
        for x in xs
    ]


MARGIN_NOTE = (
    "value = margin(s) x envelope use: own value relative to generic defence money (judgment)"
)
NORAD = dict(
    id="norad",
    name="NORAD modernization",
    group="defence",
    required=True,
    description="The 2022 plan (C$38.6B over 20 years) is in the zero point; acceleration is an "
    "allocation inside the defence envelope.",
    source=SRC["norad"],
    options=[
        dict(id="existing", name="Existing plan (in the zero point)", source=SRC["norad"]),
        cap_option(
            "accelerated",
            "Accelerate A-OTHR/P-OTHR and Crossbow",
            [1.0] * 5,
            {"new_equilibrium": (0.1, 0.0, 0.2), "coercive_rupture": (0.2, 0.0, 0.4)},
            f"+C$1.0B/yr for 5 years, range x0.7-1.5 (judgment, B1 D2b); {MARGIN_NOTE}",
            start=(2026, 2028),
            env_use=scaled([1.0] * 5, 1.0, 0.7, 1.5, "cost_norad"),
        ),
    ],
)
GD_FULL = [10.37] * 8  # US$61B x 1.36 = C$83B over 8 years [D]
GOLDEN_DOME = dict(
    id="golden_dome",
    name="Golden Dome participation",
    group="defence",
    required=True,
    description="Inside the defence envelope. Needs accelerated NORAD sensors (Golden Dome is due "
    "by January 2029; the existing plan reaches Arctic OTHR FOC in 2031).",
    source=f"{SRC['juneau']}; {SRC['gd_price']}",
    options=[
        dict(id="decline", name="Decline (stay in NORAD only)", source="B1 D3a"),
        cap_option(
            "limited",
            "Limited: sensors, C2 and Arctic nodes through NORAD",
            [1.5] * 10,
            {
                "status_quo_ante": (-0.2, -0.4, 0.0),
                "new_equilibrium": (-0.1, -0.3, 0.1),
                "coercive_rupture": (-0.5, -1.0, -0.2),
            },
            f"C$1.5B/yr, range x0.7-1.7 (judgment, B1 D3b); {MARGIN_NOTE}: a US-led system is "
            "worth less to Canada than generic defence money, much less in a rupture",
            start=(2026, 2029),
            env_use=scaled([1.5] * 10, 1.0, 0.7, 1.7, "cost_gd_limited"),
            sov=3,
        ),
        cap_option(
            "full",
            "Full buy-in at Trump's price (US$61B = C$83B)",
            GD_FULL,
            {
                "status_quo_ante": (-0.25, -0.5, 0.0),
                "new_equilibrium": (-0.33, -0.6, -0.1),
                "coercive_rupture": (-0.9, -1.0, -0.6),
            },
            f"{SRC['gd_price']} x 1.36 C$/US$ over 8 years [D]; cost x lognormal median 1.0, "
            f"90% 0.7-2.5 (CBO range, judgment); 'protection racket' ({SRC['gd_racket']}); "
            + MARGIN_NOTE,
            start=(2026, 2028),
            env_use=lognormal(GD_FULL, 1.0, 0.7, 2.5, "gd_cost"),
            sov=8,
            quebec=2,
        ),
    ],
)
ARCTIC = dict(
    id="arctic_joint",
    name="Joint US-Canada Arctic work",
    group="defence",
    description="OTHR data fused through NORAD, co-use of northern operating locations, joint "
    "exercises and icebreaker cooperation; the OTHR (C$6B+) and two polar icebreakers (C$6.4B) "
    "are contracted, so in the zero point.",
    source=f"{SRC['msnbc']}; {SRC['othr']}; {SRC['icebreakers']}",
    options=[
        cap_option(
            "yes",
            "Joint Arctic work",
            [0.5] * 10,
            {
                "status_quo_ante": (0.05, 0.0, 0.1),
                "new_equilibrium": (0.1, 0.0, 0.2),
                "coercive_rupture": (-0.2, -0.5, 0.0),
            },
            f"C$0.5B/yr inside the envelope, range 0.3-1.0 (judgment); {MARGIN_NOTE}: US "
            "presence in the North is a liability in a rupture",
            start=(2026, 2028),
            env_use=[tri(0.5, 0.3, 1.0, "arctic_cost")] * 10,
            sov=2,
        ),
    ],
)
SUBS8 = [0.3, 1.0, 1.7, 2.3, 2.7, 2.7, 2.7, 2.7, 2.7, 2.7]
SUBS12 = [0.5, 1.5, 2.5, 3.5, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
SUB_M = {"new_equilibrium": (0.05, 0.0, 0.15), "coercive_rupture": (0.3, 0.1, 0.5)}
SUB_SRC = (
    f"profile B1 D4 scaled from C$60B for 12 ({SRC['subs']}) [judgment]; x overrun lognormal "
    f"median 1.3, 90% 1.0-3.0 (CSC precedent, {SRC['csc']}); {MARGIN_NOTE}"
)
SUBMARINES = dict(
    id="submarines",
    name="Arctic patrol submarines",
    group="defence",
    required=True,
    description="Up to 12 under-ice conventional submarines (shortlist TKMS 212CD, Hanwha KSS-III).",
    source=SRC["subs"],
    options=[
        dict(id="none", name="No new submarines", source="B1 D4a"),
        *(
            cap_option(
                oid,
                name,
                [x * 1.3 for x in prof],
                SUB_M,
                SUB_SRC,
                start=(2026, 2028),
                env_use=lognormal(prof, 1.3, 1.0, 3.0, "sub_overrun"),
            )
            for oid, name, prof in (
                ("subs_8", "8 submarines", SUBS8),
                ("subs_12", "12 submarines", SUBS12),
            )
        ),
    ],
)
PEOPLE = [1.5, 1.875, 2.25, 2.625, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
READY = [1.0, 1.25, 1.5, 1.75, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
M_PEOPLE = {
    "status_quo_ante": (0.05, 0.0, 0.1),
    "new_equilibrium": (0.1, 0.0, 0.2),
    "coercive_rupture": (0.2, 0.1, 0.3),
}
M_READY = {
    "status_quo_ante": (0.1, 0.0, 0.2),
    "new_equilibrium": (0.15, 0.05, 0.25),
    "coercive_rupture": (0.3, 0.15, 0.45),
}


def _both():
    """Both CAF lines: envelope uses and judged margins add (one draw per scenario)."""
    env = [a + b for a, b in zip(PEOPLE, READY, strict=True)]
    vp, vr = margin_value(PEOPLE, M_PEOPLE, "caf_people"), margin_value(READY, M_READY, "caf_ready")
    flat = {
        s: [
            tri(*(a[k] + b[k] for k in ("mode", "low", "high")), f"margin_caf_both_{s}")
            for a, b in zip(vp[s], vr[s], strict=True)
        ]
        for s in SCEN
    }
    return dict(
        id="both",
        name="Personnel and readiness/digital",
        use=dict(defence_envelope=scaled(env, 1.0, 0.8, 1.3, "cost_caf_both")),
        value=flat,
        start=[2026, 2029],
        source="sum of the two options above",
    )


CAF = dict(
    id="caf",
    name="CAF personnel and modernization beyond headcount",
    group="defence",
    required=True,
    description="Budget 2025 (C$20.4B people incl. the C$2B/yr pay package; C$10.9B digital and "
    "cyber; C$19.0B infrastructure and ammunition, over 5 years) is the zero point.",
    source=f"{SRC['caf_pay']}; {SRC['budget_def']}",
    options=[
        dict(id="budget_2025", name="Budget 2025 level (zero point)", source=SRC["budget_def"]),
        cap_option(
            "personnel",
            "Force expansion: +10-15k regulars and reserves",
            PEOPLE,
            M_PEOPLE,
            f"C$1.5B/yr rising to 3.0, range x0.8-1.3 (judgment, B1 D5b); {MARGIN_NOTE}",
            start=(2026, 2029),
            env_use=scaled(PEOPLE, 1.0, 0.8, 1.3, "cost_caf_people"),
        ),
        cap_option(
            "readiness_digital",
            "Readiness: ammunition stocks, cyber, digital C2",
            READY,
            M_READY,
            "C$1.0B/yr rising to 2.0 on top of Budget 2025's lines, range x0.8-1.3 (judgment); "
            + MARGIN_NOTE,
            start=(2026, 2029),
            env_use=scaled(READY, 1.0, 0.8, 1.3, "cost_caf_ready"),
        ),
    ],
)
CAF["options"].append(_both())
COMMITMENTS = [DEFENCE_PATH, NORAD, GOLDEN_DOME, ARCTIC, SUBMARINES, CAF]
assert len(YEARS) == 10 and GDP[2035] == 4543
