"""LP duals: the shadow prices of the resource rows in the LP relaxation of the session's
model (HiGHS gives duals; with another solver there are none), beside the LP's objective.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sensitivity_params import resource_rows
from .sensitivity_results import ShadowPrice

if TYPE_CHECKING:
    from .sensitivity_session import Session


def shadow_prices(ses: Session) -> tuple[list[ShadowPrice], float | None]:
    """Row duals of the resource rows in the LP relaxation (HiGHS gives duals)."""
    import solvers
    from solvers import Status

    if "highs" not in solvers.available():
        return [], None
    relaxed = ses.model.relaxed()
    res = solvers.get("highs").solve(relaxed, ses.options)
    if res.status != Status.OPTIMAL or res.duals is None:
        return [], None
    units = {r.id: r.unit for r in ses.spec.resources}
    act = relaxed.A @ res.x
    out = []
    for rid, rows in resource_rows(ses.spec, ses.model).items():
        for i, y in rows:
            out.append(
                ShadowPrice(
                    rid,
                    y,
                    float(ses.model.row_upper[i]),
                    float(act[i]),
                    float(res.duals[i]),
                    units.get(rid, ""),
                )
            )
    return out, res.objective
