"""The tables of ``optimizer frontier``: expected value by capacity, breakpoints, Pareto
fronts."""

from __future__ import annotations


def _caps(caps, limit: int = 3) -> str:
    from .tables import fmt

    parts = [f"{fmt(c, 4)}" if y is None else f"{y}: {fmt(c, 4)}" for y, c in caps]
    if len(parts) > limit:
        parts = [*parts[:limit], "..."]
    return ", ".join(parts)


def frontier_tables(fr) -> list:
    from ..analysis.frontier_types import NOT_PROVEN
    from .tables import table

    vu = f" ({fr.value_unit})" if fr.value_unit else ""
    unit = f" {fr.unit}" if fr.unit else ""
    out: list = [
        f"[bold]Frontier of {fr.problem}: expected value against {fr.resource}[/bold]\n"
        f"base capacity{unit}: {_caps(fr.base_capacity, 12)}\n"
        f"scaled by {fr.range[0]:g} .. {fr.range[1]:g}; "
        + (
            "each breakpoint is the exact factor at which the entering package fits (nothing "
            f"missed wider than {fr.tolerance:.2g})\n"
            if fr.proven
            else f"{NOT_PROVEN}\n"
        )
        + f"solver: {fr.solver}   re-solves: {fr.solves}   time: {fr.time_s:.2f} s"
    ]
    rows = []
    prev = None
    for p in fr.points:
        if p.package is None:
            change = "infeasible"
        elif prev is None or prev == p.package:
            change = "-" if prev is not None else f"{len(p.package)} chosen"
        else:
            enter = [f"+{x}" for x in p.package if x not in prev]
            leave = [f"-{x}" for x in prev if x not in p.package]
            change = " ".join(enter + leave)
        rows.append([float(p.scale), p.expected, change])
        prev = p.package
    out.append(
        table(
            f"Expected value{vu} by capacity of {fr.resource} (x base)",
            ["scale", "expected value", "package change since the previous row"],
            rows,
            right=(0, 1),
        )
    )
    if fr.breakpoints:
        rows = [
            [
                float(b.scale),
                _caps(b.capacity),
                b.expected_below,
                b.expected_above,
                " ".join(f"+{x}" for x in b.change.enter) or "-",
                " ".join(f"-{x}" for x in b.change.leave) or "-",
            ]
            for b in fr.breakpoints
        ]
        out.append(
            table(
                "Breakpoints: where the optimal package changes",
                ["scale", f"capacity{unit}", "value below", "value above", "enter", "leave"],
                rows,
                right=(0, 2, 3),
            )
        )
    for front in (fr.use_front, fr.cvar_front):
        if front is None:
            continue
        u = f" ({front.unit})" if front.unit else ""
        rows = [[p.measure, p.expected, str(p.change)] for p in front.points]
        better = "lower" if front.measure.startswith("total") else "higher"
        out.append(
            table(
                f"Pareto front: expected value{vu} vs {front.measure}{u} ({better} is better); "
                f"{'complete' if front.complete else 'stopped at --max-points'}, "
                f"{front.solves} solves",
                [front.measure, "expected value", "package vs the best expected value"],
                rows,
                right=(0, 1),
            )
        )
    for n in fr.notes:
        out.append(f"note: {n}")
    return out
