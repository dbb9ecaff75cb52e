"""The tables of ``optimizer scenarios``: WS, RP, EEV, EVPI, VSS and the regret table."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .package_diff import differences, package_text
from .scenarios import OFFERS_TEXT, PackageResult, ValueOfInformation


def changes_from_rp(
    v: ValueOfInformation, pk: PackageResult, number: Callable[[float], str] = "{:.6g}".format
) -> list[str]:
    """How package ``pk`` differs from the RP package: the choices that differ (commitments in
    the order RP, then the other packages, name them), then each stage-1 response that does."""
    order = [c.commitment for c in v.rp_package.chosen]
    order += [c.commitment for w in v.packages for c in w.chosen if c.commitment not in order]
    d = differences(v.rp_package.chosen, pk.chosen, order)
    base = v.rp_package.responses
    for rid in sorted(set(base) | set(pk.responses)):
        a, b = base.get(rid, 0.0), pk.responses.get(rid, 0.0)
        if abs(a - b) > 1e-9 * max(1.0, abs(a)):
            d.append(f"{rid}: {number(a)} -> {number(b)}")
    return d


def voi_tables(v: ValueOfInformation) -> list[Any]:
    """Rich renderables for ``optimizer scenarios``."""
    from ..report.tables import fmt as _fmt
    from ..report.tables import table

    def fmt(x):
        if isinstance(x, float) and math.isinf(x):
            return "-inf" if x < 0 else "inf"
        return _fmt(x)

    unit = f" ({v.unit})" if v.unit else ""
    better = "higher" if v.sense == "maximize" else "lower"
    head = (
        f"[bold]Value of information: {v.problem}[/bold]   sense: {v.sense} "
        f"({better} is better)   solver: {v.solver}"
    )
    sign = "WS - RP" if v.sense == "maximize" else "RP - WS"
    vsign = "RP - EEV" if v.sense == "maximize" else "EEV - RP"
    summary = table(
        f"Summary{unit}",
        ["measure", "value", "meaning"],
        [
            ["WS", fmt(v.ws), "expected result if the scenario were known before choosing"],
            ["RP", fmt(v.rp), "expected result of the best package chosen now (expected value)"],
            ["EEV", fmt(v.eev), "expected result of the package best for the mean scenario"],
            ["EVPI", fmt(v.evpi), f"{sign}: what perfect foresight is worth"],
            ["VSS", fmt(v.vss), f"{vsign}: what planning with the scenarios is worth"],
        ],
        right=(1,),
    )

    def versus_rp(pk: PackageResult) -> str:
        d = changes_from_rp(v, pk)
        return "same as RP" if not d else "; ".join(d)

    def whole(pk: PackageResult) -> str:
        parts = [] if not pk.chosen and pk.responses else [package_text(pk.chosen)]
        parts += [f"{rid} = {x:.6g}" for rid, x in pk.responses.items()]
        return ", ".join(parts)

    moved = v.induced is not None
    ws_rows = [
        [s, p, *([q] if moved else []), fmt(v.best[s]), versus_rp(w)]
        for s, p, q, w in zip(
            v.scenarios, v.probabilities, v.induced or v.probabilities, v.wait_and_see, strict=True
        )
    ]
    ws_table = table(
        f"Wait-and-see: the best package for each scenario alone{unit}",
        [
            "scenario",
            "probability",
            *(["at RP's odds"] if moved else []),
            "best",
            "how it differs from RP",
        ],
        ws_rows,
        right=(1, 2, 3) if moved else (1, 2),
    )
    pk_table = table(
        "Packages",
        ["package", "chosen"],
        [
            ["RP", whole(v.rp_package)],
            ["EV", versus_rp(v.ev_package)],
        ],
    )
    reg_rows = []
    for pk in v.packages:
        reg_rows.append(
            [
                pk.label,
                fmt(pk.expected),
                *[
                    "infeasible"
                    if pk.by_scenario[s] is None
                    else f"{fmt(pk.by_scenario[s])} ({fmt(pk.regret[s])})"
                    for s in v.scenarios
                ],
                fmt(pk.max_regret),
            ]
        )
    reg_table = table(
        f"Value in each scenario (regret against that scenario's best){unit}",
        ["package", "expected", *v.scenarios, "max regret"],
        reg_rows,
        right=tuple(range(1, len(v.scenarios) + 3)),
    )
    out = [head, summary, ws_table, pk_table, reg_table]
    if moved:
        out.insert(
            2,
            "The package moves the odds: each package's expected value uses the probabilities "
            "it induces; the scenario is revealed with the odds the RP package induces, so WS "
            "and EVPI are at those odds; the EV package is the mean scenario's at the base odds.",
        )
    if v.offers:
        out.insert(2, OFFERS_TEXT)
    return out
