"""Regenerates ``problems/canada_us_2025.toml`` from the derivations in the model card.

Every derived number in the problem file (GDP-path costs, envelope room, per-point values) is
computed here from the stated inputs, so an analyst can change an input and rebuild::

    python -m problems.canada_us_2025_build problems/canada_us_2025.toml
"""

import math

YEARS = list(range(2026, 2036))
GDP = dict(zip(YEARS, [3253, 3376, 3504, 3636, 3774, 3916, 4064, 4218, 4377, 4543], strict=False))
YREF = GDP[2030]
SC = ["status_quo_ante", "new_equilibrium", "coercive_rupture"]
P = {"status_quo_ante": 0.08, "new_equilibrium": 0.80, "coercive_rupture": 0.12}
LOSS = {"status_quo_ante": 0.0025, "new_equilibrium": 0.015, "coercive_rupture": 0.035}
THETA = {"status_quo_ante": 0.5, "new_equilibrium": 0.65, "coercive_rupture": 0.9}
ALPHA_M = 0.23
ALPHA_B = 0.5
U_MAX = 60
U_REF = 35
K3, K1 = 0.03, 0.015
P3_FLOOR = 0.05


def r(x, d=3):
    return round(x + 0.0, d)


# ---- per-point values -------------------------------------------------------------
def probs(U):
    l3 = math.log(0.12 / 0.80) - K3 * U
    l1 = math.log(0.08 / 0.80) + K1 * U
    e1, e3 = math.exp(l1), math.exp(l3)
    p1, p2, p3 = e1 / (1 + e1 + e3), 1 / (1 + e1 + e3), e3 / (1 + e1 + e3)
    if p3 < P3_FLOOR:
        p3 = P3_FLOOR
        s = (1 - p3) / (p1 + p2)
        p1, p2 = p1 * s, p2 * s
    return p1, p2, p3


p1r, p2r, p3r = probs(U_REF)
dp1 = (p1r - 0.08) / U_REF
dp3 = (p3r - 0.12) / U_REF
relief1 = LOSS["status_quo_ante"] / U_MAX * YREF
relief2 = (0.015 - 0.010) / U_MAX * YREF
coop2 = 0.5 * (38.6 / 20 * 60 / 40) / U_MAX
fold2 = dp1 / 0.80 * (LOSS["new_equilibrium"] - LOSS["status_quo_ante"]) * YREF
fold3 = -dp3 / 0.12 * (LOSS["coercive_rupture"] - LOSS["new_equilibrium"]) * YREF
V = {
    "status_quo_ante": relief1,
    "new_equilibrium": relief2 + coop2 + fold2,
    "coercive_rupture": fold3,
}
if __name__ == "__main__":
    print("probs at U_REF", p1r, p2r, p3r, "dp1", dp1, "dp3", dp3)
    print("relief1", relief1, "relief2", relief2, "coop2", coop2, "fold2", fold2, "fold3", fold3)
    print("V", V, "expected", sum(P[s] * V[s] for s in SC))


VR = {"status_quo_ante": 0.157, "new_equilibrium": 0.435, "coercive_rupture": 1.258}


def fnum(x):
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def flist(xs):
    xs = list(xs)
    while len(xs) > 1 and abs(xs[-1]) < 1e-12:
        xs.pop()
    return "[" + ", ".join(fnum(x) for x in xs) + "]"


def ramp(target_pp, base_year, reach_year, t):
    return target_pp * min(1.0, (t - base_year) / (reach_year - base_year))


def milestone(reach):
    return [r(0.0063 * min(1.0, (t - 2024) / (reach - 2024)) * GDP[t], 2) for t in YEARS]


def beyond(extra, reach):
    return [r(extra * min(1.0, (t - 2025) / (reach - 2025)) * GDP[t], 2) for t in YEARS]


def pad(xs, n=10):
    xs = list(xs)
    return xs + [xs[-1]] * (n - len(xs)) if len(xs) < n else xs


SRC = {
    "oped_juneau": "Juneau op-ed, Breaking Defense, May 2025 (https://feedquik.com/canada-must-seek-a-new-equilibrium-with-the-us-and-defense-could-be-key)",
    "oped_msnbc": "MSNBC op-ed, May 2025 (slug rcna205860; mirror http://bag.org.tw/demo/tr/index.php?news=opinion%2Fmsnbc-opinion%2Fcanada-prime-minister-mark-carney-trump-meeting-rcna205860)",
    "pbo_137": "https://globalnews.ca/news/10838215/canadas-nato-target-plan-pbo-report/",
    "gdp_2025": "https://republicofmining.com/2025/06/10/carney-lays-out-defence-boost-says-era-of-u-s-dominance-over-by-steven-chase-and-jeff-gray-globe-and-mail-june-10-2025/",
    "pbo_2035": "https://www.pbo-dpb.ca/en/news-releases--communiques-de-presse/meeting-natos-5-target-would-require-159-billion-in-core-defence-spending-by-2035-says-pbo-lobjectif-de-5-fixe-par-lotan-necessiterait-159-milliards-de-dollars-en-depenses-militaires-de-base-dici-2035-selon-le-dpb",
    "pledge_2030": "https://www.am800cklw.com/news/carney-vows-canada-will-meet-2-nato-spending-pledge-this-year.html",
    "hague": "https://www.vancouverisawesome.com/national-news/from-railways-to-minerals-seven-takeaways-from-canadas-new-nato-spending-pledge-10864178",
    "budget_def": "https://www.nortonrosefulbright.com/en-ca/knowledge/publications/d5189c9a/canada-s-new-defence-policy",
    "norad": "https://www.canada.ca/en/department-national-defence/services/operations/allies-partners/norad/norad-modernization-project-timelines.html",
    "norad_us60": "https://ici.radio-canada.ca/rci/en/news/1892470/canada-spending-almost-5b-to-upgrade-continental-defence-anand-says",
    "gd_price": "https://www.stripes.com/theaters/us/2025-05-27/us-golden-dome-system-canada-17931851.html",
    "gd_racket": "https://www.cp24.com/news/canada/2025/05/28/defence-minister-says-cost-of-trumps-proposed-missile-defence-project-still-unknown-2/",
    "nato_def": "https://www.miragenews.com/nato-countries-defence-spending-1194913/",
    "subs": "https://www.defense-aerospace.com/canadian-navy-lobbying-for-c60-billion-acquisition-of-12-submarines/ ; https://en.portnews.ru/news/381044/",
    "caf_pay": "https://www.cjme.com/2025/08/08/carney-announces-20-increase-in-military-starting-pay",
    "border_plan": "https://www.newswire.ca/news-releases/government-of-canada-announces-its-plan-to-strengthen-border-security-and-our-immigration-system-813831139.html",
    "humint": "https://stephaniecarvin.substack.com/p/a-canadian-foreign-human-intelligence ; https://www.homelandsecuritynewswire.com/dr20250614-the-hole-in-canada-s-intelligence-system-is-asisshaped",
    "counter": "https://preview.deepnewz.com/canada/canada-lifts-most-retaliatory-tariffs-on-u-s-goods-keeps-metals-levies-65086b82",
    "softwood": "https://www.international.gc.ca/controls-controles/softwood-bois_oeuvre/recent.aspx?lang=eng",
    "c202": "https://en.wikipedia.org/wiki/Bill_C-202,_an_act_to_protect_Canadian_supply_management_in_trade_negotiations ; https://www.realagriculture.com/2025/06/farm-groups-deeply-divided-over-swift-passage-of-bill-aimed-at-protecting-supply-management/",
    "donut": "https://rolandparis.com/single-post/2018/10/06/canadas-doughnut-strategy-npr ; backfire precedent https://principlecivics.com/topics/trump-terminates-canada-trade-talks-oct-2025",
    "for_sale": "https://www.usfashionindustry.com/news/carney-visits-dc",
}
VALUE_NOTE = "value per year = u x (0.157, 0.435, 1.258) C$B by scenario (card section 6)"


def opt(
    id,
    name,
    *,
    u=0.0,
    pol=0.0,
    fiscal=None,
    env=None,
    cost=None,
    theta=False,
    own=None,
    margin=None,
    start=None,
    source="",
    desc="",
    oneoff=None,
):
    """cost: list since start of the cost subtracted in value (defaults to fiscal)."""
    return dict(
        id=id,
        name=name,
        u=u,
        pol=pol,
        fiscal=fiscal,
        env=env,
        cost=cost,
        theta=theta,
        own=own or {},
        margin=margin or {},
        start=start,
        source=source,
        desc=desc,
        oneoff=oneoff or {},
    )


def as_list(x, n=10):
    if x is None:
        return [0.0] * n
    if isinstance(x, (int, float)):
        return [float(x)] * n
    return list(x) + [0.0] * (n - len(x))


def values(o):
    cost = as_list(o["cost"] if o["cost"] is not None else o["fiscal"])
    env = as_list(o["env"])
    out = {}
    for s in SC:
        w = (1 - THETA[s]) if o["theta"] else 1.0
        own = as_list(o["own"].get(s))
        mar = o["margin"].get(s, 0.0)
        one = as_list(o["oneoff"].get(s), 10)
        v = [o["u"] * VR[s] + own[k] - w * cost[k] + mar * env[k] + one[k] for k in range(10)]
        out[s] = [r(x) for x in v]
    return out


D2 = {y: milestone(y) for y in (2025, 2027, 2030, 2032)}
B = {
    "to_2_5_by_2030": beyond(0.005, 2030),
    "to_3_5_by_2035": beyond(0.015, 2035),
    "to_3_5_by_2030": beyond(0.015, 2030),
    "to_5_by_2035": beyond(0.030, 2035),
}
NEG = lambda a, xs: [r(-a * x, 3) for x in xs]  # noqa: E731

SUBS8 = [0.3, 1.0, 1.7, 2.3, 2.7, 2.7, 2.7, 2.7, 2.7, 2.7]
SUBS12 = [0.5, 1.5, 2.5, 3.5, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
SUBS12B = [x + 1.0 for x in SUBS12]
CAF = [1.5, 1.875, 2.25, 2.625, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
HUMINT_COST = [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
HUMINT_RAMP = [0, 0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]
INTEL = [0.1, 0.15] + [0.2] * 8
GD_FULL = [10.37] * 8


def divers(share):
    return {s: [r(share * (t - 2025) / 10 * LOSS[s] * GDP[t]) for t in YEARS] for s in SC}


BACKFIRE = r(0.10 * 0.001 * GDP[2026])

MS_SRC = (
    f"targets: {SRC['oped_juneau']} (2% by 2027); {SRC['pledge_2030']} (by 2030); {SRC['gdp_2025']} "
    f"(2% in FY2025-26); {SRC['pbo_137']} (2032-33 pledge; 1.37% in 2024). cost [D] = (share(t) - 1.37%) x GDP(t), share rising linearly from 1.37% in 2024 "
    f"({SRC['pbo_137']}; MSNBC op-ed) to 2.0% in the target year, GDP path of canada_us_facts.md B0 "
    f"({SRC['gdp_2025']} ; {SRC['pbo_2035']}); room = 23% of it (judgment: the share of the step not "
    f"already allocated by Budget 2025's C$81.8B over 5 years, {SRC['budget_def']}); "
    "US value = 4 x share of the gap closed by the July 2026 CUSMA review [judgment]; "
    "political 3/2/1/1 for 2025/2027/2030/2032: a faster step is a bigger in-year reallocation [judgment]; "
    "value = u x V(s) - (1 - theta(s)) x cost [card section 6]"
)
BY_SRC = (
    f"targets: {SRC['oped_juneau']} (past 2.5%); {SRC['hague']} (3.5% core by 2035); MSNBC op-ed "
    "(Trump's 5%). cost [D] = extra share above 2% rising linearly from 0 in 2025 to the target, x GDP(t) "
    f"(canada_us_facts.md B1 D1; PBO path {SRC['pbo_2035']}); room = 50% of it (judgment: "
    "Budget 2025 puts about half of new defence money into people and capabilities, C$38.3B of 81.8B, "
    f"{SRC['budget_def']}); US value and political scores B1 D1 less the 'hold 2%' score [judgment]; "
    "value = u x V(s) - (1 - theta(s)) x cost"
)

COMMITMENTS = [
    dict(
        id="defence_2pct",
        name="Reach 2% of GDP on defence (NATO definition)",
        group="defence",
        required=True,
        desc="When core defence spending reaches 2% of GDP, from 1.37% in 2024. Cost is the "
        "spending above 1.37% of GDP; it draws on fiscal room and provides defence-envelope "
        "room for the capability lines.",
        source=MS_SRC,
        options=[
            opt(
                "hold_137",
                "Hold at 1.37% of GDP (pre-2025 level)",
                source="baseline: "
                f"1.37% in 2024 ({SRC['pbo_137']}); ruled out by the NATO 2% floor",
            ),
            opt(
                "by_2025",
                "2% in FY2025-26 (the June 2025 announcement), held",
                u=4.0,
                pol=3,
                fiscal=D2[2025],
                env=NEG(ALPHA_M, D2[2025]),
                theta=True,
                source=f"target [S] {SRC['gdp_2025']}; cost, room, value: formula in the commitment source",
            ),
            opt(
                "by_2027",
                "2% by 2027 (the Juneau op-ed)",
                u=r(4 * 2 / 3),
                pol=2,
                fiscal=D2[2027],
                env=NEG(ALPHA_M, D2[2027]),
                theta=True,
                source=f"target [S] {SRC['oped_juneau']}; cost, room, value: formula in the commitment source",
            ),
            opt(
                "by_2030",
                "2% by 2030 (the Liberal campaign pledge)",
                u=r(4 / 3),
                pol=1,
                fiscal=D2[2030],
                env=NEG(ALPHA_M, D2[2030]),
                theta=True,
                source=f"target [S] {SRC['pledge_2030']} and the MSNBC op-ed; cost, room, value: formula in the commitment source",
            ),
            opt(
                "by_2032",
                "2% by 2032 (the pre-2025 pledge)",
                u=1.0,
                pol=1,
                fiscal=D2[2032],
                env=NEG(ALPHA_M, D2[2032]),
                theta=True,
                source=f"target [S] 2032-33 pledge, {SRC['pbo_137']}; cost, room, value: formula in the commitment source",
            ),
        ],
    ),
    dict(
        id="defence_beyond",
        name="Long-run trajectory past 2% of GDP",
        group="defence",
        required=True,
        desc="Core defence spending above 2% of GDP, on top of the 2% milestone path. The target "
        "is reached in the later of this option's year and the 2% milestone's year.",
        source=BY_SRC,
        options=[
            opt("hold_2", "Hold at 2%", source="canada_us_facts.md B1 D1a"),
            opt(
                "to_2_5_by_2030",
                "Pathway to 2.5% by 2030, then hold",
                u=3,
                pol=3,
                fiscal=B["to_2_5_by_2030"],
                env=NEG(ALPHA_B, B["to_2_5_by_2030"]),
                theta=True,
                source=f"target [S] {SRC['oped_juneau']} ('pathway to exceeding 2.5%'); cost [D] = canada_us_facts.md B1 D1b; formula in the commitment source",
            ),
            opt(
                "to_3_5_by_2035",
                "3.5% core by 2035 (NATO Hague, PBO path)",
                u=6,
                pol=5,
                fiscal=B["to_3_5_by_2035"],
                env=NEG(ALPHA_B, B["to_3_5_by_2035"]),
                theta=True,
                source=f"target [S] {SRC['hague']}; cost [D] = B1 D1c = the PBO path (C$68B in 2035-36, {SRC['pbo_2035']}); formula in the commitment source",
            ),
            opt(
                "to_3_5_by_2030",
                "3.5% core by 2030 (front-loaded)",
                u=7,
                pol=7,
                fiscal=B["to_3_5_by_2030"],
                env=NEG(ALPHA_B, B["to_3_5_by_2030"]),
                theta=True,
                source="target [I] front-loaded variant; cost [D] = B1 D1d; formula in the commitment source",
            ),
            opt(
                "to_5_by_2035",
                "5% core by 2035 (Trump's ask)",
                u=8,
                pol=9,
                fiscal=B["to_5_by_2035"],
                env=NEG(ALPHA_B, B["to_5_by_2035"]),
                theta=True,
                source="target [S] Trump's 5% ask (MSNBC op-ed), read literally as 5% core [I]; cost [D] = B1 D1e; formula in the commitment source",
            ),
        ],
    ),
    dict(
        id="norad",
        name="NORAD modernization",
        group="defence",
        required=True,
        desc="The 2022 plan (C$38.6B over 20 years, already in the baseline) or accelerated.",
        source=SRC["norad"],
        options=[
            opt("existing", "Existing plan (in the baseline)", source=f"{SRC['norad']} [S]"),
            opt(
                "accelerated",
                "Accelerate: bring forward A-OTHR/P-OTHR and Crossbow",
                u=3,
                pol=1,
                env=[1.0] * 5,
                source=f"{SRC['norad']}; +C$1.0B/yr 2026-2030 inside the envelope and scores "
                f"B1 D2b [judgment]; {VALUE_NOTE}",
            ),
        ],
    ),
    dict(
        id="golden_dome",
        name="Golden Dome participation",
        group="defence",
        required=True,
        desc="Inside the defence envelope: NATO counts payments that meet the needs of an "
        "Ally's forces. Participation needs accelerated NORAD sensors (Golden Dome is due "
        "by January 2029; the existing plan reaches Arctic OTHR FOC in 2031).",
        source=f"{SRC['oped_juneau']}; {SRC['gd_price']}; NATO definition {SRC['nato_def']}",
        options=[
            opt("decline", "Decline (stay in NORAD only)", source="B1 D3a"),
            opt(
                "limited",
                "Limited: sensors, C2 and Arctic nodes through NORAD",
                u=5,
                pol=4,
                env=[1.5] * 10,
                start=(2026, 2029),
                source=f"C$1.5B/yr for 10 years inside the envelope, scores B1 D3b [judgment]; "
                f"start by 2029, when Golden Dome is due ({SRC['gd_price']}); {VALUE_NOTE}",
            ),
            opt(
                "full",
                "Full buy-in at Trump's price (US$61B = C$83B)",
                u=9,
                pol=8,
                env=GD_FULL,
                start=(2026, 2028),
                margin={
                    "status_quo_ante": -0.5 * THETA["status_quo_ante"],
                    "new_equilibrium": -0.5 * THETA["new_equilibrium"],
                    "coercive_rupture": -THETA["coercive_rupture"],
                },
                source=f"US$61B ({SRC['gd_price']}) x 1.36 C$/US$ = C$83B paid over 8 years "
                f"(C$10.37B/yr) [D]; 'protection racket' ({SRC['gd_racket']}); scores B1 "
                "D3c; a US-owned system keeps half the own-security value theta of Canadian "
                "spending (none in a coercive rupture) [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="arctic",
        name="Arctic security: submarines and bases",
        group="defence",
        required=True,
        desc="Over-the-horizon radar (C$6B+) and two polar icebreakers (C$6.4B) are already "
        "contracted, so they are baseline; the choice is the patrol-submarine fleet.",
        source=f"{SRC['subs']}; OTHR https://www.thenewdaily.com.au/news/national/2025/03/19/canada-australian-radar ; "
        "icebreakers https://newswire.ca/news-releases/government-of-canada-awards-contract-to-seaspan-s-vancouver-shipyards-for-construction-of-new-polar-icebreaker-808518715.html",
        options=[
            opt("committed", "OTH radar and icebreakers only (contracted)", source="B1 D4a [S]"),
            opt(
                "subs_8",
                "8 under-ice submarines",
                u=3,
                pol=2,
                env=SUBS8,
                start=(2026, 2028),
                margin={"coercive_rupture": 0.3},
                source=f"profile B1 D4b scaled from C$60B for 12 ({SRC['subs']}) [judgment]; "
                "contract in 2026-2028; own Arctic value +0.3 per C$ in a coercive rupture "
                "[judgment]; " + VALUE_NOTE,
            ),
            opt(
                "subs_12",
                "12 under-ice submarines",
                u=4,
                pol=3,
                env=SUBS12,
                start=(2026, 2028),
                margin={"coercive_rupture": 0.3},
                source=f"profile B1 D4c, about half of C$60B before 2036 ({SRC['subs']}) "
                "[judgment]; " + VALUE_NOTE,
            ),
            opt(
                "subs_12_bases",
                "12 submarines plus Arctic bases and infrastructure",
                u=5,
                pol=3,
                env=SUBS12B,
                start=(2026, 2028),
                margin={"coercive_rupture": 0.3},
                source="profile B1 D4d = D4c + C$1.0B/yr [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="caf",
        name="Canadian Armed Forces personnel and modernization",
        group="defence",
        required=True,
        desc="Budget 2025 level (pay package about C$2B/yr, in the baseline) or force expansion.",
        source=f"{SRC['caf_pay']}; {SRC['budget_def']}",
        options=[
            opt("budget_2025", "Budget 2025 level (in the baseline)", source="B1 D5a [S]"),
            opt(
                "expansion",
                "Force expansion: +10-15k regulars and reserves, readiness",
                u=2,
                pol=2,
                env=CAF,
                start=(2026, 2029),
                source="C$1.5B/yr rising to 3.0 after 4 years, inside the envelope; scores B1 D5b "
                "[judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="border",
        name="Border-security package",
        group="security",
        required=True,
        desc="Outside the defence envelope; draws on fiscal room.",
        source=f"{SRC['oped_juneau']}; {SRC['border_plan']}",
        options=[
            opt(
                "existing",
                "Existing (Dec 2024 plan + Budget 2025)",
                source=f"{SRC['border_plan']} [S]",
            ),
            opt(
                "enhanced",
                "Enhanced: joint fentanyl task forces, exit controls, more CBSA",
                u=3,
                pol=2,
                fiscal=0.5,
                own={s: 0.25 for s in SC},
                source="C$0.5B/yr, scores B1 D6b; domestic enforcement benefit C$0.25B/yr (half "
                "the cost) [judgment]; " + VALUE_NOTE,
            ),
            opt(
                "deep_integration",
                "Deep integration: shared entry/exit data, joint strike force",
                u=4,
                pol=5,
                fiscal=1.0,
                own={"status_quo_ante": 0.5, "new_equilibrium": 0.5, "coercive_rupture": -1.0},
                source="C$1.0B/yr, scores B1 D6c; domestic benefit C$0.5B/yr, but shared data "
                "becomes US leverage in a coercive rupture (-C$1.0B/yr) [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="intel",
        name="Foreign intelligence collection",
        group="security",
        required=True,
        desc="Expand collection by CSIS abroad, CSE, GAC and open sources.",
        source=f"{SRC['oped_juneau']}; {SRC['humint']}",
        options=[
            opt("status_quo", "Status quo", source="B1 D7a"),
            opt(
                "expand",
                "Expand existing collection",
                u=2,
                pol=1,
                fiscal=INTEL,
                own={"new_equilibrium": 0.1, "coercive_rupture": 0.3},
                source="cost profile and scores B1 D7b; hedge against less US sharing C$0.1B/yr "
                "(new equilibrium), 0.3 (rupture) [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="humint",
        name="Establish a foreign human-intelligence service",
        group="security",
        desc="A small ASIS-style service: 5-10 years to build; the start year is chosen in "
        "2026-2030. No published cost estimate exists.",
        source=f"{SRC['oped_juneau']}; {SRC['humint']}",
        options=[
            opt(
                "establish",
                "Establish the service",
                u=3,
                pol=3,
                fiscal=HUMINT_COST,
                start=(2026, 2030),
                own={
                    s: [x * a for x in HUMINT_RAMP]
                    for s, a in {
                        "status_quo_ante": 0.1,
                        "new_equilibrium": 0.4,
                        "coercive_rupture": 1.5,
                    }.items()
                },
                source="build-up cost B1 D7c (C$0.1B rising to 0.5B/yr) [judgment: no published "
                f"estimate; 5-10 years to build, {SRC['humint']}]; own value once "
                "operational, ramping over years 5-8 to C$0.1/0.4/1.5B per year by "
                "scenario (hedge against reduced US sharing) [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="counter_tariffs",
        name="Counter-tariffs on US steel, aluminum and autos",
        group="trade",
        required=True,
        desc="Canada lifted most counter-tariffs in September 2025 but kept those on steel, "
        "aluminum and autos; dropping them is a reduced protection for those sectors.",
        source=SRC["counter"],
        options=[
            opt(
                "keep", "Keep the metals and autos counter-tariffs", source=f"{SRC['counter']} [S]"
            ),
            opt(
                "drop_steel_aluminum",
                "Drop the steel and aluminum counter-tariffs",
                u=2.5,
                pol=3,
                fiscal=0.6,
                source="lost revenue C$0.6B/yr, part of B1 D8b's 0.5-1.5 [judgment]; " + VALUE_NOTE,
            ),
            opt(
                "drop_all",
                "Drop steel, aluminum and autos counter-tariffs",
                u=4,
                pol=4,
                fiscal=1.0,
                source="C$1.0B/yr lost revenue and leverage, scores B1 D8b [judgment]; "
                + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="softwood",
        name="Softwood lumber",
        group="trade",
        required=True,
        desc="AD/CVD duties about 35% plus a 10% s.232 tariff; a managed-trade deal (quota or "
        "export charge) is a reduced protection for producers.",
        source=SRC["softwood"],
        options=[
            opt("litigate", "Keep litigating (status quo)", source=f"{SRC['softwood']} [S]"),
            opt(
                "managed_trade",
                "Managed-trade deal (quota or export charge)",
                u=4,
                pol=5,
                cost=0.55,
                source="producer losses C$0.55B/yr (mid of B1 D8c's 0.3-0.8; economic, not "
                "fiscal) [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="c202",
        name="Amend Bill C-202 (supply-management protection act)",
        group="trade",
        desc="C-202 (Royal Assent 2025-06-26, passed unanimously) bars the trade minister from "
        "raising TRQs or cutting over-quota tariffs on dairy, poultry and eggs: any "
        "supply-management concession needs it amended or repealed first.",
        source=SRC["c202"],
        options=[
            opt(
                "amend",
                "Amend or repeal C-202",
                pol=6,
                source=f"{SRC['c202']} [S]; political score 6 of the 9-10 a dairy concession "
                "carries (Bloc, Quebec, unanimous 2025 vote, minority Parliament) [judgment]",
            ),
        ],
    ),
    dict(
        id="supply_management",
        name="Supply management (dairy, poultry, eggs)",
        group="trade",
        required=True,
        desc="A TRQ concession on supply-managed products; needs C-202 amended.",
        source=f"{SRC['c202']}; Trump's '400%' dairy tariff claim, canada_us_facts.md A6",
        options=[
            opt("keep", "Keep supply-management protections", source=f"{SRC['c202']} [S]"),
            opt(
                "trq_concession",
                "TRQ concession to the US",
                u=7,
                pol=4,
                fiscal=0.45,
                source="producer compensation C$0.45B/yr (mid of B1 D8d's 0.3-0.6), US value 7 "
                "[judgment]; political 4 on top of C-202's 6 [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="irritants",
        name="Other trade irritants",
        group="trade",
        required=True,
        desc="Digital and cultural measures, procurement rules and similar US complaints. "
        "(The digital services tax was already rescinded in June 2025: sunk, not modelled.)",
        source="canada_us_facts.md A6, B1 D8e",
        options=[
            opt("keep", "Keep", source="B1 D8e"),
            opt(
                "concede",
                "Concede on other irritants",
                u=3,
                pol=4,
                fiscal=0.3,
                source="C$0.3B/yr (mid of B1 D8e's 0.1-0.5), scores B1 D8e [judgment]; "
                + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="engagement",
        name="Engagement strategy in the US",
        group="engagement",
        required=True,
        desc="The 'donut' around the White House: Congress, agencies, states, business, "
        "civil society.",
        source=f"{SRC['oped_juneau']}; {SRC['donut']}",
        options=[
            opt("federal_only", "Federal-only engagement", source="B1 D9a"),
            opt(
                "donut",
                "Donut strategy",
                u=2,
                pol=1,
                fiscal=0.075,
                oneoff={"new_equilibrium": [-BACKFIRE], "coercive_rupture": [-BACKFIRE]},
                source="C$0.075B/yr (B1 D9b's 0.05-0.1; Ontario's ad about C$75M); backfire: a "
                f"10% chance of a talks suspension like October 2025 ({SRC['donut']}) "
                "costing 0.1% of 2026 GDP, so -C$0.325B in 2026 in the new-equilibrium and "
                "rupture scenarios [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
    dict(
        id="diversification",
        name="Diversification toward Europe and the Indo-Pacific",
        group="engagement",
        required=True,
        desc="Lowers exposure: cuts the scenario's tariff GDP loss by a share that rises "
        "linearly to its full size by 2035 (the ceiling is low and rises slowly).",
        source=f"{SRC['oped_juneau']}; canada_us_facts.md B1 D10 (5-15% cut in S2/S3 losses)",
        options=[
            opt("none", "None", source="B1 D10a"),
            opt(
                "moderate",
                "Moderate: EU/Asia FTAs, European and Korean procurement",
                u=-1,
                pol=-2,
                fiscal=0.2,
                own=divers(0.05),
                source="C$0.2B/yr, scores B1 D10b; loss cut 5% by 2035 x scenario loss x GDP(t) "
                "[judgment, low end of B1's 5-15%]; " + VALUE_NOTE,
            ),
            opt(
                "strong",
                "Strong: EU defence-industrial integration, trade corridors",
                u=-2,
                pol=-2,
                fiscal=1.0,
                own=divers(0.10),
                source="C$1.0B/yr, scores B1 D10c; loss cut 10% by 2035 [judgment]; " + VALUE_NOTE,
            ),
        ],
    ),
]


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


FISCAL = {t: r(GDP[t] * (0.0085 + 0.0015 * (t - 2026)), 2) for t in YEARS}

HEADER = f'''# Canada's package of commitments to the United States, 2026-2035.
# Model card: canada_us_2025.md (same folder). Every number carries a source or says
# "judgment". Figures marked [D] are derived from the GDP path of canada_us_facts.md B0:
#   GDP (C$B, FY starting in the year) {", ".join(f"{t}: {GDP[t]}" for t in YEARS)}
# Value of an option in a scenario, per year since its start (C$B nominal, discounted by the
# engine at 3.5%/yr to 2026):
#   u x V(s)                       US-value points u; V = 0.157 / 0.435 / 1.258 C$B per point-year
#                                  (tariff relief + cooperation kept + the B3 probability shift
#                                  folded into the scenario values; card section 6)
#   - (1 - theta(s)) x cost(t)     defence trajectory: theta = 0.50 / 0.65 / 0.90 own-security value
#   - cost(t)                      every other fiscal or economic cost
#   + margin(s) x envelope use(t)  capability-specific own value relative to generic defence money
#   + own(s, t)                    domestic / sovereignty / exposure effects stated per option

[problem]
name = "canada-us-2025"
title = "Canada-US 2025: the package of commitments Canada offers the United States, 2026-2035"
description = """The defence trajectory and the year each target is reached, NORAD, Golden Dome, \
Arctic submarines, CAF expansion, border, foreign intelligence and a HUMINT service, trade \
concessions by sector (with the C-202 legal barrier), the donut strategy and diversification, \
under the three scenarios of the Juneau op-ed. Maximizes the expected net present value of the \
relationship to Canada."""
years = [2026, 2035]
discount_rate = 0.035
sense = "maximize"
value_unit = "C$B NPV-2026"
source = "{SRC["oped_juneau"]} ; {SRC["oped_msnbc"]} ; facts and proposed inputs: canada_us_facts.md (research brief for this model)"

[[scenarios]]
id = "status_quo_ante"
probability = 0.08
description = "Return to the pre-2025 status quo: CUSMA extended, s.232 tariffs largely lifted. Residual tariff loss 0.25% of GDP."
source = "Juneau: 'unlikely' ({SRC["oped_juneau"]}); BoC: the open-trade scenario has 'vanished' (https://www.bankofcanada.ca/publications/mpr/mpr-2025-10-29/overview); probability 0.08 and loss (mid of 0-0.5% of GDP) are judgment, canada_us_facts.md B2"

[[scenarios]]
id = "new_equilibrium"
probability = 0.80
description = "A new, less advantageous equilibrium: amended CUSMA or annual reviews, sectoral tariffs partly persist. Tariff loss 1.5% of GDP."
source = "Juneau: 'by far the most likely' ({SRC["oped_juneau"]}); BMO base case -1.5% (https://bci24news.com/2025/10/bmo-sees-long-term-economic-damage-even-from-optimistic-tariff-scenario); Budget 2025 -1.8% by 2027 (https://www.mnimarkets.com/articles/mni-brief-canada-budget-main-fiscal-and-economic-tables-1762290296818); probability 0.80 judgment, canada_us_facts.md B2"

[[scenarios]]
id = "coercive_rupture"
probability = 0.12
description = "Coercive rupture / annexation pressure: CUSMA withdrawal or 25-35% broad tariffs, security ties weaponized. Tariff loss 3.5% of GDP."
source = "Juneau: 'low-probability, high-impact' ({SRC["oped_juneau"]}); Chamber/Tombe -2.6% (https://www.finanznachrichten.de/nachrichten-2024-11/63943339-canadian-chamber-of-commerce-trump-s-25-tariff-threat-new-analysis-reveals-severe-economic-fallout-for-both-canada-and-the-u-s-296.htm); BMO worst case -5%; probability 0.12 and central loss 3.5% judgment, canada_us_facts.md B2"

[[resources]]
id = "fiscal"
unit = "C$B"
kind = "per_year"
capacity = {{ {", ".join(f"{t} = {FISCAL[t]}" for t in YEARS)} }}
description = "Fiscal room for the package per year: (0.85% + 0.15 pt x (year - 2026)) x GDP. It funds the step to 2% (0.63% of GDP, planned in Budget 2025) plus about C$7B in 2026 (a tenth of the 2026-27 deficit of C$65B), and grows at the slope of the NATO Hague path the government endorsed (+0.15 pt/yr)."
source = "judgment, anchored on Budget 2025 deficits C$78.3B/65B/58B (https://www.crestviewstrategy.com/?p=18140), the Budget 2025 defence plan ({SRC["budget_def"]}) and the PBO Hague path ({SRC["pbo_2035"]}); GDP path canada_us_facts.md B0"

[[resources]]
id = "defence_envelope"
unit = "C$B"
kind = "per_year"
capacity = 0
description = "Room in the defence budget for the named capability lines. The 2% milestone and the trajectory past 2% PROVIDE room (negative use: 23% and 50% of their cost); NORAD acceleration, Golden Dome, submarines and CAF expansion USE it. Capacity 0 per year makes 'allocations <= room bought' a linear constraint, with no double counting: capabilities draw no fiscal room of their own."
source = "canada_us_facts.md B0 (capability items are allocations inside the envelope); shares are judgment from Budget 2025's split ({SRC["budget_def"]})"

[[resources]]
id = "political"
unit = "score points"
kind = "total"
capacity = 25
description = "Political capital over the package: each option's score 0-10 (10 = government-threatening) is drawn once. 25 is what a minority government can spend: one government-threatening item takes about 40% of it."
source = "judgment: scores canada_us_facts.md B0/B1 (domestic opinion, federal-provincial friction, a minority Parliament that needed a confidence vote for Budget 2025, the optics of caving)"
'''

RELATIONS = [
    dict(
        type="at_least",
        count=1,
        id="NATO 2% floor",
        members=[
            "defence_2pct.by_2025",
            "defence_2pct.by_2027",
            "defence_2pct.by_2030",
            "defence_2pct.by_2032",
        ],
        description="Canada reaches 2% of GDP by 2032 at the latest: the NATO guideline, pledged by every government since 2014 and already met in FY2025-26. Holding at 1.37% is off the table.",
        source=f"{SRC['pbo_137']} (2032-33 pledge); {SRC['pledge_2030']}; {SRC['gdp_2025']}",
    ),
    dict(
        type="excludes",
        id="trajectory past 2% starts from 2%",
        members=[
            "defence_2pct.hold_137",
            "defence_beyond.to_2_5_by_2030",
            "defence_beyond.to_3_5_by_2035",
            "defence_beyond.to_3_5_by_2030",
            "defence_beyond.to_5_by_2035",
        ],
        description="The increments past 2% are stated on top of the 2% milestone path.",
        source="model structure (card section 4)",
    ),
    dict(
        type="requires",
        a="golden_dome.limited",
        b="norad.accelerated",
        id="Golden Dome (limited) requires accelerated NORAD",
        description="Golden Dome is due by January 2029; the existing NORAD plan reaches Arctic OTHR IOC 2028 / FOC 2031 and Polar OTHR FOC 2033, so participation needs the sensors brought forward.",
        source=f"{SRC['gd_price']}; {SRC['norad']}",
    ),
    dict(
        type="requires",
        a="golden_dome.full",
        b="norad.accelerated",
        id="Golden Dome (full) requires accelerated NORAD",
        description="As for limited participation.",
        source=f"{SRC['gd_price']}; {SRC['norad']}",
    ),
    dict(
        type="requires",
        a="supply_management.trq_concession",
        b="c202.amend",
        id="C-202 legal barrier",
        description="Bill C-202 bars any TRQ increase or over-quota tariff cut on supply-managed goods: the concession needs the Act amended first.",
        source=SRC["c202"],
    ),
    dict(
        type="excludes",
        id="won't be for sale",
        members=["golden_dome.full", "border.deep_integration"],
        description="Sovereignty red line: Canada does not both pay Trump's price for a US-owned missile shield and hand border data and enforcement to joint US control.",
        source=f"Carney: Canada 'won't be for sale, ever' ({SRC['for_sale']}; MSNBC op-ed); 'protection racket' ({SRC['gd_racket']}); the pairing is judgment",
    ),
]


def emit():
    out = [HEADER]
    for c in COMMITMENTS:
        out.append("\n[[commitments]]")
        out.append(f"id = {q(c['id'])}")
        out.append(f"name = {q(c['name'])}")
        out.append(f"group = {q(c['group'])}")
        if c.get("required"):
            out.append("required = true")
        out.append(f"description = {q(c['desc'])}")
        out.append(f"source = {q(c['source'])}")
        for o in c["options"]:
            out.append("")
            out.append("  [[commitments.options]]")
            out.append(f"  id = {q(o['id'])}")
            out.append(f"  name = {q(o['name'])}")
            if o["start"]:
                out.append(f"  start = [{o['start'][0]}, {o['start'][1]}]")
            out.append(f"  source = {q(o['source'])}")
            use = {}
            if o["fiscal"] is not None:
                use["fiscal"] = o["fiscal"]
            if o["env"] is not None:
                use["defence_envelope"] = o["env"]
            if o["pol"]:
                use["political"] = o["pol"]
            if o["u"]:
                out.append(f"  # US-value points u = {fnum(o['u'])}")
            vals = values(o)
            nonzero = any(abs(x) > 1e-12 for v in vals.values() for x in v)
            const = {s: all(abs(x - vals[s][0]) < 1e-12 for x in vals[s]) for s in SC}
            if nonzero and any(const.values()):
                out.append("  value_per_year = true")
            if use:
                out.append("  [commitments.options.use]")
                for k, v in use.items():
                    out.append(f"  {k} = {flist(v) if isinstance(v, list) else fnum(v)}")
            if nonzero:
                out.append("  [commitments.options.value]")
                for s in SC:
                    v = vals[s]
                    out.append(f"  {s} = {fnum(v[0]) if const[s] else flist(v)}")
    for rel in RELATIONS:
        out.append("\n[[relations]]")
        for k in ("type", "id", "a", "b", "count", "members", "description", "source"):
            if k not in rel:
                continue
            v = rel[k]
            if isinstance(v, list):
                out.append(f"{k} = [{', '.join(q(x) for x in v)}]")
            elif isinstance(v, int):
                out.append(f"{k} = {v}")
            else:
                out.append(f"{k} = {q(v)}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    with open(sys.argv[1], "w") as f:
        f.write(emit())
