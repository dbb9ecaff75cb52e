"""The report's "Value by scenario" section: what the recommended package is worth in each
scenario (under ``[[shifts]]``, ``odds.scenario_values``)."""

from __future__ import annotations

from ..document import Section, Table
from ..number_format import prob
from .common import _unit, scenario_values_figure
from .odds import scenario_values


def scenario_values_section(spec, sol) -> Section:
    if sol.probabilities:  # the package moves the odds
        return scenario_values(spec, sol)
    sec = Section("scenarios-value", "Value by scenario")
    unit = spec.value_unit
    ids = [s.id for s in spec.scenarios]
    probs = [s.probability for s in spec.scenarios]
    vals = [float(sol.by_scenario[s]) for s in ids]
    rows = [
        [s.id, prob(s.probability), float(sol.by_scenario[s.id]), s.description]
        for s in spec.scenarios
    ]
    rows.append(["expected", prob(1.0), float(sol.expected), "probability-weighted"])
    sec.blocks.append(
        Table(
            ["scenario", "probability", f"value{_unit(unit)}", "description"],
            rows,
            right=(1, 2),
            caption="What the recommended package is worth in each scenario",
            id="scenario-values",
            emphasis=[False] * len(spec.scenarios) + [True],
        )
    )
    if len(ids) > 1:
        expected = float(sol.expected)
        alt = "Bars: the package's value in each scenario; dashed line: the expected value."
        sec.blocks.append(scenario_values_figure(ids, probs, vals, expected, unit, alt))
    return sec
