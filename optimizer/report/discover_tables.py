"""The tables of ``optimizer discover``: the boxes PRIM found and box 1's peeling trajectory."""

from __future__ import annotations

TRAJECTORY_ROWS = 30


def discover_tables(d) -> list:
    from ..analysis.discovery import FAILING
    from .discovery import box_rows
    from .tables import table

    vu = f" {d.value_unit}" if d.value_unit else ""
    out: list = [
        f"[bold]Scenario discovery: {d.title or d.problem}[/bold]\n"
        f"draws: {d.used} used of {d.draws} (seed {d.seed}); threshold {d.threshold:g}{vu}; "
        f"failing: {d.failing} ({d.failing_infeasible} infeasible)\n{FAILING}\n{d.statement()}"
    ]
    for cap, cols, rows in box_rows(d):
        out.append(table(cap, cols, rows, right=(2,)))
    if d.prim.boxes:
        b = d.prim.boxes[0]
        rows = [
            [
                str(k),
                f"{s.coverage:.3f}",
                f"{s.density:.3f}",
                f"{s.support:.3f}",
                str(s.points),
                "<- picked" if k == b.step else "",
            ]
            for k, s in enumerate(b.trajectory)
        ]
        shown = rows if len(rows) <= TRAJECTORY_ROWS else rows[:: -(-len(rows) // TRAJECTORY_ROWS)]
        if b.step < len(rows) and rows[b.step] not in shown:
            shown = sorted([*shown, rows[b.step]], key=lambda r: int(r[0]))
        out.append(
            table(
                "Peeling trajectory of box 1 (pick another step with --step)",
                ["step", "coverage", "density", "support", "draws", ""],
                shown,
                right=(0, 1, 2, 3, 4),
            )
        )
    return out
