"""The tables of ``optimizer sensitivity``: tipping points, what would it take, tornado and
LP shadow prices."""

from __future__ import annotations

import math


def _end(x: float) -> str:
    from .tables import fmt

    if math.isinf(x):
        return "no limit"
    return fmt(float(x), 6)


def _taker(change, infeasible: bool = False) -> str:
    if infeasible:
        return "infeasible"
    return "-" if change is None else str(change)


def _margin(t) -> float:
    """Distance from the base to the nearest tipping point, relative to the base."""
    d = [abs(t.base - e) for e, c in ((t.lower, t.below), (t.upper, t.above)) if c is not None]
    if not d:
        return math.inf
    return min(d) / max(abs(t.base), 1e-12)


def _name(name: str, item) -> str:
    """An item's name, marked when it is not proven (``analysis.proven``)."""
    from ..analysis.proven import MARK

    return name if getattr(item, "proven", True) else name + MARK


def _unproven_head(rep) -> str:
    """The header's line on the items not proven, if any: the claims above skip them."""
    n = rep.unproven() if hasattr(rep, "unproven") else 0
    if not n:
        return ""
    from ..analysis.proven import MARK, NOTE

    return f"\n{n} item(s) marked{MARK} are neither exact nor proven ({NOTE})."


TRANCHE_HEAD = (
    "Packages are offers: an offer's value at any inputs has its conditional tranches "
    "re-optimised in each scenario ('offer at' columns: the optimal offer above).\n"
)


def sensitivity_tables(rep) -> list:
    from .tables import fmt, table

    vu = f" ({rep.value_unit})" if rep.value_unit else ""
    out: list = [
        f"[bold]Sensitivity of {rep.problem}[/bold]\n"
        + (
            "optimal package: "
            if rep.status == "optimal"
            else f"best package found, NOT proven optimal (status {rep.status}): "
        )
        + f"{', '.join(rep.package) or '(nothing)'}\n"
        f"expected value{vu}: {fmt(rep.expected, 6)}   solver: {rep.solver}   "
        f"re-solves: {rep.solves}   time: {rep.time_s:.2f} s\n"
        + (TRANCHE_HEAD if rep.offers else "")
        + "Probabilities: breakpoints exact (line intersection, each checked by a re-solve). "
        "Values: exact (one line per class of packages; a profile's value is a multiplier of "
        "the profile, × base).\n"
        "Capacities: 'from' exact (the package's own use); 'to' located to a relative "
        f"tolerance of {rep.tolerance:g} (the +/- column, in the input's unit): it is the "
        "capacity at which the package taking over fits, the breakpoint lies within +/- below."
        + _unproven_head(rep)
    ]
    if rep.tipping:
        order = {"probability": 0, "shift": 1, "baseline": 2, "capacity": 3, "scale": 4, "value": 5}
        tips = sorted(
            rep.tipping,
            key=lambda t: (order.get(t.kind, 9), _margin(t) if t.kind == "value" else 0),
        )
        rows = []
        for t in tips:
            unit = " × base" if t.unit == "x" else (f" {t.unit}" if t.unit else "")
            rows.append(
                [
                    _name(t.parameter, t),
                    fmt(t.base, 6) + unit,
                    _end(t.lower),
                    _end(t.upper),
                    "exact" if t.exact else fmt(t.tolerance, 3) if t.proven else "not proven",
                    _taker(t.below, t.below_infeasible),
                    _taker(t.above),
                ]
            )
        out.append(
            table(
                "Tipping points: the optimal package stays the same from .. to",
                ["input", "base", "from", "to", "+/-", "below 'from', takes over", "above 'to'"],
                rows,
                right=(1, 2, 3, 4),
            )
        )
    if rep.thresholds:
        not_chosen = sorted(
            (t for t in rep.thresholds if not t.chosen),
            key=lambda t: (t.change is None, abs(t.change or 0)),
        )
        chosen = sorted(
            (t for t in rep.thresholds if t.chosen),
            key=lambda t: (t.change is None, abs(t.change or 0)),
        )
        rows = []
        for t in [*chosen, *not_chosen]:
            if t.change is None:
                need = "never (the constraints decide)"
            else:
                need = f"{t.change:+.6g}" + (f" {t.basis}" if t.basis else "")
            rows.append(
                [
                    _name(t.option, t),
                    "yes" if t.chosen else "no",
                    need,
                    "-" if t.package is None else str(t.package),
                ]
            )
        out.append(
            table(
                f"What would it take: change in an option's value{vu}, the same in every scenario "
                "(so also in expectation), that drops it (chosen) or brings it in (not chosen)",
                ["option", "chosen", "change needed", "package then"],
                rows,
            )
        )
    if rep.tornado:
        rows = []
        for r in rep.tornado:
            lo = float(r.low)
            hi = float(r.high)
            changed = ", ".join(
                s for s, c in (("low", r.changes_low), ("high", r.changes_high)) if c is not None
            )
            if r.factor:  # a multiplier of the input's base, said so in the cell
                lo, hi = f"{lo:.2f} × base", f"{hi:.2f} × base"
            vl, vh, sw = r.value_low, r.value_high, r.swing
            if math.isnan(vl) or math.isnan(vh):  # no package fits at that setting
                vl, vh = ("infeasible" if math.isnan(v) else v for v in (vl, vh))
                sw = "-"
            offer = [r.offer_low, r.offer_high] if rep.offers else []
            rows.append([_name(r.input, r), lo, hi, vl, vh, *offer, sw, changed or "-"])
        out.append(
            table(
                f"Tornado: optimal expected value{vu} with each input at -/+{rep.tornado_range:.0%} "
                "(re-optimised; probabilities: others rescaled; values and capacities: × base; a value "
                "profile: all its years and scenarios × base together)",
                [
                    "input",
                    "low",
                    "high",
                    "value at low",
                    "value at high",
                    *(["offer at low", "offer at high"] if rep.offers else []),
                    "swing",
                    "package changes at",
                ],
                rows,
                right=tuple(range(1, 8 if rep.offers else 6)),
            )
        )
    if rep.shadow_prices:
        rows = [
            [
                s.resource,
                "total" if s.year is None else str(s.year),
                s.capacity,
                s.used,
                s.price,
            ]
            for s in rep.shadow_prices
        ]
        title = (
            "LP-relaxation shadow prices (integrality dropped: NOT values for the integer "
            f"problem; LP optimum {fmt(rep.lp_objective, 6)} vs integer {fmt(rep.expected, 6)})"
        )
        out.append(
            table(
                title,
                ["resource", "year", "capacity", "LP use", "LP shadow price"],
                rows,
                right=(2, 3, 4),
            )
        )
        top = sorted(
            (s for s in rep.shadow_prices if abs(s.price) > 1e-9), key=lambda s: -abs(s.price)
        )
        if top:
            out.append("\n".join(s.sentence(rep.value_unit, rep.sense) for s in top[:5]))
    for n in rep.notes:
        out.append(f"note: {n}")
    for w in rep.warnings:
        out.append(f"warning: {w}")
    return out
