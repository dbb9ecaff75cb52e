"""Shared inputs of the ``canada-us-2025`` derivation: the GDP path, discounting, the two
credibility judgments, the source list and the helpers that write judgments as distributions."""

from __future__ import annotations

YEARS = list(range(2026, 2036))
# Nominal GDP, C$B, FY starting in the year: C$3,135B in FY2025-26 (C$62.7B = 2%), growing
# about 3.78%/yr to the PBO's C$4,543B in FY2035-36 (C$159B = 3.5%); canada_us_facts.md B0.
GDP = dict(zip(YEARS, [3253, 3376, 3504, 3636, 3774, 3916, 4064, 4218, 4377, 4543], strict=True))
RATE = 0.035
DISC = {t: (1 + RATE) ** -(t - YEARS[0]) for t in YEARS}
GDP_NPV = sum(GDP[t] * DISC[t] for t in YEARS)

SCEN = ("status_quo_ante", "new_equilibrium", "coercive_rupture")
SHORT = {"status_quo_ante": "SQA", "new_equilibrium": "NE", "coercive_rupture": "R"}

# How far a US promise can be trusted (judgment): the share of the response the administration's
# word would deliver that is expected to hold. For the package's effect on the odds (a general
# "win"): 0.5 (a coin flip: the 2025 record has as many reversals as kept undertakings), range
# 0.3-0.65, one triangular draw shared by every credited shift. The top end is where the
# largest package the relations allow (0.18 raw points out of a 0.12 rupture, i.e. 1.5 times
# the rupture probability) would remove all of it: shifts are shares of the rupture's
# probability (proportional, as the brief's B3 logit rule), so no draw can remove more than
# there is.
CRED_ODDS = 0.5
CRED_ODDS_RANGE = (0.3, 0.65)
CRED_DEAL = 0.7  # for a signed sectoral deal (quota, managed trade); range 0.4-0.9

SRC = {
    "juneau": "Juneau op-ed, Breaking Defense, May 2025 (copy: https://feedquik.com/canada-must-seek-a-new-equilibrium-with-the-us-and-defense-could-be-key ; no primary copy reachable)",
    "msnbc": "MSNBC op-ed, May 2025, slug rcna205860 (only a mirror was reachable: http://bag.org.tw/demo/tr/index.php?news=opinion%2Fmsnbc-opinion%2Fcanada-prime-minister-mark-carney-trump-meeting-rcna205860)",
    "pbo_hague": "PBO, 2026-02-05: https://www.pbo-dpb.ca/en/news-releases--communiques-de-presse/meeting-natos-5-target-would-require-159-billion-in-core-defence-spending-by-2035-says-pbo-lobjectif-de-5-fixe-par-lotan-necessiterait-159-milliards-de-dollars-en-depenses-militaires-de-base-dici-2035-selon-le-dpb",
    "budget": "Budget 2025, 2025-11-04: https://www.budget.canada.ca/2025/report-rapport/overview-apercu-en.html ; https://budget.canada.ca/2025/report-rapport/anx1-en.html",
    "budget_def": "Budget 2025 defence (C$81.8B over 5 years and its split): https://search.open.canada.ca/qpnotes/record/dnd-mdn%2CDND-2026-QP-00004 (DND question-period note; summary https://www.nortonrosefulbright.com/en-ca/knowledge/publications/d5189c9a/canada-s-new-defence-policy)",
    "two_pct": "2% in FY2025-26, announced 2025-06-09 (CP: https://www.am800cklw.com/news/carney-vows-canada-will-meet-2-nato-spending-pledge-this-year.html ; Globe figures C$62.7B = 2%: https://republicofmining.com/2025/06/10/carney-lays-out-defence-boost-says-era-of-u-s-dominance-over-by-steven-chase-and-jeff-gray-globe-and-mail-june-10-2025/)",
    "hague": "NATO, The Hague Summit Declaration, 2025-06-25, para. 3: 3.5% core by 2035 on annual credible paths, review in 2029 (reproduced: https://www.vancouverisawesome.com/national-news/from-railways-to-minerals-seven-takeaways-from-canadas-new-nato-spending-pledge-10864178 ; no primary copy retrieved)",
    "boc": "Bank of Canada MPR 2025-10-29: https://www.bankofcanada.ca/publications/mpr/mpr-2025-10-29/overview ; MPR 2025-01-29 In Focus: https://www.bankofcanada.ca/publications/mpr/mpr-2025-01-29/in-focus-1/",
    "bmo": "BMO, Oct 2025 (-1.5% base, -5% worst case): https://bci24news.com/2025/10/bmo-sees-long-term-economic-damage-even-from-optimistic-tariff-scenario",
    "tombe": "Canadian Chamber of Commerce / Tombe, Nov 2024 (-2.6% of GDP): https://www.finanznachrichten.de/nachrichten-2024-11/63943339-canadian-chamber-of-commerce-trump-s-25-tariff-threat-new-analysis-reveals-severe-economic-fallout-for-both-canada-and-the-u-s-296.htm",
    "norad": "https://www.canada.ca/en/department-national-defence/services/operations/allies-partners/norad/norad-modernization-project-timelines.html",
    "gd_price": "Golden Dome, US$61B price for Canada (2025-05-27): https://www.stripes.com/theaters/us/2025-05-27/us-golden-dome-system-canada-17931851.html",
    "gd_racket": "https://www.cp24.com/news/canada/2025/05/28/defence-minister-says-cost-of-trumps-proposed-missile-defence-project-still-unknown-2/",
    "subs": "Canadian Patrol Submarine Project, C$60B for 12 (Navy 2023): https://www.defense-aerospace.com/canadian-navy-lobbying-for-c60-billion-acquisition-of-12-submarines/",
    "csc": "CSC cost growth C$26B to C$77-80B: https://openparliament.ca/committees/government-operations/44-1/12/peter-kasurak-14/only",
    "othr": "Arctic OTHR with Australia, C$6B+ (2025-03-18): https://www.thenewdaily.com.au/news/national/2025/03/19/canada-australian-radar",
    "icebreakers": "https://newswire.ca/news-releases/government-of-canada-awards-contract-to-seaspan-s-vancouver-shipyards-for-construction-of-new-polar-icebreaker-808518715.html",
    "caf_pay": "CAF pay, about C$2B/yr (2025-08-08): https://www.cjme.com/2025/08/08/carney-announces-20-increase-in-military-starting-pay",
    "border": "Border plan C$1.3B/6 yrs (2024-12-17): https://www.newswire.ca/news-releases/government-of-canada-announces-its-plan-to-strengthen-border-security-and-our-immigration-system-813831139.html",
    "humint": "Juneau, Carvin, Rigby: https://stephaniecarvin.substack.com/p/a-canadian-foreign-human-intelligence",
    "counter": "Counter-tariffs kept on steel, aluminum, autos (Aug 2025): https://preview.deepnewz.com/canada/canada-lifts-most-retaliatory-tariffs-on-u-s-goods-keeps-metals-levies-65086b82",
    "softwood": "https://www.international.gc.ca/controls-controles/softwood-bois_oeuvre/recent.aspx?lang=eng",
    "c202": "Bill C-202, Royal Assent 2025-06-26, passed unanimously: https://en.wikipedia.org/wiki/Bill_C-202,_an_act_to_protect_Canadian_supply_management_in_trade_negotiations",
    "donut": "Doughnut strategy: https://rolandparis.com/single-post/2018/10/06/canadas-doughnut-strategy-npr ; Oct 2025 backfire: https://principlecivics.com/topics/trump-terminates-canada-trade-talks-oct-2025",
    "for_sale": "Carney, 2025-05-06: 'won't be for sale, ever' (https://www.usfashionindustry.com/news/carney-visits-dc)",
    "facts": "canada_us_facts.md (research brief for this model)",
}


def r(x: float, d: int = 3) -> float:
    return round(x + 0.0, d)


def tri(mode: float, low: float, high: float, group: str | None = None) -> dict:
    """A judgment as a triangular distribution (its point value is ``mode``)."""
    lo, md, hi = sorted((r(low), r(mode), r(high)))
    md = r(mode)
    d = {"dist": "triangular", "low": min(lo, md), "mode": md, "high": max(hi, md)}
    if group:
        d["group"] = group
    return d


def scaled(xs: list[float], mode: float, low: float, high: float, group: str) -> list:
    """Profile ``xs`` times a judged factor: one comonotonic draw over every entry (``group``)."""
    return [tri(x * mode, x * low, x * high, group) if abs(x) > 1e-12 else 0.0 for x in xs]


def linear_to(extra_share: float, reach: int) -> list[float]:
    """Spending above 2% of GDP rising linearly from 0 in 2025 to ``extra_share`` in ``reach``,
    then held, in C$B per year (canada_us_facts.md B1 D1)."""
    return [r(extra_share * min(1.0, (t - 2025) / (reach - 2025)) * GDP[t], 2) for t in YEARS]


def npv(xs: list[float], start: int = 2026) -> float:
    return sum(x * DISC[start + k] for k, x in enumerate(xs) if start + k <= YEARS[-1])
