"""The report's scenarios section: the value of information (WS, RP, EEV, EVPI, VSS), the
wait-and-see packages and the regret table."""

from __future__ import annotations

from typing import Any

from .. import plots
from ..document import Figure, Paragraph, Section, Table
from ..number_format import fmt, prob
from .common import _finite, _num_text, _unit, _unit_text, attempt
from .odds import voi_blocks


def voi_section(spec, opts: dict) -> Section:
    from ...analysis.package_diff import package_text
    from ...analysis.scenario_tables import changes_from_rp
    from ...analysis.scenarios import value_of_information

    sec = Section("voi", "Scenarios and the value of information")
    v = attempt(sec, "The value of information", lambda: value_of_information(spec, **opts))
    if v is None:
        return sec
    unit = _unit(v.unit)
    better = "WS - RP" if v.sense == "maximize" else "RP - WS"
    vbetter = "RP - EEV" if v.sense == "maximize" else "EEV - RP"
    sec.blocks.append(
        Paragraph(
            f"Knowing which scenario comes true before committing would be worth "
            f"{_num_text(v.evpi)}{_unit_text(v.unit)} (EVPI); planning with the scenarios rather "
            f"than with their average is worth {_num_text(v.vss)}{_unit_text(v.unit)} (VSS)."
        )
    )
    sec.blocks.append(
        Table(
            ["measure", f"value{unit}", "meaning"],
            [
                ["WS", _finite(v.ws), "expected result if the scenario were known before choosing"],
                ["RP", _finite(v.rp), "expected result of the recommended package"],
                [
                    "EEV",
                    _finite(v.eev),
                    "expected result of the package best for the mean scenario",
                ],
                ["EVPI", _finite(v.evpi), f"{better}: what perfect foresight is worth"],
                ["VSS", _finite(v.vss), f"{vbetter}: what planning with the scenarios is worth"],
            ],
            right=(1,),
            caption="Value of information",
            id="voi-summary",
        )
    )
    if v.induced is not None:
        sec.blocks.extend(voi_blocks(v))
    ws_rows = []
    for s, p, w in zip(v.scenarios, v.probabilities, v.wait_and_see, strict=True):
        d = changes_from_rp(v, w, fmt)
        ws_rows.append([s, prob(p), float(v.best[s]), "; ".join(d) or "same as the recommended"])
    sec.blocks.append(
        Table(
            ["scenario", "probability", f"best{unit}", "its best package differs by"],
            ws_rows,
            right=(1, 2),
            caption="Wait-and-see: the best package for each scenario alone",
            id="wait-and-see",
        )
    )
    reg_rows = []
    for pk in v.packages:
        cells: list[Any] = [pk.label, _finite(pk.expected)]
        for s in v.scenarios:
            val, reg = pk.by_scenario[s], pk.regret[s]
            cells.append("infeasible" if val is None else float(val))
            cells.append("-" if reg is None else float(reg))
        cells.append(_finite(pk.max_regret))
        reg_rows.append(cells)
    cols = ["package", "expected"]
    for s in v.scenarios:
        cols += [s, "regret"]
    cols.append("max regret")
    sec.blocks.append(
        Table(
            cols,
            reg_rows,
            right=tuple(range(1, len(cols))),
            caption=(
                f"Regret table{unit}: each package's value in each scenario and its regret "
                "against that scenario's best (RP = recommended, EV = best for the mean "
                "scenario, WS s = best if s were certain)"
            ),
            id="regret",
            emphasis=[True] + [False] * (len(reg_rows) - 1),
        )
    )
    if v.rp_package.chosen or v.ev_package.chosen:
        same = list(v.ev_package.chosen) == list(v.rp_package.chosen)
        ev = "" if same else " EV = " + package_text(v.ev_package.chosen) + "."
        sec.blocks.append(Paragraph(f"Packages: RP = {package_text(v.rp_package.chosen)}.{ev}"))
    if len(v.scenarios) > 1:
        labels = [pk.label for pk in v.packages]
        matrix = [[pk.by_scenario[s] for s in v.scenarios] for pk in v.packages]
        sids = list(v.scenarios)
        vunit = v.unit
        sec.blocks.append(
            Figure(
                "regret-chart",
                "Each package's value in each scenario",
                lambda: plots.package_scenario_chart(labels, sids, matrix, vunit),
                "Grouped bars: for each scenario, the value of the recommended package (RP), "
                "the mean-scenario package (EV) and each scenario's own best package (WS).",
            )
        )
    return sec
