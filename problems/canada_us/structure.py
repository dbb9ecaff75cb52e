"""Resources, relations and the ratchet's value of ``canada-us-2025``: fiscal room, the
defence envelope, political capital by region and for sovereignty optics (a minority
Parliament), the Hague floor and the policy relations."""

from __future__ import annotations

from .common import GDP, SRC, YEARS, npv, r, tri
from .defence import PATHS, THETA

SLACK = (0.002, 0.001, 0.004)  # fiscal room beyond the Hague path, share of GDP (judgment)
FISCAL = {
    t: tri(c + SLACK[0] * GDP[t], c + SLACK[1] * GDP[t], c + SLACK[2] * GDP[t], "fiscal_slack")
    for t, c in zip(YEARS, PATHS["hague_linear"], strict=True)
}


def _pc(rid, cap, low, high, who):
    return dict(
        id=f"pc_{rid}",
        unit="points",
        kind="total",
        capacity=tri(cap, low, high),
        description=f"Political capital with {who} over the package (points 0-10 per option; judgment).",
        source="judgment: a minority Parliament (Budget 2025 passed a confidence vote narrowly); "
        f"scores from {SRC['facts']} B0/B1, split by who bears them; no pool pays for another",
    )


RESOURCES = [
    dict(
        id="fiscal",
        unit="C$B",
        kind="per_year",
        capacity={str(t): v for t, v in FISCAL.items()},
        description="Fiscal room per year above Budget 2025's plan: the endorsed Hague path (PBO "
        "costing) plus 0.2% of GDP (range 0.1-0.4%, about C$7-26B/yr) for everything else.",
        source=f"judgment, anchored on Budget 2025 deficits C$78.3B/65B/58B ({SRC['budget']}) and the "
        f"PBO Hague path ({SRC['pbo_hague']}); GDP path {SRC['facts']} B0",
    ),
    dict(
        id="defence_envelope",
        unit="C$B",
        kind="per_year",
        capacity=0,
        description="Room in new defence money for the named capability lines: the path above 2% "
        "PROVIDES half its cost (negative use); NORAD acceleration, Golden Dome, Arctic work, "
        "submarines and CAF lines USE it. Capability dollars are the path's dollars: they draw no "
        "fiscal room and earn no US credit for their dollars.",
        source=f"{SRC['facts']} B0 (capability items are allocations inside the envelope)",
    ),
    _pc("quebec", 4, 2, 6, "Quebec (Bloc, Liberal Quebec caucus)"),
    _pc("ontario", 4, 2, 6, "Ontario (steel, aluminum and auto unions)"),
    _pc("west", 4, 2, 6, "British Columbia and the West (forestry)"),
    _pc(
        "sovereignty",
        10,
        6,
        14,
        "the national electorate on sovereignty optics ('caving' to Trump)",
    ),
]
HAGUE = [f"defence_path.{o}" for o in ("hague_linear", "hague_front_loaded", "five_core")]
RELATIONS = [
    dict(
        type="at_least",
        id="hague_floor",
        count=1,
        members=HAGUE,
        description="A constraint, not a costed option: Canada endorsed the Hague commitment "
        "(3.5% core by 2035 on annual credible-path plans, NATO review in 2029). "
        "--set relations.hague_floor.count=0 shows what the model would do without it.",
        source=SRC["hague"],
    ),
    dict(
        type="requires",
        id="gd_limited_needs_norad",
        a="golden_dome.limited",
        b="norad.accelerated",
        description="Golden Dome is due by January 2029; the existing plan reaches Arctic OTHR FOC in 2031.",
        source=f"{SRC['gd_price']}; {SRC['norad']}",
    ),
    dict(
        type="requires",
        id="gd_full_needs_norad",
        a="golden_dome.full",
        b="norad.accelerated",
        description="As for limited participation.",
        source=f"{SRC['gd_price']}; {SRC['norad']}",
    ),
    dict(
        type="requires",
        id="c202_barrier",
        a="supply_management.trq_concession",
        b="c202.amend",
        description="C-202 bars the concession until amended.",
        source=SRC["c202"],
    ),
    dict(
        type="at_most",
        id="commons_c202",
        count=0,
        members=["c202.amend"],
        description="Per-option feasibility in a minority Parliament: C-202 passed unanimously; "
        "no party would vote to amend it. --set relations.commons_c202.count=1 lifts it.",
        source=f"{SRC['c202']}; judgment",
    ),
    dict(
        type="excludes",
        id="not_for_sale",
        members=["golden_dome.full", "border.deep_integration"],
        description="Sovereignty red line: not both Trump's price for a US-owned shield and "
        "border data under joint US control.",
        source=f"{SRC['for_sale']}; {SRC['gd_racket']}; the pairing is judgment",
    ),
    dict(
        type="requires",
        id="ratchet_on_hague",
        a="ratchet_offer",
        b="defence_path.hague_linear",
        description="The ratchet accelerates the linear Hague path; it is moot on a faster path.",
        source="model structure",
    ),
]
EXTRA = [a - b for a, b in zip(PATHS["hague_front_loaded"], PATHS["hague_linear"], strict=True)]
EXTRA_NPV = npv(EXTRA)
# The ratchet is paid exactly where tariffs were relieved (status quo ante, new equilibrium) and
# nowhere else: a forced consequence of the offer, not a later decision, so its value, -(1 -
# theta(s)) x NPV of the extra spending, sits in the offer's per-scenario value (first stage;
# 0 in the rupture) and no two-stage response is needed.
RELIEVED = ("status_quo_ante", "new_equilibrium")
RATCHET_VALUE = {
    s: tri(
        r(-(1 - m) * EXTRA_NPV, 2),
        r(-(1 - lo) * EXTRA_NPV, 2),
        r(-(1 - hi) * EXTRA_NPV, 2),
        f"theta_{s}",
    )
    for s, (m, lo, hi) in THETA.items()
    if s in RELIEVED
}
