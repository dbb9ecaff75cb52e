"""``optimizer sensitivity``: tipping points, what would it take, tornado, LP shadow prices."""

from __future__ import annotations

import math

import click

from ..errors import InputError
from ._options import (
    FiniteFloatRange,
    emit_result,
    handle_errors,
    load_problem,
    output_options,
    problem_options,
    solver_args,
    solver_options,
)

KIND_CHOICES = ("probability", "value", "capacity", "scale", "baseline", "shift")
SECTIONS = ("tipping", "thresholds", "tornado", "shadow")


def parse_fraction(text: str, where: str) -> float:
    """``20%`` or ``0.2`` -> 0.2."""
    t = text.strip()
    try:
        x = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise InputError(
            f"expected a fraction such as 20% or 0.2, got '{text}'", where=where
        ) from None
    if not 0 < x < 1:
        raise InputError(
            f"expected a fraction between 0 and 1 (exclusive), got '{text}'", where=where
        )
    return x


def _end(x: float) -> str:
    from ..report.tables import fmt

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


TRANCHE_HEAD = (
    "Packages are offers: an offer's value at any inputs has its conditional tranches "
    "re-optimised in each scenario ('offer at' columns: the optimal offer above).\n"
)


def sensitivity_tables(rep) -> list:
    from ..report.tables import fmt, table

    vu = f" ({rep.value_unit})" if rep.value_unit else ""
    out: list = [
        f"[bold]Sensitivity of {rep.problem}[/bold]\n"
        f"optimal package: {', '.join(rep.package) or '(nothing)'}\n"
        f"expected value{vu}: {fmt(rep.expected, 6)}   solver: {rep.solver}   "
        f"re-solves: {rep.solves}   time: {rep.time_s:.2f} s\n"
        + (TRANCHE_HEAD if rep.offers else "")
        + "Probabilities: breakpoints exact (line intersection, each checked by a re-solve). "
        "Values: exact (one line per class of packages; a profile's value is a multiplier, x).\n"
        "Capacities: 'from' exact (the package's own use); 'to' located to a relative "
        f"tolerance of {rep.tolerance:g} (the +/- column, in the input's unit): it is the "
        "capacity at which the package taking over fits, the breakpoint lies within +/- below."
    ]
    if rep.tipping:
        order = {"probability": 0, "shift": 1, "baseline": 2, "capacity": 3, "scale": 4, "value": 5}
        tips = sorted(
            rep.tipping,
            key=lambda t: (order.get(t.kind, 9), _margin(t) if t.kind == "value" else 0),
        )
        rows = []
        for t in tips:
            unit = f" {t.unit}" if t.unit and t.unit != "x" else (" x" if t.unit == "x" else "")
            rows.append(
                [
                    t.parameter,
                    fmt(t.base, 6) + unit,
                    _end(t.lower),
                    _end(t.upper),
                    "exact" if t.exact else fmt(t.tolerance, 3),
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
                    t.option,
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
            rows.append([r.input, lo, hi, vl, vh, *offer, sw, changed or "-"])
        out.append(
            table(
                f"Tornado: optimal expected value{vu} with each input at -/+{rep.tornado_range:.0%} "
                "(re-optimised; probabilities: others rescaled; values and capacities: × base)",
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


@click.command(name="sensitivity")
@problem_options
@solver_options
@click.option(
    "--tolerance",
    type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
    default=1e-4,
    show_default=True,
    help="Relative tolerance to which capacity breakpoints are located.",
)
@click.option(
    "--range",
    "range_",
    default="20%",
    show_default=True,
    help="Tornado: move each input to base x (1 -/+ RANGE).",
)
@click.option(
    "--only",
    default=",".join(KIND_CHOICES),
    show_default=True,
    help="Tipping points for these inputs only (comma-separated).",
)
@click.option(
    "--sections",
    default=",".join(SECTIONS),
    show_default=True,
    help="What to compute (comma-separated).",
)
@output_options("table", "json")
@handle_errors
def command(
    tolerance,
    range_,
    only,
    sections,
    fmt,
    output,
):
    """Tipping points of PROBLEM's optimal package, found by re-solving (valid for the
    integer problem).

    For each scenario probability (the others rescaled in proportion), each option's value in
    each scenario, and each resource's capacity (each year, and all years scaled): the
    interval over which the optimal package stays the same and the package that takes over
    at each end. Also: the change in each option's value that would bring it in or drop it,
    a tornado table sorted by swing, and the LP relaxation's shadow prices of the resource
    rows (labelled as such: they are not prices for the integer problem).

    With [[shifts]] (the package moves the odds) also each shift's amount and each scenario's
    baseline: e.g. how large the shift of an option must be for it to enter. Probabilities
    are then the base ones, before the shifts; packages are valued at the odds they induce.

    \b
    Examples:
      optimizer sensitivity canada-us-2025
      optimizer sensitivity canada-us-2025 --only probability,capacity --range 10%
      optimizer sensitivity small_example.toml --format json -o sens.json
    """
    from ..analysis.sensitivity import sensitivity

    kinds = _choices(only, KIND_CHOICES, "--only")
    secs = _choices(sections, SECTIONS, "--sections")
    rel = parse_fraction(range_, "--range")
    spec = load_problem()
    rep = sensitivity(
        spec,
        **solver_args(),
        tolerance=tolerance,
        tornado_range=rel,
        kinds=kinds,
        sections=secs,
    )
    emit_result(rep, sensitivity_tables, fmt, output, width=140)


def _choices(text: str, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    from ..errors import did_you_mean

    out = tuple(x.strip() for x in text.split(",") if x.strip())
    for x in out:
        if x not in allowed:
            raise InputError(f"unknown choice '{x}'{did_you_mean(x, allowed)}", where=where)
    return out
